# End to end: the cause of KB 938650.  An Exchange 2007 acceptance without
# X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE, applied to the organizer's
# meeting, leaves 1601-01-01 in the attendee's row; the next update then
# fails with the fix off and converts with it on.
source "$(dirname "$0")/lib.sh"

DATA="$TOP/tests/data"
NOW=2007-08-03T14:05:00Z
work=$(mktemp -d "$BUILD/e2e_reply.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The organizer's request, before anyone answered: no track status yet.
grep -v '^PR_RECIPIENT_TRACKSTATUS' "$DATA/request-realtime.txt" > "$work/request.txt"
trackfix msg new "$work/request.txt" -o "$work/meeting.msg" || fail "msg new"
run "$TRACKFIX" convert --fix=off --now=$NOW -o "$work/out" "$work/meeting.msg"
expect_rc 0

# --dry-run shows the change and writes nothing.
cp "$work/meeting.msg" "$work/before.msg"
run "$TRACKFIX" reply --dry-run "$work/meeting.msg" "$DATA/reply-accepted.ics"
expect_rc 0
expect_out "would apply $DATA/reply-accepted.ics: recipient 2 <Adam@Fabrikam.EXAMPLE> ACCEPTED: PR_RECIPIENT_TRACKSTATUS none -> 3, PR_RECIPIENT_TRACKSTATUS_TIME none -> 1601-01-01T00:00:00Z (no X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE)"
cmp -s "$work/meeting.msg" "$work/before.msg" || fail "--dry-run changed the meeting"

# A meeting that cannot be written: nothing is said to be applied, exit 1.
mkdir "$work/meeting.msg.tmp"
run "$TRACKFIX" reply "$work/meeting.msg" "$DATA/reply-accepted.ics"
expect_rc 1
expect_out "not applied $DATA/reply-accepted.ics: the meeting could not be written"
grep -q '^applied' <<<"$out" && fail "a reply said applied although the meeting was not written"
expect_err "cannot write '$work/meeting.msg'"
cmp -s "$work/meeting.msg" "$work/before.msg" || fail "a failed write changed the meeting"
rmdir "$work/meeting.msg.tmp"

# The Exchange 2007 acceptance, for real.
run "$TRACKFIX" reply "$work/meeting.msg" "$DATA/reply-accepted.ics"
expect_rc 0
expect_out "applied $DATA/reply-accepted.ics: recipient 2"
run "$TRACKFIX" msg dump "$work/meeting.msg"
[[ "$out" == *$'PR_RECIPIENT_TRACKSTATUS = 3\nPR_RECIPIENT_TRACKSTATUS_TIME = 1601-01-01T00:00:00Z'* ]] || fail "track status and time not stored"
ls "$work" | grep -q '\.tmp$' && fail "temp file left beside the meeting"

# The update now fails with the fix off and converts with it on (the gate
# read from the real registry).
reset_registry
run "$TRACKFIX" server init
run "$TRACKFIX" hotfix install
run "$TRACKFIX" convert --now=$NOW -o "$work/out" "$work/meeting.msg"
expect_rc 3
expect_out "PR_RECIPIENT_TRACKSTATUS_TIME 0x0000000000000000 (1601-01-01T00:00:00Z) cannot be converted"
reg add "$KEY_PARAMS" /v FixRecipientTrackStatusTime /t REG_DWORD /d 1 /f
run "$TRACKFIX" convert --now=$NOW -o "$work/out" "$work/meeting.msg"
expect_rc 0
unfolded "$work/out/meeting.eml" | grep -q 'X-REPLYTIME=18991230T000000Z' || fail "clamped REPLYTIME missing"
reset_registry

# With the critical change present, its time is stored and the update converts
# with the fix off.
run "$TRACKFIX" reply --format=json "$work/meeting.msg" "$DATA/reply-accepted-critical.ics"
expect_rc 0
expect_out '"old_status":3,"status":3,"old_time":"1601-01-01T00:00:00Z","time":"2007-08-01T10:15:00Z","critical_change":true,"added":false,"delegated_from":null}'
run "$TRACKFIX" convert --fix=off --now=$NOW -o "$work/out" "$work/meeting.msg"
expect_rc 0

# Tentative (base64 .eml) and declined (quoted-printable ISO-8859-1 .eml),
# both in one call: one write, in order.
run "$TRACKFIX" reply "$work/meeting.msg" "$DATA/reply-tentative-base64.eml" "$DATA/reply-declined-qp.eml"
expect_rc 0
expect_out "TENTATIVE: PR_RECIPIENT_TRACKSTATUS 3 -> 2"
expect_out "DECLINED: PR_RECIPIENT_TRACKSTATUS 2 -> 4, PR_RECIPIENT_TRACKSTATUS_TIME 1601-01-01T00:00:00Z -> 2007-08-02T08:00:00Z"
run "$TRACKFIX" msg dump "$work/meeting.msg"
[[ "$out" == *$'PR_RECIPIENT_TRACKSTATUS = 4\nPR_RECIPIENT_TRACKSTATUS_TIME = 2007-08-02T08:00:00Z'* ]] || fail "declined not stored"

# Not applied: another meeting's UID, an unknown attendee: exit 4, untouched.
cp "$work/meeting.msg" "$work/before.msg"
sed 's/^UID:0400/UID:0500/' "$DATA/reply-accepted.ics" > "$work/other-uid.ics"
run "$TRACKFIX" reply "$work/meeting.msg" "$work/other-uid.ics"
expect_rc 4
expect_out "not applied $work/other-uid.ics: the reply's UID 0500"
sed 's/MAILTO:Adam@Fabrikam.EXAMPLE/mailto:eve@fabrikam.example/' "$DATA/reply-accepted.ics" > "$work/eve.ics"
run "$TRACKFIX" reply "$work/meeting.msg" "$work/eve.ics"
expect_rc 4
expect_out "no recipient of the meeting has the address eve@fabrikam.example"
cmp -s "$work/meeting.msg" "$work/before.msg" || fail "a reply that did not apply changed the meeting"

# A reply with the empty values Google writes (DESCRIPTION:, LOCATION:)
# applies; --verbose says what libical passed over.
sed 's/^COMMENT;LANGUAGE=en-US:\\n\r$/DESCRIPTION:\r\nLOCATION:\r/' "$DATA/reply-accepted.ics" > "$work/empty-values.ics"
grep -q '^LOCATION:.$' "$work/empty-values.ics" || fail "no empty LOCATION in empty-values.ics"
run "$TRACKFIX" reply --dry-run --verbose "$work/meeting.msg" "$work/empty-values.ics"
expect_rc 0
expect_out "would apply $work/empty-values.ics: recipient 2 <Adam@Fabrikam.EXAMPLE> ACCEPTED"
expect_err "passed over what the reply does not need: No value for DESCRIPTION property"
expect_err "passed over what the reply does not need: No value for LOCATION property"
run "$TRACKFIX" reply --dry-run "$work/meeting.msg" "$work/empty-values.ics"
[ -z "$err" ] || fail "without --verbose, something was said: $err"

# A delegation (RFC 5546 3.2.2.3; its form as Lightning writes it): MAPI
# has no delegated status, so Adam's row stays and the reply says so,
# naming the delegate (exit 4, not 2); Dora's own acceptance, DELEGATED-FROM
# Adam, adds her as an optional attendee with her answer, as CDO adds an
# invitee an attendee forwarded to; the next update goes to her too.
cp "$work/meeting.msg" "$work/delegation.msg"
run "$TRACKFIX" reply "$work/delegation.msg" "$DATA/reply-delegated.ics" "$DATA/reply-delegate-accepted.ics"
expect_rc 4
expect_out "not applied $DATA/reply-delegated.ics: adam@fabrikam.example delegated to \"Dora Delegate\" <dora@fabrikam.example>: MAPI has no delegated track status, so row 2 is left as it is"
expect_out "applied $DATA/reply-delegate-accepted.ics: recipient 3 <dora@fabrikam.example> ACCEPTED: PR_RECIPIENT_TRACKSTATUS none -> 3, PR_RECIPIENT_TRACKSTATUS_TIME none -> 1601-01-01T00:00:00Z (no X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE); the row added, an optional attendee delegated by adam@fabrikam.example"
run "$TRACKFIX" convert --fix=on --now=2007-08-03T14:05:00Z -o "$work/delegation" "$work/delegation.msg"
expect_rc 0
unfolded "$work/delegation/delegation.eml" |
    grep -q '^ATTENDEE;ROLE=OPT-PARTICIPANT;PARTSTAT=NEEDS-ACTION;X-REPLYTIME=18991230T000000Z;RSVP=TRUE;CN="Dora Delegate":MAILTO:dora@fabrikam.example' ||
    fail "the update does not go to the delegate"
# a delegate's answer for an attendee the meeting does not have: refused
sed 's/DELEGATED-FROM="mailto:adam@/DELEGATED-FROM="mailto:nobody@/' "$DATA/reply-delegate-accepted.ics" > "$work/stray-delegate.ics"
run "$TRACKFIX" reply --dry-run "$work/meeting.msg" "$work/stray-delegate.ics"
expect_rc 4
expect_out "no recipient of the meeting has the address dora@fabrikam.example"

# The corpus's calendars: each refused, named with its reason; those that
# are not iCalendar at all cannot be read (exit 2), the others are
# calendars but no reply (not METHOD:REPLY, no METHOD): not applied.
run "$TRACKFIX" reply "$work/meeting.msg" "$TOP"/tests/corpus/ics/*.ics
expect_rc 2
for f in "$TOP"/tests/corpus/ics/*.ics; do
    expect_out "not applied $f: '$f': "
done
expect_err "cannot read '$TOP/tests/corpus/ics/big_bad_calendar.ics': "
[[ "$err" == *"cannot read '$TOP/tests/corpus/ics/issue_350.ics'"* ]] && fail "a REQUEST is said to be unreadable"
# Read but unusable only: exit 4 (2 is for what cannot be read); a batch
# says each reply in the order given, the applied one in its place.
run "$TRACKFIX" reply --dry-run "$work/meeting.msg" "$TOP/tests/corpus/ics/issue_350.ics" "$DATA/reply-accepted.ics" \
    "$work/eve.ics"
expect_rc 4
mapfile -t said <<< "$out"
[[ "${said[0]}" == "not applied $TOP/tests/corpus/ics/issue_350.ics: "* && "${said[1]}" == "would apply $DATA/reply-accepted.ics: "* &&
    "${said[2]}" == "not applied $work/eve.ics: "* && ${#said[@]} = 3 ]] || fail "not in the order given: $out"
expect_out "not applied $TOP/tests/corpus/ics/issue_350.ics: '$TOP/tests/corpus/ics/issue_350.ics': METHOD is REQUEST, not REPLY"
[ -z "$err" ] || fail "a read but unusable reply was said to be unreadable: $err"
run "$TRACKFIX" reply "$work/meeting.msg" "$work/missing.ics"
expect_rc 2
run "$TRACKFIX" reply "$DATA/reply-accepted.ics" "$DATA/reply-accepted.ics"
expect_rc 2
expect_err "not a compound file"
cmp -s "$work/meeting.msg" "$work/before.msg" || fail "unreadable replies changed the meeting"
# Real Google Calendar replies (tests/corpus/replies, from nylas/sync-engine)
# to a real Exchange 2010 request, applied to the organizer's meeting made
# to match it: both apply although Google writes DESCRIPTION: and LOCATION:
# empty, and neither carries the critical change, so both rows get
# 1601-01-01: the KB's story with Google as the attendee's client.
REPLIES="$TOP/tests/corpus/replies"
cat > "$work/spot.txt" <<'TXT'
[message]
PR_MESSAGE_CLASS = "IPM.Appointment"
PR_SUBJECT = "Spot le chien"
PR_SENDER_NAME = "Inbox Apptest2"
PR_SENDER_ADDRTYPE = "SMTP"
PR_SENDER_EMAIL_ADDRESS = "test2@example.com"
PidLidGlobalObjectId = 040000008200E00074C5B7101A82E00800000000F9125A30B06BD0010000000000000000100000009D791C7548BFD144BFA54F14213CAD25
PidLidAppointmentSequence = 0
PidLidAppointmentStartWhole = 2015-04-01T14:00:00Z
PidLidAppointmentEndWhole = 2015-04-01T14:30:00Z
PidLidOwnerCriticalChange = 2015-03-31T12:43:02Z
[recipient]
PR_DISPLAY_NAME = "Inbox Apptest2"
PR_SMTP_ADDRESS = "test2@example.com"
PR_RECIPIENT_TYPE = 1
PR_RECIPIENT_FLAGS = 3
PR_RECIPIENT_TRACKSTATUS = 1
[recipient]
PR_DISPLAY_NAME = "Karim Hamidou"
PR_SMTP_ADDRESS = "karim@example.com"
PR_RECIPIENT_TYPE = 1
PR_RECIPIENT_FLAGS = 1
[recipient]
PR_DISPLAY_NAME = "test1@example.com"
PR_SMTP_ADDRESS = "test1@example.com"
PR_RECIPIENT_TYPE = 1
PR_RECIPIENT_FLAGS = 1
TXT
trackfix msg new "$work/spot.txt" -o "$work/spot.msg" || fail "msg new spot"
run "$TRACKFIX" reply --verbose "$work/spot.msg" "$REPLIES/google-accepted.ics" "$REPLIES/google-tentative.ics" \
    "$REPLIES/google-declined-other-uid.ics"
expect_rc 4
expect_out "applied $REPLIES/google-accepted.ics: recipient 2 <karim@example.com> ACCEPTED: PR_RECIPIENT_TRACKSTATUS none -> 3, PR_RECIPIENT_TRACKSTATUS_TIME none -> 1601-01-01T00:00:00Z"
expect_out "applied $REPLIES/google-tentative.ics: recipient 3 <test1@example.com> TENTATIVE: PR_RECIPIENT_TRACKSTATUS none -> 2"
expect_out "not applied $REPLIES/google-declined-other-uid.ics: the reply's UID cccc@nylas.com is not this meeting's"
expect_err "passed over what the reply does not need: No value for DESCRIPTION property"
run "$TRACKFIX" convert --fix=off --now=2015-04-01T10:00:00Z -o "$work/spot-out" "$work/spot.msg"
expect_rc 3
run "$TRACKFIX" convert --fix=on --now=2015-04-01T10:00:00Z -o "$work/spot-out" "$work/spot.msg"
expect_rc 0
[ "$(unfolded "$work/spot-out/spot.eml" | grep -c 'X-REPLYTIME=18991230T000000Z')" = 2 ] ||
    fail "the two Google answers did not go out clamped"

# Out of date (MS-OXOCAL 3.1.5.2): the meeting moves to sequence 1; Google's
# answer to sequence 0 is then not recorded, says why, exit 4, and the
# meeting is not rewritten.  The same answer at sequence 1 is recorded.
sed 's/^PidLidAppointmentSequence = 0$/PidLidAppointmentSequence = 1/' "$work/spot.txt" > "$work/spot1.txt"
trackfix msg new "$work/spot1.txt" -o "$work/spot1.msg" || fail "msg new spot1"
cp "$work/spot1.msg" "$work/spot1-before.msg"
run "$TRACKFIX" reply --format=json "$work/spot1.msg" "$REPLIES/google-accepted.ics"
expect_rc 4
expect_out '"applied":false,"out_of_date":true,"reason":"out of date: the reply answers sequence 0, the meeting is at 1"'
cmp -s "$work/spot1.msg" "$work/spot1-before.msg" || fail "an out-of-date reply changed the meeting"
sed 's/^SEQUENCE:0$/SEQUENCE:1/' "$REPLIES/google-accepted.ics" > "$work/google-accepted-seq1.ics"
run "$TRACKFIX" reply "$work/spot1.msg" "$work/google-accepted-seq1.ics"
expect_rc 0
# CDO's own reply carries the owner critical change: one from before the
# meeting's request of the same sequence is out of date.
sed 's/^SEQUENCE:1$/SEQUENCE:1\nX-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE:20150330T000000Z/' "$work/google-accepted-seq1.ics" > "$work/owner-old.ics"
run "$TRACKFIX" reply "$work/spot1.msg" "$work/owner-old.ics"
expect_rc 4
expect_out "out of date: the reply answers the request of 2015-03-30T00:00:00Z (X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE), the meeting's of sequence 1 was sent at 2015-03-31T12:43:02Z"
# An attendee critical change older than the row's: out of date; a later one is recorded.
sed 's/^SEQUENCE:1$/SEQUENCE:1\nX-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20150331T130000Z/' "$work/google-accepted-seq1.ics" > "$work/attendee-new.ics"
sed 's/^SEQUENCE:1$/SEQUENCE:1\nX-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20150331T120000Z/' "$work/google-accepted-seq1.ics" > "$work/attendee-old.ics"
run "$TRACKFIX" reply "$work/spot1.msg" "$work/attendee-new.ics" "$work/attendee-old.ics"
expect_rc 4
expect_out "applied $work/attendee-new.ics: recipient 2"
expect_out "not applied $work/attendee-old.ics: out of date: the reply was sent at 2015-03-31T12:00:00Z (X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE), the row records a reply of 2015-03-31T13:00:00Z"
# ... but one without it after it is recorded, with 1601-01-01 (KB 938650).
run "$TRACKFIX" reply "$work/spot1.msg" "$work/google-accepted-seq1.ics"
expect_rc 0
expect_out "PR_RECIPIENT_TRACKSTATUS_TIME 2015-03-31T13:00:00Z -> 1601-01-01T00:00:00Z"

# One instance of a series (MS-OXOCAL 3.1.4.8.5.2): the reply is recorded
# in that instance's exception, made when it is none yet (pattern and
# Exception Attachment), and the series' rows stay as they are.  The
# series: "Friday Lunch" (a real Outlook item, Tokyo time, Fridays 12:00,
# the 6th deleted, the 13th moved to the 9th, the 20th an exception) with
# Adam, who accepted on 2023-01-05 (tests/cdoitems.sh).
bash "$TOP/tests/cdoitems.sh" "$TRACKFIX" "$work/cdo" > /dev/null || fail "cdoitems.sh"
cp "$work/cdo/cdo-series-exception.msg" "$work/series.msg"
LUNCH_UID=040000008200E00074C5B7101A82E00800000000404F1AC33622D901000000000000000010000000417B5EFFCF8AF14DB668B9BA15609337
instance_reply() { # FILE PARTSTAT RECURRENCE-ID-LINE [EXTRA-LINE]
    printf 'BEGIN:VCALENDAR\r\nPRODID:-//Google Inc//Google Calendar 70.9054//EN\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nDTSTART:20230127T030000Z\r\nDTSTAMP:20230126T000000Z\r\nUID:%s\r\n%s\r\nATTENDEE;PARTSTAT=%s;CN=Adam:mailto:adam@fabrikam.example\r\nDESCRIPTION:\r\nSEQUENCE:0\r\n%sEND:VEVENT\r\nEND:VCALENDAR\r\n' \
        "$LUNCH_UID" "$3" "$2" "${4:+$4$'\r\n'}" > "$1"
}
instance_reply "$work/i27.ics" DECLINED 'RECURRENCE-ID;TZID=Asia/Tokyo:20230127T120000'
run "$TRACKFIX" reply "$work/series.msg" "$work/i27.ics"
expect_rc 0
expect_out "applied $work/i27.ics: the instance of 2023-01-27T12:00 (made an exception for it): recipient 2 <adam@fabrikam.example> DECLINED: PR_RECIPIENT_TRACKSTATUS 3 -> 4, PR_RECIPIENT_TRACKSTATUS_TIME 2023-01-05T03:00:00Z -> 1601-01-01T00:00:00Z"
run "$TRACKFIX" msg dump "$work/series.msg"
[[ "$out" == *$'PR_RECIPIENT_TRACKSTATUS = 3\nPR_RECIPIENT_TRACKSTATUS_TIME = 2023-01-05T03:00:00Z'* ]] ||
    fail "the series' row changed for a reply to one instance"
# The file as python3-olefile reads it: the exception's attachment, its
# embedded message with Adam declined, and the pattern's new exception.
/usr/bin/python3 - "$work/series.msg" <<'PY' || fail "the exception is not in the file as Outlook keeps one"
import struct, sys
import olefile
ole = olefile.OleFileIO(sys.argv[1])
att = "__attach_version1.0_#00000000"
def props(path):
    data = ole.openstream(path + ["__properties_version1.0"]).read()
    start = 8 if path[-1].startswith(("__attach", "__recip")) else 24 if path[-1] == "__substg1.0_3701000D" else 32
    return {struct.unpack_from("<I", data, i)[0]: data[i + 8:i + 16] for i in range(start, len(data), 16)}
a = props([att])
assert struct.unpack("<I", a[0x37050003][:4])[0] == 5, "PR_ATTACH_METHOD"
assert struct.unpack("<I", a[0x7FFD0003][:4])[0] == 2, "PR_ATTACHMENT_FLAGS afException"
assert a[0x7FFE000B][0] == 1, "PR_ATTACHMENT_HIDDEN"
replace = struct.unpack("<Q", a[0x7FF90040])[0]
assert replace == 133192620000000000, "PR_EXCEPTION_REPLACETIME %d" % replace  # 2023-01-27T03:00:00Z
emb = [att, "__substg1.0_3701000D"]
cls = ole.openstream(emb + ["__substg1.0_001A001F"]).read().decode("utf-16-le")
assert cls == "IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}", cls
rows = sorted({e[2] for e in ole.listdir() if e[:2] == emb and len(e) > 3 and e[2].startswith("__recip")})
assert len(rows) == 2, rows
adam = props(emb + [rows[1]])
assert struct.unpack("<I", adam[0x5FFF0003][:4])[0] == 4 and struct.unpack("<Q", adam[0x5FFB0040])[0] == 0
PY
# The update converts only with the fix: Adam's 1601 is the exception's.
run "$TRACKFIX" convert --fix=off --now=2023-01-26T00:00:00Z -o "$work/series-out" "$work/series.msg"
expect_rc 3
expect_out "the exception of 2023-01-27T12:00: recipient 2 'Adam Attendee' <adam@fabrikam.example>: PR_RECIPIENT_TRACKSTATUS_TIME 0x0000000000000000"
run "$TRACKFIX" convert --fix=on --now=2023-01-26T00:00:00Z -o "$work/series-out" "$work/series.msg"
expect_rc 0
/usr/bin/python3 - "$work/series-out/series.eml" <<'PY' || fail "the exception's VEVENT does not carry its own ATTENDEE"
import email, sys
import icalendar
msg = email.message_from_binary_file(open(sys.argv[1], "rb"))
cal = next(p for p in msg.walk() if p.get_content_type() == "text/calendar")
events = icalendar.Calendar.from_ical(cal.get_payload(decode=True)).walk("VEVENT")
times = {}
for ev in events:
    rid = ev.get("RECURRENCE-ID")
    key = rid.dt.strftime("%Y-%m-%dT%H:%M") if rid else "master"
    attendees = ev.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees]
    times[key] = [a.params.get("X-REPLYTIME") for a in attendees if "adam@" in str(a)]
assert times["master"] == ["20230105T030000Z"], times
assert times["2023-01-27T12:00"] == ["18991230T000000Z"], times
assert times["2023-01-20T12:00"] == ["20230105T030000Z"], times
assert len(times) == 4, times
PY
# An instance already an exception in the pattern (the 13th, moved to the
# 9th), named in UTC: its attachment is made, the pattern kept.  A second
# reply to the 27th goes to the exception made above.
instance_reply "$work/i13.ics" TENTATIVE 'RECURRENCE-ID:20230113T030000Z' 'X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20230110T000000Z'
instance_reply "$work/i27b.ics" ACCEPTED 'RECURRENCE-ID;TZID=Asia/Tokyo:20230127T120000'
run "$TRACKFIX" reply --format=json "$work/series.msg" "$work/i13.ics" "$work/i27b.ics"
expect_rc 0
expect_out '"instance":"2023-01-13T12:00","exception_made":true,"row":2'
expect_out '"instance":"2023-01-27T12:00","exception_made":false,"row":2'
# A deleted instance, one the series does not have, and a meeting that is
# no series: said, exit 4, nothing changed.
cp "$work/series.msg" "$work/series-before.msg"
instance_reply "$work/i06.ics" ACCEPTED 'RECURRENCE-ID;TZID=Asia/Tokyo:20230106T120000'
instance_reply "$work/i28.ics" ACCEPTED 'RECURRENCE-ID;TZID=Asia/Tokyo:20230128T120000'
run "$TRACKFIX" reply "$work/series.msg" "$work/i06.ics" "$work/i28.ics"
expect_rc 4
expect_out "not applied $work/i06.ics: the instance of 2023-01-06T12:00 was deleted from the series: the reply is discarded"
expect_out "not applied $work/i28.ics: no instance of the series starts at 2023-01-28T12:00"
cmp -s "$work/series.msg" "$work/series-before.msg" || fail "a reply to no instance changed the meeting"
# An instance that is none yet, answered by someone the meeting does not
# have, or delegated: nothing made, nothing recorded.
instance_reply "$work/i03.ics" ACCEPTED 'RECURRENCE-ID;TZID=Asia/Tokyo:20230203T120000'
sed -i 's/mailto:adam@fabrikam.example/mailto:eve@fabrikam.example/' "$work/i03.ics"
instance_reply "$work/i10.ics" DELEGATED 'RECURRENCE-ID;TZID=Asia/Tokyo:20230210T120000'
sed -i 's/^ATTENDEE;PARTSTAT=DELEGATED;/ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO="mailto:dora@fabrikam.example";/' "$work/i10.ics"
printf 'ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:dora@fabrikam.example\r\n' > "$work/dora-line"
sed -i "/^DESCRIPTION:/r $work/dora-line" "$work/i10.ics"
run "$TRACKFIX" reply "$work/series.msg" "$work/i03.ics" "$work/i10.ics"
expect_rc 4
expect_out "not applied $work/i03.ics: no recipient of the meeting has the address eve@fabrikam.example"
expect_out "not applied $work/i10.ics: adam@fabrikam.example delegated the instance of 2023-02-10T12:00 to <dora@fabrikam.example>"
cmp -s "$work/series.msg" "$work/series-before.msg" || fail "an unknown or delegating attendee's reply to an instance changed the meeting"
sed 's/^SEQUENCE:0$/SEQUENCE:0\nRECURRENCE-ID:20150401T140000Z/' "$REPLIES/google-accepted.ics" > "$work/spot-instance.ics"
run "$TRACKFIX" reply "$work/spot.msg" "$work/spot-instance.ics"
expect_rc 4
expect_out "the meeting is no series: nothing recorded"
# A real Outlook item keeps its attachments (here two exceptions) when a
# reply rewrites it.
cp "$TOP/tests/corpus/msg/Friday Lunch.msg" "$work/real-lunch.msg"
instance_reply "$work/organizer.ics" ACCEPTED 'X-TRACKFIX-NOTE:none'
sed -i 's/mailto:adam@fabrikam.example/mailto:ku@digitaldolphins.onmicrosoft.com/' "$work/organizer.ics"
run "$TRACKFIX" reply "$work/real-lunch.msg" "$work/organizer.ics"
expect_rc 0
/usr/bin/python3 - "$TOP/tests/corpus/msg/Friday Lunch.msg" "$work/real-lunch.msg" <<'PY' || fail "the rewritten item lost what its attachments held"
import sys
import olefile
def streams(path):
    """Each attachment's value streams: by name for tagged properties, as a
    sorted list for named ones, whose ids a writer numbers anew; strings
    without the terminator a writer may or may not keep (MS-OXMSG 2.1.3)."""
    ole = olefile.OleFileIO(path)
    tagged, named = {}, {}
    for e in ole.listdir():
        if not e[0].startswith("__attach") or e[-1].startswith("__properties"):
            continue
        data = ole.openstream(e).read()
        if e[-1].endswith("001F") and data.endswith(b"\0\0"):
            data = data[:-2]
        elif e[-1].endswith("001E") and data.endswith(b"\0"):
            data = data[:-1]
        if e[-1].startswith("__substg1.0_") and int(e[-1][12:16], 16) >= 0x8000:
            named.setdefault("/".join(e[:-1]), []).append(data)
        else:
            tagged["/".join(e)] = data
    return tagged, {k: sorted(v) for k, v in named.items()}
before, after = streams(sys.argv[1]), streams(sys.argv[2])
assert before[0] and before == after, (sorted(set(before[0]) ^ set(after[0])), before[1] == after[1])
PY

# Damaged replies: 300 replies and corpus calendars with bytes changed or
# cut short (a fixed seed), in one process.  Each is applied or refused
# with a reason; none may crash it.
/usr/bin/python3 - "$work/damaged" "$DATA" "$TOP/tests/corpus/ics" <<'PY'
import os, random, sys
out, data, corpus = sys.argv[1:4]
os.makedirs(out)
random.seed(6047)
sources = [os.path.join(data, n) for n in ("reply-accepted.ics", "reply-tentative-base64.eml", "reply-declined-qp.eml")]
sources += [os.path.join(corpus, n) for n in ("issue_350.ics", "property_params.ics", "timezone_same_start.ics")]
sources += [os.path.join(corpus, "..", "replies", n) for n in ("google-accepted.ics", "google-tentative.ics")]
for n in range(300):
    text = bytearray(open(sources[n % len(sources)], "rb").read())
    for _ in range(random.choice([1, 2, 4, 8, 32])):
        text[random.randrange(len(text))] = random.choice([random.randrange(256)] + [ord(c) for c in ";:\n=,\""])
    if n % 7 == 0:
        text = text[:random.randrange(len(text))]
    open(os.path.join(out, "r%03d%s" % (n, os.path.splitext(sources[n % len(sources)])[1])), "wb").write(text)
PY
timeout 300 "$TRACKFIX" reply --dry-run "$work/meeting.msg" "$work"/damaged/* > "$work/damaged.out" 2> "$work/damaged.err"
rc=$?
[ "$rc" = 0 ] || [ "$rc" = 2 ] || [ "$rc" = 4 ] || fail "damaged replies ended with exit $rc"
[ "$(grep -c '^would apply \|^not applied ' "$work/damaged.out")" = 300 ] || fail "not every damaged reply got its line"
cmp -s "$work/meeting.msg" "$work/before.msg" || fail "--dry-run with damaged replies changed the meeting"

run "$TRACKFIX" reply "$work/meeting.msg"
expect_rc 2
run "$TRACKFIX" reply --help
expect_rc 0

finish
