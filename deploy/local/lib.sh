# Shared functions of the local stack (sourced by run.sh and test.sh): start and stop
# PostgreSQL on a project-local data directory, the broker, and the services. Every process
# started here is recorded with its pid and stopped by that pid.
# shellcheck shell=bash

ROOT="${ROOT:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)}"
LOCAL="${IAS_LOCAL_DIR:-$ROOT/.local}"
export LD_LIBRARY_PATH="$LOCAL/lib${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}"
SERVICES=(intake assessment plan costs coordination)
STARTED_PIDS=()
STARTED_PID=""   # the last process start_service or start_partner_simulator started

# The master key rings of the local stack, made once per checkout into .local/ and kept there,
# so that a restarted stack reads what it stored before. Never constants of the repository:
# whoever holds them reads every document and every event's personal data.
#   IAS_DOCUMENT_MASTER_KEYS: wraps the case keys of documents (coordination);
#   IAS_CASE_KEY_MASTER_KEYS: wraps the case keys sealing the personal data of events (all five).
use_master_keys() {
  local ring file label
  for ring in IAS_DOCUMENT_MASTER_KEYS:document-master-keys:local IAS_CASE_KEY_MASTER_KEYS:case-key-master-keys:local-events; do
    IFS=: read -r ring file label <<<"$ring"
    if [ -z "${!ring:-}" ]; then
      file="$LOCAL/$file"
      if [ ! -s "$file" ]; then
        mkdir -p "$LOCAL"
        ( umask 077; printf '%s-1:%s\n' "$label" "$(openssl rand -base64 32)" > "$file" )
      fi
      printf -v "$ring" '%s' "$(cat "$file")"
    fi
    export "${ring?}"
  done
}

log() { printf '[%s] %s\n' "${STACK_NAME:-stack}" "$*" >&2; }

pg_bin() { ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1; }

# Runs a command as the unprivileged owner of the database files (PostgreSQL refuses root).
as_pg_user() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_postgres DIR PORT — initialises DIR once, starts the server on 127.0.0.1:PORT.
start_postgres() {
  local dir="$1" port="$2" bin; bin="$(pg_bin)"
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres:postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    log "initialising PostgreSQL in $dir/data"
    as_pg_user "$bin/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; return 1; }
  fi
  log "starting PostgreSQL on 127.0.0.1:$port"
  as_pg_user "$bin/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 30 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200 -c fsync=${IAS_PG_FSYNC:-on}" start >/dev/null \
    || { tail -n 20 "$dir/server.log" >&2; return 1; }
  PG_DIR="$dir"
}

stop_postgres() {
  [ -n "${PG_DIR:-}" ] || return 0
  as_pg_user "$(pg_bin)/pg_ctl" -D "$PG_DIR/data" -m fast -w -t 20 stop >/dev/null 2>&1 || true
  log "PostgreSQL stopped"
  PG_DIR=""
}

psql_admin() { # psql_admin PORT SQL
  "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$1" -U postgres -d postgres -c "$2" >/dev/null
}

# One database and two roles per service: ias_<svc>_owner owns the database and runs the
# migrations (IAS_DATABASE_MIGRATION_URL); ias_<svc>, the service's runtime role, may only
# connect and is granted its rights on the tables by the service at every start
# (Shared/ServiceKit/DatabaseRoles.swift): it cannot change or delete the audit trail.
create_service_databases() { # PORT [SUFFIX]
  local port="$1" suffix="${2:-}" svc db role
  for svc in "${SERVICES[@]}"; do
    db="ias_${svc}${suffix}"
    for role in "ias_${svc}_owner" "ias_${svc}"; do
      if ! "$(pg_bin)/psql" -X -tA -h 127.0.0.1 -p "$port" -U postgres -d postgres \
          -c "SELECT 1 FROM pg_roles WHERE rolname='${role}'" | grep -q 1; then
        psql_admin "$port" "CREATE ROLE ${role} LOGIN"
      fi
    done
    if ! "$(pg_bin)/psql" -X -tA -h 127.0.0.1 -p "$port" -U postgres -d postgres \
        -c "SELECT 1 FROM pg_database WHERE datname='${db}'" | grep -q 1; then
      psql_admin "$port" "CREATE DATABASE ${db} OWNER ias_${svc}_owner"
      psql_admin "$port" "REVOKE CONNECT ON DATABASE ${db} FROM PUBLIC"
    else
      # A database of an earlier local stack, owned by the runtime role: handed to the owner
      # with everything in it (a no-op once done).
      "$(pg_bin)/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$port" -U postgres -d "$db" \
        -c "REASSIGN OWNED BY ias_${svc} TO ias_${svc}_owner" >/dev/null
      psql_admin "$port" "ALTER DATABASE ${db} OWNER TO ias_${svc}_owner"
    fi
    psql_admin "$port" "GRANT CONNECT ON DATABASE ${db} TO ias_${svc}"
  done
}

