#!/usr/bin/env bash
# Runs deploy/postgres/init-databases.sh (twice: it must be idempotent) against a throw-away
# PostgreSQL server and proves that each service's owner role can open its own database and
# create a table there, that its runtime role can open it but create nothing, and that neither
# opens any other database. Prints one summary line; exits 1 on any failure.
set -euo pipefail
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
SERVICES=(intake assessment plan costs coordination)
INIT_SCRIPT="${INIT_SCRIPT:-$ROOT/deploy/postgres/init-databases.sh}"

BIN="$(find /usr/lib/postgresql -mindepth 2 -maxdepth 2 -type d -name bin 2>/dev/null | sort -V | tail -n 1)"
[ -x "$BIN/initdb" ] || { echo "no PostgreSQL server installed (Debian package postgresql)" >&2; exit 1; }

run_as_owner() { if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

TMP="$(mktemp -d)"
chmod 755 "$TMP"
[ "$(id -u)" -eq 0 ] && chown postgres:postgres "$TMP"
PORT="$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
cleanup() {
  run_as_owner "$BIN/pg_ctl" -D "$TMP/data" -m immediate -w stop >/dev/null 2>&1 || true
  rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

run_as_owner "$BIN/initdb" -D "$TMP/data" -U postgres --auth-local=trust --auth-host=scram-sha-256 \
  -E UTF8 --locale=C.UTF-8 >"$TMP/initdb.log" 2>&1 || { cat "$TMP/initdb.log" >&2; exit 1; }
run_as_owner "$BIN/pg_ctl" -D "$TMP/data" -l "$TMP/server.log" -w -t 30 \
  -o "-p $PORT -k $TMP -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null \
  || { cat "$TMP/server.log" >&2; exit 1; }

export PGHOST="$TMP" PGPORT="$PORT" POSTGRES_USER=postgres
declare -A PASSWORD
for svc in "${SERVICES[@]}"; do
  PASSWORD[$svc]="pw-$svc-$RANDOM$RANDOM"
  PASSWORD[${svc}_owner]="pw-$svc-owner-$RANDOM$RANDOM"
  export "IAS_${svc^^}_DB_PASSWORD=${PASSWORD[$svc]}"
  export "IAS_${svc^^}_DB_OWNER_PASSWORD=${PASSWORD[${svc}_owner]}"
done
# A server from before the owner roles: ias_coordination owns its database and a table in it.
"$BIN/psql" -X -q -v ON_ERROR_STOP=1 -U postgres -d postgres \
  -c "CREATE ROLE ias_coordination LOGIN" -c "CREATE DATABASE ias_coordination OWNER ias_coordination" >/dev/null
"$BIN/psql" -X -q -v ON_ERROR_STOP=1 -U postgres -d ias_coordination \
  -c "SET ROLE ias_coordination" -c "CREATE TABLE legacy_probe (id int)" >/dev/null
"$INIT_SCRIPT" >"$TMP/init1.log" 2>&1 || { echo "init-databases.sh failed:" >&2; cat "$TMP/init1.log" >&2; exit 1; }
"$INIT_SCRIPT" >"$TMP/init2.log" 2>&1 || { echo "init-databases.sh is not idempotent:" >&2; cat "$TMP/init2.log" >&2; exit 1; }

try() { # ROLE DATABASE SQL — over TCP with the role's password, as a service would connect
  PGPASSWORD="${PASSWORD[$1]}" "$BIN/psql" -X -q -v ON_ERROR_STOP=1 \
    "host=127.0.0.1 port=$PORT user=ias_$1 dbname=$2 connect_timeout=5" -c "$3" >/dev/null 2>"$TMP/err"
}

failures=0
for svc in "${SERVICES[@]}"; do
  if ! try "${svc}_owner" "ias_$svc" "CREATE TABLE isolation_probe (id int); DROP TABLE isolation_probe;"; then
    echo "ias_${svc}_owner cannot use its own database: $(cat "$TMP/err")" >&2; failures=$((failures + 1))
  fi
  if ! try "$svc" "ias_$svc" "SELECT 1"; then
    echo "ias_$svc cannot open its own database: $(cat "$TMP/err")" >&2; failures=$((failures + 1))
  elif try "$svc" "ias_$svc" "CREATE TABLE isolation_probe (id int)"; then
    echo "ias_$svc (the runtime role) can create tables in ias_$svc" >&2; failures=$((failures + 1))
  fi
  for role in "$svc" "${svc}_owner"; do
    for other in "${SERVICES[@]}" postgres; do
      [ "$other" = "$svc" ] && continue
      database="ias_$other"; [ "$other" = postgres ] && database=postgres
      if try "$role" "$database" "SELECT 1"; then
        echo "ias_$role can open $database" >&2; failures=$((failures + 1))
      elif ! grep -q "permission denied" "$TMP/err"; then
        echo "ias_$role -> $database failed for another reason: $(cat "$TMP/err")" >&2; failures=$((failures + 1))
      fi
    done
  done
done
legacy_owner="$("$BIN/psql" -X -tA -U postgres -d ias_coordination -c "SELECT tableowner FROM pg_tables WHERE tablename = 'legacy_probe'")"
if [ "$legacy_owner" != ias_coordination_owner ]; then
  echo "a table the runtime role owned before is owned by '$legacy_owner', not by ias_coordination_owner" >&2; failures=$((failures + 1))
fi
[ "$failures" -eq 0 ] || exit 1
echo "${#SERVICES[@]} owner and ${#SERVICES[@]} runtime roles, each opens its own database only, the runtime roles create nothing, an earlier database is handed to its owner (real PostgreSQL $("$BIN/postgres" --version | awk '{print $3}')); re-run idempotent"
