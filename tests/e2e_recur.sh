# End to end: recurring meetings, from the third-party corpus (Outlook's
# own "A daily 1" .. "A yearly 1", "Friday Lunch", "Lanch time every
# friday" with its changed instances) and from files written for each
# pattern kind (tests/recurblob.py), converted as EcGetMime writes a series:
# VTIMEZONE, RRULE, EXDATE and one VEVENT per exception.  The instances
# that libical and python-dateutil expand from the output must equal those
# `trackfix msg series` computes from PidLidAppointmentRecur, and those
# worked out by hand (tests/expand.py); the outputs pass tests/conform.py.
# Also: EX addresses through the server's directory, damaged patterns
# refused with the field and its offset, the gate on the series' track times.
source "$(dirname "$0")/lib.sh"

NOW=2024-01-01T00:00:00Z
CORPUS="$TOP/tests/corpus/msg"
work=$(mktemp -d "$BUILD/e2e_recur.XXXXXX")
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/text" "$work/msg" "$work/out" "$work/bad"

# The generated series: one per pattern kind, with their hand-made lists.
run /usr/bin/python3 "$TOP/tests/recurblob.py" "$work/text"
[ "$rc" = 0 ] || fail "recurblob.py: $err"

# The corpus's recurring appointments, as saved from Outlook, made
# meetings: a sender address, and attendee rows where they have none.  Adam
# is an Exchange (EX) recipient with no SMTP address in the file: the
# server's directory resolves him.  His DN is this run's own, so no earlier
# entry can resolve him before the test adds one.
ADAM_DN="/o=Fabrikam/ou=First Administrative Group/cn=Recipients/cn=adam-${work##*.}"
attendee_row="
[recipient]
PR_DISPLAY_NAME = \"Adam Attendee\"
PR_ADDRTYPE = \"EX\"
PR_EMAIL_ADDRESS = \"$ADAM_DN\"
PR_RECIPIENT_TYPE = 1
PR_RECIPIENT_FLAGS = 1
PR_RECIPIENT_TRACKSTATUS = 3
PR_RECIPIENT_TRACKSTATUS_TIME = 1601-01-01T00:00:00Z"
corpus=("A daily 1" "A weekly 1" "A monthly 1" "A yearly 1" "Friday Lunch" "Lanch time  every friday  in 2023 org"
        "Lanch time  every friday  in 2023 chgs1" "Lanch time  every friday  in 2023 chgs2")
files=()
for name in "${corpus[@]}"; do files+=("$CORPUS/$name.msg"); done
run "$TRACKFIX" msg dump "${files[@]}"
[ "$rc" = 0 ] || fail "msg dump: $err"
# one text per "# file: PATH" block, named corpus-NAME (spaces as '-')
printf '%s\n' "$out" | awk -v dir="$work/text" -v row="$attendee_row" '
    /^# file: / { if (file) { print row > file; close(file) }
                  name = $0; sub(/^# file: .*\//, "", name); sub(/\.msg$/, "", name); gsub(/ /, "-", name)
                  file = dir "/corpus-" name ".txt"; next }
    { print > file }
    /^\[message\]$/ { print "PR_SENDER_SMTP_ADDRESS = \"ku@digitaldolphins.example\"" > file }
    END { print row > file }'
[ "$(ls "$work"/text/corpus-*.txt | wc -l)" = 8 ] || fail "msg dump: not 8 texts"
run "$TRACKFIX" msg new "$work/text" -o "$work/msg"
expect_rc 0

# The hand-made lists of the corpus series: every Friday of 2023 from 6
# January, by date(1); "Friday Lunch" deleted the 6th and moved the 13th to
# Monday the 9th, changed the 20th in place; "Lanch time" chgs1 and chgs2
# deleted the 6th and moved the 13th to Thursday the 12th.
fridays=$work/fridays
for i in $(seq 0 51); do echo "2023-01-06 +$((7 * i)) days"; done | date -u -f - +%Y-%m-%dT12:00 > "$fridays"
cp "$fridays" "$work/text/corpus-Lanch-time--every-friday--in-2023-org.expected"
{ echo "2023-01-09T12:00 replaces 2023-01-13T12:00"; echo "2023-01-20T12:00 replaces 2023-01-20T12:00"
  grep -v -e 2023-01-06 -e 2023-01-13 -e 2023-01-20 "$fridays"; } > "$work/text/corpus-Friday-Lunch.expected"
for n in 1 2; do
    { echo "2023-01-12T12:00 replaces 2023-01-13T12:00"; grep -v -e 2023-01-06 -e 2023-01-13 "$fridays"; } \
        > "$work/text/corpus-Lanch-time--every-friday--in-2023-chgs$n.expected"
done
echo "2022-12-12T16:00" > "$work/text/corpus-A-weekly-1.expected"
for kind in daily monthly yearly; do echo "2022-12-12T00:00" > "$work/text/corpus-A-$kind-1.expected"; done

