#!/usr/bin/env bash
# `make test-faults`: the fault suite. Starts the whole stack on its own ports and data
# directory, drives FAULT_CASES cases through their whole life (deploy/local/fault_load.py)
# and meanwhile injects faults: SIGKILL of every service in turn (restarted at once), a second
# coordination instance in the same consumer group that is killed so the first takes over its
# partitions, broker pauses (SIGSTOP/SIGCONT) during which writes must still succeed, and
# PostgreSQL outages during which requests must fail fast with 503 and readiness turn red.
# After the system settled it checks every case's dossier (lost or duplicated events, budget),
# runs `ias-admin check-consistency` and `verify-audit-trail` when the build has them, reads every record on the broker
# with the CloudEvents SDK (deploy/local/cloudevents_check.py), prints one summary line and exits
# non-zero on any failed check, lost event, duplicated effect or inconsistency. Everything it
# started is stopped on exit, also on failure or Ctrl-C.
#
# Environment: FAULT_CASES (200), FAULT_THREADS (8), FAULT_LOAD_SECONDS (1.5 s a case, at least 60:
# the cases start spread over it), FAULT_SEED (random), IAS_BIN_DIR (the
# build's bin directory; default `swift build --show-bin-path`, built when missing),
# IAS_FAULTS_PG_PORT (55435), IAS_FAULTS_KAFKA_PORT (19095), IAS_FAULTS_PORT_BASE (8181).
set -uo pipefail
STACK_NAME=faults
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=lib.sh
source "$ROOT/deploy/local/lib.sh"
cd "$ROOT"

PG_PORT="${IAS_FAULTS_PG_PORT:-55435}"
KAFKA_PORT="${IAS_FAULTS_KAFKA_PORT:-19095}"
PORT_BASE="${IAS_FAULTS_PORT_BASE:-8181}"
SIM_PORT="$((PORT_BASE + 9))"
SECOND_PORT="$((PORT_BASE + 5))"   # the second coordination instance
FAULT_DIR="$LOCAL/faults"
LOGS="$FAULT_DIR/logs"
export FAULT_CASES="${FAULT_CASES:-200}"
export IAS_JWT_SECRET="${IAS_JWT_SECRET:-local-development-secret-change-me-0123456789}"
use_master_keys
RANDOM="${FAULT_SEED:-$$}"

declare -A SVC_PID=()
LOAD_PID=""
KILLS=0; PAUSES=0; DB_RESTARTS=0; FAILED_CHECKS=0

note() { log "$*"; }
failed() { FAILED_CHECKS=$((FAILED_CHECKS + 1)); log "CHECK FAILED: $*"; }

cleanup() {
  trap - EXIT INT TERM HUP
  log "stopping"
  [ -n "$LOAD_PID" ] && kill "$LOAD_PID" 2>/dev/null
  # Only the processes alive now: killed ones were already reaped, their pids are not ours.
  STARTED_PIDS=()
  for pid in "${SVC_PID[@]}" ${BROKER_PID:-} ${LOAD_PID:-}; do
    kill -0 "$pid" 2>/dev/null && STARTED_PIDS+=("$pid")
  done
  stop_started
  BROKER_PID=""
  if [ -n "${PG_DIR:-}" ] && [ ! -f "$PG_DIR/data/postmaster.pid" ]; then PG_DIR=""; fi
  stop_postgres
  log "everything this run started is stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# MARK: the stack

if [ -z "${IAS_BIN_DIR:-}" ]; then
  "$ROOT/deploy/local/bootstrap.sh" || { log "bootstrap failed"; exit 1; }
  log "building"
  swift build 2>&1 | grep -E 'error|Build complete' || true
  IAS_BIN_DIR="$(swift build --show-bin-path)"
fi
BIN="$IAS_BIN_DIR"
[ -x "$BIN/ias-intake" ] && [ -x "$BIN/ias-admin" ] && [ -x "$BIN/ias-token" ] || { log "no executables in $BIN (IAS_BIN_DIR)"; exit 1; }
[ -x "$LOCAL/bin/tansu" ] && [ -e "$LOCAL/lib/librdkafka.so.1" ] || "$ROOT/deploy/local/bootstrap.sh" || exit 1

svc_port() { # NAME → HTTP port
  case "$1" in
    partner-simulator) echo "$SIM_PORT" ;;
    coordination-2) echo "$SECOND_PORT" ;;
    *) service_port "$1" "$PORT_BASE" ;;
  esac
}

