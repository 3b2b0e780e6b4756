#!/bin/bash
# make memcheck: trackfix's programs under valgrind's memcheck, through
# Wine, with zero errors and zero definite leaks allowed in trackfix's own
# code (tests/vgcheck.py decides what is whose).  Runs:
#   - every cmocka unit test (build/test_*.exe)
#   - the whole story in one process: trackfix scenario --fix=toggle
#   - convert (fix on and off), reply (.ics, base64 and quoted-printable
#     .eml), msg dump of the third-party corpus, queue submit/run/list/open
#   - the fuzz regression files and 300 fresh fuzz inputs
# and first a canary (build/vgcanary.exe, one bad write and one leak on
# purpose) that the checker must catch, so that a silent checker fails.
# Not part of the per-process e2e suite: a few hundred processes under
# valgrind would take too long; these cover the same code in fewer runs.
set -euo pipefail
: "${BUILD:?run through make memcheck}"
TOP=$(cd "$(dirname "$0")/.." && pwd)
out="$BUILD/memcheck"
NOW=2007-08-03T14:05:00Z
rm -rf "$out"
mkdir -p "$out/xml"

# vg NAME PROGRAM.exe.so ARGS...: one program under memcheck, each of its
# processes to its own XML file; exit status as the program's
vg() {
    local name=$1
    shift
    valgrind -q --trace-children=yes --leak-check=full --xml=yes --xml-file="$out/xml/$name-%p.xml" \
        /usr/lib/wine/wine64 "$@"
}

# The first program of a wineserver session starts wineboot, services.exe
# and the rest as its children; one plain run first keeps them out of
# valgrind.
"$BUILD/trackfix.exe" time --fix=on 0 > /dev/null

echo "memcheck: the canary"
(cd "$BUILD" && vg canary ./vgcanary.exe.so > /dev/null)
if /usr/bin/python3 "$TOP/tests/vgcheck.py" "$TOP" "$out"/xml/canary-*.xml > "$out/canary.txt"; then
    echo "memcheck: the checker missed the canary's bad write and leak" >&2
    exit 1
fi
grep -q "InvalidWrite" "$out/canary.txt" && grep -q "Leak_DefinitelyLost" "$out/canary.txt" ||
    { echo "memcheck: the checker did not name the canary's errors" >&2; cat "$out/canary.txt" >&2; exit 1; }
rm -f "$out"/xml/canary-*.xml

for t in "$BUILD"/test_*.exe.so; do
    name=$(basename "$t" .exe.so)
    echo "memcheck: $name"
    # the systime properties over 20,000 values instead of 10^6
    (cd "$BUILD" && TRACKFIX_PROPERTY_RUNS=20000 vg "$name" "./$name.exe.so" > "$out/$name.txt")
done

TF="$BUILD/trackfix.exe.so"
echo "memcheck: trackfix scenario --fix=toggle"
vg scenario "$TF" scenario --fix=toggle --dir="$out/server" > "$out/scenario.txt"
echo "memcheck: trackfix msg, convert, reply, queue"
vg msgnew "$TF" msg new "$TOP"/tests/data/*.txt -o "$out/msg" > /dev/null
# update-1850 fails with the fix on too (exit 3), by design
vg convert-on "$TF" convert --fix=on --now=$NOW -o "$out/eml" "$out/msg" > /dev/null || [ $? = 3 ]
vg convert-off "$TF" convert --fix=off --now=$NOW -o "$out/eml-off" "$out/msg" > /dev/null || true
cp "$out/msg/request-1601.msg" "$out/meeting.msg"
vg reply "$TF" reply "$out/meeting.msg" "$TOP"/tests/data/reply-*.ics "$TOP"/tests/data/reply-*.eml > /dev/null || true
vg dump "$TF" msg dump "$TOP"/tests/corpus/msg/*.msg > /dev/null || true
vg submit "$TF" queue --queue="$out/server2/queue" submit --now=2007-08-03T14:00:00Z "$out/msg" > /dev/null
vg run "$TF" queue --queue="$out/server2/queue" run --fix=off --now=2007-08-03T14:00:00Z --until=+1h > /dev/null
vg list "$TF" queue --queue="$out/server2/queue" list > /dev/null
vg open "$TF" queue --queue="$out/server2/queue" open 00000001 --fix=off > /dev/null || true
echo "memcheck: fuzz regression files and 300 fresh inputs"
vg fuzz-replay "$BUILD/fuzz.exe.so" replay "$out/msg/update-1601.msg" "$TOP/tests/data/fuzz" > /dev/null
# (libical says what it thinks of the damaged replies on stderr)
FUZZ_WORK=$out vg fuzz "$BUILD/fuzz.exe.so" run 300 1127 "$out/found" "$out/msg/update-1601.msg" "$out"/msg/*.msg \
    "$TOP"/tests/data/reply-* > /dev/null 2> "$out/fuzz.err"

/usr/bin/python3 "$TOP/tests/vgcheck.py" "$TOP" "$out"/xml/*.xml | tee "$out/report.txt" | grep -v '^vg\|^[a-z]' || true
if grep -q '^FAIL' "$out/report.txt"; then
    echo "memcheck: errors in trackfix's code; see $out/report.txt" >&2
    exit 1
fi
echo "memcheck: $(ls "$out"/xml/*.xml | wc -l) processes, no errors and no definite leaks in trackfix's code"
