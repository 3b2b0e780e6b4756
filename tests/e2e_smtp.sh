# End to end: the queue delivering over SMTP to a server given on the
# command line (hotfix/DESIGN.md §6), a local test sink on 127.0.0.1.
source "$(dirname "$0")/lib.sh"

T0=2007-08-03T14:00:00Z
work=$(mktemp -d "$BUILD/e2e_smtp.XXXXXX")
sinks=()
cleanup() { local pid; for pid in "${sinks[@]}"; do kill "$pid" 2>/dev/null; done; rm -rf "$work"; }
trap cleanup EXIT

# start_sink DIR [refuse-rcpt]: starts a sink writing into DIR; sets $port.
start_sink() {
    mkdir -p "$1"
    /usr/bin/python3 "$TOP/tests/smtpsink.py" "$@" &
    sinks+=($!)
    local i
    for i in $(seq 50); do [ -e "$1/port" ] && break; sleep 0.1; done
    port=$(cat "$1/port" 2>/dev/null) || fail "the SMTP sink did not start"
}

"$TRACKFIX" msg new "$TOP/tests/data/update-realtime.txt" -o "$work/update.msg" || fail "msg new"
reset_registry

# Delivered over SMTP: envelope from the organizer to the attendee, the
# message as EcGetMime made it, a copy kept in sent/.
start_sink "$work/sink"
run "$TRACKFIX" queue --queue="$work/server/queue" submit --now=$T0 "$work/update.msg"
run "$TRACKFIX" queue --queue="$work/server/queue" run --now=$T0 --fix=off --smtp=127.0.0.1:$port
expect_rc 0
expect_out "00000001 attempt 1: delivered to 127.0.0.1:$port over SMTP, copy in $work/server/sent/00000001.eml"
[ -e "$work/sink/1.eml" ] || fail "the sink received nothing"
grep -q '^MAIL FROM:<olivia@contoso.example>$' "$work/sink/1.env" || fail "envelope sender"
grep -q '^RCPT TO:<adam@fabrikam.example>$' "$work/sink/1.env" || fail "envelope recipient"
cmp -s <(tr -d '\r' < "$work/sink/1.eml") <(tr -d '\r' < "$work/server/sent/00000001.eml") || fail "what was sent differs from the copy"
grep -q 'X-MICROSOFT-CDO-REPLYTIME=20070801T101500Z' "$work/sink/1.eml" || fail "the iCalendar part did not arrive"
[ -d "$work/server/queue/delivered/00000001" ] || fail "not delivered"
[ -e "$work/server/drop" ] && fail "SMTP delivery also wrote the drop folder"

# A server that refuses the recipient: the message stays queued with the
# reply as its last error, and no event 327 (EcGetMime did not fail).
reset_registry
"$TRACKFIX" server init >/dev/null
start_sink "$work/refusing" refuse-rcpt
run "$TRACKFIX" queue --queue="$work/server2/queue" submit --now=$T0 "$work/update.msg"
run "$TRACKFIX" queue --queue="$work/server2/queue" run --now=$T0 --fix=off --smtp=127.0.0.1:$port
expect_rc 0
expect_out "attempt 1: SMTP server 127.0.0.1:$port: RCPT refused: 550 5.1.1 no such user here; next retry 2007-08-03T14:10:00Z"
[ -d "$work/server2/queue/queued/00000001" ] || fail "a refused message left the queue"
[ -e "$work/server2/eventlog.log" ] && fail "event 327 logged for an SMTP refusal"

# Nobody listening: the same, never a hang.
run "$TRACKFIX" queue --queue="$work/server2/queue" run --now=2007-08-03T14:10:00Z --fix=off --smtp=127.0.0.1:9
expect_rc 0
expect_out "attempt 2: SMTP server 127.0.0.1:9: cannot connect"
run "$TRACKFIX" queue --queue="$work/server2/queue" list
expect_out "00000001  queued     2"

reset_registry
finish
