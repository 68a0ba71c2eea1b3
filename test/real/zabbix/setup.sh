#!/usr/bin/env bash
# Stands up a real Zabbix 6.0 (Debian 12 packages) on loopback for the connector's real spec.
# Idempotent: every step checks before acting, so running it twice is harmless. No systemd here,
# so the daemons are started directly and their pid files kept under ZABBIX_STATE_DIR.
# Prints ZABBIX_URL=, ZABBIX_SERVER_CONF= and ZABBIX_TRAPPER= lines for the real spec.
set -euo pipefail

HTTP_PORT="${ZABBIX_HTTP_PORT:-8085}"
TRAPPER_PORT="${ZABBIX_TRAPPER_PORT:-10051}"
STATE_DIR="${ZABBIX_STATE_DIR:-/var/tmp/switchboard-zabbix}"
PG_HOST="${ZABBIX_PG_HOST:-127.0.0.1}"
PG_PORT="${ZABBIX_PG_PORT:-5432}"
PG_ADMIN="${ZABBIX_PG_ADMIN:-postgres}"
DB_NAME=zabbix
DB_USER=zabbix
DB_PASSWORD=zabbix
SERVER_CONF="$STATE_DIR/zabbix_server.conf"
API_URL="http://127.0.0.1:${HTTP_PORT}/zabbix/api_jsonrpc.php"
SCHEMA_DIR=/usr/share/zabbix-server-pgsql

log() { echo "[zabbix-setup] $*" >&2; }
psql_admin() { PGOPTIONS='-c client_min_messages=warning' psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U "$PG_ADMIN" "$@"; }
psql_zabbix() { PGPASSWORD="$DB_PASSWORD" psql -X -q -h "$PG_HOST" -p "$PG_PORT" -U "$DB_USER" "$@"; }
alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

[ "$(id -u)" -eq 0 ] || { log "run as root (packages, apache and zabbix users)"; exit 1; }

install_packages() {
  local pkgs=(zabbix-server-pgsql zabbix-frontend-php php-pgsql apache2 libapache2-mod-php)
  local missing=()
  for p in "${pkgs[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]}"
  apt-get update -q >&2
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" >&2
}

# A partly imported schema (interrupted run) is dropped and imported again: the Admin row from
# data.sql is the last thing written, so its presence means the import finished.
prepare_database() {
  if [ "$(psql_admin -tAc "select 1 from pg_roles where rolname='$DB_USER'")" != 1 ]; then
    log "creating role $DB_USER"
    psql_admin -c "create role $DB_USER login password '$DB_PASSWORD'"
  fi
  local done_marker
  done_marker="$(psql_zabbix -d "$DB_NAME" -tAc "select 1 from users where username='Admin'" 2>/dev/null || true)"
  [ "$done_marker" = 1 ] && return 0
  stop_server
  log "creating database $DB_NAME and importing the schema (takes ~20 s)"
  psql_admin -c "drop database if exists $DB_NAME"
  psql_admin -c "create database $DB_NAME owner $DB_USER encoding 'UTF8' template template0"
  for part in schema images data; do
    zcat "$SCHEMA_DIR/$part.sql.gz" | psql_zabbix -d "$DB_NAME" -v ON_ERROR_STOP=1 >/dev/null
  done
}

write_server_conf() {
  install -d -o zabbix -g zabbix -m 0750 "$STATE_DIR"
  cat >"$SERVER_CONF" <<EOF
# Written by test/real/zabbix/setup.sh
ListenIP=127.0.0.1
ListenPort=$TRAPPER_PORT
DBHost=$PG_HOST
DBPort=$PG_PORT
DBName=$DB_NAME
DBUser=$DB_USER
DBPassword=$DB_PASSWORD
PidFile=$STATE_DIR/zabbix_server.pid
LogFile=$STATE_DIR/zabbix_server.log
LogFileSize=10
SocketDir=$STATE_DIR
# Picks up API changes within seconds (default 60 s); the spec also forces a reload.
CacheUpdateFrequency=5
StartPollers=2
StartPollersUnreachable=1
StartPingers=1
StartDiscoverers=1
StartHTTPPollers=1
StartTrappers=2
StartAlerters=2
StartEscalators=1
StartPreprocessors=2
Timeout=4
StatsAllowedIP=127.0.0.1
EOF
  chown root:zabbix "$SERVER_CONF"
  chmod 0640 "$SERVER_CONF"
}