start_svc() { # NAME (coordination-2 = a second coordination instance, same database and group)
  local name="$1" exe="$1"
  [ "$name" = coordination-2 ] && exe=coordination
  if [ "$name" = partner-simulator ]; then
    IAS_HTTP_HOST=127.0.0.1 IAS_SIMULATOR_ENROL_AFTER_MS=300 IAS_SIMULATOR_END_AFTER_MS=2000 \
      start_partner_simulator "$SIM_PORT" "$LOGS/$name.log" "$name-faults"
  else
    IAS_HTTP_HOST=127.0.0.1 start_service "$exe" "$(svc_port "$name")" "$LOGS/$name.log" "$name-faults"
  fi
  SVC_PID[$name]=$STARTED_PID
}

wait_ready() { # NAME [SECONDS]
  local url="http://127.0.0.1:$(svc_port "$1")/readyz"
  [ "$1" = partner-simulator ] && url="http://127.0.0.1:$SIM_PORT/healthz"
  wait_for_ready "$url" "${2:-90}" || { failed "$1 not ready within ${2:-90} s after start (log $LOGS/$1.log)"; return 1; }
}

kill9() { # NAME
  local pid="${SVC_PID[$1]:-}"
  [ -n "$pid" ] || return 0
  kill -KILL "$pid" 2>/dev/null; wait "$pid" 2>/dev/null
  unset "SVC_PID[$1]"
  KILLS=$((KILLS + 1))
}

metric_sum() { # PORT PREFIX → the sum of the samples whose line starts with PREFIX
  curl -fsS -m 5 "http://127.0.0.1:$1/metrics" 2>/dev/null | awk -v p="$2" 'index($0, p) == 1 { s += $NF } END { printf "%d\n", s }'
}

backlog_total() {
  local svc total=0 n
  for svc in "${SERVICES[@]}"; do
    n="$(metric_sum "$(svc_port "$svc")" ias_outbox_backlog)"; total=$((total + ${n:-0}))
  done
  echo "$total"
}

TOKEN=""
probe() { # METHOD PORT PATH [BODY] → "status seconds"
  local args=(-s -o /dev/null -m 8 -w '%{http_code} %{time_total}' -X "$1" -H "Authorization: Bearer $TOKEN")
  [ $# -ge 4 ] && args+=(-H 'Content-Type: application/json' -H "Idempotency-Key: probe-$RANDOM-$RANDOM-$SECONDS" -d "$4")
  curl "${args[@]}" "http://127.0.0.1:$2$3" 2>/dev/null || true
}

PROBE_SEQ=0
PROBE_RESULT=""
probe_person() { # a registration written by the suite itself (its case is checked at the end); sets PROBE_RESULT
  PROBE_SEQ=$((PROBE_SEQ + 1))
  local body out
  body="{\"zemisNumber\":\"$((90000000 + PROBE_SEQ))\",\"givenName\":\"Probe\",\"familyName\":\"Fault-probe-$PROBE_SEQ\",\"dateOfBirth\":\"$(date -d "1980-01-01 + $PROBE_SEQ days" +%F)\",\"sex\":\"male\",\"nationality\":\"SY\",\"languages\":[\"ar\"],\"status\":\"VA\",\"enteredCantonOn\":\"$(date +%F)\",\"statusDecidedOn\":\"$(date +%F)\",\"accommodation\":\"cantonal\"}"
  out="$(curl -s -m 8 -w '\n%{http_code} %{time_total}' -X POST -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
        -H "Idempotency-Key: fault-probe-$PROBE_SEQ" -d "$body" "http://127.0.0.1:$PORT_BASE/persons" 2>/dev/null)"
  PROBE_RESULT="$(tail -n 1 <<<"$out")"
  if [ "${PROBE_RESULT%% *}" = 201 ]; then
    head -n 1 <<<"$out" | python3 -c 'import json,sys; print(json.load(sys.stdin)["caseId"])' >>"$FAULT_DIR/probes.txt"
  fi
}

# MARK: the faults

