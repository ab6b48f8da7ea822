#!/usr/bin/env bash
# The portal in a real browser: Debian's headless Chromium, driven by Selenium, through the
# portal and the five services on PostgreSQL and the broker.
#
#   browser.sh test          the browser tests (Tests/Browser); `make test` runs this phase
#                            against its own PostgreSQL and broker (IAS_BROWSER_PG_PORT,
#                            IAS_BROWSER_KAFKA_PORT), in databases and consumer groups of their own
#                            (ias_<service>_browser, ias-<service>-<consumer>-browser-<run>)
#   browser.sh screenshots   the demo data of `make run`, then docs/screenshots/*.png (`make screenshots`)
#   browser.sh serve         the test stack, kept running until Ctrl-C (for running single tests:
#                            it prints how)
#
# Without IAS_BROWSER_PG_PORT/IAS_BROWSER_KAFKA_PORT it starts PostgreSQL and the broker itself
# (55437, 19097; data under .local/browser). Services on IAS_BROWSER_PORT_BASE (18081) and the
# next four, the portal on IAS_BROWSER_PORTAL_PORT (18080). Everything it started is stopped on exit.
set -uo pipefail
MODE="${1:-test}"
STACK_NAME="browser"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=lib.sh
source "$ROOT/deploy/local/lib.sh"
cd "$ROOT"

case "$MODE" in test|screenshots|serve) ;; *) echo "usage: $0 test|screenshots|serve" >&2; exit 2 ;; esac

PORT_BASE="${IAS_BROWSER_PORT_BASE:-18081}"
PORTAL_PORT="${IAS_BROWSER_PORTAL_PORT:-$((PORT_BASE - 1))}"
DIR="${IAS_BROWSER_DIR:-$LOCAL/browser}"
export IAS_JWT_SECRET="${IAS_JWT_SECRET:-browser-test-secret-0123456789-abcdefghijklmnop}"
use_master_keys

