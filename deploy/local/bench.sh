#!/usr/bin/env bash
# `make bench`: the performance benchmark of the whole pipeline on this machine.
#
# Starts a throw-away PostgreSQL, the broker and the five services (release build), measures
# the ceilings first, with the services idle — PostgreSQL with pgbench running the writes one
# event costs (deploy/bench/event.sql) and the 512 KiB chunk inserts a document upload costs
# (deploy/bench/document_chunk.sql), the HTTP server with wrk against /healthz beside nginx
# serving a small static file — and then runs `ias-bench`, which measures the broker's ceiling
# and drives cases through the suite (see Services/Tools/Bench/Bench.swift), then the case workers'
# portal (started after the services, signing in from a demo users file minted with ias-token):
# work queue and case pages with BENCH_PORTAL_CASES (100000) stored, and a form's submit until
# its effect shows (Bench+Portal.swift). Last, with the suite
# idle, ias-bench drains the run's topics once per consuming service with a second instance of
# its binary (empty database of its own, own consumer groups, relay off; Bench+Drain.swift):
# that service's event handling alone. Results:
# a table on the terminal, bench-results/latest.json and bench-results/latest.svg.
#
# Sizing: BENCH_CASES (5000), BENCH_OPEN_RATE (100 cases/s) and BENCH_OPEN_SECONDS (30),
# BENCH_WRITE_RATE (200/s), BENCH_READ_RATE (200/s), BENCH_STORED_CASES (0), BENCH_WORKERS (48),
# BENCH_DOCUMENTS_1MB (40), BENCH_DOCUMENTS_10MB (12), BENCH_DOCUMENT_CONCURRENT (8),
# BENCH_PORTAL_CASES (100000), BENCH_PORTAL_BROWSERS (4), BENCH_PORTAL_SECONDS (30),
# BENCH_PORTAL_SUBMITS (100), BENCH_PORTAL=0 leaves the portal out;
# see README.md, "Performance". Ports: IAS_BENCH_PG_PORT (55436), IAS_BENCH_KAFKA_PORT (19096),
# IAS_BENCH_PORT_BASE (8281; drain instances at base + 10 …), IAS_BENCH_PORTAL_PORT (base + 8),
# IAS_BENCH_NGINX_PORT (8299).
set -uo pipefail
STACK_NAME=bench
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=lib.sh
source "$ROOT/deploy/local/lib.sh"
cd "$ROOT" || exit 1

PG_PORT="${IAS_BENCH_PG_PORT:-55436}"
KAFKA_PORT="${IAS_BENCH_KAFKA_PORT:-19096}"
PORT_BASE="${IAS_BENCH_PORT_BASE:-8281}"
NGINX_PORT="${IAS_BENCH_NGINX_PORT:-8299}"
PORTAL_PORT="${IAS_BENCH_PORTAL_PORT:-$((PORT_BASE + 8))}"
BENCH_DIR="$LOCAL/bench"
OUT="${BENCH_OUT_DIR:-$ROOT/bench-results}"
export IAS_JWT_SECRET="${IAS_JWT_SECRET:-local-development-secret-change-me-0123456789}"
use_master_keys
# Two members per consumer group in each service (and in the drain instances): the partitions
# of a backlog are applied in parallel. README "Configuration", IAS_CONSUMER_CONCURRENCY.
export IAS_CONSUMER_CONCURRENCY="${IAS_CONSUMER_CONCURRENCY:-2}"
NGINX_PID=""
DRAIN_PID_FILE="$BENCH_DIR/drain.pid"   # ias-bench records the drain instance it runs here

