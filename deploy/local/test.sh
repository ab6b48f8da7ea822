#!/usr/bin/env bash
# `make test`: installs what is missing, builds, starts a throw-away PostgreSQL and broker,
# runs the unit, integration and end-to-end tests, stops everything it started (also when a
# test fails or the run is interrupted) and exits non-zero on any failure.
set -uo pipefail
STACK_NAME=test
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=lib.sh
source "$ROOT/deploy/local/lib.sh"
cd "$ROOT"

PG_PORT="${IAS_TEST_PG_PORT:-55433}"
KAFKA_PORT="${IAS_TEST_KAFKA_PORT:-19093}"
TEST_DIR="$LOCAL/test"
BUILD_FLAGS=(${IAS_SWIFT_BUILD_FLAGS:-})

cleanup() {
  stop_started
  stop_postgres
  log "everything this run started is stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

"$ROOT/deploy/local/bootstrap.sh" || { log "bootstrap failed"; exit 1; }
# Independent implementations the tests compare against (PyJWT, the CloudEvents SDK).
IAS_TEST_PYTHON="$(bash "$ROOT/deploy/local/test-python.sh")" || { log "installing the tests' Python packages failed"; exit 1; }
export IAS_TEST_PYTHON

log "building (debug, with tests)"
# The build's own status, read at once: after `|| true` PIPESTATUS would be true's, and a
# failed build would go on to test the binaries of an earlier one.
swift build --build-tests "${BUILD_FLAGS[@]}" 2>&1 | grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Wrapping|Write|Linking|Merging|Planning)'
build_status=${PIPESTATUS[0]}
[ "$build_status" -eq 0 ] || { log "build failed (exit $build_status); nothing was tested"; exit 1; }

rm -rf "$TEST_DIR"; mkdir -p "$TEST_DIR"
start_postgres "$TEST_DIR/pg" "$PG_PORT" || exit 1
create_service_databases "$PG_PORT" || exit 1
psql_admin "$PG_PORT" "CREATE DATABASE ias_test" || exit 1
start_broker "$KAFKA_PORT" "$TEST_DIR/broker.log" || exit 1
create_topics "$KAFKA_PORT" 6
export IAS_TEST_BROKER_PID="$BROKER_PID"

export IAS_TEST_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/ias_test"
export IAS_TEST_PG_PORT="$PG_PORT"
export IAS_TEST_KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT"
export IAS_TEST_BIN_DIR="$(swift build --show-bin-path "${BUILD_FLAGS[@]}")"
export IAS_TEST_LOG_DIR="$TEST_DIR/logs"
mkdir -p "$IAS_TEST_LOG_DIR"

total_run=0; total_failed=0; status=0
run_phase() { # NAME FILTER
  log "== $1 =="
  local out="$TEST_DIR/$1.out"
  swift test --skip-build --disable-swift-testing "${BUILD_FLAGS[@]}" --filter "$2" 2>&1 | tee "$out"
  local rc=${PIPESTATUS[0]}
  # "with N failures", or "with N tests skipped and N failures" (a set-up that threw).
  local line; line="$(grep -E 'Executed [0-9]+ tests?, with ([0-9]+ tests? skipped and )?[0-9]+ failures?' "$out" | tail -n 1)"
  local ran failed
  ran="$(sed -E 's/.*Executed ([0-9]+) tests?.*/\1/' <<<"$line")"; ran="${ran:-0}"
  failed="$(sed -E 's/.* ([0-9]+) failures?.*/\1/' <<<"$line")"; failed="${failed:-0}"
  if [ "$ran" -eq 0 ]; then log "$1: no test ran"; status=1; fi
  if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
  total_run=$((total_run + ran)); total_failed=$((total_failed + failed))
  [ "$rc" -eq 0 ] || status=1
  log "$1: $ran run, $failed failed"
}

# IAS_TEST_FILTER=<regex>: only the XCTest cases it matches, on the same PostgreSQL and broker
# (for working on one part; the full run is what counts).
if [ -n "${IAS_TEST_FILTER:-}" ]; then
  run_phase "selected tests" "$IAS_TEST_FILTER"
  echo
  echo "$((total_run - total_failed)) passed, $total_failed failed (only IAS_TEST_FILTER=$IAS_TEST_FILTER)"
  exit $status
