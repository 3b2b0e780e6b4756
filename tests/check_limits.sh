# Resource limits: inputs far larger than any real meeting, each either
# handled within the memory bound the README states or refused with a
# message that names the file and what is wrong.  Peak memory is the
# resident set GNU time reports for the trackfix process.
source "$(dirname "$0")/lib.sh"

NOW=2007-08-03T14:05:00Z
work=$(mktemp -d "$BUILD/check_limits.XXXXXX")
trap 'rm -rf "$work"' EXIT
trackfix msg new "$TOP/tests/data/update-1601.txt" -o "$work/update.msg" || fail "msg new"

# peak CMD...: runs CMD like run, and sets $peak_mb to its peak resident set
peak() {
    run /usr/bin/time -f '%M' -o "$work/peak" "$@"
    peak_mb=$(( $(tail -n 1 "$work/peak") / 1024 ))
}

# A .msg whose stream claims 4 GB: refused before anything is allocated for
# it, whether the directory entry or the property entry makes the claim.
/usr/bin/python3 "$TOP/tests/msgpatch.py" stream-size "$work/update.msg" "$work/stream-4g.msg" __substg1.0_0037001F 0xFFFFFFFF
peak "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/out" "$work/stream-4g.msg"
expect_rc 2
expect_err "cannot read '$work/stream-4g.msg': damaged compound file: directory entry"
expect_err "4294967295 bytes in a chain of"
[ "$peak_mb" -lt 64 ] || fail "4 GB stream claim: peak $peak_mb MB"
/usr/bin/python3 "$TOP/tests/msgpatch.py" prop-size "$work/update.msg" "$work/prop-4g.msg" 0037001F 0xFFFFFFFF
peak "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/out" "$work/prop-4g.msg"
expect_rc 2
expect_err "__substg1.0_0037001F: size fields disagree: the property says 4294967295 bytes"
[ "$peak_mb" -lt 64 ] || fail "4 GB property claim: peak $peak_mb MB"
[ -z "$(ls "$work/out" 2>/dev/null)" ] || fail "output left for refused input"

# A 50 MB subject (a 100 MB PT_UNICODE stream): converted, in under 512 MB.
/usr/bin/python3 - "$TOP/tests/data/update-1601.txt" "$work/subject.txt" <<'PY'
import sys
text = open(sys.argv[1]).read()
open(sys.argv[2], "w").write(text.replace('PR_SUBJECT = "Updated: Project review"',
                                          'PR_SUBJECT = "' + "S" * (50 * 1024 * 1024) + '"'))
PY
peak "$TRACKFIX" msg new "$work/subject.txt" -o "$work/subject.msg"
expect_rc 0
[ "$peak_mb" -lt 512 ] || fail "msg new of a 50 MB subject: peak $peak_mb MB"
rm -f "$work/subject.txt"
peak "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/out" "$work/subject.msg"
expect_rc 0
expect_out "1 converted"
[ "$peak_mb" -lt 512 ] || fail "convert of a 50 MB subject: peak $peak_mb MB"
[ "$(stat -c %s "$work/out/subject.eml")" -gt $((100 * 1024 * 1024)) ] || fail "subject.eml too small"
rm -rf "$work/out" "$work/subject.msg"

# 10,000 recipient rows: converted, one ATTENDEE each, in under 128 MB.
/usr/bin/python3 "$TOP/tests/msgrows.py" 10000 "$TOP/tests/data/update-1601.txt" "$work/rows.txt"
run "$TRACKFIX" msg new "$work/rows.txt" -o "$work/rows.msg"
expect_rc 0
peak "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/out" "$work/rows.msg"
expect_rc 0
expect_out "(REQUEST, 10000 attendees, clamped track time)"
[ "$peak_mb" -lt 128 ] || fail "convert of 10,000 rows: peak $peak_mb MB"
[ "$(grep -c '^ATTENDEE' "$work/out/rows.eml")" = 10000 ] || fail "not 10,000 ATTENDEE lines"
rm -rf "$work/out" "$work/rows.msg" "$work/rows.txt"

