# End to end: the queue as a picture (queue report, the scenario's
# report.html) and the scan as a page, read back by tests/reportcheck.py
# (Python's own HTML parser): the marks per message, the toggle line
# between the last failure and the delivery, the NDR two days after
# submission, nothing fetched from outside; then bad input: an empty queue,
# a corrupt entry, a message with 1,000 attempts.  The browser's view of the
# same pages is tests/check_report_browser.sh.
source "$(dirname "$0")/lib.sh"

T0=2007-08-03T14:00:00Z
work=$(mktemp -d "$BUILD/e2e_report.XXXXXX")
trap 'rm -rf "$work"' EXIT
check() { /usr/bin/python3 "$TOP/tests/reportcheck.py" "$@" || fail "reportcheck $*"; }

# --- The story with the toggle: four failures, the change, the delivery.
reset_registry
run "$TRACKFIX" scenario --fix=toggle --dir="$work/toggle"
expect_rc 0
expect_out "the queue as a picture: $work/toggle/report.html (11 marks, the toggle line"
check "$work/toggle/report.html" --marks 00000001=1 --marks 00000002=5 --marks 00000003=5 --toggle \
    --max-bytes 200000 --has "FixRecipientTrackStatusTime: REG_DWORD 0 → REG_DWORD 1" \
    --has "2007-08-03T14:30:00Z" --has "2007-08-03T14:45:00Z"
# queue open shows the same history, on stderr
run "$TRACKFIX" queue --queue="$work/toggle/queue" open 00000002 --fix=on --now=$T0
expect_rc 0
expect_err "message 00000002: attempt 4 at 2007-08-03T14:30:00Z: failed 0x80004005, event 327, fix off (FixRecipientTrackStatusTime: REG_DWORD 0)"
expect_err "message 00000002: attempt 5 at 2007-08-03T14:45:00Z: delivered 0, fix on (FixRecipientTrackStatusTime: REG_DWORD 1)"
# and queue report writes it again, by default beside the queue
rm "$work/toggle/report.html"
run "$TRACKFIX" queue --queue="$work/toggle/queue" report
expect_rc 0
expect_out "wrote $work/toggle/report.html: 3 messages in 3 rows, 11 marks, 1 change of FixRecipientTrackStatusTime"
check "$work/toggle/report.html" --marks 00000002=5 --toggle

# --- The story without the fix: retries for two days, the delay notice,
# the NDR 4.4.7 two days after submission; every attempt drawn.
reset_registry
run "$TRACKFIX" scenario --fix=off --dir="$work/off"
expect_rc 0
run "$TRACKFIX" queue --queue="$work/off/queue" list --format=json
attempts=$(printf '%s\n' "$out" | /usr/bin/python3 -c 'import json,sys; print([json.loads(l)["attempts"] for l in sys.stdin][1])')
[ "$attempts" -gt 150 ] || fail "only $attempts attempts in two days"
check "$work/off/report.html" --marks 00000002=$((attempts + 2)) --marks 00000003=$((attempts + 2)) --no-toggle \
    --ndr-days 00000002=2 --ndr-days 00000003=2 --max-bytes 200000 --has "delay notification"

# --- The scan as a page: the story's folder, one organizer at risk.
run "$TRACKFIX" scan --format=html --now=$T0 "$work/toggle"
expect_rc 4
printf '%s\n' "$out" > "$work/scan.html"
check "$work/scan.html" --has "Meetings at risk per organizer" --has "olivia@contoso.example: 1" \
    --has "fabrikam.example: 1" --has "1601-01-01T00:00:00Z" --has "Adam Attendee <adam@fabrikam.example>"

# --- Bad input.  An empty queue: the page says so.
run "$TRACKFIX" queue --queue="$work/empty/queue" report -o "$work/empty.html"
expect_rc 0
expect_out "0 messages in 0 rows, 0 marks"
check "$work/empty.html" --has "The queue is empty: no message to draw."
# A corrupt entry beside good ones: listed apart, the others drawn.
cp -r "$work/toggle/queue" "$work/corrupt"
echo "attempts=many" > "$work/corrupt/delivered/00000001/state"
run "$TRACKFIX" queue --queue="$work/corrupt" report -o "$work/corrupt.html"
expect_rc 0
check "$work/corrupt.html" --marks 00000002=5 --toggle --has "Set aside as corrupt (not drawn)"
# A history cut by a crash, with a line of garbage: the rest is drawn.
printf 'garbage\n9\t2007-08-03T15:00:00Z\tfai' >> "$work/corrupt/delivered/00000003/history"
run "$TRACKFIX" queue --queue="$work/corrupt" report -o "$work/corrupt.html"
expect_rc 0
check "$work/corrupt.html" --marks 00000003=5
# An unwritable page: the error names the file.
run "$TRACKFIX" queue --queue="$work/corrupt" report -o "$work/no/such/folder/r.html"
expect_rc 1
expect_err "$work/no/such/folder/r.html"
# A subject that is markup stays text: nothing of it runs or loads.
sed 's|^PR_SUBJECT = .*|PR_SUBJECT = "<script src=http://evil.example/x.js></script><img src=x> \& \x27q\x27"|' \
    "$TOP/tests/data/update-1601.txt" > "$work/markup.txt"
trackfix msg new "$work/markup.txt" -o "$work/markup.msg" > /dev/null || fail "msg new of the markup subject"
trackfix queue --queue="$work/markup/queue" submit --now=$T0 "$work/markup.msg" > /dev/null || fail "submit"
trackfix queue --queue="$work/markup/queue" run --now=$T0 --fix=off > /dev/null || fail "run"
run "$TRACKFIX" queue --queue="$work/markup/queue" report -o "$work/markup.html"
expect_rc 0
check "$work/markup.html" --marks 00000001=1 --has "<script src=http://evil.example/x.js></script><img src=x> & 'q'"
# A message with 1,000 attempts: the first and last 200 drawn, the page
# says how many are left out, the table lists all.
trackfix msg new "$TOP/tests/data/update-1601.txt" -o "$work/update.msg" > /dev/null || fail "msg new"
trackfix queue --queue="$work/long/queue" submit --now=$T0 "$work/update.msg" > /dev/null || fail "submit"
run "$TRACKFIX" queue --queue="$work/long/queue" run --now=$T0 --until=+999m --retry=1 --delay=100000 --expire=100000 --fix=off
expect_rc 0
run "$TRACKFIX" queue --queue="$work/long/queue" report -o "$work/long.html"
expect_rc 0
expect_out "1 message in 1 row, 400 marks"
expect_out "left out of the picture: 600 marks or rows"
check "$work/long.html" --marks 00000001=400 --has "Message 00000001 has 1000 attempts and notices" \
    --has "600 are left out of the picture"
[ "$(grep -c '<td class="n">' "$work/long.html")" = 1000 ] || fail "the table does not list the 1,000 attempts"
finish
