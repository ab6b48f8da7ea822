#!/bin/sh
# One database and one role per service; each role owns only its database and nobody else
# may connect to it. Passwords come from the environment (IAS_<SERVICE>_DB_PASSWORD).
set -eu
for svc in intake assessment plan costs coordination; do
  upper=$(echo "$svc" | tr '[:lower:]' '[:upper:]')
  password=$(eval echo "\${IAS_${upper}_DB_PASSWORD:?IAS_${upper}_DB_PASSWORD is not set}")
  psql -v ON_ERROR_STOP=1 --username "$POSTGRES_USER" --dbname postgres <<SQL
CREATE ROLE ias_${svc} LOGIN PASSWORD '${password}';
CREATE DATABASE ias_${svc} OWNER ias_${svc};
REVOKE CONNECT ON DATABASE ias_${svc} FROM PUBLIC;
SQL
done