# start_broker PORT LOGFILE
start_broker() {
  local port="$1" logfile="$2"
  log "starting the broker on 127.0.0.1:$port"
  "$LOCAL/bin/tansu" broker --listener-url "tcp://127.0.0.1:$port" \
    --advertised-listener-url "tcp://127.0.0.1:$port" >"$logfile" 2>&1 &
  BROKER_PID=$!
  STARTED_PIDS+=("$BROKER_PID")
  wait_for_port "$port" 20 || { log "the broker did not start; see $logfile"; return 1; }
}

stop_broker() {
  [ -n "${BROKER_PID:-}" ] || return 0
  kill -CONT "$BROKER_PID" 2>/dev/null || true
  kill "$BROKER_PID" 2>/dev/null || true
  wait "$BROKER_PID" 2>/dev/null || true
  log "broker stopped"
  BROKER_PID=""
}

create_topics() { # PORT PARTITIONS
  local port="$1" partitions="$2" topic
  # Each partner has a pair of topics of its own (Shared/Contracts/PartnerChannel.swift).
  for topic in ias.intake.v1 ias.assessment.v1 ias.plan.v1 ias.costs.v1 ias.coordination.v1 \
               iiz.partner.rav.outbound.v1 iiz.partner.rav.inbound.v1 iiz.partner.bks.outbound.v1 iiz.partner.bks.inbound.v1 \
               ias.audit.v1; do
    "$LOCAL/bin/tansu" topic create "$topic" --partitions "$partitions" --broker "tcp://127.0.0.1:$port" >/dev/null 2>&1 || true
  done
  # The case keys of events: compacted, as in deploy/k8s/base/create-topics.sh.
  "$LOCAL/bin/tansu" topic create ias.intake.case-keys.v1 --partitions "$partitions" --config cleanup.policy=compact \
    --broker "tcp://127.0.0.1:$port" >/dev/null 2>&1 || true
}

wait_for_port() { # PORT SECONDS
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

wait_for_ready() { # URL SECONDS
  local i
  for ((i = 0; i < $2 * 10; i++)); do
    curl -fsS -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.1
  done
  return 1
}

service_port() { # NAME BASE
  local i
  for i in "${!SERVICES[@]}"; do [ "${SERVICES[$i]}" = "$1" ] && echo $(($2 + i)); done
}

# start_service EXE PORT LOGFILE INSTANCE_ID [DB_SUFFIX]: one of the five services in the
# background on PORT, with this stack's PostgreSQL (PG_PORT: runtime role, owner for the
# migrations) and broker (KAFKA_PORT), binaries from BIN; its pid in STARTED_PID. Settings of
# the caller's own (IAS_HTTP_HOST, IAS_LOG_LEVEL …) go before the call.
start_service() {
  local exe="$1" port="$2" logfile="$3" instance="$4" db="ias_$1${5:-}"
  IAS_HTTP_PORT="$port" \
  IAS_DATABASE_URL="postgresql://ias_${exe}@127.0.0.1:${PG_PORT}/${db}" \
  IAS_DATABASE_MIGRATION_URL="postgresql://ias_${exe}_owner@127.0.0.1:${PG_PORT}/${db}" \
  IAS_KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT}" IAS_INSTANCE_ID="$instance" \
    "$BIN/ias-$exe" >>"$logfile" 2>&1 &
  STARTED_PID=$!
}

