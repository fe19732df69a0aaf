#!/usr/bin/env bash
# Serve the demo database's map in the background and print its URL (make demo's last step).
# `make demo-stop` stops it. Set DEMO_SERVE=0 to skip serving.
set -euo pipefail
cd "$(dirname "$0")/.."
DB=${1:-demo.sqlite}
PORT=${DEMO_PORT:-8000}
PIDFILE=.demo-server.pid
if [ "${DEMO_SERVE:-1}" = "0" ]; then
  echo "Map: .venv/bin/conflictlog --db $DB serve, then open http://127.0.0.1:$PORT/"
  exit 0
fi
if [ -f "$PIDFILE" ] && kill -0 "$(cat "$PIDFILE")" 2>/dev/null; then
  kill "$(cat "$PIDFILE")" 2>/dev/null || true
  sleep 1
fi
nohup .venv/bin/conflictlog --db "$DB" serve --host 127.0.0.1 --port "$PORT" >.demo-server.log 2>&1 &
echo $! >"$PIDFILE"
for _ in $(seq 1 50); do
  if .venv/bin/python -c "import urllib.request,sys; urllib.request.urlopen('http://127.0.0.1:$PORT/events?limit=1', timeout=1)" 2>/dev/null; then
    echo "Map of the demo events: http://127.0.0.1:$PORT/   (server log: .demo-server.log; stop it with: make demo-stop)"
    exit 0
  fi
  sleep 0.2
done
echo "the map server did not start; see .demo-server.log" >&2
exit 1
