#!/usr/bin/env bash
# Installs Debian's PostgreSQL where missing, starts it on localhost only, and creates
# the role and database the integration tests use (CREATEDB for migrate's shadow database).
# Prints the DATABASE_URL to use. Needs root (CI and the developer machines run as root).
set -euo pipefail
if ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version=$(ls /usr/lib/postgresql | sort -n | tail -1)
conf=/etc/postgresql/$version/main/postgresql.conf
sed -i "s/^#\?listen_addresses.*/listen_addresses = 'localhost'/" "$conf"
pg_ctlcluster "$version" main start >/dev/null 2>&1 || pg_ctlcluster "$version" main status >/dev/null
su postgres -c "psql -q -v ON_ERROR_STOP=1" >/dev/null <<'SQL'
DO $$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'conduit') THEN
    CREATE ROLE conduit LOGIN PASSWORD 'conduit-test' CREATEDB;
  END IF;
END $$;
SQL
su postgres -c "psql -tAc \"SELECT 1 FROM pg_database WHERE datname = 'conduit_test'\"" | grep -q 1 ||
  su postgres -c "createdb -O conduit conduit_test"
echo "postgresql://conduit:conduit-test@localhost:5432/conduit_test"
