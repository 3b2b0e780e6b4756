# make check: no size that converts is cut by the queue.  A meeting with
# 10,000 attendees is submitted, listed, delivered over SMTP, listed again
# after its state file was rewritten, and opened: every step keeps all
# 10,000 recipients (the state file once had a 16 KB line limit that cut
# such a list to 635 for good).
source "$(dirname "$0")/lib.sh"

T0=2007-08-03T14:00:00Z
N=10000
work=$(mktemp -d "$BUILD/check_queue_size.XXXXXX")
trap 'stop_sinks; rm -rf "$work"' EXIT
Q=$work/server/queue

/usr/bin/python3 "$TOP/tests/msgrows.py" $N "$TOP/tests/data/update-realtime.txt" "$work/rows.txt"
trackfix msg new "$work/rows.txt" -o "$work/crowd.msg" > /dev/null || fail "msg new of $N rows"

# count_recipients: the recipients of message 00000001 in a JSON listing on stdin
count_recipients() {
    /usr/bin/python3 -c 'import json, sys
for line in sys.stdin:
    entry = json.loads(line)
    if entry["id"] == "00000001":
        print(len([r for r in entry["recipients"].split(", ") if r]))'
}

run "$TRACKFIX" queue submit --queue "$Q" --now $T0 "$work/crowd.msg"
expect_rc 0
run "$TRACKFIX" queue list --queue "$Q" --format json
expect_rc 0
[ "$(count_recipients <<<"$out")" = $N ] || fail "listed after submit with $(count_recipients <<<"$out") recipients"

start_sink "$work/sink"
run "$TRACKFIX" queue run --queue "$Q" --now $T0 --fix off --smtp 127.0.0.1:$port
expect_rc 0
expect_out "00000001 attempt 1: delivered to 127.0.0.1:$port over SMTP"
[ "$(grep -c '^RCPT TO:' "$work/sink/1.env")" = $N ] || fail "SMTP: $(grep -c '^RCPT TO:' "$work/sink/1.env") RCPT TO of $N"
[ "$(grep -c '^ATTENDEE' <(tr -d '\r' < "$work/sink/1.eml" | sed -n '/^BEGIN:VCALENDAR/,/^END:VCALENDAR/p' | sed -e ':a' -e '$!N;s/\n //;ta' -e 'P;D'))" = $N ] ||
    fail "SMTP: not $N ATTENDEE lines in what arrived"

run "$TRACKFIX" queue list --queue "$Q" --format json
expect_rc 0
[ "$(count_recipients <<<"$out")" = $N ] || fail "listed after the run with $(count_recipients <<<"$out") recipients"
expect_out '"state":"delivered"'
run "$TRACKFIX" queue open 00000001 --queue "$Q" --fix off --now $T0
expect_rc 0
[ "$(grep -c $'^ATTENDEE' <<<"$(tr -d '\r' <<<"$out" | sed -e ':a' -e '$!N;s/\n //;ta' -e 'P;D')")" = $N ] ||
    fail "open: not $N ATTENDEE lines"

finish
