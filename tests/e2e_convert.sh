# End to end: trackfix convert (EcGetMime) on real .msg files, the gate read
# from the real registry, output compared with golden files and read back by
# python3-icalendar.
source "$(dirname "$0")/lib.sh"

NOW=2007-08-03T14:05:00Z
GOLDEN="$TOP/tests/data/golden"
CORPUS="$TOP/tests/corpus/msg"
work=$(mktemp -d "$BUILD/e2e_convert.XXXXXX")
trap 'rm -rf "$work"' EXIT

trackfix msg new "$TOP"/tests/data/*.txt -o "$work" || fail "msg new tests/data/*.txt"
# The golden runs name their inputs after the golden file.
for kind in request update cancel; do
    cp "$work/$kind-realtime.msg" "$work/$kind-realtime.fix-off.msg"
    cp "$work/$kind-1601.msg" "$work/$kind-1601.fix-on.msg"
done

# Golden files, byte for byte: real track time with the fix off, 1601 with
# it on (one process each: the Message-ID counts the messages of a run),
# read back by python3-icalendar in one run.
checks=()
for kind in request update cancel; do
    method=REQUEST
    [ "$kind" = cancel ] && method=CANCEL
    run "$TRACKFIX" convert --fix=off --now=$NOW -o "$work/out" "$work/$kind-realtime.fix-off.msg"
    expect_rc 0
    expect_out "converted $work/$kind-realtime.fix-off.msg -> $work/out/$kind-realtime.fix-off.eml ($method, 1 attendee, legacy track time)"
    cmp "$work/out/$kind-realtime.fix-off.eml" "$GOLDEN/$kind-realtime.fix-off.eml" || fail "$kind-realtime.fix-off.eml differs from golden"
    run "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/out" "$work/$kind-1601.fix-on.msg"
    expect_rc 0
    cmp "$work/out/$kind-1601.fix-on.eml" "$GOLDEN/$kind-1601.fix-on.eml" || fail "$kind-1601.fix-on.eml differs from golden"
    checks+=("$work/out/$kind-realtime.fix-off.eml" $method adam@fabrikam.example 20070801T101500Z)
    checks+=("$work/out/$kind-1601.fix-on.eml" $method adam@fabrikam.example 18991230T000000Z)
done
run /usr/bin/python3 "$TOP/tests/icalcheck.py" "${checks[@]}"
expect_rc 0

# Fix off, 1601: E_FAIL naming message, recipient and raw FILETIME; no file.
run "$TRACKFIX" convert --fix=off --now=$NOW -o "$work/out" "$work"/{request,update,cancel}-1601.msg
expect_rc 3
for kind in request update cancel; do
    expect_out "failed $work/$kind-1601.msg 0x80004005: '$work/$kind-1601.msg': recipient 2 'Adam Attendee' <adam@fabrikam.example>: PR_RECIPIENT_TRACKSTATUS_TIME 0x0000000000000000 (1601-01-01T00:00:00Z) cannot be converted"
    [ -e "$work/out/$kind-1601.eml" ] && fail "$kind-1601.eml left behind"
done
expect_out "0 converted, 3 failed, 0 unreadable"
ls "$work/out" | grep -q '\.tmp$' && fail "temp file left in the output folder"

# The gate decides with --fix=auto (the default), read from the real registry.
reset_registry
run "$TRACKFIX" server init
run "$TRACKFIX" hotfix install
reg add "$KEY_PARAMS" /v FixRecipientTrackStatusTime /t REG_DWORD /d 0 /f
run "$TRACKFIX" convert --now=$NOW -o "$work/auto" "$work/update-1601.msg"
expect_rc 3
expect_out "0x80004005"
[ -e "$work/auto/update-1601.eml" ] && fail "update-1601.eml written with the fix off"
reg add "$KEY_PARAMS" /v FixRecipientTrackStatusTime /t REG_DWORD /d 1 /f
run "$TRACKFIX" convert --now=$NOW -o "$work/auto" "$work/update-1601.msg"
expect_rc 0
expect_out "(REQUEST, 1 attendee, clamped track time)"
unfolded "$work/auto/update-1601.eml" | grep -q 'X-REPLYTIME=18991230T000000Z' || fail "no clamped REPLYTIME"
# A later failure removes the earlier output: the folder tells this run.
reg add "$KEY_PARAMS" /v FixRecipientTrackStatusTime /t REG_SZ /d 1 /f
run "$TRACKFIX" convert --now=$NOW -o "$work/auto" "$work/update-1601.msg"
expect_rc 3
expect_err "expected a REG_DWORD, found REG_SZ \"1\""
[ -e "$work/auto/update-1601.eml" ] && fail "stale update-1601.eml kept after a failure"

# A meeting dated 1850 fails with the fix on too: only the track time is clamped.
run "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/out" "$work/update-1850.msg"
expect_rc 3
expect_out "PidLidAppointmentStartWhole 0x0117D70360223000 (1850-08-10T14:00:00Z) cannot be converted: VariantTimeToSystemTime failed (legacy path, 0x80004005)"

# Many messages, one process, exit 3 when any failed; JSON lines.
run "$TRACKFIX" convert --fix=off --now=$NOW --format=json -o "$work/json" "$work/request-realtime.msg" "$work/update-1601.msg"
expect_rc 3
expect_out "{\"file\":\"$work/request-realtime.msg\",\"converted\":true,\"output\":\"$work/json/request-realtime.eml\",\"method\":\"REQUEST\",\"attendees\":1,\"path\":\"legacy\",\"uid_generated\":false}"
expect_out "{\"file\":\"$work/update-1601.msg\",\"converted\":false,\"hresult\":\"0x80004005\",\"reason\":"
expect_out '{"summary":{"converted":1,"failed":1,"unreadable":0,"seconds":'

# A folder stands for its *.msg files, in name order, in the same one process.
mkdir -p "$work/folder"
cp "$work/update-realtime.msg" "$work/folder/b.msg"
cp "$work/update-1601.msg" "$work/folder/a.msg"
cp "$TOP/tests/data/update-1601.txt" "$work/folder/not-a-message.txt"
run "$TRACKFIX" convert --fix=off --now=$NOW -o "$work/folder-out" "$work/folder"
expect_rc 3
[ "$(grep -c '^converted \|^failed ' <<<"$out")" = 2 ] || fail "folder: expected 2 messages"
[[ "$out" == "failed $work/folder/a.msg"*"converted $work/folder/b.msg"* ]] || fail "folder: not in name order"

# A progress line on stderr only when stderr is a terminal (script(1)
# gives it one).
mkdir -p "$work/many"
for i in 1 2 3; do ln "$work/update-1601.msg" "$work/many/m$i.msg"; done
run "$TRACKFIX" convert --fix=off --now=$NOW -o "$work/many-out" "$work/many"
expect_rc 3
[ -z "$err" ] || fail "progress written to a stderr that is not a terminal"
expect_out "0 converted, 3 failed"
progress=$(script -qec "'$TRACKFIX' convert --fix=off --now=$NOW -o '$work/many-out' '$work/many' >/dev/null" /dev/null | tr '\r' '\n')
[[ "$progress" == *"trackfix: 3 of 3 messages, "*", done in "* ]] || fail "no progress on a terminal: $progress"

# An appointment converts as the update it sends, or with --cancel as its cancellation.
sed -e 's/IPM.Schedule.Meeting.Request/IPM.Appointment/' -e 's/Updated: //' "$TOP/tests/data/update-realtime.txt" > "$work/appointment.txt"
trackfix msg new "$work/appointment.txt" -o "$work/appointment.msg"
run "$TRACKFIX" convert --now=$NOW --fix=off -o "$work/appt" "$work/appointment.msg"
expect_rc 0
expect_out "(REQUEST, 1 attendee"
run "$TRACKFIX" convert --now=$NOW --fix=off --cancel -o "$work/appt" "$work/appointment.msg"
expect_rc 0
expect_out "(CANCEL, 1 attendee"
grep -q '^Subject: Canceled: Project review' "$work/appt/appointment.eml" || fail "cancellation subject"
run /usr/bin/python3 "$TOP/tests/icalcheck.py" "$work/appt/appointment.eml" CANCEL adam@fabrikam.example 20070801T101500Z
expect_rc 0

# No PidLidGlobalObjectId: a UID generated as Outlook forms one, said so,
# the same on every conversion of the file.
sed '/GlobalObjectId/d' "$work/appointment.txt" > "$work/no-id.txt"
trackfix msg new "$work/no-id.txt" -o "$work/no-id.msg" > /dev/null || fail "msg new no-id"
run "$TRACKFIX" convert --now=$NOW --fix=off -o "$work/no-id-1" "$work/no-id.msg"
expect_rc 0
expect_out "UID generated: the meeting has no PidLidGlobalObjectId"
run "$TRACKFIX" convert --now=$NOW --fix=off -o "$work/no-id-2" "$work/no-id.msg"
cmp -s "$work/no-id-1/no-id.eml" "$work/no-id-2/no-id.eml" || fail "the generated UID differs between two conversions"
grep -q '^UID:' "$work/no-id-1/no-id.eml" || fail "no UID line"

# Every meeting of the corpus: converted, or a reason that names what is missing.
mapfile -t meetings < <(trackfix msg dump "$CORPUS"/*.msg | awk '
    /^# file: / { file = substr($0, 9); first = 1 }
    /^PR_MESSAGE_CLASS = / && first { first = 0; if ($0 ~ /"IPM\.(Appointment|Schedule\.Meeting)/) print file }')
[ "${#meetings[@]}" -ge 10 ] || fail "only ${#meetings[@]} meetings found in the corpus"
run "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/corpus" "${meetings[@]}"
[ "$rc" = 0 ] || [ "$rc" = 3 ] || fail "corpus conversion exit $rc"
n=$(grep -c '^converted \|^failed ' <<<"$out")
[ "$n" = "${#meetings[@]}" ] || fail "$n result lines for ${#meetings[@]} meetings"
while IFS= read -r line; do
    case "$line" in
    "converted "*) ;;
    "failed "*"no attendees: the only recipient row is the organizer's"*) ;;
    "failed "*"no attendees: the recipient table is empty"*) ;;
    "failed "*"has no SMTP address"*) ;;
    "failed "*"missing"*) ;;
    "failed "*) fail "corpus failure without a named cause: $line" ;;
    esac
done <<<"$out"
expect_out "A schedule.msg 0x80070057: '$CORPUS/A schedule.msg': no attendees: the only recipient row is the organizer's"

# Output folders in Windows' terms: a drive path, and an existing folder
# named in another case, both end where Wine puts them (the file names
# themselves are written through the host, see hotfix/hostfs.h).
run "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/unix" "$work/update-1601.msg"
expect_rc 0
run "$TRACKFIX" convert --fix=on --now=$NOW -o "Z:${work//\//\\}\\drive" "$work/update-1601.msg"
expect_rc 0
cmp -s "$work/unix/update-1601.eml" "$work/drive/update-1601.eml" || fail "drive path: output differs or is missing"
mkdir "$work/Mixed"
run "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/MIXED" "$work/update-1601.msg"
expect_rc 0
cmp -s "$work/unix/update-1601.eml" "$work/Mixed/update-1601.eml" || fail "folder named in another case: output missing"
[ ! -e "$work/MIXED" ] || fail "folder named in another case: a second folder was made"

# An output name taken by a folder: refused with the name, nothing left.
mkdir -p "$work/taken/update-1601.eml"
run "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/taken" "$work/update-1601.msg"
expect_rc 3
expect_out "cannot write '$work/taken/update-1601.eml': Access denied (0x80070005)"
[ -z "$(find "$work/taken" -name '*.tmp')" ] || fail "temp file left after a failed write"

# Usage and unreadable input.
run "$TRACKFIX" convert --fix=off "$TOP/tests/data/update-1601.txt"
expect_rc 2
expect_err "not a compound file"
run "$TRACKFIX" convert --bogus x.msg
expect_rc 2
run "$TRACKFIX" convert
expect_rc 2
run "$TRACKFIX" convert --now=yesterday "$work/update-1601.msg"
expect_rc 2
run "$TRACKFIX" convert --help
expect_rc 0

reset_registry
finish
