#!/usr/bin/env bash
# check-pending-reboot.sh: does this Linux device wait for a reboot? Optionally tells Switchboard.
#
# Usage:
#   check-pending-reboot.sh [--url <webhook url> --secret <secret> [--client <name>]]
#
# A reboot is pending when
#   - /var/run/reboot-required exists (Debian, Ubuntu: written by package scripts, such as a new
#     kernel's); /var/run/reboot-required.pkgs, the packages that asked for it, is shown as
#     informational; or else
#   - "needs-restarting -r" (RHEL, Rocky, Alma, Fedora: yum-utils / dnf-utils), where installed,
#     exits 1: core libraries or the kernel were updated since the boot. Another exit code
#     (it failed) is informational and does not make a reboot pending.
# The last boot time is the kernel's btime in /proc/stat, else "uptime -s".
#
# Prints one line for people, then one JSON line:
#   {"switchboard":"pending-reboot","version":1,"pending":true,"reasons":[...],
#    "informational":[...],"lastBootAt":"2026-12-04T02:04:00Z","exitCode":1}
#
# With --url (or the environment variable SWITCHBOARD_URL) it posts one event, reboot.pending or
# reboot.clear, to that Switchboard webhook, with the device's hostname (hostname -s), FQDN
# (hostname -f) and serial (/sys/class/dmi/id/product_serial, readable by root), the reasons and
# the last boot time (lastBootAt). The secret can come from SWITCHBOARD_SECRET instead of
# --secret, which keeps it out of the process list; the client from SWITCHBOARD_CLIENT.
# Posting needs curl.
#
# Exit codes:
#   0  no reboot pending
#   1  a reboot is pending
#   3  the post to Switchboard failed (reason on stderr); what the check found is still on
#      stdout, in the human line and the JSON line
#   4  bad arguments
#
# SWITCHBOARD_ROOT (default empty) is put before every file path the script reads, for tests.
set -u

readonly CHECK_NAME=check-pending-reboot
readonly USAGE="Usage: $CHECK_NAME [--url <webhook url> --secret <secret> [--client <name>]]"
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

# Prints the strings given as a JSON array of strings.
json_strings() {
  local first=1 item
  printf '['
  for item in "$@"; do
    [ "$first" -eq 1 ] || printf ','
    first=0
    json_string "$item"
  done
  printf ']'
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
    *) bad_arguments "unexpected $1" ;;
  esac
done
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
reasons=()
informational=()
flag="$root/var/run/reboot-required"
if [ -e "$flag" ]; then
  reasons+=("reboot-required: /var/run/reboot-required")
  if [ -r "$flag.pkgs" ]; then
    packages=()
    while IFS= read -r package; do
      [ -z "$package" ] || packages+=("$package")
    done < <(sort -u "$flag.pkgs")
    [ ${#packages[@]} -eq 0 ] || informational+=("packages: $(join_by ', ' "${packages[@]}")")
  fi
elif command -v needs-restarting >/dev/null 2>&1; then
  needs-restarting -r >/dev/null 2>&1
  rc=$?
  case $rc in
    0) ;;
    1) reasons+=("needs-restarting -r: reboot required") ;;
    *) informational+=("needs-restarting -r failed (exit $rc)") ;;
  esac
fi

# When the device booted, as UTC ISO 8601, or nothing.
last_boot_at() {
  local key value rest up
  if [ -r "$root/proc/stat" ]; then
    while read -r key value rest; do
      if [ "$key" = btime ]; then
        case $value in
          '' | *[!0-9]*) ;;
          *)
            date -u -d "@$value" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null && return 0
            ;;
        esac
      fi
    done <"$root/proc/stat"
  fi
  up=$(uptime -s 2>/dev/null) || return 0
  [ -z "$up" ] || date -u -d "$up" +%Y-%m-%dT%H:%M:%SZ 2>/dev/null
  return 0
}
last_boot=$(last_boot_at)

exit_code=0
if [ ${#reasons[@]} -gt 0 ]; then
  exit_code=1
  summary=$(join_by '; ' "${reasons[@]}")
else
  summary='No reboot pending'
fi
if [ ${#informational[@]} -gt 0 ]; then
  summary+=" (informational: $(join_by '; ' "${informational[@]}"))"
fi
line="$summary."
[ "$exit_code" -eq 0 ] || line="Reboot pending: $line"
[ -z "$last_boot" ] || line+=" Last boot: $last_boot."

# --- tell Switchboard --------------------------------------------------------------------------
posted=''
post_line=''
if [ -n "$url" ]; then
  now=$(utc_now)
  kind=reboot.clear
  [ "$exit_code" -eq 0 ] || kind=reboot.pending
  event="{\"eventId\":$(json_string "$(short_host)|$CHECK_NAME|$kind|$now"),\"kind\":\"$kind\",\"occurredAt\":\"$now\","
  [ -z "$client" ] || event+="\"client\":$(json_string "$client"),"
  event+="\"device\":$(device_json),\"check\":{\"name\":\"$CHECK_NAME\"},"
  [ -z "$last_boot" ] || event+="\"lastBootAt\":\"$last_boot\","
  event+="\"message\":$(json_string "$summary")}"
  if post_line=$(post_events "[$event]"); then
    posted=true
  else
    posted=false
    exit_code=3
  fi
fi

# --- report ----------------------------------------------------------------------------------
pending=false
[ ${#reasons[@]} -eq 0 ] || pending=true
json="{\"switchboard\":\"pending-reboot\",\"version\":1,\"pending\":$pending"
json+=",\"reasons\":$(json_strings ${reasons[@]+"${reasons[@]}"})"
json+=",\"informational\":$(json_strings ${informational[@]+"${informational[@]}"})"
[ -z "$last_boot" ] || json+=",\"lastBootAt\":\"$last_boot\""
[ -z "$posted" ] || json+=",\"posted\":$posted"
json+=",\"exitCode\":$exit_code}"

echo "$line"
[ -z "$post_line" ] || echo "$post_line"
echo "$json"
exit "$exit_code"
