#!/usr/bin/env bash
# Install and start a local PostgreSQL for the tests, idempotently, on a fresh Debian machine
# (run as root). Two clusters of the installed major version, loopback only:
#   main   (port 5432): the Postgres sink tests;
#   outage (port 5433): the no-loss test stops and restarts THIS one, so tests running at the
#                       same time against main never see the outage.
# Prints the exports to stdout (progress goes to stderr), and also writes them to $1 if given:
#   eval "$(bash scripts/ci-postgres.sh)"      or      bash scripts/ci-postgres.sh pg.env && . pg.env
# The password is a fixed test password for a throwaway loopback cluster, not a secret.
set -euo pipefail
export DEBIAN_FRONTEND=noninteractive
OUT="${1:-}"
ROLE=jsscada
PASS=jsscada_test
DB=jsscada_test
say() { echo "== ci-postgres: $*" >&2; }

if [ "$(id -u)" != 0 ]; then say "must run as root (apt-get, pg_ctlcluster, su postgres)"; exit 1; fi
if ! command -v pg_ctlcluster >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1; then
  say "installing postgresql"
  apt-get update -qq >&2
  apt-get install -y -qq postgresql >&2
fi
VER="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"

cluster() { # name port
  local name="$1" port="$2"
  if ! pg_lsclusters -h | awk '{print $1" "$2}' | grep -qx "$VER $name"; then
    say "creating cluster $VER $name on port $port"
    pg_createcluster "$VER" "$name" --port "$port" >&2
  fi
  if ! pg_ctlcluster "$VER" "$name" status >/dev/null 2>&1; then
    say "starting cluster $VER $name"
    pg_ctlcluster "$VER" "$name" start >&2
  fi
  for _ in $(seq 1 50); do
    pg_isready -q -h 127.0.0.1 -p "$port" && break
    sleep 0.2
  done
  pg_isready -q -h 127.0.0.1 -p "$port" || { say "cluster $name did not come up"; exit 1; }
  # Role and database, created once; the password is (re)set every run.
  su postgres -c "psql -q -p $port -v ON_ERROR_STOP=1" >&2 <<SQL
SELECT 'CREATE ROLE $ROLE LOGIN' WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = '$ROLE') \gexec
ALTER ROLE $ROLE LOGIN PASSWORD '$PASS';
SELECT 'CREATE DATABASE $DB OWNER $ROLE' WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = '$DB') \gexec
SQL
}

cluster main 5432
cluster outage 5433

EXPORTS="export JSSCADA_TEST_PG_URL=postgres://$ROLE:$PASS@127.0.0.1:5432/$DB
export JSSCADA_TEST_PG_OUTAGE_URL=postgres://$ROLE:$PASS@127.0.0.1:5433/$DB
export JSSCADA_TEST_PG_OUTAGE_CLUSTER='$VER outage'"
if [ -n "$OUT" ]; then printf '%s\n' "$EXPORTS" > "$OUT"; fi
printf '%s\n' "$EXPORTS"
