#!/usr/bin/env bash
# Stops the Alertmanager setup.sh started, by its pid file. Leaves the package and the state
# dir (config, silences) in place; pass --purge to remove the state dir too.
set -euo pipefail

STATE_DIR="${ALERTMANAGER_STATE_DIR:-/var/tmp/switchboard-alertmanager}"
PID_FILE="$STATE_DIR/alertmanager.pid"

log() { echo "[alertmanager-teardown] $*" >&2; }

if [ -f "$PID_FILE" ] && kill -0 "$(cat "$PID_FILE")" 2>/dev/null; then
  pid="$(cat "$PID_FILE")"
  log "stopping alertmanager (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.25
  done
  if kill -0 "$pid" 2>/dev/null; then
    log "alertmanager (pid $pid) still running after 15 s"
    exit 1
  fi
  log "alertmanager stopped"
else
  log "alertmanager not running"
fi
rm -f "$PID_FILE"

if [ "${1:-}" = "--purge" ]; then
  log "removing $STATE_DIR"
  rm -rf "$STATE_DIR"
fi