cleanup() {
  trap - EXIT INT TERM
  stop_started
  stop_postgres
  log "everything the browser phase started is stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Debian's Chromium and its driver (the same major version, from the same source package).
IAS_BOOTSTRAP_BROWSER=1 "$ROOT/deploy/local/bootstrap.sh" || { log "bootstrap failed"; exit 1; }
PYTHON="${IAS_TEST_PYTHON:-$(bash "$ROOT/deploy/local/test-python.sh")}" || { log "installing the tests' Python packages failed"; exit 1; }

if [ -n "${IAS_BIN_DIR:-}" ]; then
  BIN="$IAS_BIN_DIR"
else
  log "building"
  swift build ${IAS_SWIFT_BUILD_FLAGS:-} 2>&1 | grep -E 'error|Build complete' || true
  BIN="$(swift build --show-bin-path ${IAS_SWIFT_BUILD_FLAGS:-})"
fi
for exe in "${SERVICES[@]/#/ias-}" ias-portal ias-token; do
  [ -x "$BIN/$exe" ] || { log "$BIN/$exe is missing: build first (swift build)"; exit 1; }
done

started=$(date +%s)
if [ "$MODE" != serve ]; then rm -rf "$DIR"; fi   # a fresh stack each time (the same demo data for screenshots)
mkdir -p "$DIR/logs"
if [ -n "${IAS_BROWSER_PG_PORT:-}" ] && [ -n "${IAS_BROWSER_KAFKA_PORT:-}" ]; then
  PG_PORT="$IAS_BROWSER_PG_PORT"; KAFKA_PORT="$IAS_BROWSER_KAFKA_PORT"
  DB_SUFFIX="_browser"
  # Consumer groups of this run's own, starting at the end of each topic: the groups of the
  # tests before keep their events (and their cases' keys) to themselves, and none of their
  # events lands in these new databases.
  export IAS_CONSUMER_GROUP_SUFFIX="browser-$(date +%s)-$$" IAS_CONSUMER_NEW_GROUP_START=end
  log "using PostgreSQL 127.0.0.1:$PG_PORT and the broker 127.0.0.1:$KAFKA_PORT; databases ias_<service>$DB_SUFFIX, consumer groups ias-<service>-<consumer>-$IAS_CONSUMER_GROUP_SUFFIX"
  for svc in "${SERVICES[@]}"; do psql_admin "$PG_PORT" "DROP DATABASE IF EXISTS ias_${svc}${DB_SUFFIX}" || exit 1; done
else
  PG_PORT="${IAS_BROWSER_OWN_PG_PORT:-55437}"; KAFKA_PORT="${IAS_BROWSER_OWN_KAFKA_PORT:-19097}"
  DB_SUFFIX=""
  start_postgres "$DIR/pg" "$PG_PORT" || exit 1
  start_broker "$KAFKA_PORT" "$DIR/logs/broker.log" || exit 1
  create_topics "$KAFKA_PORT" 6
fi
create_service_databases "$PG_PORT" "$DB_SUFFIX" || exit 1

export_subject_access_urls "$PORT_BASE"
for svc in "${SERVICES[@]}"; do
  IAS_HTTP_HOST=127.0.0.1 start_service "$svc" "$(service_port "$svc" "$PORT_BASE")" "$DIR/logs/$svc.log" "$svc-browser" "$DB_SUFFIX"
  STARTED_PIDS+=("$STARTED_PID")
done
if [ "$MODE" != test ]; then
  # RAV and the vocational school answer referrals, as in `make run`.
  IAS_HTTP_HOST=127.0.0.1 start_partner_simulator "$((PORT_BASE + 9))" "$DIR/logs/partner-simulator.log" partner-simulator-browser
  STARTED_PIDS+=("$STARTED_PID")
fi
for svc in "${SERVICES[@]}"; do
  wait_for_ready "http://127.0.0.1:$(service_port "$svc" "$PORT_BASE")/readyz" 90 \
    || { log "$svc did not become ready; see $DIR/logs/$svc.log"; exit 1; }
done
write_portal_users "$DIR/portal-users.json" "$BIN/ias-token" || { log "could not mint the demo users' tokens"; exit 1; }
start_portal "$PORTAL_PORT" "$BIN" "$DIR/logs/portal.log" "$PORT_BASE" "$DIR/portal-users.json" \
  || { log "the portal did not start; see $DIR/logs/portal.log"; exit 1; }
log "stack ready in $(( $(date +%s) - started )) s: portal http://127.0.0.1:$PORTAL_PORT, services $PORT_BASE–$((PORT_BASE + 4))"

export IAS_BROWSER_PORTAL_URL="http://127.0.0.1:$PORTAL_PORT" IAS_BROWSER_PORT_BASE="$PORT_BASE" IAS_TOKEN_BIN="$BIN/ias-token"
export IAS_PORT_BASE="$PORT_BASE"   # demo.py
export IAS_BROWSER_SCREENSHOTS="${IAS_BROWSER_SCREENSHOTS:-$LOCAL/test/screenshots}"

case "$MODE" in
  test)
    rm -rf "$IAS_BROWSER_SCREENSHOTS"; mkdir -p "$IAS_BROWSER_SCREENSHOTS"
    "$PYTHON" -m unittest discover -s "$ROOT/Tests/Browser" -t "$ROOT/Tests/Browser" -v 2>&1
    rc=$?
    log "browser tests took $(( $(date +%s) - started )) s (stack included); screenshots in $IAS_BROWSER_SCREENSHOTS"
    exit $rc
    ;;
  screenshots)
    "$PYTHON" "$ROOT/deploy/local/demo.py" || { log "the demo could not be loaded"; exit 1; }
    "$PYTHON" "$ROOT/Tests/Browser/screenshots.py" "$ROOT/docs/screenshots" || exit 1
    ;;
  serve)
    cat <<INFO

  The browser tests' stack is running (Ctrl-C stops it). Run tests against it:
    IAS_BROWSER_PORTAL_URL=$IAS_BROWSER_PORTAL_URL IAS_BROWSER_PORT_BASE=$PORT_BASE IAS_TOKEN_BIN=$BIN/ias-token \\
    IAS_JWT_SECRET=$IAS_JWT_SECRET IAS_BROWSER_SCREENSHOTS=$IAS_BROWSER_SCREENSHOTS \\
      $PYTHON -m unittest discover -s Tests/Browser -v        # or: … -m unittest -v test_case_work (from Tests/Browser)
INFO
    while true; do
      for pid in "${STARTED_PIDS[@]}"; do kill -0 "$pid" 2>/dev/null || { log "process $pid ended; see $DIR/logs"; exit 1; }; done
      sleep 2
    done
    ;;
esac