fi

run_phase "unit tests" 'UnitTests\.'
run_phase "integration tests" 'IntegrationTests\.'
run_phase "end-to-end tests" 'EndToEndTests\.'

# The portal in headless Chromium (Tests/Browser, Selenium and axe-core): the five services and
# the portal on their own ports, databases (ias_<service>_browser) and consumer groups over this PostgreSQL and
# broker, so that the CloudEvents check below reads what the portal's forms produced too.
log "== browser tests =="
IAS_BROWSER_PG_PORT="$PG_PORT" IAS_BROWSER_KAFKA_PORT="$KAFKA_PORT" IAS_BIN_DIR="$IAS_TEST_BIN_DIR" \
IAS_BROWSER_DIR="$TEST_DIR/browser" IAS_BROWSER_SCREENSHOTS="$TEST_DIR/screenshots" \
IAS_BROWSER_PORT_BASE="${IAS_TEST_BROWSER_PORT_BASE:-18081}" \
  bash "$ROOT/deploy/local/browser.sh" test 2>&1 | tee "$TEST_DIR/browser.out"
rc=${PIPESTATUS[0]}
# unittest: "Ran N tests in …", then "OK" or "FAILED (failures=N, errors=N)".
ran="$(grep -E '^Ran [0-9]+ tests? in' "$TEST_DIR/browser.out" | tail -n 1 | sed -E 's/^Ran ([0-9]+).*/\1/')"; ran="${ran:-0}"
failed=0
for kind in failures errors; do
  n="$(grep -E '^FAILED \(' "$TEST_DIR/browser.out" | tail -n 1 | grep -oE "$kind=[0-9]+" | cut -d= -f2)"
  failed=$((failed + ${n:-0}))
done
if [ "$ran" -eq 0 ]; then log "browser tests: no test ran"; failed=1; fi
if [ "$rc" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi
total_run=$((total_run + (ran > 0 ? ran : 1))); total_failed=$((total_failed + failed))
[ "$rc" -eq 0 ] && [ "$failed" -eq 0 ] || status=1
log "browser tests: $ran run, $failed failed"

# While the test broker still holds everything the tests wrote (it keeps it in memory only):
# every record of every topic, read with confluent-kafka and parsed by the CloudEvents SDK.
log "== CloudEvents: every record on the test broker, read by the CloudEvents SDK =="
"$IAS_TEST_PYTHON" "$ROOT/deploy/local/cloudevents_check.py" --brokers "127.0.0.1:$KAFKA_PORT" | tee "$TEST_DIR/cloudevents.out"
if [ "${PIPESTATUS[0]}" -eq 0 ]; then
  total_run=$((total_run + 1)); log "CloudEvents check: passed"
else
  total_run=$((total_run + 1)); total_failed=$((total_failed + 1)); status=1; log "CloudEvents check: FAILED"
fi

log "== fault suite, short form (make test-faults runs the full one) =="
if FAULT_CASES="${IAS_TEST_FAULT_CASES:-20}" IAS_BIN_DIR="$IAS_TEST_BIN_DIR" bash "$ROOT/deploy/local/faults.sh"; then
  total_run=$((total_run + 1)); log "fault suite: passed"
else
  total_run=$((total_run + 1)); total_failed=$((total_failed + 1)); status=1; log "fault suite: FAILED"
fi

log "== deployment checks (compose, Kubernetes, Dockerfile, configuration keys) =="
bash "$ROOT/deploy/checks/run.sh" | tee "$TEST_DIR/deploy-checks.out"; rc=${PIPESTATUS[0]}
line="$(grep -E '^[0-9]+ passed, [0-9]+ failed$' "$TEST_DIR/deploy-checks.out" | tail -n 1)"
dp="$(cut -d' ' -f1 <<<"$line")"; df="$(cut -d' ' -f3 <<<"$line")"
total_run=$((total_run + ${dp:-0} + ${df:-1})); total_failed=$((total_failed + ${df:-1})); [ "$rc" -eq 0 ] || status=1

echo
echo "$((total_run - total_failed)) passed, $total_failed failed"
exit $status