# start_partner_simulator PORT LOGFILE INSTANCE_ID: RAV/AMIplus and the vocational school
# answering referrals on the partner topics; its pid in STARTED_PID.
start_partner_simulator() {
  IAS_HTTP_PORT="$1" IAS_KAFKA_BROKERS="127.0.0.1:${KAFKA_PORT}" IAS_INSTANCE_ID="$3" \
    "$BIN/ias-partner-simulator" >>"$2" 2>&1 &
  STARTED_PID=$!
}

# Where coordination asks the other services for their part of a person's export.
export_subject_access_urls() { # PORT_BASE
  local peer
  for peer in intake assessment plan costs; do
    export "IAS_SUBJECT_ACCESS_${peer^^}_URL=http://127.0.0.1:$(service_port "$peer" "$1")"
  done
}

stop_started() {
  local pid
  for pid in "${STARTED_PIDS[@]}"; do
    kill -CONT "$pid" 2>/dev/null || true
    kill "$pid" 2>/dev/null || true
  done
  for pid in "${STARTED_PIDS[@]}"; do
    for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  done
  STARTED_PIDS=()
}

# The demo users of the portal's development sign-in, each with a token of ias-token
# (12 hours): the canton's case worker and approver, the DVI's auditor, two municipalities'
# case workers and a mandated organisation. Written to FILE for IAS_PORTAL_DEV_USERS_FILE.
write_portal_users() { # FILE TOKEN_BIN
  local file="$1" bin="$2" entries=() id org roles label tok
  while IFS='|' read -r id org roles label; do
    tok="$("$bin" --org "$org" --role "$roles" --sub "$id" --ttl 43200)" || return 1
    entries+=("{\"id\": \"$id\", \"label\": \"$label\", \"token\": \"$tok\"}")
  done <<'USERS'
ksd-caseworker|canton:KSD|caseworker|Kanton KSD – Fallführung (Anna Keller)
ksd-approver|canton:KSD|caseworker,approver|Kanton KSD – Kostengutsprachen (Marc Weber)
dvi-auditor|canton:DVI|auditor|DVI – Aufsicht (Laura Frei)
m4001-caseworker|municipality:4001|caseworker|Gemeinde 4001 – Sozialdienst (Sara Meier)
m4021-caseworker|municipality:4021|caseworker|Gemeinde 4021 – Sozialdienst (Luca Rossi)
caritas-4001|delegate:caritas:4001|caseworker|Caritas im Auftrag der Gemeinde 4001 (Nora Brunner)
USERS
  local IFS=,
  printf '[%s]\n' "${entries[*]}" >"$file"
  chmod 600 "$file"
}

# start_portal PORT BIN LOGFILE SERVICE_PORT_BASE USERS_FILE: the portal on plain HTTP for this
# machine (cookies without Secure), signing in from USERS_FILE.
start_portal() {
  local port="$1" bin="$2" logfile="$3" base="$4" users="$5"
  IAS_HTTP_PORT="$port" IAS_INSTANCE_ID="portal-local" \
  IAS_PORTAL_INTAKE_URL="http://127.0.0.1:$base" IAS_PORTAL_ASSESSMENT_URL="http://127.0.0.1:$((base + 1))" \
  IAS_PORTAL_PLAN_URL="http://127.0.0.1:$((base + 2))" IAS_PORTAL_COSTS_URL="http://127.0.0.1:$((base + 3))" \
  IAS_PORTAL_COORDINATION_URL="http://127.0.0.1:$((base + 4))" \
  IAS_PORTAL_DEV_USERS_FILE="$users" IAS_PORTAL_SECURE_COOKIES=false \
    "$bin/ias-portal" >>"$logfile" 2>&1 &
  STARTED_PIDS+=($!)
  wait_for_ready "http://127.0.0.1:$port/healthz" 30
}
