#!/usr/bin/env bash
# check-critical-services.sh: is each named systemd service active? Optionally tells Switchboard.
#
# Usage:
#   check-critical-services.sh [--url <webhook url> --secret <secret> [--client <name>]] <service>...
#
# Each service is asked with "systemctl is-active <service>": active is up, anything else
# (inactive, failed, activating, ...) or a unit that is not installed is down.
#
# Prints one line for people, then one JSON line:
#   {"switchboard":"critical-services","version":1,"ok":false,
#    "services":[{"name":"nginx","state":"failed","up":false}],"exitCode":2}
#
# With --url (or the environment variable SWITCHBOARD_URL) it posts one event per service,
# service.up or service.down, origin "verification", to that Switchboard webhook, with the
# device's hostname (hostname -s), FQDN (hostname -f) and serial (/sys/class/dmi/id/product_serial,
# readable by root). The secret can come from SWITCHBOARD_SECRET instead of --secret, which keeps
# it out of the process list; the client from SWITCHBOARD_CLIENT. Posting needs curl.
#
# Exit codes:
#   0  every service is active
#   2  at least one is not: "Not running: nginx (failed), redis (not installed)"
#   3  the post to Switchboard failed (reason on stderr); what the check found is still on
#      stdout, in the human line and the JSON line
#   4  bad arguments
#
# SWITCHBOARD_ROOT (default empty) is put before every file path the script reads, for tests.
set -u

readonly CHECK_NAME=check-critical-services
readonly USAGE="Usage: $CHECK_NAME [--url <webhook url> --secret <secret> [--client <name>]] <service>..."
root=${SWITCHBOARD_ROOT:-}

# --- helpers (the same in check-pending-reboot.sh: each script is pasted into an RMM alone) ---

# Prints its argument as a JSON string, quotes included.
json_string() {
  local s=$1 out='' ch code i
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  case $s in
    *[[:cntrl:]]*)
      local LC_ALL=C
      for ((i = 0; i < ${#s}; i++)); do
        ch=${s:i:1}
        case $ch in
          [[:cntrl:]])
            printf -v code '\\u%04x' "'$ch"
            out+=$code
            ;;
          *) out+=$ch ;;
        esac
      done
      s=$out
      ;;
  esac
  printf '"%s"' "$s"
}

# join_by <separator> <item>...: the items with the separator between them.
join_by() {
  local separator=$1 out item
  shift
  [ $# -gt 0 ] || return 0
  out=$1
  shift
  for item in "$@"; do
    out+=$separator$item
  done
  printf '%s' "$out"
}

utc_now() {
  date -u +%Y-%m-%dT%H:%M:%SZ
}

# The device as Switchboard matches it: {"hostname":...,"fqdn":...,"serial":...}.
device_json() {
  local host fqdn serial='' serial_file="$root/sys/class/dmi/id/product_serial" parts=()
  host=$(hostname -s 2>/dev/null) || host=''
  [ -n "$host" ] || host=$(uname -n 2>/dev/null) || host=''
  host=${host%%.*}
  fqdn=$(hostname -f 2>/dev/null) || fqdn=''
  case $fqdn in
    *.*) ;;
    *) fqdn='' ;;
  esac
  if [ -r "$serial_file" ]; then
    IFS= read -r serial <"$serial_file" || true
    serial=$(printf '%s' "$serial" | tr -d '[:cntrl:]')
    serial=${serial#"${serial%%[![:space:]]*}"}
    serial=${serial%"${serial##*[![:space:]]}"}
  fi
  [ -z "$host" ] || parts+=("\"hostname\":$(json_string "$host")")
  [ -z "$fqdn" ] || parts+=("\"fqdn\":$(json_string "$fqdn")")
  [ -z "$serial" ] || parts+=("\"serial\":$(json_string "$serial")")
  printf '{%s}' "$(join_by , ${parts[@]+"${parts[@]}"})"
}

# The short hostname, for event ids.
short_host() {
  local host
  host=$(hostname -s 2>/dev/null) || host=''
  [ -n "$host" ] || host=$(uname -n 2>/dev/null) || host=''
  printf '%s' "${host%%.*}"
}

# Posts a JSON array of events. Prints Switchboard's answer; on failure says why on stderr, returns 1.
post_events() {
  local body=$1 work code rc
  if ! command -v curl >/dev/null 2>&1; then
    echo "$CHECK_NAME: cannot post to Switchboard: curl is not installed (install it, or run without --url)" >&2
    return 1
  fi
  work=$(mktemp -d 2>/dev/null) || {
    echo "$CHECK_NAME: cannot post to Switchboard: no temporary directory" >&2
    return 1
  }
  # The secret goes to curl in a config file (mode 600, in a private directory), not on its
  # command line, where any user could read it.
  (
    umask 077
    printf '%s' "$body" >"$work/body"
    printf 'header = "X-Switchboard-Token: %s"\n' "$secret" >"$work/config"
  )
  code=$(curl --silent --show-error --max-time 30 --config "$work/config" \
    --header 'Content-Type: application/json' --data-binary "@$work/body" \
    --output "$work/reply" --write-out '%{http_code}' "$url" 2>"$work/error")
  rc=$?
  local reply='' error=''
  [ ! -r "$work/reply" ] || reply=$(head -c 500 "$work/reply")
  [ ! -r "$work/error" ] || error=$(head -c 500 "$work/error")
  rm -rf "$work"
  if [ "$rc" -ne 0 ]; then
    echo "$CHECK_NAME: could not post to Switchboard: curl failed (exit $rc): $error" >&2
    return 1
  fi
  case $code in
    2??)
      echo "Switchboard: $code $reply"
      return 0
      ;;
  esac
  echo "$CHECK_NAME: could not post to Switchboard: it answered HTTP $code: $reply" >&2
  return 1
}

