# End to end: the SMTP retry queue as the administrator in KB 938650 sees it,
# with the real registry flipped by reg.exe between runs.
source "$(dirname "$0")/lib.sh"

T0=2007-08-03T14:00:00Z
work=$(mktemp -d "$BUILD/e2e_queue.XXXXXX")
trap 'rm -rf "$work"' EXIT
Q="$work/server/queue"
MAILBOX="$work/server/mailboxes/olivia@contoso.example"
trackfix msg new "$TOP/tests/data/update-1601.txt" -o "$work/update-1601.msg" || fail "msg new"
trackfix msg new "$TOP/tests/data/update-realtime.txt" -o "$work/update-realtime.msg" || fail "msg new"

reset_registry
run "$TRACKFIX" server init
run "$TRACKFIX" hotfix install
reg add "$KEY_PARAMS" /v FixRecipientTrackStatusTime /t REG_DWORD /d 0 /f

# --- Live toggle: stuck with the fix off, delivered at the next retry after
# the value is flipped, with no restart of anything.
run "$TRACKFIX" queue --queue="$Q" submit --now=$T0 "$work/update-1601.msg" "$work/update-realtime.msg"
expect_rc 0
expect_out "as 00000001"
expect_out "as 00000002"
run "$TRACKFIX" queue --queue="$Q" run --now=$T0 --until=+35m
expect_rc 0
expect_out "2007-08-03T14:00:00Z 00000001 attempt 1: EcGetMime failed 0x80004005, Unable to open for delivery; next retry 2007-08-03T14:10:00Z"
expect_out "2007-08-03T14:00:00Z 00000002 attempt 1: delivered to $work/server/drop/00000002.eml"
expect_out "2007-08-03T14:10:00Z 00000001 attempt 2: EcGetMime failed"
expect_out "2007-08-03T14:20:00Z 00000001 attempt 3: EcGetMime failed"
expect_out "2007-08-03T14:30:00Z 00000001 attempt 4: EcGetMime failed 0x80004005, Unable to open for delivery; next retry 2007-08-03T14:45:00Z"
expect_out "1 queued, 1 delivered, 0 expired"
[ -d "$Q/queued/00000001" ] || fail "00000001 not queued"
[ -e "$work/server/drop/00000001.eml" ] && fail "00000001 delivered with the fix off"

# The queue viewer, and opening the message.
run "$TRACKFIX" queue --queue="$Q" list
expect_out "00000001  queued     4         2007-08-03T14:45:00Z  olivia@contoso.example    adam@fabrikam.example     Updated: Project review       0x80004005 Unable to open for delivery: "
expect_out "00000002  delivered  1         -"
run "$TRACKFIX" queue --queue="$Q" open 00000001 --now=2007-08-03T14:35:00Z
expect_rc 3
expect_out "Unable to open for delivery"
expect_out "PR_RECIPIENT_TRACKSTATUS_TIME 0x0000000000000000 (1601-01-01T00:00:00Z) cannot be converted"

# Flip the value from outside, as the article says.  Nothing restarts.
reg add "$KEY_PARAMS" /v FixRecipientTrackStatusTime /t REG_DWORD /d 1 /f
run "$TRACKFIX" queue --queue="$Q" run --now=2007-08-03T14:35:00Z --until=+2d
expect_rc 0
expect_out "2007-08-03T14:45:00Z 00000001 attempt 5: delivered to $work/server/drop/00000001.eml"
expect_no_out "14:35:00Z 00000001 attempt"
expect_out "0 queued, 2 delivered, 0 expired"
unfolded "$work/server/drop/00000001.eml" | grep -q 'X-REPLYTIME=18991230T000000Z' || fail "delivered without the clamped time"
grep -q '^attempts=5$' "$Q/delivered/00000001/state" || fail "attempts in the state file"
[ -e "$MAILBOX/00000001.ndr.eml" ] && fail "NDR for a delivered message"

