#!/bin/sh
# Creates the Kafka users of the IAS programs (SASL/SCRAM-SHA-512) and their ACLs: each service
# may write its own topics, the audit topic and the dead-letter topics of what it consumes, read
# what it subscribes to, with consumer groups of its own name; each partner reads and writes
# nothing but its own pair of topics. Used by docker-compose.yml (service `kafka-users`) and the
# Kubernetes Job `ias-kafka-users`, with the official apache/kafka image. Idempotent: run it
# again at any time (a password file changed since: the user's password is set to it).
#
#   KAFKA_BOOTSTRAP        bootstrap servers                                     required
#   PASSWORD_DIR           a directory with one file per user, named after the user and
#                          holding its password (mounted secrets)                required
#   KAFKA_BIN              the Kafka command-line tools                          (/opt/kafka/bin)
#   KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_MECHANISM, KAFKA_ADMIN_USER, KAFKA_ADMIN_PASSWORD_FILE,
#   KAFKA_CA_FILE          how to connect as the admin user: kafka-admin-client.sh (next to this)
#
# The five services' users must have a password file. The others are created when theirs is
# there: partner-rav and partner-bks (the partners' systems), ias-partner-simulator (plays both
# partners; a test double, never in production) and ias-operator (`ias-admin replay-dlq`).
#
# ACLs are only added. A topic or user that no longer exists keeps its ACLs until they are
# removed by hand (`kafka-acls.sh --remove`, deploy/README.md).
set -eu

BOOTSTRAP="${KAFKA_BOOTSTRAP:?KAFKA_BOOTSTRAP is not set}"
PASSWORDS="${PASSWORD_DIR:?PASSWORD_DIR is not set (one password file per user)}"
BIN="${KAFKA_BIN:-/opt/kafka/bin}"
MECHANISM=SCRAM-SHA-512
ITERATIONS=8192

# shellcheck source-path=SCRIPTDIR source=kafka-admin-client.sh
. "$(dirname "$0")/kafka-admin-client.sh"
write_kafka_client_config
CREDENTIAL="$(mktemp)"
trap 'remove_kafka_client_config; rm -f "$CREDENTIAL"' EXIT

log() { printf 'create-kafka-users: %s\n' "$*" >&2; }

attempt=0
until "$BIN/kafka-topics.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$KAFKA_CLIENT_CONFIG" --list >/dev/null 2>&1; do
  attempt=$((attempt + 1))
  if [ "$attempt" -ge 30 ]; then
    log "the brokers at $BOOTSTRAP do not answer (or refuse the admin user)"
    exit 1
  fi
  sleep 2
done

# user USER REQUIRED: sets the SCRAM credential of USER from PASSWORD_DIR/USER. Returns 1 (and
# says so) when an optional user has no password file.
user() {
  file="$PASSWORDS/$1"
  if [ ! -s "$file" ]; then
    if [ "$2" = required ]; then
      log "no password file $file for the user $1"
      exit 1
    fi
    log "$1: no password file, not created"
    return 1
  fi
  password="$(cat "$file")"
  password_is_plain "$password" || {
    log "the password in $file has characters other than letters, digits and ._~+/=- (use openssl rand -hex 32)"
    exit 1
  }
  # Through a file, not the command line (where any process could read it).
  printf '%s=iterations=%s,password=%s\n' "$MECHANISM" "$ITERATIONS" "$password" >"$CREDENTIAL"
  "$BIN/kafka-configs.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$KAFKA_CLIENT_CONFIG" --alter \
    --entity-type users --entity-name "$1" --add-config-file "$CREDENTIAL" >/dev/null
  : >"$CREDENTIAL"
  log "$1: $MECHANISM credential set"
}

