#!/usr/bin/env bash
# Stands up a real Prometheus Alertmanager (Debian 12 package, 0.25.0) on loopback for the
# connector's real spec. Idempotent: installs the package only when missing, rewrites the config,
# and (re)starts the daemon with a pid file under ALERTMANAGER_STATE_DIR — no systemd. Running it
# again restarts Alertmanager, which forgets every alert (alerts live in memory; silences and the
# notification log are kept in the storage dir): the real spec uses that to lose a resolve.
#
# The webhook receiver posts to ALERTMANAGER_RECEIVER_URL (default: the fixed loopback port the
# spec's relay listens on) with "Authorization: Bearer <contents of the token file>"; the token
# is read from a file on every request, so the spec writes the secret of the connector instance
# it created there without a restart.
#
# stdout: ALERTMANAGER_URL=, ALERTMANAGER_RECEIVER_PORT=, ALERTMANAGER_TOKEN_FILE= lines (for
# `set -a; . file`); everything else goes to stderr.
set -euo pipefail

PORT="${ALERTMANAGER_PORT:-9093}"
RECEIVER_PORT="${ALERTMANAGER_RECEIVER_PORT:-19094}"
STATE_DIR="${ALERTMANAGER_STATE_DIR:-/var/tmp/switchboard-alertmanager}"
RECEIVER_URL="${ALERTMANAGER_RECEIVER_URL:-http://127.0.0.1:${RECEIVER_PORT}/webhooks/alertmanager}"
CONFIG="$STATE_DIR/alertmanager.yml"
TOKEN_FILE="$STATE_DIR/webhook-token"
PID_FILE="$STATE_DIR/alertmanager.pid"
LOG_FILE="$STATE_DIR/alertmanager.log"
URL="http://127.0.0.1:${PORT}"
BIN=/usr/bin/prometheus-alertmanager

log() { echo "[alertmanager-setup] $*" >&2; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

install_package() {
  if dpkg-query -W -f='${Status}' prometheus-alertmanager 2>/dev/null | grep -q 'install ok installed'; then
    return 0
  fi
  [ "$(id -u)" -eq 0 ] || { log "prometheus-alertmanager is missing: run this as root once to install it"; exit 1; }
  log "installing prometheus-alertmanager"
  apt-get update -q >&2
  # The package's service is never started here (no systemd); policy-rc.d may refuse it anyway.
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends prometheus-alertmanager >&2
}

write_config() {
  install -d -m 0750 "$STATE_DIR" "$STATE_DIR/data"
  if [ -n "${ALERTMANAGER_WEBHOOK_TOKEN:-}" ]; then
    printf '%s' "$ALERTMANAGER_WEBHOOK_TOKEN" >"$TOKEN_FILE"
  elif [ ! -s "$TOKEN_FILE" ]; then
    # A placeholder until the spec writes its instance's webhook secret.
    printf 'not-yet-configured' >"$TOKEN_FILE"
  fi
  chmod 0600 "$TOKEN_FILE"
  cat >"$CONFIG" <<YAML
# Written by test/real/alertmanager/setup.sh
global:
  resolve_timeout: 5m
route:
  receiver: switchboard
  group_by: ['alertname', 'instance']
  group_wait: 1s
  group_interval: 5s
  repeat_interval: 1h
receivers:
  - name: switchboard
    webhook_configs:
      - url: '${RECEIVER_URL}'
        send_resolved: true
        max_alerts: 0
        http_config:
          authorization:
            type: Bearer
            credentials_file: '${TOKEN_FILE}'
YAML
  amtool check-config "$CONFIG" >&2
}

stop_daemon() {
  alive "$PID_FILE" || return 0
  local pid
  pid="$(cat "$PID_FILE")"
  log "stopping alertmanager (pid $pid)"
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || { rm -f "$PID_FILE"; return 0; }; sleep 0.25; done
  log "alertmanager (pid $pid) did not stop within 15 s"
  exit 1
}

start_daemon() {
  # Restart on every run: the config may have changed, and the spec relies on a restart
  # dropping the in-memory alerts.
  stop_daemon
  log "starting alertmanager on $URL"
  # setsid: a session of its own, so it outlives the shell (and the jest worker) that started it.
  setsid "$BIN" \
    --config.file="$CONFIG" \
    --storage.path="$STATE_DIR/data" \
    --web.listen-address="127.0.0.1:${PORT}" \
    --web.external-url="$URL" \
    --cluster.listen-address= \
    --log.level=info \
    </dev/null >>"$LOG_FILE" 2>&1 &
  echo $! >"$PID_FILE"
  for _ in $(seq 1 80); do
    if ! alive "$PID_FILE"; then break; fi
    if curl -fsS --max-time 2 "$URL/-/ready" >/dev/null 2>&1; then
      log "alertmanager ready, pid $(cat "$PID_FILE"): $(curl -fsS --max-time 2 "$URL/api/v2/status" | head -c 120)"
      return 0
    fi
    sleep 0.25
  done
  log "alertmanager did not become ready within 20 s; last log lines:"
  tail -20 "$LOG_FILE" >&2 || true
  exit 1
}

started=$(date +%s)
install_package
write_config
start_daemon
log "ready in $(($(date +%s) - started)) s"

echo "ALERTMANAGER_URL=$URL"
echo "ALERTMANAGER_RECEIVER_PORT=$RECEIVER_PORT"
echo "ALERTMANAGER_TOKEN_FILE=$TOKEN_FILE"
