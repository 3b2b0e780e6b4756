# End to end: nothing a message carries escapes its field.  One meeting per
# string field the conversion reads and per hostile payload
# (tests/injectfields.py: CR, LF, CRLF with a header or an iCalendar line,
# NUL, quotes, ';', ':', '<>', 998 bytes, non-UTF-8), converted in one
# process: each is refused with words naming the field, or its output holds
# exactly the headers, parts, components and properties trackfix writes
# (tests/injectcheck.py, then tests/cdoform.py on every output).  The queue
# refuses at submit what convert refused for its address, and delivers the
# rest over SMTP to exactly the rows' recipients.  Replies and the command
# line's addresses too.
source "$(dirname "$0")/lib.sh"

NOW=2007-08-03T14:00:00Z
work=$(mktemp -d "$BUILD/e2e_inject.XXXXXX")
trap 'stop_sinks; rm -rf "$work"' EXIT
mkdir -p "$work/text"

run /usr/bin/python3 "$TOP/tests/injectfields.py" "$TOP/tests/data/update-realtime.txt" "$work/text"
[ "$rc" = 0 ] || fail "injectfields.py: $err"
total=$(wc -l < "$work/text/manifest.tsv")
[ "$total" -ge 180 ] || fail "only $total meetings"
trackfix msg new "$work/text" -o "$work/msg" > /dev/null || fail "msg new of the hostile meetings"

