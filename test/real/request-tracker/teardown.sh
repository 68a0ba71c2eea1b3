#!/usr/bin/env bash
# Stops the rt-server setup.sh started, by its pid file. Leaves the packages, the site config and
# the SQLite database in place so the next setup.sh is fast; --purge-db also deletes the
# database, the token and the mail log (the next setup.sh initialises a fresh RT).
set -euo pipefail

STATE_DIR="${RT_STATE_DIR:-/var/tmp/switchboard-rt}"
PID_FILE="$STATE_DIR/rt-server.pid"

log() { echo "[rt-teardown] $*" >&2; }

if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  pid="$(cat "$PID_FILE")"
  log "stopping rt-server (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.5
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "rt-server (pid $pid) still running after 30 s"
    exit 1
  fi
  log "rt-server stopped"
else
  log "rt-server not running"
fi
rm -f "$PID_FILE"

if [ "${1:-}" = "--purge-db" ]; then
  log "deleting the database, token and mail log in $STATE_DIR"
  rm -f "$STATE_DIR/rt5.db" "$STATE_DIR/token" "$STATE_DIR/mail.log"
fi
