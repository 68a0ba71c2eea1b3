#!/usr/bin/env bash
# Stands up a real Request Tracker 5 (Debian 12 packages, SQLite) on loopback for the
# request-tracker connector's real spec. Idempotent: every step checks before acting, so running
# it twice is harmless. No systemd: rt-server is started directly, its pid file kept under
# RT_STATE_DIR. Mail goes to $RT_STATE_DIR/mail.log, never out.
# Prints RT_URL=, RT_TOKEN=, RT_QUEUE=, RT_KEY_FIELD=, RT_KEY_FIELD_ID= and RT_MAIL_LOG= on
# stdout; logs to stderr.
set -euo pipefail

PORT="${RT_PORT:-8095}"
STATE_DIR="${RT_STATE_DIR:-/var/tmp/switchboard-rt}"
export RT_QUEUE="${RT_QUEUE:-Switchboard}"
export RT_KEY_FIELD="${RT_KEY_FIELD:-SwitchboardIncident}"
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DB_FILE="$STATE_DIR/rt5.db"
PID_FILE="$STATE_DIR/rt-server.pid"
TOKEN_FILE="$STATE_DIR/token"
SITE_CONF=/etc/request-tracker5/RT_SiteConfig.d/99-switchboard-test.pm
RT_SERVER=/usr/share/request-tracker5/libexec/rt-server
BASE_URL="http://127.0.0.1:${PORT}"

log() { echo "[rt-setup] $*" >&2; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

[ "$(id -u)" -eq 0 ] || { log "run as root (packages, /etc/request-tracker5)"; exit 1; }

install_packages() {
  local pkgs=(dbconfig-no-thanks request-tracker5 rt5-db-sqlite rt5-standalone sqlite3)
  local missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} (about 30-50 s)"
  debconf-set-selections <<SEL
dbconfig-common dbconfig-common/dbconfig-install boolean false
request-tracker5 request-tracker5/rtname string switchboard.test
request-tracker5 request-tracker5/organization string switchboard.test
request-tracker5 request-tracker5/correspondaddress string rt@switchboard.test
request-tracker5 request-tracker5/commentaddress string rt-comment@switchboard.test
request-tracker5 request-tracker5/webbaseurl string $BASE_URL
request-tracker5 request-tracker5/webpath string
request-tracker5 request-tracker5/install-cronjobs boolean false
SEL
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

write_config() {
  install -d -m 0750 "$STATE_DIR"
  cat >"$STATE_DIR/sendmail" <<SH
#!/bin/sh
# Written by test/real/request-tracker/setup.sh: RT's mail is appended here, nothing is sent.
{ echo "---- \$(date -u +%FT%TZ) \$*"; cat; echo; } >>"$STATE_DIR/mail.log"
SH
  chmod 0755 "$STATE_DIR/sendmail"
  cat >"$SITE_CONF" <<PM
# Written by test/real/request-tracker/setup.sh (loaded after 50-debconf.pm, so it wins).
Set(\$DatabaseType, 'SQLite');
Set(\$DatabaseName, '$DB_FILE');
Set(\$WebDomain, '127.0.0.1');
Set(\$WebPort, $PORT);
Set(\$WebPath, '');
Set(\$WebBaseURL, '$BASE_URL');
Set(\$MailCommand, 'sendmailpipe');
Set(\$SendmailPath, '$STATE_DIR/sendmail');
Set(\$SendmailArguments, '-oi -t');
Set(\$LogToSyslog, undef);
Set(\$LogToSTDERR, 'warning');
Set(\$Timezone, 'UTC');
1;
PM
  chmod 0644 "$SITE_CONF"
}

# The root row is written near the end of init; its presence means the database is usable.
init_database() {
  if [ -f "$DB_FILE" ] &&
    [ "$(sqlite3 "$DB_FILE" "select count(*) from Users where Name='root'" 2>/dev/null || true)" = 1 ]; then
    return 0
  fi
  stop_server
  log "initialising the SQLite database $DB_FILE (about 10 s)"
  rm -f "$DB_FILE"
  rt-setup-database-5 --action init --dba-password '' --skip-create >&2 2>&1 ||
    rt-setup-database-5 --action init --dba-password '' >&2
}

stop_server() {
  alive "$PID_FILE" || return 0
  local pid
  pid="$(cat "$PID_FILE")"
  log "stopping rt-server $pid"
  kill "$pid"
  for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || return 0; sleep 0.5; done
  log "rt-server did not stop in 30 s"
  exit 1
}

api_ok() { # $1: extra curl args (auth)
  [ "$(curl -s -o /dev/null -w '%{http_code}' --max-time 5 -A 'Switchboard-setup/1.0' "$@" "$BASE_URL/REST/2.0/rt")" = 200 ]
}

start_server() {
  # The site config may have changed; a restart is cheap and keeps the run reproducible.
  stop_server
  log "starting rt-server on 127.0.0.1:$PORT"
  # setsid: the server outlives this script and the shell that ran it.
  setsid "$RT_SERVER" --host 127.0.0.1 --port "$PORT" >>"$STATE_DIR/rt-server.log" 2>&1 </dev/null &
  echo $! >"$PID_FILE"
  for _ in $(seq 1 120); do
    if api_ok -u root:password; then
      log "rt-server running, pid $(cat "$PID_FILE")"
      return 0
    fi
    alive "$PID_FILE" || break
    sleep 0.5
  done
  log "rt-server did not answer within 60 s; last log lines:"
  tail -20 "$STATE_DIR/rt-server.log" >&2 || true
  exit 1
}

bootstrap() {
  local token_ok=0
  if [ -s "$TOKEN_FILE" ] && api_ok -H "Authorization: token $(cat "$TOKEN_FILE")"; then
    token_ok=1
  fi
  local out
  out="$(RT_TOKEN_OK=$token_ok perl "$HERE/rt-bootstrap.pl")"
  if [ "$token_ok" = 0 ]; then
    printf '%s\n' "$out" | sed -n 's/^RT_TOKEN=//p' >"$TOKEN_FILE"
    chmod 0600 "$TOKEN_FILE"
    api_ok -H "Authorization: token $(cat "$TOKEN_FILE")" || { log "the new token is refused"; exit 1; }
  fi
  printf '%s\n' "$out" | grep -v '^RT_TOKEN='
}

started=$(date +%s)
install_packages
write_config
init_database
start_server
vars="$(bootstrap)"
log "ready in $(($(date +%s) - started)) s"

echo "RT_URL=$BASE_URL"
echo "RT_TOKEN=$(cat "$TOKEN_FILE")"
printf '%s\n' "$vars"
echo "RT_MAIL_LOG=$STATE_DIR/mail.log"