write_frontend_conf() {
  cat >/etc/zabbix/zabbix.conf.php <<EOF
<?php
// Written by test/real/zabbix/setup.sh
\$DB['TYPE'] = 'POSTGRESQL';
\$DB['SERVER'] = '$PG_HOST';
\$DB['PORT'] = '$PG_PORT';
\$DB['DATABASE'] = '$DB_NAME';
\$DB['USER'] = '$DB_USER';
\$DB['PASSWORD'] = '$DB_PASSWORD';
\$DB['SCHEMA'] = '';
\$DB['ENCRYPTION'] = false;
\$DB['KEY_FILE'] = '';
\$DB['CERT_FILE'] = '';
\$DB['CA_FILE'] = '';
\$DB['VERIFY_HOST'] = false;
\$DB['CIPHER_LIST'] = '';
\$DB['VAULT_URL'] = '';
\$DB['VAULT_DB_PATH'] = '';
\$DB['VAULT_TOKEN'] = '';
\$DB['DOUBLE_IEEE754'] = true;
\$ZBX_SERVER = '127.0.0.1';
\$ZBX_SERVER_PORT = '$TRAPPER_PORT';
\$ZBX_SERVER_NAME = 'switchboard-test';
\$IMAGE_FORMAT_DEFAULT = IMAGE_FORMAT_PNG;
EOF
  chown root:www-data /etc/zabbix/zabbix.conf.php
  chmod 0640 /etc/zabbix/zabbix.conf.php
  # Debian's frontend conf sets its php_value lines for mod_php5/7 only; PHP 8.2 needs its own.
  local php_dir
  for php_dir in /etc/php/*/apache2/conf.d; do
    printf '%s\n' 'date.timezone = UTC' 'max_execution_time = 300' 'post_max_size = 16M' \
      'max_input_time = 300' >"$php_dir/99-switchboard-zabbix.ini"
  done
}

# Loopback only: Debian's ports.conf listens on every address by default.
write_apache_conf() {
  printf '# Written by test/real/zabbix/setup.sh\nListen 127.0.0.1:%s\nServerName 127.0.0.1\n' "$HTTP_PORT" \
    >/etc/apache2/ports.conf
  cat >/etc/apache2/sites-available/switchboard-zabbix.conf <<EOF
<VirtualHost 127.0.0.1:$HTTP_PORT>
    ServerName 127.0.0.1
    DocumentRoot /var/www/html
    ErrorLog \${APACHE_LOG_DIR}/switchboard-zabbix-error.log
    CustomLog \${APACHE_LOG_DIR}/switchboard-zabbix-access.log combined
</VirtualHost>
EOF
  a2dissite -q 000-default >/dev/null 2>&1 || true
  a2ensite -q switchboard-zabbix >/dev/null
  a2enconf -q zabbix-frontend-php >/dev/null
  apache2ctl -t >/dev/null 2>&1 || { apache2ctl -t >&2; exit 1; }
}

stop_server() {
  local pid_file="$STATE_DIR/zabbix_server.pid"
  alive "$pid_file" || return 0
  log "stopping zabbix_server $(cat "$pid_file")"
  kill "$(cat "$pid_file")"
  for _ in $(seq 1 60); do alive "$pid_file" || return 0; sleep 0.5; done
  log "zabbix_server did not stop in 30 s"
  exit 1
}

start_server() {
  local pid_file="$STATE_DIR/zabbix_server.pid"
  if alive "$pid_file"; then
    # Config may have changed; a restart is cheap and keeps the run reproducible.
    stop_server
  fi
  log "starting zabbix_server"
  # libcurl in the webhook alerter honours *_proxy variables; loopback must never be proxied.
  env -u http_proxy -u https_proxy -u HTTP_PROXY -u HTTPS_PROXY -u all_proxy -u ALL_PROXY \
    NO_PROXY='127.0.0.1,localhost' no_proxy='127.0.0.1,localhost' \
    /usr/sbin/zabbix_server -c "$SERVER_CONF"
  for _ in $(seq 1 60); do
    if alive "$pid_file" && (exec 3<>"/dev/tcp/127.0.0.1/$TRAPPER_PORT") 2>/dev/null; then
      log "zabbix_server running, pid $(cat "$pid_file")"
      return 0
    fi
    sleep 0.5
  done
  log "zabbix_server did not start within 30 s; last log lines:"
  tail -20 "$STATE_DIR/zabbix_server.log" >&2 || true
  exit 1
}

start_apache() {
  # envvars reads unset variables on purpose; relax -u while sourcing it.
  set +u
  # shellcheck disable=SC1091
  . /etc/apache2/envvars
  set -u
  local pid_file="${APACHE_PID_FILE:-/var/run/apache2/apache2.pid}"
  if alive "$pid_file"; then
    log "apache2 running: reloading its configuration"
    apache2ctl graceful
  else
    log "starting apache2 on 127.0.0.1:$HTTP_PORT"
    rm -f "$pid_file"
    apache2ctl start
  fi
  for _ in $(seq 1 40); do alive "$pid_file" && break; sleep 0.25; done
  alive "$pid_file" || { log "apache2 did not start"; exit 1; }
  ln -sf "$pid_file" "$STATE_DIR/apache2.pid"
}

wait_for_api() {
  local body='{"jsonrpc":"2.0","method":"apiinfo.version","params":[],"id":1}'
  local answer=''
  for _ in $(seq 1 60); do
    answer="$(curl -s --max-time 5 -H 'Content-Type: application/json-rpc' -d "$body" "$API_URL" || true)"
    if [[ "$answer" == *'"result"'* ]]; then
      log "API answers: $answer"
      return 0
    fi
    sleep 0.5
  done
  log "API did not answer within 30 s: ${answer:0:300}"
  exit 1
}

started=$(date +%s)
install_packages
prepare_database
write_server_conf
write_frontend_conf
write_apache_conf
start_server
start_apache
wait_for_api
log "ready in $(($(date +%s) - started)) s"

echo "ZABBIX_URL=$API_URL"
echo "ZABBIX_SERVER_CONF=$SERVER_CONF"
echo "ZABBIX_TRAPPER=127.0.0.1:$TRAPPER_PORT"