run "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/out" "$work/msg"
expect_rc 3 # some refused
printf '%s\n' "$out" > "$work/convert.txt"
run /usr/bin/python3 "$TOP/tests/injectcheck.py" "$work/text/manifest.tsv" "$work/convert.txt" "$work/out"
expect_rc 0
expect_out "all contained"
# every address field refused for each payload that survives into it: all
# but NUL (it cuts the value short, leaving a good address), and for the
# sender field also '<>' ("olivia@... <evil@...>" is a name-addr: its
# address is the one in brackets, a mailbox)
for expected in "10:recipient 1 'Olivia Organizer': PR_SMTP_ADDRESS" "10:recipient 2 'Adam Attendee': PR_SMTP_ADDRESS" \
    "9:sender: PR_SENT_REPRESENTING_EMAIL_ADDRESS"; do
    field=${expected#*:}
    [ "$(grep -c "$field '.*' is not an RFC 5321 mailbox" "$work/convert.txt")" = "${expected%%:*}" ] ||
        fail "$field: refused $(grep -c "$field '.*' is not an RFC 5321 mailbox" "$work/convert.txt") times, not ${expected%%:*}"
done
grep -q $'\r' "$work/convert.txt" && fail "convert printed a raw CR"
run /usr/bin/python3 "$TOP/tests/cdoform.py" "$work"/out/*.eml
expect_rc 0

# The queue: refused at submit exactly where convert refused an address;
# the rest delivered over SMTP to Adam alone, from Olivia.
refused=$(grep -c "is not an RFC 5321 mailbox" "$work/convert.txt")
run "$TRACKFIX" queue --queue="$work/server/queue" submit --now=$NOW "$work/msg"
expect_rc 2
[ "$(grep -c "is not an RFC 5321 mailbox" <<< "$err")" = "$refused" ] ||
    fail "submit refused $(grep -c "is not an RFC 5321 mailbox" <<< "$err") for their address, convert $refused"
queued=$(ls "$work/server/queue/queued" | wc -l)
[ "$queued" = $((total - refused)) ] || fail "$queued queued of $total with $refused refused"
start_sink "$work/sink"
run "$TRACKFIX" queue --queue="$work/server/queue" run --now=$NOW --fix=on --smtp=127.0.0.1:$port
expect_rc 0
[ "$(ls "$work"/sink/*.env 2>/dev/null | wc -l)" -gt 0 ] || fail "nothing reached the SMTP server"
run /usr/bin/python3 - "$work/sink" <<'EOF'
import glob, re, sys
bad = []
for path in glob.glob(sys.argv[1] + "/*.env"):
    lines = [line for line in open(path).read().split("\n") if line]
    # the sender is whichever field the variant left good; the recipients
    # are exactly the rows'
    if not re.fullmatch(r"MAIL FROM:<[!-~]+@[A-Za-z0-9.-]+>( BODY=8BITMIME)?( SIZE=\d+)?", lines[0]) or \
            lines[1:] != ["RCPT TO:<adam@fabrikam.example>"]:
        bad.append((path, lines))
print("%d envelopes, %d wrong: %s" % (len(glob.glob(sys.argv[1] + "/*.env")), len(bad), bad[:3]))
sys.exit(1 if bad else 0)
EOF
expect_rc 0
# what convert refused is not what the queue delivered (delivered: converted)
delivered=$(ls "$work"/sink/*.env | wc -l)
converted=$(grep -c "^converted " "$work/convert.txt")
[ "$delivered" = "$converted" ] || fail "$delivered delivered, $converted converted"

# The SMTP client sends no command with a control character, and --smtp
# takes a host name only.
run "$TRACKFIX" queue --queue="$work/server/queue" run --now=$NOW --smtp=$'127.0.0.1\r\nRCPT TO:<evil@attacker.example>'
expect_rc 2
expect_err "bad value in '--smtp=127.0.0.1\\r\\nRCPT TO:<evil@attacker.example>'"
run "$TRACKFIX" server directory add '/o=Org/cn=x' $'adam@fabrikam.example\r\nBcc: evil@attacker.example'
expect_rc 2
expect_err "'adam@fabrikam.example\\r\\nBcc: evil@attacker.example' is not an RFC 5321 mailbox"

# Replies: each property the reply step reads, and a few it passes over,
# with a payload (an escaped line end, RFC 6868's ^n, a parameter or a
# value smuggled in, quotes, 998 bytes, non-UTF-8 bytes, a NUL): applied to
# Adam's row and nothing else, or refused with words naming the property;
# and nothing printed carries a raw control character.
mkdir -p "$work/replies"
/usr/bin/python3 - "$TOP/tests/data/reply-accepted.ics" "$work/replies" <<'EOF'
import re, sys
base, out = open(sys.argv[1], "rb").read(), sys.argv[2]
# (name, the line's start, what the payload is added to)
FIELDS = [("UID", b"UID:"), ("CN", b"ATTENDEE;PARTSTAT=ACCEPTED;CN=Adam Attendee"),
          ("ATTENDEE", b"ATTENDEE;PARTSTAT=ACCEPTED;CN=Adam Attendee:MAILTO:Adam@Fabrikam.EXAMPLE"),
          ("PARTSTAT", b"ATTENDEE;PARTSTAT=ACCEPTED"), ("SUMMARY", b"SUMMARY;LANGUAGE=en-US:Accepted: Project review"),
          ("COMMENT", b"COMMENT;LANGUAGE=en-US:\\n"), ("DTSTAMP", b"DTSTAMP:20070801T101500Z")]
PAYLOADS = [("escaped-lf", b"\\nBcc: evil@attacker.example"), ("caret-n", b"^nBcc: evil@attacker.example"),
            ("semicolon", b";X-INJECTED=1"), ("colon", b":X-INJECTED:1"), ("quote", b'"x"'),
            ("run998", b"x" * 998), ("non-utf8", b"\xff\xfe\xc3\x28"), ("nul", b"\x00X")]
with open(out + "/manifest.tsv", "w") as manifest:
    for field, start in FIELDS:
        for kind, payload in PAYLOADS:
            at = base.index(start) + len(start)
            text = base[:at] + payload + base[at:]
            if field == "UID":  # the payload after the whole folded UID
                end = base.index(b"\r\n", base.index(b"\r\n ", base.index(start)) + 3)
                text = base[:end] + payload + base[end:]
            name = "%s-%s" % (field, kind)
            open("%s/%s.ics" % (out, name), "wb").write(text)
            manifest.write("%s\t%s\n" % (name, field))
EOF
cp "$work/msg/message-PR_SUBJECT-cr.msg" "$work/meeting.msg"
# one process for all: each reply has its line, applied or not and why
cut -f1 "$work/replies/manifest.tsv" | sed "s|^|$work/replies/|; s|\$|.ics|" > "$work/replies/list"
mapfile -t replies < "$work/replies/list"
run "$TRACKFIX" reply --dry-run "$work/meeting.msg" "${replies[@]}"
[ "$rc" = 2 ] || fail "hostile replies: exit $rc, expected 2 (some not iCalendar at all: a NUL)"
printf '%s%s' "$out" "$err" | LC_ALL=C grep -q $'[\x01-\x08\x0b-\x1f\x7f]' && fail "a raw control character printed"
while IFS=$'\t' read -r name field; do
    said=$(printf '%s\n%s\n' "$out" "$err" | grep -F "$work/replies/$name.ics")
    case "$said" in
    "would apply $work/replies/$name.ics: recipient 2 <Adam@Fabrikam.EXAMPLE> ACCEPTED"*) ;;
    *"$field"*) ;;
    *) fail "$name: neither Adam's acceptance nor a refusal naming $field: $said" ;;
    esac
done < "$work/replies/manifest.tsv"
[ "$(wc -l < "$work/replies/manifest.tsv")" = 56 ] || fail "not 56 hostile replies"

# A reply whose ATTENDEE or ORGANIZER is no mailbox is refused, named.
sed 's/^\(ATTENDEE[^:]*:\)MAILTO:.*$/\1mailto:a b@x.example/' "$TOP/tests/data/reply-accepted.ics" > "$work/bad-ATTENDEE.ics"
sed 's/^\(ATTENDEE.*\)$/\1\nORGANIZER:mailto:a b@x.example/' "$TOP/tests/data/reply-accepted.ics" > "$work/bad-ORGANIZER.ics"
for prop in ATTENDEE ORGANIZER; do
    grep -q "$prop.*:mailto:a b@x.example" "$work/bad-$prop.ics" || fail "no $prop spoilt in bad-$prop.ics"
    run "$TRACKFIX" reply --dry-run "$work/msg/message-PR_SUBJECT-cr.msg" "$work/bad-$prop.ics"
    expect_rc 4 # read, but no usable reply
    expect_out "the $prop address 'a b@x.example' is not an RFC 5321 mailbox"
done
finish