FAULT_ORDER=(intake assessment plan costs coordination partner-simulator)
NEXT_KILL=0
fault_kill() {
  local name="${FAULT_ORDER[$NEXT_KILL]}"
  NEXT_KILL=$(((NEXT_KILL + 1) % ${#FAULT_ORDER[@]}))
  note "fault: SIGKILL $name, restart"
  kill9 "$name"
  sleep "0.$((RANDOM % 10))"
  start_svc "$name"
  wait_ready "$name"
}

fault_two_instances() {
  note "fault: a second coordination instance on :$SECOND_PORT (same database and group), then SIGKILL of it"
  start_svc coordination-2
  wait_ready coordination-2 || return
  sleep $((8 + RANDOM % 5))   # the group rebalances: each instance owns some partitions
  local before; before="$(metric_sum "$SECOND_PORT" 'ias_events_consumed_total')"
  note "the second instance consumed ${before:-0} events; killing it"
  kill9 coordination-2
  # The first instance must take over the partitions (session timeout 6 s) and go on.
  local consumed0 consumed1 i
  consumed0="$(metric_sum "$(svc_port coordination)" 'ias_events_consumed_total')"
  for i in $(seq 1 60); do
    sleep 1
    consumed1="$(metric_sum "$(svc_port coordination)" 'ias_events_consumed_total')"
    [ "${consumed1:-0}" -gt "${consumed0:-0}" ] && [ "$i" -ge 10 ] && break
  done
}

fault_pause_broker() {
  # Alternately longer and shorter than the producers' message.timeout.ms (15 s).
  local hold=$(( PAUSES % 2 == 0 ? 20 : 12 )) status before max=0 b
  before="$(backlog_total)"
  note "fault: broker paused (SIGSTOP) for $hold s"
  kill -STOP "$BROKER_PID"; PAUSES=$((PAUSES + 1))
  sleep 2
  probe_person; status="$PROBE_RESULT"
  case "$status" in 201\ *) note "a registration during the pause: $status s" ;;
                    *) failed "a registration during the broker pause answered '$status' (expected 201)" ;; esac
  local end=$((SECONDS + hold - 2))
  while [ "$SECONDS" -lt "$end" ]; do b="$(backlog_total)"; [ "$b" -gt "$max" ] && max="$b"; sleep 1; done
  [ "$max" -gt 0 ] || failed "the outboxes did not grow while the broker was paused (backlog $max)"
  kill -CONT "$BROKER_PID"
  local t0=$SECONDS
  for _ in $(seq 1 60); do b="$(backlog_total)"; [ "$b" -le "$before" ] && break; sleep 1; done
  if [ "$b" -le "$before" ]; then
    note "broker resumed; outbox backlog peaked at $max, back to $b in $((SECONDS - t0)) s"
    return
  fi
  local svc n stuck=()
  for svc in "${SERVICES[@]}"; do
    n="$(metric_sum "$(svc_port "$svc")" ias_outbox_backlog)"
    [ "${n:-0}" -gt 0 ] && stuck+=("$svc:$n")
  done
  failed "the outboxes did not drain within 60 s after the broker resumed (peak $max; still waiting: ${stuck[*]}; readiness stays green)"
  # What an operator would do: restart the stuck services, so the rest of the run still
  # measures loss and duplication. Not counted as kills.
  for svc in "${stuck[@]}"; do
    svc="${svc%%:*}"
    note "restarting $svc to release its outbox"
    kill -KILL "${SVC_PID[$svc]}" 2>/dev/null; wait "${SVC_PID[$svc]}" 2>/dev/null
    start_svc "$svc"; wait_ready "$svc"
  done
}

fault_db_restart() {
  local hold=8 bin; bin="$(pg_bin)"
  note "fault: PostgreSQL stopped (pg_ctl stop -m fast) for $hold s, then started again"
  as_pg_user "$bin/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 30 stop >/dev/null || { failed "pg_ctl stop failed"; return; }
  DB_RESTARTS=$((DB_RESTARTS + 1))
  sleep 1
  local svc port r code t slow=0 fast503=0 other=0 red=0
  for svc in "${SERVICES[@]}"; do
    port="$(svc_port "$svc")"
    r="$(curl -s -o /dev/null -m 8 -w '%{http_code}' "http://127.0.0.1:$port/readyz")"
    [ "$r" != 200 ] && red=$((red + 1))
  done
  [ "$red" -eq 5 ] || failed "readiness stayed green on $((5 - red)) of 5 services while the database was down"
  local probes=("GET $PORT_BASE /persons/00000000-0000-4000-8000-000000000001"
                "GET $((PORT_BASE + 4)) /cases/00000000-0000-4000-8000-000000000001/dossier"
                "GET $((PORT_BASE + 3)) /cases/00000000-0000-4000-8000-000000000001/budget"
                "GET $((PORT_BASE + 2)) /cases/00000000-0000-4000-8000-000000000001/plan")
  local p
  for p in "${probes[@]}"; do
    # shellcheck disable=SC2086
    set -- $p
    read -r code t <<<"$(probe "$1" "$2" "$3")"
    if [ "$code" = 503 ] && awk -v t="$t" 'BEGIN { exit !(t < 5) }'; then fast503=$((fast503 + 1))
    elif [ "$code" = 000 ] || ! awk -v t="$t" 'BEGIN { exit !(t < 5) }'; then slow=$((slow + 1)); failed "$1 :$2$3 took ${t}s (status $code) with the database down"
    else other=$((other + 1)); failed "$1 :$2$3 answered $code with the database down (expected 503)"; fi
  done
  probe_person; read -r code t <<<"$PROBE_RESULT"
  if [ "$code" = 503 ] && awk -v t="$t" 'BEGIN { exit !(t < 5) }'; then fast503=$((fast503 + 1))
  else failed "POST /persons answered '$code' in ${t}s with the database down (expected a fast 503)"; fi
  note "database down: $fast503 of 5 probes answered 503 within 5 s, readiness red on $red of 5"
  sleep $((hold - 3 > 0 ? hold - 3 : 0))
  as_pg_user "$bin/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/server.log" -w -t 30 \
    -o "-p $PG_PORT -k $PG_DIR -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=${IAS_PG_FSYNC:-on}" start >/dev/null \
    || { failed "PostgreSQL did not start again"; return; }
  local t0=$SECONDS ok=0
  for svc in "${SERVICES[@]}"; do
    wait_for_ready "http://127.0.0.1:$(svc_port "$svc")/readyz" 60 && ok=$((ok + 1)) \
      || failed "$svc did not become ready by itself within 60 s after the database came back"
  done
  note "database back; $ok of 5 services ready again after $((SECONDS - t0)) s without a restart"
}

# MARK: the run

rm -rf "$FAULT_DIR"; mkdir -p "$LOGS"
: >"$FAULT_DIR/probes.txt"
start_postgres "$FAULT_DIR/pg" "$PG_PORT" || exit 1
create_service_databases "$PG_PORT" || exit 1
start_broker "$KAFKA_PORT" "$LOGS/broker.log" || exit 1
create_topics "$KAFKA_PORT" 6
export_subject_access_urls "$PORT_BASE"
for svc in "${SERVICES[@]}" partner-simulator; do start_svc "$svc"; done
for svc in "${SERVICES[@]}" partner-simulator; do wait_ready "$svc" 120 || exit 1; done
log "all services ready; binaries from $BIN"
TOKEN="$("$BIN/ias-token" --org canton:KSD --role caseworker --sub fault-probe --ttl 14400)" || exit 1

export IAS_TOKEN_BIN="$BIN/ias-token" IAS_PORT_BASE="$PORT_BASE"
python3 "$ROOT/deploy/local/fault_load.py" load "$FAULT_DIR/state.json" 2> >(tee "$LOGS/load.log" >&2) &
LOAD_PID=$!   # the load generator itself (not a pipeline's last command), so that cleanup can stop it
started=$SECONDS

# One fault after the other, at random moments, as long as the load runs; then whatever kind
# did not happen yet, so that even a short run sees each kind once.
SCHEDULE=(kill kill pause kill db kill two kill kill pause kill db kill)
step=0; did_pause=0; did_db=0; did_two=0
while kill -0 "$LOAD_PID" 2>/dev/null; do
  sleep "$((2 + RANDOM % 5)).$((RANDOM % 10))"
  kill -0 "$LOAD_PID" 2>/dev/null || break
  case "${SCHEDULE[$((step % ${#SCHEDULE[@]}))]}" in
    kill) fault_kill ;;
    pause) fault_pause_broker; did_pause=1 ;;
    db) fault_db_restart; did_db=1 ;;
    two) [ "$did_two" = 0 ] && { fault_two_instances; did_two=1; } || fault_kill ;;
  esac
  step=$((step + 1))