# Without the directory entry, Adam's row names the DN and the way to add it.
run "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/out" "$work/msg/corpus-Friday-Lunch.msg"
expect_rc 3
expect_out "recipient 2 'Adam Attendee' has no SMTP address: its EX address '$ADAM_DN'"
expect_out "trackfix server directory add"
run "$TRACKFIX" server directory add "$ADAM_DN" adam@fabrikam.example
expect_rc 0
run "$TRACKFIX" server directory list
expect_out "$ADAM_DN -> adam@fabrikam.example"

# Every series converts, in one process.
run "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/out" "$work/msg"
expect_rc 0
expect_out "20 converted, 0 failed"
unfolded "$work/out/corpus-Friday-Lunch.eml" |
    grep -q '^ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;X-REPLYTIME=18991230T000000Z;RSVP=TRUE;CN="Adam Attendee":MAILTO:adam@fabrikam.example' ||
    fail "Adam is no attendee"
grep -q "adam@fabrikam.example" "$work/out/corpus-Friday-Lunch.eml" || fail "Adam's address is not the directory's"

# The series as the independent expanders see it, and the conformance
# checkers; one more meeting, its INTERVAL changed by hand, shows that the
# comparison fails when the series is wrong.
run "$TRACKFIX" msg series "$work"/msg/*.msg
expect_rc 0
printf '%s\n' "$out" > "$work/series.txt"
sed 's/;INTERVAL=2;/;INTERVAL=3;/' "$work/out/weekly-mo-we-fr-every-2-until.eml" > "$work/bad/interval.eml"
awk '/^# file: .*weekly-mo-we-fr-every-2-until.msg$/ { on = 1; print "# file: interval"; next }
     /^$|^# file: / { on = 0 } on' "$work/series.txt" >> "$work/series.txt"
pairs=()
for msg in "$work"/msg/*.msg; do
    slug=$(basename "$msg" .msg)
    pairs+=("$work/out/$slug.eml")
    [ -f "$work/text/$slug.expected" ] && pairs+=("$work/text/$slug.expected")
done
run /usr/bin/python3 "$TOP/tests/expand.py" --conform "$work/series.txt" "${pairs[@]}" "$work/bad/interval.eml"
expect_rc 1
[ "$(grep -c '^ok ' <<< "$out")" = 20 ] || fail "expand.py did not agree on all 20 series: $out"
[ "$(grep '^FAIL' <<< "$out" | cut -d: -f1 | sort | uniq -c | tr -s ' ')" = " 2 FAIL $work/bad/interval.eml" ] ||
    fail "expand.py did not fail on the changed INTERVAL alone: $(grep -A1 '^FAIL' <<< "$out")"
expect_out "FAIL $work/bad/interval.eml: libical expands 6 instances, trackfix listed 8"
expect_out "FAIL $work/bad/interval.eml: dateutil expands 6 instances, trackfix listed 8"
expect_out "21 files conform"
[ "$(ls "$work"/text/*.expected | wc -l)" = 19 ] || fail "a hand-made list is missing"

# What the series look like: the zone, local times, the exceptions.
ics=$(tr -d '\r' < "$work/out/corpus-Friday-Lunch.eml")
# Tokyo as CDO names it (CdoTimeZoneId 20), no daylight time: STANDARD
# and DAYLIGHT both, the same offset
tokyo='(GMT+09.00) Tokyo/Osaka/Sapporo'
[[ "$ics" == *$'BEGIN:VTIMEZONE\nTZID:'"$tokyo"$'\nX-MICROSOFT-CDO-TZID:20\nBEGIN:STANDARD\nDTSTART:16010101T000000\nTZOFFSETFROM:+0900\nTZOFFSETTO:+0900\nEND:STANDARD\nBEGIN:DAYLIGHT\nDTSTART:16010101T000000\nTZOFFSETFROM:+0900\nTZOFFSETTO:+0900\nEND:DAYLIGHT\nEND:VTIMEZONE'* ]] ||
    fail "Friday Lunch: no Tokyo VTIMEZONE"
[[ "$ics" == *"DTSTART;TZID=\"$tokyo\":20230106T120000"* ]] || fail "Friday Lunch: DTSTART not local"
# after DTEND, as CDO's store export has them
[[ "$ics" == *$'DTEND;TZID="'"$tokyo"$'":20230106T130000\nRRULE:FREQ=WEEKLY;UNTIL=20231231T030000Z;INTERVAL=1;BYDAY=FR;WKST=SU\nEXDATE;TZID="'"$tokyo"$'":20230106T120000\nDESCRIPTION:'* ]] ||
    fail "Friday Lunch: RRULE and EXDATE"
[[ "$ics" == *$'SUMMARY:Monday Lunch\n'*$'DTEND;TZID="'"$tokyo"$'":20230109T130000\nRECURRENCE-ID;TZID="'"$tokyo"$'":20230113T120000\n'* ]] ||
    fail "Friday Lunch: the moved instance"
[ "$(grep -c '^X-MICROSOFT-CDO-INSTTYPE:1$' <<< "$ics")" = 1 ] || fail "Friday Lunch: not one master (INSTTYPE 1)"
[ "$(grep -c '^X-MICROSOFT-CDO-INSTTYPE:3$' <<< "$ics")" = 2 ] || fail "Friday Lunch: not two exceptions (INSTTYPE 3)"
[ "$(grep -c '^BEGIN:VEVENT' <<< "$ics")" = 3 ] || fail "Friday Lunch: not 3 VEVENTs"
# the gate: the clamped track time in the series and in each exception
[ "$(tr -d '\n ' <<< "$ics" | grep -o 'X-REPLYTIME=18991230T000000Z' | wc -l)" = 3 ] ||
    fail "Friday Lunch: the clamped track time is not in all 3 VEVENTs"
grep -q "LOCATION:Awesome coffee shop" "$work/out/corpus-Lanch-time--every-friday--in-2023-chgs2.eml" ||
    fail "chgs2: the exception's location"
pacific=$(tr -d '\r' < "$work/out/weekly-mo-we-fr-every-2-until.eml")
[[ "$pacific" == *$'BEGIN:DAYLIGHT\nDTSTART:16010101T020000\nTZOFFSETFROM:-0800\nTZOFFSETTO:-0700\nRRULE:FREQ=YEARLY;WKST=MO;INTERVAL=1;BYMONTH=3;BYDAY=2SU'* ]] ||
    fail "Pacific: DAYLIGHT"
[[ "$pacific" == *"UNTIL=20240405T160000Z"* ]] || fail "Pacific: UNTIL is not the last start in UTC (daylight time)"
[[ "$pacific" == *"LOCATION:Room 2"* ]] || fail "Pacific: the exception's location"
# a TZSTRUCT's description is a display name, often translated: the
# offsets pick CDO's zone
grep -q $'^TZID:(GMT-05.00) Eastern Time (US & Canada)\r$' "$work/out/eastern-tzstruct-only.eml" &&
    grep -q $'^X-MICROSOFT-CDO-TZID:10\r$' "$work/out/eastern-tzstruct-only.eml" ||
    fail "TZSTRUCT: the zone is not CDO's Eastern (10)"

# The legacy path refuses the series (Adam's 1601 track time), as it does
# a single meeting; a cancellation of the series is the series, cancelled.
run "$TRACKFIX" convert --fix=off --now=$NOW -o "$work/bad" "$work/msg/corpus-Friday-Lunch.msg"
expect_rc 3
expect_out "PR_RECIPIENT_TRACKSTATUS_TIME 0x0000000000000000"
run "$TRACKFIX" convert --fix=on --cancel --now=$NOW -o "$work/bad" "$work/msg/corpus-Friday-Lunch.msg"
expect_rc 0
[ "$(tr -d '\r' < "$work/bad/corpus-Friday-Lunch.eml" | grep -c '^STATUS:CANCELLED')" = 3 ] ||
    fail "the cancelled series: not 3 cancelled VEVENTs"

# Damaged patterns: refused with the field and its byte offset, no output.
blob=$(sed -n 's/^PidLidAppointmentRecur = //p' "$work/text/daily-2-days-count.txt")
damage() { sed "s/^PidLidAppointmentRecur = .*/PidLidAppointmentRecur = $2/" "$work/text/daily-2-days-count.txt" > "$work/bad/$1.txt"; }
damage truncated "${blob:0:60}"
damage end-type "${blob:0:44}34120000${blob:52}"
damage hijri "${blob:0:12}0a00${blob:16}"
damage period "${blob:0:28}01000000${blob:36}"
run "$TRACKFIX" msg new "$work/bad" -o "$work/bad"
expect_rc 0
run "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/bad/out" "$work"/bad/{truncated,end-type,hijri,period}.msg
expect_rc 3
expect_out "0 converted, 4 failed"
expect_out "truncated.msg': PidLidAppointmentRecur: byte 30: FirstDOW needs 4 bytes, the value ends after 0"
expect_out "end-type.msg': PidLidAppointmentRecur: byte 22: EndType 0x00001234 is not 0x00002021"
expect_out "hijri.msg': PidLidAppointmentRecur: byte 6: PatternType 0x0000000A is a Hijri calendar pattern"
expect_out "period.msg': PidLidAppointmentRecur: byte 14: Period 0x00000001 is not a whole number of days"
[ -z "$(ls "$work/bad/out" 2> /dev/null)" ] || fail "a damaged series left an output"
run "$TRACKFIX" msg series "$work/bad/end-type.msg"
expect_rc 2
expect_err "PidLidAppointmentRecur: byte 22: EndType"

reg delete "$KEY_DIRECTORY" /v "$ADAM_DN" /f
finish
