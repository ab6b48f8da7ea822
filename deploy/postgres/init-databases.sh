#!/bin/sh
# One database and one role per service, for the official postgres image
# (/docker-entrypoint-initdb.d, run once on an empty data directory) or by hand against any
# PostgreSQL >= 13 as a superuser (PGHOST, PGPORT and POSTGRES_USER as usual). Idempotent:
# run it again to add a missing role or database, or to set new passwords.
#
# For each service S in intake assessment plan costs coordination:
#   * role ias_S (LOGIN, password from IAS_S_DB_PASSWORD) owns database ias_S;
#   * CONNECT on ias_S is revoked from PUBLIC, so no other role can open it: a service can
#     reach only its own database, even though they share one server;
#   * the maintenance database `postgres` is closed to PUBLIC as well.
# Passwords go into the services' libpq URIs (postgresql://ias_S:PASSWORD@host/ias_S): use
# URI-safe ones, e.g. `openssl rand -hex 24`.
set -eu

SERVICES="intake assessment plan costs coordination"
PSQL_USER="${POSTGRES_USER:-postgres}"

for svc in $SERVICES; do
  upper=$(printf '%s' "$svc" | tr '[:lower:]' '[:upper:]')
  var="IAS_${upper}_DB_PASSWORD"
  password=$(printenv "$var" || true)
  if [ -z "$password" ]; then
    echo "init-databases: $var is not set" >&2
    exit 1
  fi
  # psql quotes :'password' as a literal and :"role" as an identifier; \gexec runs each
  # generated statement on its own (CREATE DATABASE cannot run in a transaction block).
  psql -X -q -v ON_ERROR_STOP=1 --username "$PSQL_USER" --dbname postgres \
    -v role="ias_${svc}" -v database="ias_${svc}" -v password="$password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', :'role')
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'role') \gexec
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L', :'database', :'role', 'UTF8')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
ALTER DATABASE :"database" OWNER TO :"role";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"database" TO :"role";
SQL
  echo "init-databases: role and database ias_${svc} ready"
done

psql -X -q -v ON_ERROR_STOP=1 --username "$PSQL_USER" --dbname postgres \
  -c 'REVOKE CONNECT ON DATABASE postgres FROM PUBLIC'