# --- arguments -------------------------------------------------------------------------------
url=${SWITCHBOARD_URL:-}
secret=${SWITCHBOARD_SECRET:-}
client=${SWITCHBOARD_CLIENT:-}
services=()
bad_arguments() {
  echo "$CHECK_NAME: $1" >&2
  echo "$USAGE" >&2
  exit 4
}
while [ $# -gt 0 ]; do
  case $1 in
    --url | --secret | --client)
      [ $# -ge 2 ] || bad_arguments "$1 needs a value"
      case $1 in
        --url) url=$2 ;;
        --secret) secret=$2 ;;
        --client) client=$2 ;;
      esac
      shift 2
      ;;
    -h | --help)
      echo "$USAGE"
      exit 0
      ;;
    --)
      shift
      services+=("$@")
      break
      ;;
    -*) bad_arguments "unknown option $1" ;;
    *)
      services+=("$1")
      shift
      ;;
  esac
done
[ ${#services[@]} -gt 0 ] || bad_arguments "name at least one service"
if [ -n "$url" ]; then
  [ -n "$secret" ] || bad_arguments "--url needs --secret (the webhook secret)"
  case $url in
    http://* | https://*) ;;
    *) bad_arguments "--url must be an http(s) URL" ;;
  esac
  case $secret in
    *[[:space:]\"\\]* | *[[:cntrl:]]*) bad_arguments "the secret must not contain spaces, quotes or backslashes" ;;
  esac
fi

# --- the check -------------------------------------------------------------------------------
names=()
states=()
ups=()
down=()
for service in "${services[@]}"; do
  state=$(systemctl is-active -- "$service" 2>/dev/null)
  rc=$?
  state=${state%%$'\n'*}
  if [ "$rc" -eq 0 ]; then
    up=true
    [ -n "$state" ] || state=active
  else
    up=false
    load=$(systemctl show --property=LoadState -- "$service" 2>/dev/null)
    if [ "$load" = "LoadState=not-found" ]; then
      state='not installed'
    fi
    [ -n "$state" ] || state=unknown
    down+=("$service ($state)")
  fi
  names+=("$service")
  states+=("$state")
  ups+=("$up")
done

exit_code=0
if [ ${#down[@]} -gt 0 ]; then
  exit_code=2
  line="Not running: $(join_by ', ' "${down[@]}")"
else
  line="All running: $(join_by ', ' "${names[@]}")"
fi

# --- tell Switchboard --------------------------------------------------------------------------
posted=''
post_line=''
if [ -n "$url" ]; then
  now=$(utc_now)
  host=$(short_host)
  device=$(device_json)
  client_part=''
  [ -z "$client" ] || client_part="\"client\":$(json_string "$client"),"
  events=()
  for i in "${!names[@]}"; do
    kind=service.down
    message="$CHECK_NAME: ${names[i]} is not active (${states[i]})"
    if [ "${ups[i]}" = true ]; then
      kind=service.up
      message="$CHECK_NAME: ${names[i]} is active"
    fi
    events+=("{\"eventId\":$(json_string "$host|$CHECK_NAME|$kind|${names[i]}|$now"),\"kind\":\"$kind\",\"occurredAt\":\"$now\",$client_part\"device\":$device,\"service\":{\"name\":$(json_string "${names[i]}")},\"check\":{\"name\":\"$CHECK_NAME\"},\"origin\":\"verification\",\"message\":$(json_string "$message")}")
  done
  body="[$(join_by , "${events[@]}")]"
  if post_line=$(post_events "$body"); then
    posted=true
  else
    posted=false
    exit_code=3
  fi
fi

# --- report ----------------------------------------------------------------------------------
items=()
for i in "${!names[@]}"; do
  items+=("{\"name\":$(json_string "${names[i]}"),\"state\":$(json_string "${states[i]}"),\"up\":${ups[i]}}")
done
ok=true
[ ${#down[@]} -eq 0 ] || ok=false
json="{\"switchboard\":\"critical-services\",\"version\":1,\"ok\":$ok,\"services\":[$(join_by , "${items[@]}")]"
[ -z "$posted" ] || json+=",\"posted\":$posted"
json+=",\"exitCode\":$exit_code}"

echo "$line"
[ -z "$post_line" ] || echo "$post_line"
echo "$json"
exit "$exit_code"
