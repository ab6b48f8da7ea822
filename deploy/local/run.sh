#!/usr/bin/env bash
# `make run`: the whole suite on this machine — PostgreSQL on a project-local data directory,
# the broker, the five services and a small demo. Ctrl-C stops everything it started.
set -uo pipefail
STACK_NAME=run
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=lib.sh
source "$ROOT/deploy/local/lib.sh"
cd "$ROOT"

PG_PORT="${IAS_PG_PORT:-55432}"
KAFKA_PORT="${IAS_KAFKA_PORT:-19092}"
PORT_BASE="${IAS_PORT_BASE:-8081}"
RUN_DIR="${IAS_RUN_DIR:-$LOCAL/run}"
# The documented development secret; set IAS_JWT_SECRET to use your own.
export IAS_JWT_SECRET="${IAS_JWT_SECRET:-local-development-secret-change-me-0123456789}"
use_master_keys

cleanup() {
  trap - EXIT INT TERM
  log "stopping"
  stop_started
  stop_postgres
  log "everything this run started is stopped"
}
trap cleanup EXIT
trap 'exit 0' INT TERM

"$ROOT/deploy/local/bootstrap.sh" || exit 1
log "building"
swift build ${IAS_SWIFT_BUILD_FLAGS:-} 2>&1 | grep -E 'error|warning: unre|Compiling|Build complete' | grep -v '^\[' || true
BIN="$(swift build --show-bin-path ${IAS_SWIFT_BUILD_FLAGS:-})"
[ -x "$BIN/ias-intake" ] || { log "build failed"; exit 1; }

mkdir -p "$RUN_DIR/logs"
start_postgres "$RUN_DIR/pg" "$PG_PORT" || exit 1
create_service_databases "$PG_PORT" || exit 1
start_broker "$KAFKA_PORT" "$RUN_DIR/logs/broker.log" || exit 1
create_topics "$KAFKA_PORT" "${IAS_KAFKA_TOPIC_PARTITIONS:-6}"

export_subject_access_urls "$PORT_BASE"
for svc in "${SERVICES[@]}"; do
  start_service "$svc" "$(service_port "$svc" "$PORT_BASE")" "$RUN_DIR/logs/$svc.log" "$svc-local"
  STARTED_PIDS+=("$STARTED_PID")
done
# The partner simulator plays RAV/AMIplus and the vocational school on the partner topics.
start_partner_simulator "$((PORT_BASE + 9))" "$RUN_DIR/logs/partner-simulator.log" partner-simulator-local
STARTED_PIDS+=("$STARTED_PID")
for svc in "${SERVICES[@]}"; do
  port="$(service_port "$svc" "$PORT_BASE")"
  wait_for_ready "http://127.0.0.1:$port/readyz" 60 || { log "$svc did not become ready; see $RUN_DIR/logs/$svc.log"; exit 1; }
done
log "all services ready"

export IAS_TOKEN_BIN="$BIN/ias-token" IAS_PORT_BASE="$PORT_BASE"
python3 "$ROOT/deploy/local/demo.py" || log "the demo could not be loaded completely"

PORTAL_PORT="${IAS_PORTAL_PORT:-8080}"
write_portal_users "$RUN_DIR/portal-users.json" "$BIN/ias-token" || { log "could not mint the demo users' tokens"; exit 1; }
start_portal "$PORTAL_PORT" "$BIN" "$RUN_DIR/logs/portal.log" "$PORT_BASE" "$RUN_DIR/portal-users.json" \
  || { log "the portal did not start; see $RUN_DIR/logs/portal.log"; exit 1; }

cat <<INFO

  The IAS suite is running.
    portal        http://127.0.0.1:$PORTAL_PORT   (case workers' browser interface; choose a demo user)
    intake        http://127.0.0.1:$PORT_BASE
    assessment    http://127.0.0.1:$((PORT_BASE + 1))
    plan          http://127.0.0.1:$((PORT_BASE + 2))
    costs         http://127.0.0.1:$((PORT_BASE + 3))
    coordination  http://127.0.0.1:$((PORT_BASE + 4))
    partner simulator (RAV, vocational school)  http://127.0.0.1:$((PORT_BASE + 9))/healthz
    PostgreSQL    127.0.0.1:$PG_PORT (databases ias_<service>, data in $RUN_DIR/pg)
    broker        127.0.0.1:$KAFKA_PORT
    logs          $RUN_DIR/logs/

  A token (canton case worker):
    TOKEN=\$(IAS_JWT_SECRET='$IAS_JWT_SECRET' $BIN/ias-token --org canton:KSD --role caseworker)   # or: make -s token ORG=canton:KSD
  Register a person, then read the dossier:
    curl -s -X POST http://127.0.0.1:$PORT_BASE/persons -H "Authorization: Bearer \$TOKEN" \\
      -H 'Content-Type: application/json' -d '{"givenName":"Amina","familyName":"Example","dateOfBirth":"1994-03-02",
      "sex":"female","nationality":"ER","languages":["ti"],"status":"VA","enteredCantonOn":"2026-09-01",
      "accommodation":"cantonal"}'
    curl -s http://127.0.0.1:$((PORT_BASE + 4))/cases/<caseId>/dossier -H "Authorization: Bearer \$TOKEN"

  Ctrl-C stops everything.
INFO

# Stay in the foreground until interrupted, or until a service dies.
while true; do
  for pid in "${STARTED_PIDS[@]}"; do
    kill -0 "$pid" 2>/dev/null || { log "process $pid ended unexpectedly; see $RUN_DIR/logs"; exit 1; }
  done
  sleep 2
done
