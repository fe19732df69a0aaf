#!/usr/bin/env bash
# A local PostgreSQL + PostGIS server for conflictlog, from Debian's packages, in a folder of its own:
#   scripts/local_postgres.sh start   # creates the cluster on first use, starts it, prints the --db URL
#   scripts/local_postgres.sh url     # prints the --db URL
#   scripts/local_postgres.sh stop
# Needs postgresql and postgresql-15-postgis-3 (apt-get install postgresql postgresql-15-postgis-3).
# PGDATA_DIR (default .postgres/), PGPORT (default 5433) and PGDATABASE (default conflictlog) change where it
# lives, its port and the database. As root, the server runs as the postgres user.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
DIR=$(realpath -m "${PGDATA_DIR:-.postgres}")
PORT=${PGPORT:-5433}
DB=${PGDATABASE:-conflictlog}
USER_NAME=$(id -un)
AS=()
if [ "$(id -u)" = "0" ]; then
  AS=(runuser -u postgres --)
  USER_NAME=postgres
fi
URL="postgresql://$USER_NAME@127.0.0.1:$PORT/$DB"

case "${1:-}" in
  start)
    if [ ! -x "$BIN/initdb" ]; then
      echo "PostgreSQL is not installed: apt-get install postgresql postgresql-15-postgis-3" >&2
      exit 1
    fi
    if [ ! -f "$DIR/data/PG_VERSION" ]; then
      mkdir -p "$DIR"
      [ ${#AS[@]} -eq 0 ] || chown postgres "$DIR"
      "${AS[@]}" "$BIN/initdb" -D "$DIR/data" -U "$USER_NAME" --auth=trust -E UTF8 --locale=C >"$DIR/initdb.log"
    fi
    if ! "${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" status >/dev/null 2>&1; then
      "${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -l "$DIR/server.log" -w \
        -o "-p $PORT -k $DIR -c listen_addresses=127.0.0.1" start >/dev/null
    fi
    if ! "${AS[@]}" psql -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d postgres -tAc \
        "SELECT 1 FROM pg_database WHERE datname = '$DB'" | grep -q 1; then
      "${AS[@]}" psql -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d postgres -qc "CREATE DATABASE $DB"
    fi
    "${AS[@]}" psql -h 127.0.0.1 -p "$PORT" -U "$USER_NAME" -d "$DB" -qc "SET client_min_messages = warning; CREATE EXTENSION IF NOT EXISTS postgis"
    echo "PostgreSQL + PostGIS running (log: $DIR/server.log). Use it with:" >&2
    echo "  export CONFLICTLOG_DB=$URL" >&2
    echo "$URL"
    ;;
  url)
    echo "$URL"
    ;;
  stop)
    if [ -f "$DIR/data/postmaster.pid" ]; then
      "${AS[@]}" "$BIN/pg_ctl" -D "$DIR/data" -m fast -w stop >/dev/null
      echo "stopped the PostgreSQL server in $DIR (its data stays; delete the folder to drop it)" >&2
    fi
    ;;
  *)
    echo "usage: $0 start|url|stop" >&2
    exit 2
    ;;
esac
