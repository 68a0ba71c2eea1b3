#!/usr/bin/env bash
# Refreshes connectors/request-tracker/fixtures/ from the real RT that setup.sh started: makes
# the calls the connector makes, on tickets of its own, and writes the answers with the server's
# address replaced by https://rt.example.com. Needs RT_URL, RT_TOKEN, RT_QUEUE, RT_KEY_FIELD.
set -euo pipefail

: "${RT_URL:?run setup.sh first}" "${RT_TOKEN:?}" "${RT_QUEUE:=Switchboard}" "${RT_KEY_FIELD:=SwitchboardIncident}"
OUT="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../../connectors/request-tracker/fixtures" && pwd)"
API="$RT_URL/REST/2.0"
KEY="SB$(od -An -N5 -tx1 /dev/urandom | tr -d ' \n' | tr a-f A-F)"
MARK="SB-$(od -An -N6 -tx1 /dev/urandom | tr -d ' \n' | tr a-f A-F)"

scrub() { sed -e "s#${RT_URL}#https://rt.example.com#g" | python3 -m json.tool --indent 2; }
rt() { # method path [curl args…]: the body on stdout, whatever the status
  local method="$1" path="$2"
  shift 2
  curl -s -A 'Switchboard/0.1' -H "Authorization: token $RT_TOKEN" -H 'Accept: application/json' \
    -X "$method" "$@" "$API$path"
}
json() { rt "$1" "$2" -H 'Content-Type: application/json' -d "$3"; }
save() { scrub >"$OUT/$1"; echo "wrote $1" >&2; }
search() { rt GET "$1" -G --data-urlencode "query=$2" --data-urlencode "fields=$3" "${@:4}"; }

KEYQ="'CF.{$RT_KEY_FIELD}' = '$KEY' OR Subject LIKE '[SB-$KEY]'"
search /tickets "$KEYQ" Subject,Status,CustomFields --data-urlencode orderby=id \
  --data-urlencode order=ASC --data-urlencode per_page=25 | save tickets.search-none.get.json
ID="$(json POST /ticket "{\"Queue\":\"$RT_QUEUE\",\"Subject\":\"[Switchboard] SRV-SQL01 is Degraded: MSSQLSERVER failed after KB5034441 (Acme Dental) [SB-$KEY]\",\"Content\":\"SRV-SQL01 is Degraded.\",\"ContentType\":\"text/plain\",\"Priority\":75,\"CustomFields\":{\"$RT_KEY_FIELD\":\"$KEY\"}}" |
  tee >(save ticket.post.json) | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')"
sleep 0.5
search /tickets "$KEYQ" Subject,Status,CustomFields --data-urlencode orderby=id \
  --data-urlencode order=ASC --data-urlencode per_page=25 | save tickets.search-found.get.json
rt GET "/ticket/$ID" | save ticket.get.json
rt GET "/ticket/$ID/history" -G --data-urlencode "query=[{\"field\":\"Data\",\"operator\":\"LIKE\",\"value\":\"[$MARK]\"}]" \
  --data-urlencode fields=Type,Data --data-urlencode per_page=25 | save ticket-history.none.get.json
json POST "/ticket/$ID/comment" "{\"Subject\":\"Switchboard update [$MARK]\",\"Content\":\"Also failing: W3SVC.\\n\\n[$MARK]\",\"ContentType\":\"text/plain\"}" |
  save ticket-comment.post.json
rt GET "/ticket/$ID/history" -G --data-urlencode "query=[{\"field\":\"Data\",\"operator\":\"LIKE\",\"value\":\"[$MARK]\"}]" \
  --data-urlencode fields=Type,Data --data-urlencode per_page=25 | save ticket-history.found.get.json
json POST "/ticket/$ID/comment" "{\"Subject\":\"Switchboard update [$MARK-2]\",\"Content\":\"Recovered.\",\"ContentType\":\"text/plain\",\"Status\":\"resolved\"}" |
  save ticket-comment-resolve.post.json
json PUT "/ticket/$ID" '{"Status":"open"}' | save ticket.put.json
json POST /ticket "{\"Queue\":\"General\",\"Subject\":\"Accounting cannot reach the database on SRV-SQL01\",\"Content\":\"Offline since 8.\",\"ContentType\":\"text/plain\"}" >/dev/null
sleep 0.5
PULL='Subject,Status,Queue,Owner,Created,LastUpdated,LastUpdatedBy,Resolved,CustomFields'
search /tickets "(Queue = '$RT_QUEUE' OR Queue = 'General') AND id > $((ID - 1))" "$PULL" \
  --data-urlencode orderby=id --data-urlencode order=ASC --data-urlencode per_page=100 --data-urlencode page=1 |
  save tickets.pull.get.json
rt GET "/queue/$RT_QUEUE" | save queue.get.json
rt GET /queue/NoSuchQueue | save error.404.json
curl -s -A 'Switchboard/0.1' -H 'Authorization: token 1-14-wrong' "$API/ticket/$ID" | save error.401.json
search /tickets "Queue = 'General' AND (" Subject | save error.400.ticketsql.json
json POST /ticket/999999/comment '{"Content":"x","ContentType":"text/plain"}' | save error.400.comment.json
# The repository's formatter owns the layout of committed JSON.
(cd "$OUT/../../.." && npx prettier --log-level warn --write "connectors/request-tracker/fixtures")