# allow USER OPERATION TOPIC... : OPERATION (Read or Write, with Describe) on each literal topic.
allow() {
  principal="User:$1" operation="$2"
  shift 2
  [ $# -gt 0 ] || return 0
  count=$#
  for topic in "$@"; do set -- "$@" --topic "$topic"; done
  shift "$count"
  "$BIN/kafka-acls.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$KAFKA_CLIENT_CONFIG" --add \
    --allow-principal "$principal" --operation "$operation" --operation Describe "$@" >/dev/null
}

# groups USER PREFIX: the consumer groups whose id starts with PREFIX.
groups() {
  "$BIN/kafka-acls.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$KAFKA_CLIENT_CONFIG" --add \
    --allow-principal "User:$1" --operation Read --operation Describe \
    --group "$2" --resource-pattern-type prefixed >/dev/null
}

# service NAME PUBLISHES CONSUMES: the user ias-NAME writes PUBLISHES, the audit topic and the
# .dlq of each consumed topic (the event processor's dead letters), reads CONSUMES, and uses
# the groups ias-NAME-* (ias-<service>-<consumer>[-<suffix>]).
service() {
  name="ias-$1" publishes="$2" consumes="$3"
  user "$name" required
  dead_letters=""
  for topic in $consumes; do dead_letters="$dead_letters $topic.dlq"; done
  # shellcheck disable=SC2086 # the lists are words on purpose
  allow "$name" Write $publishes ias.audit.v1 $dead_letters
  # shellcheck disable=SC2086
  allow "$name" Read $consumes
  groups "$name" "$name-"
  log "$name: writes $publishes ias.audit.v1${dead_letters:+ and the dead letters of what it reads}; reads ${consumes:-nothing}"
}

RAV_OUT=iiz.partner.rav.outbound.v1 RAV_IN=iiz.partner.rav.inbound.v1
BKS_OUT=iiz.partner.bks.outbound.v1 BKS_IN=iiz.partner.bks.inbound.v1

# The case keys of events: intake issues them, every other service reads them (README,
# "Personal data in events").
KEYS=ias.intake.case-keys.v1

service intake "ias.intake.v1 $KEYS" ""
service assessment "ias.assessment.v1" "ias.intake.v1 $KEYS"
service plan "ias.plan.v1" "ias.intake.v1 $KEYS ias.assessment.v1 ias.costs.v1 ias.coordination.v1"
service costs "ias.costs.v1" "ias.intake.v1 $KEYS ias.plan.v1"
service coordination "ias.coordination.v1 $RAV_OUT $BKS_OUT" \
  "ias.intake.v1 $KEYS ias.assessment.v1 ias.plan.v1 ias.costs.v1 ias.audit.v1 $RAV_IN $BKS_IN"

# Each partner: its referrals in, its answers out, nothing else.
if user partner-rav optional; then
  allow partner-rav Read "$RAV_OUT"; allow partner-rav Write "$RAV_IN"; groups partner-rav partner-rav-
  log "partner-rav: reads $RAV_OUT, writes $RAV_IN"
fi
if user partner-bks optional; then
  allow partner-bks Read "$BKS_OUT"; allow partner-bks Write "$BKS_IN"; groups partner-bks partner-bks-
  log "partner-bks: reads $BKS_OUT, writes $BKS_IN"
fi
if user ias-partner-simulator optional; then
  allow ias-partner-simulator Read "$RAV_OUT" "$BKS_OUT"; allow ias-partner-simulator Write "$RAV_IN" "$BKS_IN"
  groups ias-partner-simulator ias-partner-simulator
  log "ias-partner-simulator: plays both partners (not for production)"
fi
# The operator's replays (ias-admin replay-dlq): read the dead-letter topics, put messages back
# on the topics they came from.
if user ias-operator optional; then
  "$BIN/kafka-acls.sh" --bootstrap-server "$BOOTSTRAP" --command-config "$KAFKA_CLIENT_CONFIG" --add \
    --allow-principal User:ias-operator --operation Read --operation Write --operation Describe \
    --topic ias. --topic iiz.partner. --resource-pattern-type prefixed >/dev/null
  groups ias-operator ias-admin-
  log "ias-operator: reads and writes the ias.* and iiz.partner.* topics (dead-letter replays)"
fi
log "done"
