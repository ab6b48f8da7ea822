#!/bin/sh
# One database and two roles per service, for the official postgres image
# (/docker-entrypoint-initdb.d, run once on an empty data directory) or by hand against any
# PostgreSQL >= 13 as a superuser (PGHOST, PGPORT and POSTGRES_USER as usual). Idempotent:
# run it again to add a missing role or database, or to set new passwords.
#
# For each service S in intake assessment plan costs coordination:
#   * role ias_S_owner (LOGIN, password from IAS_S_DB_OWNER_PASSWORD) owns database ias_S and
#     everything in it: the service runs its migrations as this role (IAS_DATABASE_MIGRATION_URL);
#   * role ias_S (LOGIN, password from IAS_S_DB_PASSWORD) is the service's runtime role
#     (IAS_DATABASE_URL): it may connect, and the service grants it, at every start, what it may
#     do on the tables; on the audit trail only read and append (README, "Audit trail");
#   * a database that ias_S owned (before the owner role existed) is handed to ias_S_owner with
#     everything in it;
#   * CONNECT on ias_S is revoked from PUBLIC, so no other role can open it: a service can
#     reach only its own database, even though they share one server;
#   * the maintenance database `postgres` is closed to PUBLIC as well.
# Passwords go into the services' libpq URIs (postgresql://ias_S:PASSWORD@host/ias_S): use
# URI-safe ones, e.g. `openssl rand -hex 24`.
set -eu

SERVICES="intake assessment plan costs coordination"
PSQL_USER="${POSTGRES_USER:-postgres}"

secret() { # VARIABLE: its value, or stop
  value=$(printenv "$1" || true)
  if [ -z "$value" ]; then
    echo "init-databases: $1 is not set" >&2
    exit 1
  fi
  printf '%s' "$value"
}

for svc in $SERVICES; do
  upper=$(printf '%s' "$svc" | tr '[:lower:]' '[:upper:]')
  password=$(secret "IAS_${upper}_DB_PASSWORD")
  owner_password=$(secret "IAS_${upper}_DB_OWNER_PASSWORD")
  # psql quotes :'password' as a literal and :"role" as an identifier; \gexec runs each
  # generated statement on its own (CREATE DATABASE cannot run in a transaction block).
  psql -X -q -v ON_ERROR_STOP=1 --username "$PSQL_USER" --dbname postgres \
    -v role="ias_${svc}" -v owner="ias_${svc}_owner" -v database="ias_${svc}" \
    -v password="$password" -v owner_password="$owner_password" <<'SQL'
SELECT format('CREATE ROLE %I LOGIN', r) FROM unnest(ARRAY[:'owner', :'role']) AS r
 WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE :"owner" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'owner_password';
ALTER ROLE :"role" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'password';
SELECT format('CREATE DATABASE %I OWNER %I ENCODING %L', :'database', :'owner', 'UTF8')
 WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec
ALTER DATABASE :"database" OWNER TO :"owner";
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"database" TO :"owner";
GRANT CONNECT, TEMPORARY ON DATABASE :"database" TO :"role";
SQL
  # What the runtime role created when it still owned the database becomes the owner's; before
  # PostgreSQL 15 everybody may create in schema public, which would let the runtime role own tables.
  psql -X -q -v ON_ERROR_STOP=1 --username "$PSQL_USER" --dbname "ias_${svc}" \
    -v role="ias_${svc}" -v owner="ias_${svc}_owner" <<'SQL'
REASSIGN OWNED BY :"role" TO :"owner";
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
SQL
  echo "init-databases: roles ias_${svc}_owner, ias_${svc} and database ias_${svc} ready"
done

psql -X -q -v ON_ERROR_STOP=1 --username "$PSQL_USER" --dbname postgres \
  -c 'REVOKE CONNECT ON DATABASE postgres FROM PUBLIC'