# Event 327: one per failed attempt at level 5, with MDB, FID and MID.
[ "$(grep -c $'\t327\t' "$work/server/eventlog.log")" = 4 ] || fail "expected 4 event 327 records"
run "$TRACKFIX" eventlog --log="$work/server/eventlog.log" --since=2007-08-03T14:25:00Z
expect_rc 0
expect_out $'Event Type:\tWarning\nEvent Source:\tMSExchangeTransport\nEvent Category:\tExchange Store Driver\nEvent ID:\t327\nDate:\t\t8/3/2007\nTime:\t\t2:30:00 PM'
expect_out "The following call : EcGetMime to the store failed. Error code : -2147467259. MDB : 5e4bd0a7-1f63-4df7-a2b1-5d5e1e2c1d1f. FID : 1-B3C . MID : 1-94DA1. File : ."
[ "$(grep -c '^Event ID:' <<<"$out")" = 1 ] || fail "--since kept $(grep -c '^Event ID:' <<<"$out") records, expected 1"

# --- The value stays off: the NDR 4.4.7 comes at exactly two days, after a
# delay notification at twelve hours.  Diagnostics at 3: no event 327.
reg add "$KEY_PARAMS" /v FixRecipientTrackStatusTime /t REG_DWORD /d 0 /f
reg add "$KEY_DIAG" /v "Exchange Store Driver" /t REG_DWORD /d 3 /f
Q2="$work/server2/queue"
MAILBOX2="$work/server2/mailboxes/olivia@contoso.example"
run "$TRACKFIX" queue --queue="$Q2" submit --now=$T0 "$work/update-1601.msg"
run "$TRACKFIX" queue --queue="$Q2" run --now=$T0 --until=+3d
expect_rc 0
expect_out "2007-08-04T02:00:00Z 00000001 still queued after 49 attempts: delay notification to olivia@contoso.example"
expect_out "2007-08-05T13:45:00Z 00000001 attempt 193: EcGetMime failed"
expect_out "2007-08-05T14:00:00Z 00000001 expired after 193 attempts: NDR 4.4.7 to olivia@contoso.example in $MAILBOX2/00000001.ndr.eml"
expect_out "0 queued, 0 delivered, 1 expired"
[ -d "$Q2/expired/00000001" ] || fail "not in expired/"
[ -e "$work/server2/eventlog.log" ] && fail "event 327 logged below level 5"
ndr="$MAILBOX2/00000001.ndr.eml"
grep -q '^Date: Sun, 05 Aug 2007 14:00:00 +0000' "$ndr" || fail "NDR not at exactly 2 days"
grep -q '^Content-Type: multipart/report; report-type=delivery-status;' "$ndr" || fail "NDR is not a multipart/report"
grep -q '^Action: failed' "$ndr" || fail "NDR Action"
grep -q '^Status: 4.4.7' "$ndr" || fail "NDR Status"
grep -q '^Content-Type: text/rfc822-headers' "$ndr" || fail "NDR without the original headers"
grep -q '^Message-ID: <update.1601.938650@contoso.example>' "$ndr" || fail "original Message-ID"
delay="$MAILBOX2/00000001.delay.eml"
grep -q '^Date: Sat, 04 Aug 2007 02:00:00 +0000' "$delay" || fail "delay notification not at 12 hours"
grep -q '^Action: delayed' "$delay" || fail "delay Action"
grep -q '^Will-Retry-Until: Sun, 05 Aug 2007 14:00:00 +0000' "$delay" || fail "delay Will-Retry-Until"
# Both reports parse as RFC 3464 with Python's email package.
run /usr/bin/python3 -c '
import email, sys
for path, action in ((sys.argv[1], "failed"), (sys.argv[2], "delayed")):
    m = email.message_from_binary_file(open(path, "rb"))
    assert m.get_content_type() == "multipart/report", m.get_content_type()
    assert m.get_param("report-type") == "delivery-status"
    parts = [p.get_content_type() for p in m.get_payload()]
    assert parts == ["text/plain", "message/delivery-status", "text/rfc822-headers"], parts
    status = m.get_payload()[1].get_payload()
    assert status[1]["Action"] == action and status[1]["Status"] == "4.4.7", (status[1]["Action"], status[1]["Status"])
    text = m.get_payload()[0].get_payload(decode=True).decode("utf-8")
    if action == "failed":
        assert "Could not deliver the message in the time limit specified. Please retry or contact your administrator." in text, text
    else:
        # why, in words, with no path of the server in mail to a user
        assert "cannot be converted" in text and "/" not in text.split("delayed.")[1], text
print("reports ok")' "$ndr" "$delay"
expect_rc 0
expect_out "reports ok"

