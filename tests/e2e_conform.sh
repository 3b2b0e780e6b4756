# End to end: every kind of output trackfix writes, from ordinary and
# hostile meetings, passes independent checkers (tests/conform.py: Python's
# email with the strict policy, python3-icalendar, python3-vobject, libical's
# parser and restriction_check, flufl.bounce, line and byte rules).
source "$(dirname "$0")/lib.sh"

T0=2007-08-03T14:00:00Z
work=$(mktemp -d "$BUILD/e2e_conform.XXXXXX")
trap 'stop_sinks; rm -rf "$work"' EXIT
mkdir -p "$work/text" "$work/out"

# Hostile meetings, as text forms made from the ordinary update: long and
# non-ASCII subjects and names, quotes, commas and semicolons in names,
# empty fields, 1,000 attendees.
/usr/bin/python3 - "$TOP/tests/data/update-realtime.txt" "$work/text" <<'EOF'
import re, sys
base, out = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]

def quote(text):
    return '"%s"' % text.replace("\\", "\\\\").replace('"', '\\"')

def attendee(name, address, kind=1):
    return ('\n[recipient]\nPR_DISPLAY_NAME = %s\nPR_ADDRTYPE = "SMTP"\nPR_SMTP_ADDRESS = "%s"\nPR_RECIPIENT_TYPE = %d\n'
            'PR_RECIPIENT_FLAGS = 1\nPR_RECIPIENT_TRACKSTATUS = 3\nPR_RECIPIENT_TRACKSTATUS_TIME = 2007-08-01T10:15:00Z\n'
            % (quote(name), address, kind))

def variant(name, text, extra=""):
    with open("%s/%s.txt" % (out, name), "w", encoding="utf-8") as f:
        f.write(text + extra)

def set_prop(text, prop, value):
    return re.sub(r"^%s = .*$" % prop, lambda m: "%s = %s" % (prop, value), text, count=1, flags=re.M)

variant("long-subject-word", set_prop(base, "PR_SUBJECT", quote("x" * 2017)))
variant("long-subject-words", set_prop(base, "PR_SUBJECT", quote(" ".join(["review"] * 288))))
variant("nonascii-subject", set_prop(base, "PR_SUBJECT", quote("Zoë's réunion, 日本語の会議; «ok» " * 9)))
variant("names", base, attendee('O\'Neil, "Ops"; Team', "ops@fabrikam.example") +
        attendee("Zoë Zeller; Ops, West", "zoe@fabrikam.example", 2) + attendee("x" * 1529, "long@fabrikam.example") +
        attendee("日本 " * 300, "jp@fabrikam.example"))
empty = set_prop(set_prop(set_prop(base, "PR_SUBJECT", '""'), "PidLidLocation", '""'), "PR_BODY", '""')
variant("empty-fields", empty)
variant("many", base, "".join(attendee("Attendee %04d" % i, "a%04d@fabrikam.example" % i) for i in range(1000)))
EOF
trackfix msg new "$TOP"/tests/data/*.txt "$work"/text/*.txt -o "$work/msg" > /dev/null || fail "msg new of the fixtures"

# Conversions: requests, updates and cancellations, both paths, JSON too.
run "$TRACKFIX" convert --fix=on --now=$T0 --format=json -o "$work/out/on" "$work/msg"
expect_rc 3 # update-1850 fails on both paths
printf '%s\n' "$out" > "$work/out/convert.json"
run "$TRACKFIX" convert --fix=on --cancel --now=$T0 -o "$work/out/cancel" "$work/msg"
expect_rc 3
run "$TRACKFIX" convert --fix=off --now=$T0 -o "$work/out/off" "$work/msg"
expect_rc 3
[ "$(ls "$work/out/on" | wc -l)" = 12 ] || fail "expected 12 conversions with the fix on: $(ls "$work/out/on")"

# The queue's reports: the delay notification and the NDR 4.4.7 (fix
# off, two days), the NDR of a 550 from a server; the JSON listing.
reset_registry
trackfix server init > /dev/null
run "$TRACKFIX" queue --queue="$work/server/queue" submit --now=$T0 "$work/msg/update-1601.msg" "$work/msg/nonascii-subject.msg"
run "$TRACKFIX" queue --queue="$work/server/queue" run --now=$T0 --fix=off --until=+2d
expect_rc 0
expect_out "expired after 193 attempts: NDR 4.4.7"
run "$TRACKFIX" queue --queue="$work/server/queue" list --format=json
printf '%s\n' "$out" > "$work/out/list.json"
start_sink "$work/sink"
sed 's/adam@fabrikam.example/unknown@fabrikam.example/' "$TOP/tests/data/update-realtime.txt" > "$work/refused.txt"
trackfix msg new "$work/refused.txt" -o "$work/refused.msg" > /dev/null || fail "msg new refused.txt"
run "$TRACKFIX" queue --queue="$work/server/queue" submit --now=$T0 "$work/refused.msg" "$work/msg/names.msg"
run "$TRACKFIX" queue --queue="$work/server/queue" run --now=$T0 --fix=off --smtp=127.0.0.1:$port
expect_out "refused for good (550 5.1.1"
# JSON of time, reply and scan (the story's messages: e2e_scenario.sh).
run "$TRACKFIX" time --format=json --fix=on 0 1 0x7FFFFFFFFFFFFFFF
printf '%s\n' "$out" > "$work/out/time.json"
run "$TRACKFIX" scan --format=json --fix=off --now=$T0 "$work/msg"
printf '%s\n' "$out" > "$work/out/scan.json"
cp "$work/msg/update-1601.msg" "$work/meeting.msg"
run "$TRACKFIX" reply --dry-run --format=json "$work/meeting.msg" "$TOP/tests/data/reply-accepted.ics"
printf '%s\n' "$out" > "$work/out/reply.json"

mapfile -t outputs < <(find "$work/out" "$work/server/mailboxes" "$work/server/sent" \
    -type f \( -name '*.eml' -o -name '*.json' \) | sort)
# the conversions of three modes, five JSON outputs, the queue's reports and
# sent copies
[ "${#outputs[@]}" = 42 ] || fail "${#outputs[@]} outputs to check, expected 42"
for kind in ndr delay refused; do
    printf '%s\n' "${outputs[@]}" | grep -q "\.$kind\." || fail "no $kind report among the outputs"
done
run /usr/bin/python3 "$TOP/tests/conform.py" "${outputs[@]}"
expect_rc 0
expect_out "${#outputs[@]} files conform"

reset_registry
finish
