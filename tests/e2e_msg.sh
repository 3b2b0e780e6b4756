# End to end: .msg files in and out with the real binary, checked against
# independent readers (python3-olefile, msgconvert).
source "$(dirname "$0")/lib.sh"

CORPUS="$TOP/tests/corpus/msg"
work=$(mktemp -d "$BUILD/e2e_msg.XXXXXX")
trap 'rm -rf "$work"' EXIT

# The whole corpus in one Wine process; olefile must agree on each file.
run "$TRACKFIX" msg dump "$CORPUS"/*.msg
expect_rc 0
expect_no_err
printf '%s\n' "$out" > "$work/corpus.txt"
[ "$(grep -c '^# file: ' "$work/corpus.txt")" = "$(ls "$CORPUS"/*.msg | wc -l)" ] || fail "not every corpus file dumped"
run /usr/bin/python3 "$TOP/tests/msgcheck.py" corpus "$work/corpus.txt" "$CORPUS"
expect_rc 0
# Every name from MS-OXPROPS's table (hotfix/mapinames.txt) stands for a
# property olefile finds in the file, and nothing the table names is left
# in hex; names checked by hand against Microsoft's reference pages.
run /usr/bin/python3 "$TOP/tests/msgcheck.py" names "$work/corpus.txt" "$CORPUS" "$TOP/hotfix/mapinames.txt"
expect_rc 0
expect_out " left in hex (none the table names)"
for line in '^PidTagOriginalMessageId = "' '^PidLidAutoProcessState = ' '^PidNameContentType = "' \
    '^PidLidFileUnder:PT_STRING8 = "' '^PidTagProcessed = true$' '^PidLidVerbStream = '; do
    grep -q "$line" "$work/corpus.txt" || fail "no line /$line/ in the corpus dump"
done
grep -q '^named:{00062002-0000-0000-C000-000000000046}:0x8245:PT_LONG = ' "$work/corpus.txt" ||
    fail "{00062002}:0x8245, which MS-OXPROPS does not name, is not left in hex"
# A contact stored in 8-bit text (NAME:TYPE) and a message with string-named
# headers (PidName...): dump(new(dump)) is the same.
for name in contactAnsi unicode1; do
    grep -A2000 "^# file: .*/$name.msg" "$work/corpus.txt" | sed '1d;/^# file: /,$d' > "$work/$name.txt"
    run "$TRACKFIX" msg new "$work/$name.txt" -o "$work/$name.msg"
    expect_rc 0
    trackfix msg dump "$work/$name.msg" | cmp -s - <(sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$work/$name.txt") ||
        fail "dump(new(dump)) of '$name.msg' differs"
done

# Named properties of a real organizer's meeting resolve to their names.
grep -A400 '^# file: .*/A schedule.msg' "$work/corpus.txt" > "$work/schedule.txt"
grep -q '^PidLidLocation = "A place"$' "$work/schedule.txt" || fail "PidLidLocation of 'A schedule.msg'"
grep -q '^PidLidAppointmentStartWhole = 2021-10-13T09:30:00Z$' "$work/schedule.txt" || fail "start of 'A schedule.msg'"
grep -q '^PidLidGlobalObjectId = 040000008200e00074c5b7101a82e008' "$work/schedule.txt" || fail "global object id"

# Each sample: dump(new(x)) is x, byte for byte; olefile and msgconvert
# read the written file.  All samples in one process per tool.
run "$TRACKFIX" msg new "$TOP/tests/data" -o "$work/samples"
expect_rc 0
ls "$work/samples" | grep -q '\.tmp$' && fail "temporary files left behind: $(ls "$work/samples")"
pairs=()
for text in "$TOP"/tests/data/*.txt; do
    name=$(basename "$text" .txt)
    [ -s "$work/samples/$name.msg" ] || fail "msg new wrote no $name.msg"
    pairs+=("$work/samples/$name.msg" "$text")
done
run "$TRACKFIX" msg dump "$work/samples"/*.msg
expect_rc 0
printf '%s\n' "$out" > "$work/samples.txt"
for text in "$TOP"/tests/data/*.txt; do
    name=$(basename "$text" .txt)
    # the file's lines, without the blank line that separates it from the next
    awk -v want="# file: $work/samples/$name.msg" '
        /^# file: / { on = ($0 == want); blanks = 0; next }
        on && $0 == "" { blanks++; next }
        on { while (blanks) { print ""; blanks-- } print }' "$work/samples.txt" |
        cmp -s - "$text" || fail "dump(new($name.txt)) differs from $name.txt"
done
run /usr/bin/python3 "$TOP/tests/msgcheck.py" written "${pairs[@]}"
expect_rc 0
run /usr/bin/python3 "$TOP/tests/msgcheck.py" buckets "$work/samples"/*.msg
expect_rc 0
mkdir "$work/eml"
run sh -c 'cd "$1" && shift && msgconvert "$@"' sh "$work/eml" "$work/samples"/*.msg
expect_rc 0
for text in "$TOP"/tests/data/*.txt; do
    name=$(basename "$text" .txt)
    subject=$(sed -n 's/^PR_SUBJECT = "\(.*\)"$/\1/p' "$text")
    grep -q "^Subject: $subject" "$work/eml/$name.eml" || fail "msgconvert: no 'Subject: $subject' in $name.eml"
    grep -q '^To: .*Adam Attendee <adam@fabrikam.example>' "$work/eml/$name.eml" ||
        fail "msgconvert: attendee missing from To in $name.eml"
done

# Real appointments name their named properties from the one table (the
# Common and Appointment sets), and dump(new(dump)) of them is the same.
grep -A400 '^# file: .*/A weekly 1.msg' "$work/corpus.txt" | sed '1d;/^# file: /,$d' > "$work/weekly.txt"
for name in PidLidAppointmentRecur PidLidRecurring PidLidTimeZoneStruct PidLidAppointmentTimeZoneDefinitionRecur \
    PidLidReminderSet PidLidCommonStart PidLidCurrentVersionName; do
    grep -q "^$name = " "$work/weekly.txt" || fail "'A weekly 1.msg': $name is not named"
done
run "$TRACKFIX" msg new "$work/weekly.txt" -o "$work/weekly.msg"
expect_rc 0
trackfix msg dump "$work/weekly.msg" | cmp -s - <(sed -e :a -e '/^\n*$/{$d;N;ba' -e '}' "$work/weekly.txt") ||
    fail "dump(new(dump)) of 'A weekly 1.msg' differs"

# Corpus messages with string-named properties, written back: every named
# property is in its hash bucket, string names hashed by CRC-32 as Outlook
# does (the checker's CRC matches Outlook's buckets in these very files).
named=("test.msg" "voteYes.msg" "sent2.msg")
mkdir -p "$work/named-text"
for f in "${named[@]}"; do
    grep -A100000 "^# file: $CORPUS/$f\$" "$work/corpus.txt" | sed '1d;/^# file: /,$d' > "$work/named-text/${f%.msg}.txt"
    grep -q -e '^named:{[0-9A-F-]*}:"' -e '^PidName' "$work/named-text/${f%.msg}.txt" ||
        fail "$f has no string-named property to test"
done
run "$TRACKFIX" msg new "$work/named-text" -o "$work/named"
expect_rc 0
[ "$(ls "$work/named" | wc -l)" = 3 ] || fail "msg new wrote $(ls "$work/named")"
run /usr/bin/python3 "$TOP/tests/msgcheck.py" buckets "${named[@]/#/$CORPUS/}" "$work/named"/*.msg
expect_rc 0

# Stdin as the text; an existing .msg is replaced whole.
run "$TRACKFIX" msg new - -o "$work/request-1601.msg" < "$TOP/tests/data/update-1601.txt"
expect_rc 0
run "$TRACKFIX" msg dump "$work/request-1601.msg"
expect_out 'PR_SUBJECT = "Updated: Project review"'

# Bad input: a clear error naming the file, exit 2, nothing written.
run "$TRACKFIX" msg dump "$TOP/tests/data/update-1601.txt"
expect_rc 2
expect_err "cannot read '$TOP/tests/data/update-1601.txt': not a compound file"
# Damaged files the fuzzer found: a tag twice in one property stream, two
# ids of the name map for one property (which value counts would be a guess).
run "$TRACKFIX" msg dump "$TOP/tests/data/fuzz/property-twice.msg"
expect_rc 2
expect_err "__properties_version1.0: property 0x0E1B000B appears twice"
run "$TRACKFIX" msg dump "$TOP/tests/data/fuzz/name-twice.msg"
expect_rc 2
expect_err "__nameid_version1.0: ids 0x8000 and 0x8001 name the same property"
# A time past 9999 (the largest is in 60056) is dumped and read back.
run "$TRACKFIX" msg dump "$TOP/tests/data/fuzz/time-past-9999.msg"
expect_rc 0
expect_out "= 31250-08-25T09:43:28.1545808Z"
printf '%s\n' "$out" | trackfix msg new - -o "$work/past-9999.msg" > /dev/null || fail "msg new of a time past 9999"
trackfix msg dump "$work/past-9999.msg" | grep -q '= 31250-08-25T09:43:28.1545808Z$' || fail "a time past 9999 not read back"
run "$TRACKFIX" msg dump "$work/nothing.msg" "$work/request-1601.msg"
expect_rc 2
expect_err "cannot read '$work/nothing.msg': no such file"
expect_out 'PR_SUBJECT = "Updated: Project review"'
# a pipe named as a message is refused at once, never waited on
mkfifo "$work/pipe.msg"
run timeout 30 "$TRACKFIX" msg dump "$work/pipe.msg"
expect_rc 2
expect_err "cannot read '$work/pipe.msg': larger than 268435456 bytes, or not a regular file"
printf '[message]\nPR_SUBJECT = "unterminated\n' > "$work/bad.txt"
run "$TRACKFIX" msg new "$work/bad.txt" -o "$work/bad.msg"
expect_rc 2
expect_err "$work/bad.txt:2: string without its closing quote"
[ -e "$work/bad.msg" ] && fail "bad.msg written from a bad text"
run "$TRACKFIX" msg new "$work/none.txt" -o "$work/none.msg"
expect_rc 2
expect_err "cannot read '$work/none.txt'"
run "$TRACKFIX" msg new "$TOP/tests/data/update-1601.txt" -o "$work/no-such-dir/x.msg"
expect_rc 1
expect_err "cannot write '$work/no-such-dir/x.msg'"
# A folder with no text forms: refused before -o becomes a folder.
mkdir -p "$work/empty"
run "$TRACKFIX" msg new "$work/empty" -o "$work/x.msg"
expect_rc 2
expect_err "the folders given hold no *.txt"
[ -e "$work/x.msg" ] && fail "msg new of an empty folder made $work/x.msg"
# One property twice in a section (a dump edited by adding a line): refused
# with both lines, since the file would hold sizes its own reader refuses;
# the same property in two sections is fine.
printf '[message]\nPR_SENDER_NAME = "Olivia"\nPR_SUBJECT = "x"\nPR_SENDER_NAME = "Again"\n[recipient]\nPR_DISPLAY_NAME = "A"\n[recipient]\nPR_DISPLAY_NAME = "B"\n' > "$work/twice.txt"
run "$TRACKFIX" msg new "$work/twice.txt" -o "$work/twice.msg"
expect_rc 2
expect_err "$work/twice.txt:4: PR_SENDER_NAME is given twice in this section, here and on line 2"
[ -e "$work/twice.msg" ] && fail "twice.msg written from a text with a repeated property"
sed -i '4d' "$work/twice.txt"
run "$TRACKFIX" msg new "$work/twice.txt" -o "$work/twice.msg"
expect_rc 0
run "$TRACKFIX" msg dump "$work/twice.msg"
expect_rc 0
expect_out 'PR_DISPLAY_NAME = "B"'
# Many at once, in one process: a folder of text forms (the bench corpus
# generator's output) and a list of files, each NAME.txt to DIR/NAME.msg.
"$TOP/scripts/bench-corpus.sh" 8 "$work/many-text"
run "$TRACKFIX" msg new "$work/many-text" -o "$work/many"
expect_rc 0
[ "$(ls "$work/many" | tr '\n' ' ')" = "000001.msg 000002.msg 000003.msg 000004.msg 000005.msg 000006.msg 000007.msg 000008.msg " ] ||
    fail "msg new of a folder wrote: $(ls "$work/many")"
run "$TRACKFIX" msg dump "$work/many/000006.msg"
expect_out 'PR_SUBJECT = "Updated: Project review #6"'
expect_out 'PR_INTERNET_MESSAGE_ID = "<update.realtime.938650.6@contoso.example>"'
expect_out "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e0080000000000a1c7a3f9d3c7010000000000000000100000009d1f7a5e3c2b4a1d8e6f0a1b00000006"
cp "$work/bad.txt" "$work/many-text/000009.txt"
run "$TRACKFIX" msg new "$work/many-text/000001.txt" "$work/many-text/000009.txt" "$work/many-text/000002.txt" -o "$work/list"
expect_rc 2
expect_err "000009.txt"
[ -s "$work/list/000001.msg" ] && [ -s "$work/list/000002.msg" ] && [ ! -e "$work/list/000009.msg" ] ||
    fail "one bad text form stopped the others or left a file: $(ls "$work/list")"

run "$TRACKFIX" msg --help
expect_rc 0
expect_out "usage: trackfix msg dump"

finish
