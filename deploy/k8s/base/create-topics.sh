#!/bin/sh
# Creates the IAS topics and their dead-letter topics, and enforces their retention.
# Used by docker-compose.yml (service `topics`) and by the Kubernetes Job `ias-topics`, both
# with the official apache/kafka image. Idempotent: run it again at any time.
#
#   KAFKA_BOOTSTRAP       bootstrap servers (host:port[,host:port])        required
#   PARTITIONS            partitions of every topic; keep it equal to IAS_KAFKA_TOPIC_PARTITIONS
#                         and never below the most replicas a consumer Deployment may have   (6)
#   REPLICATION_FACTOR    replicas of every partition (1 on a single broker)                  (3)
#   MIN_INSYNC_REPLICAS   acknowledged replicas an idempotent producer waits for              (2)
#   KAFKA_BIN             where the Kafka command-line tools are             (/opt/kafka/bin)
#   KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_ADMIN_USER, KAFKA_ADMIN_PASSWORD_FILE,
#   KAFKA_CA_FILE         how to connect as the admin user: kafka-admin-client.sh (next to this)
#
# Retention: the case-event topics are what the dossier rebuild and a replay read again, so they
# keep every event (retention.ms=-1, retention.bytes=-1); the personal data in them is sealed with
# a key per case, which erasure destroys (README, "Personal data in events"). The key topic
# ias.intake.case-keys.v1 is compacted (cleanup.policy=compact): of each case only its last record
# stays, after the erasure the destruction, so the wrapped key is gone from it too; segments roll
# daily and max.compaction.lag.ms bounds how long an overwritten key may wait for the cleaner (7
# days). The outbound partner topics carry the name and birth date a partner needs to identify
# the person; the partner keeps its own copy, so they are kept for the partner-messages rule, the
# inbound ones (identifiers only) without limit. The dead-letter topics keep a message for the
# dead-letters rule and the audit topic for the audit-trail rule of
# Shared/ServiceKit/retention-rules.json (the audit trail itself is coordination's table);
# deploy/checks (retention-topics) holds the numbers below to that file. A topic that a service
# created before this ran got the broker's default retention: it is corrected here.
set -eu

BOOTSTRAP="${KAFKA_BOOTSTRAP:?KAFKA_BOOTSTRAP is not set}"
PARTITIONS="${PARTITIONS:-6}"
REPLICATION_FACTOR="${REPLICATION_FACTOR:-3}"
MIN_INSYNC_REPLICAS="${MIN_INSYNC_REPLICAS:-2}"
BIN="${KAFKA_BIN:-/opt/kafka/bin}"

# shellcheck source-path=SCRIPTDIR source=kafka-admin-client.sh
. "$(dirname "$0")/kafka-admin-client.sh"
write_kafka_client_config
trap remove_kafka_client_config EXIT

EVENT_TOPICS="ias.intake.v1 ias.intake.case-keys.v1 ias.assessment.v1 ias.plan.v1 ias.costs.v1 ias.coordination.v1 ias.audit.v1 iiz.partner.rav.outbound.v1 iiz.partner.rav.inbound.v1 iiz.partner.bks.outbound.v1 iiz.partner.bks.inbound.v1"
# dead-letters: P30D; audit-trail: P2Y (730 days); partner-messages: P90D. In milliseconds.
DEAD_LETTER_RETENTION_MS=2592000000
AUDIT_RETENTION_MS=63072000000
PARTNER_OUTBOUND_RETENTION_MS=7776000000
# The key topic: a segment a day, compacted at the latest 7 days after a key was overwritten.
KEY_SEGMENT_MS=86400000
KEY_MAX_COMPACTION_LAG_MS=604800000

# The retention.ms of a topic: see "Retention" above.
retention_ms() {
  case "$1" in
    *.dlq) echo "$DEAD_LETTER_RETENTION_MS" ;;
    ias.audit.v1) echo "$AUDIT_RETENTION_MS" ;;
    iiz.partner.*.outbound.v1) echo "$PARTNER_OUTBOUND_RETENTION_MS" ;;
    *) echo "-1" ;;
  esac
}

# The cleanup settings of a topic: compaction for the key topic, deletion by time for the others.
cleanup_config() {
  case "$1" in
    ias.intake.case-keys.v1) echo "cleanup.policy=compact,segment.ms=${KEY_SEGMENT_MS},max.compaction.lag.ms=${KEY_MAX_COMPACTION_LAG_MS}" ;;
    *) echo "cleanup.policy=delete" ;;
  esac
}

log() { printf 'create-topics: %s\n' "$*" >&2; }

attempt=0
until existing="$("$BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$KAFKA_CLIENT_CONFIG" --list 2>/dev/null)"; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    log "the brokers at $BOOTSTRAP do not answer"
    exit 1
  fi
  sleep 2
done

failed=0
for event_topic in $EVENT_TOPICS; do
  for topic in "$event_topic" "$event_topic.dlq"; do
    keep="$(retention_ms "$topic")"
    cleanup="$(cleanup_config "$topic")"
    settings="retention.ms=${keep},retention.bytes=-1,${cleanup},min.insync.replicas=${MIN_INSYNC_REPLICAS}"
    if printf '%s\n' "$existing" | grep -qx "$topic"; then
      "$BIN/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$KAFKA_CLIENT_CONFIG" --alter --entity-type topics \
        --entity-name "$topic" --add-config "$settings" >/dev/null || failed=1
      log "$topic exists; retention enforced ($settings)"
    else
      # kafka-topics.sh takes one --config per setting.
      set --
      for setting in $(printf '%s' "$settings" | tr ',' ' '); do set -- "$@" --config "$setting"; done
      "$BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$KAFKA_CLIENT_CONFIG" --create --if-not-exists --topic "$topic" \
        --partitions "$PARTITIONS" --replication-factor "$REPLICATION_FACTOR" "$@" >/dev/null || failed=1
      log "$topic created: $PARTITIONS partitions, $REPLICATION_FACTOR replicas, $settings"
    fi
  done
done

# One description of everything: report topics whose partition count differs.
"$BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$KAFKA_CLIENT_CONFIG" --describe 2>/dev/null \
  | sed -n 's/^Topic: *\([^[:space:]]*\).*PartitionCount: *\([0-9]*\).*/\1 \2/p' \
  | while read -r topic count; do
      case " $EVENT_TOPICS " in
        *" ${topic%.dlq} "*)
          if [ "$count" != "$PARTITIONS" ]; then
            log "warning: $topic has $count partitions, not $PARTITIONS (deploy/README.md, Scaling)"
          fi ;;
      esac
    done

if [ "$failed" -ne 0 ]; then
  log "some topics could not be created or configured"
  exit 1
fi
log "done"