cleanup() {
  trap - EXIT INT TERM
  [ -n "$NGINX_PID" ] && kill "$NGINX_PID" 2>/dev/null
  [ -s "$DRAIN_PID_FILE" ] && kill "$(cat "$DRAIN_PID_FILE")" 2>/dev/null
  stop_started
  stop_postgres
  log "everything this run started is stopped"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

IAS_BOOTSTRAP_BENCH=1 "$ROOT/deploy/local/bootstrap.sh" || exit 1
log "building (release)"
swift build -c release 2>&1 | grep -E 'error|Build complete' || true
BIN="$(swift build -c release --show-bin-path)"
[ -x "$BIN/ias-bench" ] || { log "build failed"; exit 1; }

rm -rf "$BENCH_DIR"; mkdir -p "$BENCH_DIR/logs" "$OUT"
chmod 755 "$BENCH_DIR"
start_postgres "$BENCH_DIR/pg" "$PG_PORT" || exit 1
create_service_databases "$PG_PORT" || exit 1
start_broker "$KAFKA_PORT" "$BENCH_DIR/logs/broker.log" || exit 1
create_topics "$KAFKA_PORT" "${IAS_KAFKA_TOPIC_PARTITIONS:-6}"

export_subject_access_urls "$PORT_BASE"
pids=("broker=$BROKER_PID" "postgres=$(head -n 1 "$BENCH_DIR/pg/data/postmaster.pid")")
for svc in "${SERVICES[@]}"; do
  IAS_LOG_LEVEL="${IAS_LOG_LEVEL:-warning}" \
    start_service "$svc" "$(service_port "$svc" "$PORT_BASE")" "$BENCH_DIR/logs/$svc.log" "$svc-bench"
  STARTED_PIDS+=("$STARTED_PID")
  pids+=("$svc=$STARTED_PID")
done
IAS_LOG_LEVEL=warning start_partner_simulator "$((PORT_BASE + 9))" "$BENCH_DIR/logs/partner-simulator.log" partner-simulator-bench
STARTED_PIDS+=("$STARTED_PID")
pids+=("partner-simulator=$STARTED_PID")
for svc in "${SERVICES[@]}"; do
  wait_for_ready "http://127.0.0.1:$(service_port "$svc" "$PORT_BASE")/readyz" 90 \
    || { log "$svc did not become ready; see $BENCH_DIR/logs/$svc.log"; exit 1; }
done
log "all services ready"
# The case workers' portal, after the services it calls, signing in from the demo users' list
# (tokens minted with ias-token and the bench's secret).
if [ "${BENCH_PORTAL:-1}" != "0" ]; then
  write_portal_users "$BENCH_DIR/portal-users.json" "$BIN/ias-token" || { log "could not mint the demo users' tokens"; exit 1; }
  IAS_LOG_LEVEL="${IAS_LOG_LEVEL:-warning}" start_portal "$PORTAL_PORT" "$BIN" "$BENCH_DIR/logs/portal.log" "$PORT_BASE" "$BENCH_DIR/portal-users.json" \
    || { log "the portal did not start; see $BENCH_DIR/logs/portal.log"; exit 1; }
  pids+=("portal=${STARTED_PIDS[-1]}")
  log "portal ready on 127.0.0.1:$PORTAL_PORT"
else
  PORTAL_PORT=0
fi

# --- Ceilings, measured now, on this machine, with the services idle -----------------------
PSQL=("$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres)
"${PSQL[@]}" -d postgres -c "CREATE DATABASE ias_bench_ceiling" >/dev/null
"${PSQL[@]}" -d ias_bench_ceiling -f "$ROOT/deploy/bench/schema.sql" >/dev/null
body="$(grep -v '^--' "$ROOT/deploy/bench/event.sql")"
{ echo "BEGIN;"; echo "$body"; echo "END;"; } >"$BENCH_DIR/event-1.sql"
{ echo "BEGIN;"; for _ in $(seq 1 100); do echo "$body"; done; echo "END;"; } >"$BENCH_DIR/event-100.sql"
pgbench_tps() { # SCRIPT — transactions per second over 10 s with 8 clients
  "$(pg_bin)/pgbench" -n -h 127.0.0.1 -p "$PG_PORT" -U postgres -M prepared -c 8 -j 2 -T "${BENCH_CEILING_SECONDS:-10}" \
    -f "$1" ias_bench_ceiling 2>/dev/null | sed -nE 's/^tps = ([0-9.]+).*/\1/p' | head -n 1
}
log "ceiling: PostgreSQL (pgbench, the writes of one event, 1 and 100 per transaction)"
tps1="$(pgbench_tps "$BENCH_DIR/event-1.sql")"
tps100="$(pgbench_tps "$BENCH_DIR/event-100.sql")"
log "  ${tps1:-?} events/s one per transaction; ${tps100:-?} transactions/s of 100 events"
# What a document upload writes: its content sealed in 512 KiB chunks, each a bytea row stored
# out of line without compression. One chunk per transaction; MB/s = transactions/s × 0.5 MiB,
# counted in MB of 10^6 bytes as the documents' sizes are.
log "ceiling: PostgreSQL (pgbench, one 512 KiB chunk of a document per statement)"
tpsdoc="$(pgbench_tps "$ROOT/deploy/bench/document_chunk.sql")"
doc_mbps="$(awk -v t="$tpsdoc" 'BEGIN { if (t == "") print "null"; else printf "%.2f\n", t * 524288 / 1000000 }')"
"${PSQL[@]}" -d ias_bench_ceiling -c "TRUNCATE document_chunks" >/dev/null   # gigabytes the run needs no more
log "  ${tpsdoc:-?} chunks/s: ${doc_mbps} MB/s"

mkdir -p "$BENCH_DIR/nginx/www"
printf 'ok\n' >"$BENCH_DIR/nginx/www/healthz"
cat >"$BENCH_DIR/nginx/nginx.conf" <<NGINX
worker_processes 1;
daemon off;
pid $BENCH_DIR/nginx/nginx.pid;
error_log $BENCH_DIR/logs/nginx-error.log warn;
events { worker_connections 1024; }
http {
  access_log off;
  client_body_temp_path $BENCH_DIR/nginx/tmp;
  proxy_temp_path $BENCH_DIR/nginx/tmp;
  fastcgi_temp_path $BENCH_DIR/nginx/tmp;
  uwsgi_temp_path $BENCH_DIR/nginx/tmp;
  scgi_temp_path $BENCH_DIR/nginx/tmp;
  server { listen 127.0.0.1:$NGINX_PORT; root $BENCH_DIR/nginx/www; default_type text/plain; }
}
NGINX
mkdir -p "$BENCH_DIR/nginx/tmp"
/usr/sbin/nginx -c "$BENCH_DIR/nginx/nginx.conf" -p "$BENCH_DIR/nginx" 2>>"$BENCH_DIR/logs/nginx-error.log" &
NGINX_PID=$!
wait_for_port "$NGINX_PORT" 10 || { log "nginx did not start; see $BENCH_DIR/logs/nginx-error.log"; exit 1; }
WRK_ARGS=(-t 2 -c 32 -d "${BENCH_CEILING_SECONDS:-10}s" --latency)
wrk_figures() { # URL — "requests_per_s p99_ms"
  wrk "${WRK_ARGS[@]}" "$1" 2>/dev/null | awk '
    /^ +99%/ { v=$2; if (v ~ /us$/) { sub(/us/,"",v); p=v/1000 } else if (v ~ /ms$/) { sub(/ms/,"",v); p=v } else if (v ~ /s$/) { sub(/s/,"",v); p=v*1000 } }
    /^Requests\/sec:/ { r=$2 } END { print r, p }'
}
log "ceiling: HTTP (wrk ${WRK_ARGS[*]}): /healthz of intake, then nginx serving a 3-byte file"
read -r healthz_rps healthz_p99 <<<"$(wrk_figures "http://127.0.0.1:$PORT_BASE/healthz")"
read -r nginx_rps nginx_p99 <<<"$(wrk_figures "http://127.0.0.1:$NGINX_PORT/healthz")"
kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; NGINX_PID=""
log "  intake /healthz ${healthz_rps:-?}/s (p99 ${healthz_p99:-?} ms), nginx ${nginx_rps:-?}/s (p99 ${nginx_p99:-?} ms)"

cat >"$BENCH_DIR/ceilings.json" <<JSON
{
  "postgres": {
    "tool": "pgbench -M prepared -c 8 -j 2 -T ${BENCH_CEILING_SECONDS:-10}, deploy/bench/event.sql",
    "event_tx_per_s": ${tps1:-null},
    "batched_tx_per_s": ${tps100:-null},
    "batched_events_per_s": $(awk -v t="${tps100:-0}" 'BEGIN { print t * 100 }'),
    "document_chunk_tool": "pgbench -M prepared -c 8 -j 2 -T ${BENCH_CEILING_SECONDS:-10}, deploy/bench/document_chunk.sql",
    "document_chunk_bytes": 524288,
    "document_chunk_tx_per_s": ${tpsdoc:-null},
    "document_chunk_mb_per_s": ${doc_mbps}
  },
  "http": {
    "tool": "wrk ${WRK_ARGS[*]}",
    "healthz_rps": ${healthz_rps:-null}, "healthz_p99_ms": ${healthz_p99:-null},
    "reference": "nginx $(/usr/sbin/nginx -v 2>&1 | sed -E 's/.*nginx\///'), one worker, a 3-byte static file",
    "reference_rps": ${nginx_rps:-null}, "reference_p99_ms": ${nginx_p99:-null}
  }
}
JSON

# --- The pipeline ---------------------------------------------------------------------------
pid_list="$(IFS=,; echo "${pids[*]}")"
BENCH_PIDS="$pid_list" BENCH_CEILINGS_FILE="$BENCH_DIR/ceilings.json" BENCH_OUT_DIR="$OUT" \
IAS_PORT_BASE="$PORT_BASE" IAS_KAFKA_BROKERS="127.0.0.1:$KAFKA_PORT" \
BENCH_COORDINATION_DATABASE_URL="postgresql://postgres@127.0.0.1:$PG_PORT/ias_coordination" \
BENCH_BIN_DIR="$BIN" BENCH_POSTGRES_ADDRESS="127.0.0.1:$PG_PORT" BENCH_LOG_DIR="$BENCH_DIR/logs" \
BENCH_DRAIN_PORT_BASE="$((PORT_BASE + 10))" BENCH_DRAIN_PID_FILE="$DRAIN_PID_FILE" BENCH_PORTAL_PORT="$PORTAL_PORT" \
  "$BIN/ias-bench"
status=$?
for pid in "${STARTED_PIDS[@]}"; do
  kill -0 "$pid" 2>/dev/null || { log "process $pid ended during the run; see $BENCH_DIR/logs"; status=1; }
done
exit $status
