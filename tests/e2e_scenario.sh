# End to end: the whole story, in each mode, judged by the files it leaves
# (queue states, delivered .eml, NDRs, event log), not by the narration.
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d "$BUILD/e2e_scenario.XXXXXX")
trap 'rm -rf "$work"' EXIT
MAILBOX=mailboxes/olivia@contoso.example

# count DIR PATTERN: how many entries match
count() { local n=0 f; for f in $1; do [ -e "$f" ] && n=$((n + 1)); done; echo $n; }

reset_registry
# --- fix off: stuck, event 327 at every attempt, NDR 4.4.7 at two days.
S="$work/off"
run "$TRACKFIX" scenario --fix=off --dir="$S"
expect_rc 0
expect_out "The story ended as KB 938650 says it must."
[ -d "$S/queue/delivered/00000001" ] || fail "off: the request was not delivered"
[ "$(count "$S/queue/expired/*")" = 2 ] || fail "off: expected the update and the cancellation expired"
[ "$(count "$S/queue/queued/*")" = 0 ] || fail "off: messages left queued"
[ "$(count "$S/drop/*.eml")" = 1 ] || fail "off: expected only the request in drop/"
for id in 00000002 00000003; do
    grep -q '^Status: 4.4.7' "$S/$MAILBOX/$id.ndr.eml" || fail "off: no NDR 4.4.7 for $id"
    grep -q '^Date: Sun, 05 Aug 2007 14:00:00 +0000' "$S/$MAILBOX/$id.ndr.eml" || fail "off: NDR for $id not at 2 days"
    [ -e "$S/$MAILBOX/$id.delay.eml" ] || fail "off: no delay notification for $id"
    grep -q '^attempts=193$' "$S/queue/expired/$id/state" || fail "off: $id attempts"
done
[ "$(grep -c $'\tExchange Store Driver\t327\t' "$S/eventlog.log")" = 386 ] || fail "off: expected 386 event 327 records"
# the organizer's meeting, still the calendar item it was, holds the 1601
# track time the reply left; the request is a meeting request
run "$TRACKFIX" msg dump "$S/organizer/meeting.msg"
expect_out 'PR_MESSAGE_CLASS = "IPM.Appointment"'
expect_out $'PR_RECIPIENT_TRACKSTATUS = 3\nPR_RECIPIENT_TRACKSTATUS_TIME = 1601-01-01T00:00:00Z'
run "$TRACKFIX" msg dump "$S/organizer/request.msg"
expect_out 'PR_MESSAGE_CLASS = "IPM.Schedule.Meeting.Request"'
grep -q 'X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE' "$S/exchange2007/accept.ics" && fail "off: the reply has the critical change"

# --- fix on: delivered at the first attempt, the track time clamped.
S="$work/on"
run "$TRACKFIX" scenario --fix=on --dir="$S" --format=json
expect_rc 0
expect_out '{"result":"on","as_the_article_says":true}'
[ "$(count "$S/queue/delivered/*")" = 3 ] || fail "on: expected 3 delivered"
[ "$(count "$S/$MAILBOX/*")" = 0 ] || fail "on: reports sent"
[ -e "$S/eventlog.log" ] && fail "on: events logged"
for id in 00000002 00000003; do
    run /usr/bin/python3 "$TOP/tests/icalcheck.py" "$S/drop/$id.eml" $([ $id = 00000002 ] && echo REQUEST || echo CANCEL) \
        adam@fabrikam.example 18991230T000000Z
    expect_rc 0
    grep -q '^attempts=1$' "$S/queue/delivered/$id/state" || fail "on: $id attempts"
done

# --- toggle: stuck, the value flipped while running, delivered at 14:45.
S="$work/toggle"
run "$TRACKFIX" scenario --fix=toggle --dir="$S"
expect_rc 0
for id in 00000002 00000003; do
    grep -q '^attempts=5$' "$S/queue/delivered/$id/state" || fail "toggle: $id attempts"
    grep -q '^last_attempt=2007-08-03T14:45:00Z$' "$S/queue/delivered/$id/state" || fail "toggle: $id not delivered at 14:45"
    unfolded "$S/drop/$id.eml" | grep -q 'X-REPLYTIME=18991230T000000Z' || fail "toggle: $id not clamped"
done
[ "$(grep -c $'\t327\t' "$S/eventlog.log")" = 8 ] || fail "toggle: expected 8 event 327 records"
run "$TRACKFIX" hotfix status
expect_out "FixRecipientTrackStatusTime: REG_DWORD 1"
# The story's messages and reports pass the independent checkers
# (tests/conform.py, as e2e_conform.sh runs it on every other output).
run /usr/bin/python3 "$TOP/tests/conform.py" "$S"/drop/*.eml "$work/off/drop"/*.eml "$work/off/$MAILBOX"/*.eml
expect_rc 0
expect_out "8 files conform"

# Played again in the same folder: from nothing again, same end.
run "$TRACKFIX" scenario --fix=toggle --dir="$S"
expect_rc 0
[ "$(grep -c $'\t327\t' "$S/eventlog.log")" = 8 ] || fail "toggle again: the old event log was kept"
# A folder with other files is refused, untouched.
mkdir -p "$work/other" && echo keep > "$work/other/notes.txt"
run "$TRACKFIX" scenario --dir="$work/other"
expect_rc 1
expect_err "holds files that no earlier scenario made"
[ "$(cat "$work/other/notes.txt")" = keep ] || fail "a foreign folder was touched"
run "$TRACKFIX" scenario --fix=maybe
expect_rc 2

reset_registry
finish
