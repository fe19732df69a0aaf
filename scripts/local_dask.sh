#!/usr/bin/env bash
# A local Dask cluster for `conflictlog ingest --cluster`: one scheduler and N worker processes (one thread each)
# from the project's .venv, in the background.
#   scripts/local_dask.sh start [N]   # N workers (default: DASK_WORKERS or 2); prints the scheduler's address
#   scripts/local_dask.sh status      # which of the started processes still run
#   scripts/local_dask.sh stop        # stops what start started
# DASK_PORT (default 8786) is the scheduler's port; logs and process ids are kept in .dask-local/.
set -euo pipefail
cd "$(dirname "$0")/.."
STATE=.dask-local
PORT=${DASK_PORT:-8786}
ADDRESS="tcp://127.0.0.1:$PORT"
DASK=.venv/bin/dask

running() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

start() {
  local workers=${1:-${DASK_WORKERS:-2}}
  [ -x "$DASK" ] || { echo "no $DASK: run 'make setup' first" >&2; exit 1; }
  mkdir -p "$STATE"
  if running "$STATE/scheduler.pid"; then
    echo "a scheduler started here already runs (pid $(cat "$STATE/scheduler.pid")); stop it first" >&2
    exit 1
  fi
  nohup "$DASK" scheduler --host 127.0.0.1 --port "$PORT" --no-dashboard >"$STATE/scheduler.log" 2>&1 &
  echo $! >"$STATE/scheduler.pid"
  for _ in $(seq 1 100); do
    if .venv/bin/python -c "import socket; socket.create_connection(('127.0.0.1', $PORT), 1).close()" 2>/dev/null; then
      break
    fi
    sleep 0.2
  done
  # build the gazetteer's village index once here (minutes the first time), not in every worker at once
  .venv/bin/conflictlog --db "$STATE/gazetteer-check.sqlite" gazetteer info >/dev/null
  for i in $(seq 1 "$workers"); do
    nohup "$DASK" worker "$ADDRESS" --nthreads 1 --name "local-$i" --no-dashboard \
      --local-directory "$STATE/worker-$i" >"$STATE/worker-$i.log" 2>&1 &
    echo $! >"$STATE/worker-$i.pid"
  done
  echo "Dask scheduler at $ADDRESS with $workers workers (logs in $STATE/)"
  echo "ingest with: .venv/bin/conflictlog ingest --cluster $ADDRESS PATH...   stop with: $0 stop"
}

status() {
  local found=0
  for pidfile in "$STATE"/*.pid; do
    [ -e "$pidfile" ] || continue
    found=1
    if running "$pidfile"; then state=running; else state=stopped; fi
    echo "$(basename "$pidfile" .pid): pid $(cat "$pidfile") $state"
  done
  [ "$found" = 1 ] || echo "nothing started (no $STATE/*.pid)"
}

stop() {
  for pidfile in "$STATE"/worker-*.pid "$STATE"/scheduler.pid; do
    [ -e "$pidfile" ] || continue
    if running "$pidfile"; then
      kill "$(cat "$pidfile")" 2>/dev/null || true
    fi
    rm -f "$pidfile"
  done
  echo "local Dask cluster stopped"
}

case "${1:-}" in
  start) start "${2:-}" ;;
  status) status ;;
  stop) stop ;;
  *) echo "usage: $0 start [N] | status | stop" >&2; exit 2 ;;
esac