# 100,000 recipient rows (a 125 MB file, laid out by tests/cfbwrite.py since
# Wine's ole32 would take hours to write it): converted, one ATTENDEE each,
# in under 512 MB.
sed -e 's/"adam@fabrikam.example"/"a000000@fabrikam.example"/' -e 's/"Adam Attendee"/"Adam 000000"/' \
    "$TOP/tests/data/update-1601.txt" > "$work/row.txt"
trackfix msg new "$work/row.txt" -o "$work/row.msg" || fail "msg new row.txt"
/usr/bin/python3 "$TOP/tests/cfbwrite.py" rows 100000 "$work/row.msg" "$work/crowd.msg" || fail "cfbwrite"
peak "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/out" "$work/crowd.msg"
expect_rc 0
expect_out "(REQUEST, 100000 attendees, clamped track time)"
[ "$peak_mb" -lt 512 ] || fail "convert of 100,000 rows: peak $peak_mb MB"
[ "$(grep -c '^ATTENDEE' "$work/out/crowd.eml")" = 100000 ] || fail "not 100,000 ATTENDEE lines"
[ "$(unfolded "$work/out/crowd.eml" | grep -c '^ATTENDEE;.*;CN="Adam 099999":MAILTO:a099999@fabrikam.example')" = 1 ] ||
    fail "the last row's attendee is missing"
rm -rf "$work/out" "$work/crowd.msg"

# 48 files of 2 MB (a 1 MB body each) submitted at once: all queued, in
# under 64 MB (a window of submissions holds 16 MB of copies read).
/usr/bin/python3 - "$TOP/tests/data/update-realtime.txt" "$work/body.txt" <<'PY'
import sys
text = open(sys.argv[1]).read()
old = 'PR_BODY = "The review moved to 14:00 in room 2.\\r\\n"'
assert old in text
open(sys.argv[2], "w").write(text.replace(old, 'PR_BODY = "' + "B" * (1024 * 1024) + '"'))
PY
trackfix msg new "$work/body.txt" -o "$work/body.msg" || fail "msg new of a 1 MB body"
mkdir -p "$work/bodies"
for i in $(seq -w 1 48); do cp "$work/body.msg" "$work/bodies/m$i.msg"; done
peak "$TRACKFIX" queue --queue="$work/bodies-queue" submit --now=$NOW "$work/bodies"
expect_rc 0
[ "$(grep -c '^queued ' <<<"$out")" = 48 ] || fail "48 files of 2 MB: $(grep -c '^queued ' <<<"$out") queued"
[ "$peak_mb" -lt 64 ] || fail "submission of 48 files of 2 MB: peak $peak_mb MB"
rm -rf "$work/body.txt" "$work/body.msg" "$work/bodies" "$work/bodies-queue"

# A reply with 10,000 attendees: refused (a reply answers for one), quickly
# and in little memory.
{
    printf 'BEGIN:VCALENDAR\r\nPRODID:-//limits//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n'
    printf 'UID:040000008200E00074C5B7101A82E0080000000000A1C7A3F9D3C7010000000000000000100000009D1F7A5E3C2B4A1D8E6F0A1B2C3D4E5F\r\n'
    printf 'DTSTAMP:20070801T101500Z\r\n'
    for i in $(seq 10000); do printf 'ATTENDEE;PARTSTAT=ACCEPTED:mailto:a%d@fabrikam.example\r\n' "$i"; done
    printf 'END:VEVENT\r\nEND:VCALENDAR\r\n'
} > "$work/crowd.ics"
cp "$work/update.msg" "$work/meeting.msg"
peak "$TRACKFIX" reply "$work/meeting.msg" "$work/crowd.ics"
expect_rc 4 # read, but no reply: not applied
expect_out "crowd.ics"
expect_out "10000 ATTENDEE"
[ "$peak_mb" -lt 64 ] || fail "reply with 10,000 attendees: peak $peak_mb MB"
cmp -s "$work/update.msg" "$work/meeting.msg" || fail "the refused reply changed the meeting"

finish