done
wait "$LOAD_PID"; LOAD_PID=""
log "load finished after $((SECONDS - started)) s"
[ "$did_pause" = 1 ] || fault_pause_broker
[ "$did_db" = 1 ] || fault_db_restart
[ "$did_two" = 1 ] || fault_two_instances
while [ "$KILLS" -lt $(( ${#FAULT_ORDER[@]} + 1 )) ]; do fault_kill; done   # every service killed at least once

# MARK: settle and verify

log "waiting for the system to settle (outboxes empty, nothing consumed for 10 s)"
settle_end=$((SECONDS + 240)); last=""; quiet=0
while [ "$SECONDS" -lt "$settle_end" ]; do
  b="$(backlog_total)"; c=0
  for svc in "${SERVICES[@]}"; do n="$(metric_sum "$(svc_port "$svc")" ias_events_consumed_total)"; c=$((c + ${n:-0})); done
  if [ "$b" -eq 0 ] && [ "$c" = "$last" ]; then quiet=$((quiet + 2)); else quiet=0; fi
  last="$c"
  [ "$quiet" -ge 10 ] && break
  sleep 2
done
[ "$quiet" -ge 10 ] || failed "the system did not settle within 240 s (outbox backlog $b)"

verdict="$(python3 "$ROOT/deploy/local/fault_load.py" verify "$FAULT_DIR/state.json" "$FAULT_DIR/probes.txt" 2> >(tee "$LOGS/verify.log" >&2))"
read_field() { python3 -c "import json,sys; print(json.loads(sys.argv[1]).get(sys.argv[2], 0))" "$verdict" "$1" 2>/dev/null || echo 1; }
CASES="$(read_field cases)"; EVENTS="$(read_field events)"; DOCUMENTS="$(read_field documents)"; LOST="$(read_field lost)"; DUP="$(read_field duplicated)"
UNFINISHED="$(read_field unfinished)"
[ "$UNFINISHED" = 0 ] || failed "$UNFINISHED cases could not be driven through their life (see $LOGS/verify.log)"

INCONSISTENCIES=0
if "$BIN/ias-admin" help 2>&1 | grep -q check-consistency; then
  log "running ias-admin check-consistency"
  for svc in "${SERVICES[@]}"; do
    export "IAS_$(tr a-z A-Z <<<"$svc")_DATABASE_URL=postgresql://postgres@127.0.0.1:${PG_PORT}/ias_${svc}"
  done
  "$BIN/ias-admin" check-consistency >"$LOGS/check-consistency.out" 2>&1; rc=$?
  cat "$LOGS/check-consistency.out" >&2
  # Its last line is "consistency: N checks, M inconsistencies" (M = failed checks).
  INCONSISTENCIES="$(sed -nE 's/^consistency: [0-9]+ checks?, ([0-9]+) inconsistenc.*/\1/p' "$LOGS/check-consistency.out" | tail -n 1)"
  INCONSISTENCIES="${INCONSISTENCIES:-$(grep -c '^FAIL' "$LOGS/check-consistency.out")}"
  if [ "$rc" -ne 0 ] && [ "$INCONSISTENCIES" -eq 0 ]; then INCONSISTENCIES=1; log "check-consistency exited $rc"; fi
else
  log "this build has no 'ias-admin check-consistency': skipped"
fi

# Coordination appended the audit records through kills, restarts and a second instance: its
# hash chain must still verify, read as its runtime role.
if "$BIN/ias-admin" help 2>&1 | grep -q verify-audit-trail; then
  log "running ias-admin verify-audit-trail"
  IAS_DATABASE_URL="postgresql://ias_coordination@127.0.0.1:${PG_PORT}/ias_coordination" \
    "$BIN/ias-admin" verify-audit-trail >"$LOGS/verify-audit-trail.out" 2>&1 \
    || failed "the audit trail does not verify: $(cat "$LOGS/verify-audit-trail.out")"
  cat "$LOGS/verify-audit-trail.out" >&2
fi

# Every record the run left on the broker (its own, in memory), read by the CloudEvents SDK.
CE_PYTHON="${IAS_TEST_PYTHON:-}"
[ -n "$CE_PYTHON" ] || CE_PYTHON="$(bash "$ROOT/deploy/local/test-python.sh")" || CE_PYTHON=""
if [ -n "$CE_PYTHON" ]; then
  log "reading every record on the broker with the CloudEvents SDK"
  "$CE_PYTHON" "$ROOT/deploy/local/cloudevents_check.py" --brokers "127.0.0.1:$KAFKA_PORT" | tee "$LOGS/cloudevents.out"
  [ "${PIPESTATUS[0]}" -eq 0 ] || failed "the CloudEvents check found records the CloudEvents SDK cannot read (see $LOGS/cloudevents.out)"
else
  failed "the tests' Python packages (deploy/local/test-python.sh) could not be installed: no CloudEvents check"
fi

echo "cases $CASES, events $EVENTS, documents $DOCUMENTS, kills $KILLS, broker pauses $PAUSES, db restarts $DB_RESTARTS, failed checks $FAILED_CHECKS, lost $LOST, duplicated effects $DUP, inconsistencies $INCONSISTENCIES"
[ "$FAILED_CHECKS" -eq 0 ] && [ "$LOST" = 0 ] && [ "$DUP" = 0 ] && [ "$INCONSISTENCIES" = 0 ]
