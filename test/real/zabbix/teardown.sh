#!/usr/bin/env bash
# Stops what setup.sh started, by the pid files it recorded. Leaves packages and the database
# in place so the next setup.sh is fast; pass --purge-db to drop the zabbix database too.
set -euo pipefail

STATE_DIR="${ZABBIX_STATE_DIR:-/var/tmp/switchboard-zabbix}"
PG_HOST="${ZABBIX_PG_HOST:-127.0.0.1}"
PG_PORT="${ZABBIX_PG_PORT:-5432}"
PG_ADMIN="${ZABBIX_PG_ADMIN:-postgres}"

log() { echo "[zabbix-teardown] $*" >&2; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

stop() {
  local name="$1" pid_file="$2"
  if ! alive "$pid_file"; then
    log "$name not running"
    return 0
  fi
  local pid
  pid="$(cat "$pid_file")"
  log "stopping $name (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 60); do
    kill -0 "$pid" 2>/dev/null || { log "$name stopped"; return 0; }
    sleep 0.5
  done
  log "$name (pid $pid) still running after 30 s"
  return 1
}

stop zabbix_server "$STATE_DIR/zabbix_server.pid"
# apache2.pid in the state dir is a link to the pid file apache2 itself writes.
stop apache2 "$STATE_DIR/apache2.pid"

if [ "${1:-}" = "--purge-db" ]; then
  log "dropping database zabbix"
  psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ADMIN" -c 'drop database if exists zabbix'
fi
