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