# Level 7 (Field Engineering) logs too.
reg add "$KEY_DIAG" /v "Exchange Store Driver" /t REG_DWORD /d 7 /f
Q3="$work/server3/queue"
run "$TRACKFIX" queue --queue="$Q3" submit --now=$T0 "$work/update-1601.msg"
run "$TRACKFIX" queue --queue="$Q3" run --now=$T0
[ "$(grep -c $'\t327\t' "$work/server3/eventlog.log")" = 1 ] || fail "level 7: expected 1 event"

# --- times the queue cannot hold, and intervals it does not take, are
# refused at input, before anything is written.
for bad in "--until=+-5m" "--until=+ 5m" "--until=+5" "--until=+m" "--until=+99999999999999999999d" \
    "--until=+3000000d" "--until=10000-01-01T00:00:00Z" "--now=9999-12-31T23:00:00Z"; do
    run "$TRACKFIX" queue --queue="$work/never/queue" run --now=2007-08-03T14:00:00Z "$bad"
    expect_rc 2
    expect_err "no later than 9998-01-01T00:00:00Z"
done
run "$TRACKFIX" queue --queue="$work/never/queue" run --now=2007-08-03T14:00:00Z --until=2007-08-03T13:00:00Z
expect_rc 2
expect_err "'--until=2007-08-03T13:00:00Z' is before --now (2007-08-03T14:00:00Z)"
for bad in "--retry=0" "--retry=10,-5" "--delay=527041" "--expire=" "--delay=+5"; do
    run "$TRACKFIX" queue --queue="$work/never/queue" run --now=2007-08-03T14:00:00Z "$bad"
    expect_rc 2
done
run "$TRACKFIX" queue --queue= list
expect_rc 2
expect_err "bad value in '--queue=': expected a queue folder"
[ -e "$work/never" ] && fail "a refused command created the queue folder"

# --- retry, delete, and their errors.
run "$TRACKFIX" queue --queue="$Q3" retry 00000001 --now=2007-08-03T14:01:00Z
expect_rc 0
run "$TRACKFIX" queue --queue="$Q3" list --format=json
expect_out '{"id":"00000001","state":"queued","attempts":1,"next_retry":"2007-08-03T14:01:00Z","sender":"olivia@contoso.example"'
run "$TRACKFIX" queue --queue="$Q3" open 00000001 --fix=on --now=2007-08-03T14:01:00Z
expect_rc 0
unfolded <(printf '%s\n' "$out") | grep -q 'X-REPLYTIME=18991230T000000Z' || fail "open: no clamped X-REPLYTIME"
run "$TRACKFIX" queue --queue="$Q3" delete 00000001
expect_rc 0
[ -e "$Q3/queued/00000001" ] && fail "deleted message still queued"
run "$TRACKFIX" queue --queue="$Q3" retry 00000001
expect_rc 2
expect_err "no message '00000001'"
run "$TRACKFIX" queue --queue="$Q3" submit "$TOP/tests/data/update-1601.txt"
expect_rc 2
expect_err "not a compound file"
run "$TRACKFIX" queue --queue="$Q3" run --until=tomorrow
expect_rc 2
run "$TRACKFIX" queue --queue="$Q3" frobnicate
expect_rc 2
# A folder stands for its *.msg files, in name order, in one process.
mkdir -p "$work/batch"
for i in 3 1 2; do cp "$work/update-realtime.msg" "$work/batch/m$i.msg"; done
touch "$work/batch/notes.txt"
run "$TRACKFIX" queue --queue="$work/batch-q" submit --now=$T0 "$work/batch"
expect_rc 0
[ "$out" = "queued $work/batch/m1.msg as 00000001
queued $work/batch/m2.msg as 00000002
queued $work/batch/m3.msg as 00000003" ] || fail "folder submit said: $out"

# A queue named with a final separator is the same queue.
run "$TRACKFIX" queue --queue="$work/slash-q/" submit --now=$T0 "$work/update-realtime.msg"
expect_rc 0
expect_out "as 00000001"
run "$TRACKFIX" queue --queue="$work/slash-q" list
expect_out "00000001  queued"

# Three copies of one meeting delivered in one run at one moment: three
# Message-IDs.
run "$TRACKFIX" queue --queue="$work/batch-q" run --now=$T0 --fix=on
expect_rc 0
ids=$(grep -h '^Message-ID:' "$work"/drop/0000000[123].eml | sort -u | wc -l)
[ "$ids" = 3 ] || fail "three messages delivered with $ids distinct Message-IDs"

run "$TRACKFIX" queue --help
expect_rc 0

reset_registry
finish
