#!/bin/bash
# make memcheck (and make check): trackfix's programs under valgrind's
# memcheck, through Wine, with zero errors and zero definite leaks allowed
# in trackfix's own code (tests/vgcheck.py decides what is whose).  Runs:
#   - every cmocka unit test: the small ones in one process
#     (build/unit_suite.exe), the two fault tests on their own
#   - the whole story in one process: trackfix scenario --fix=toggle
#   - convert (fix on and off), reply (.ics, base64 and quoted-printable
#     .eml), msg dump of the third-party corpus, a recurring meeting of each
#     pattern kind converted and listed (msg series), scan of the fixtures and
#     the corpus, queue submit/run/list/open
#   - the fuzz regression files and 300 fresh fuzz inputs
# and first a canary (build/vgcanary.exe: a bad write in its code, one by
# Wine into a block it allocated, and a leak, on purpose) that the checker
# must catch, each, so that a silent or short-sighted checker fails.
#
# A check that did not look fails: every run must end with the exit status
# stated for it (a kill, a crash or a timeout is named with its command
# line), and every report must be complete and carry the leak check's line
# (tests/vgcheck.py).  Why the programs run their own leak check, and
# valgrind runs with --leak-check=no: see hotfix/leakcheck.h.  Valgrind does
# not report uninitialised values (--undef-value-errors=no): it cannot
# follow definedness across Wine's Unix/PE switches, so every such report
# was Wine's, and tens of thousands of them made the exit too slow.
set -uo pipefail
: "${BUILD:?run through make memcheck}"
TOP=$(cd "$(dirname "$0")/.." && pwd)
out="$BUILD/memcheck"
NOW=2007-08-03T14:05:00Z
started=$(date +%s)
failures=0 killed=0
rm -rf "$out"
mkdir -p "$out/xml"

# Children that are not trackfix's run outside valgrind: the unit tests'
# cleanup through system() and the desktop process Wine starts for OLE.
# Wine's loader, finding no preloader beside it (Debian ships none), execs
# itself once more only to go on as WINELOADERNOEXEC=1 has it go on: under
# valgrind a second start of valgrind for every process (0.5 s of its 2).
# Set here, where there is no preloader for it to pass over.
[ -e /usr/lib/wine/wine64-preloader ] || export WINELOADERNOEXEC=1
VG_SKIP="--child-silent-after-fork=yes --trace-children-skip=/bin/sh,/usr/bin/sh,/bin/rm,/usr/bin/rm --trace-children-skip-by-arg=*explorer.exe*"

# vg NAME STATUS PROGRAM.exe.so ARGS...: one program under memcheck, each of
# its processes to its own XML file, its stdout to $out/NAME.out; fails
# unless it exits with STATUS.
vg() {
    local name=$1 want=$2 rc
    shift 2
    timeout -k 10 "${MEMCHECK_TIMEOUT:-900}" valgrind -q --trace-children=yes $VG_SKIP --undef-value-errors=no \
        --leak-check=no --show-leak-kinds=definite --errors-for-leak-kinds=definite \
        --xml=yes --xml-file="$out/xml/$name-%p.xml" /usr/lib/wine/wine64 "$@" > "$out/$name.out" 2> "$out/$name.err"
    rc=$?
    if [ "$rc" != "$want" ]; then
        case $rc in
        124) why="timed out after ${MEMCHECK_TIMEOUT:-900} s" ;;
        137) why="killed (SIGKILL)" killed=$((killed + 1)) ;;
        13[0-9] | 1[4-9][0-9]) why="ended by signal $((rc - 128))" killed=$((killed + 1)) ;;
        *) why="exit status $rc" ;;
        esac
        echo "FAIL memcheck: $name: $why, expected exit $want: valgrind $*" >&2
        tail -n 5 "$out/$name.err" | sed 's/^/  /' >&2
        failures=$((failures + 1))
    fi
    if ! compgen -G "$out/xml/$name-*.xml" > /dev/null; then
        echo "FAIL memcheck: $name: valgrind wrote no report: valgrind $*" >&2
        failures=$((failures + 1))
    fi
}

# The first program of a wineserver session starts wineboot, services.exe
# and the rest as its children; one plain run first keeps them out of
# valgrind.
"$BUILD/trackfix.exe" time --fix=on 0 > /dev/null

echo "memcheck: the canary"
(cd "$BUILD" && vg canary 0 ./vgcanary.exe.so)
if /usr/bin/python3 "$TOP/tests/vgcheck.py" "$TOP" "$out"/xml/canary-*.xml > "$out/canary.txt"; then
    echo "FAIL memcheck: the checker missed the canary's bad write and leak" >&2
    exit 1
fi
grep -q "InvalidWrite: .* at main (vgcanary.c" "$out/canary.txt" &&
    grep -q "InvalidWrite: .* in a block allocated at main (vgcanary.c" "$out/canary.txt" &&
    grep -q "Leak_DefinitelyLost" "$out/canary.txt" ||
    { echo "FAIL memcheck: the checker did not name the canary's errors" >&2; cat "$out/canary.txt" >&2; exit 1; }
rm -f "$out"/xml/canary-*.xml

# the small unit tests in one process (build/unit_suite.exe: valgrind's
# start is some 2 s a process), the systime properties over 20,000 values
# instead of 10^6
# They run in build/, as unit tests do; not in a subshell, which would keep
# vg's count of failures to itself (a unit test that failed under valgrind
# once passed the memory check so)
cd "$BUILD"
echo "memcheck: the small unit tests in one process (unit_suite)"
TRACKFIX_PROPERTY_RUNS=20000 vg unit_suite 0 ./unit_suite.exe.so
# the fault tests fail the first call of each call path, not every call
# (each handler of a failure checked for leaks where it is first reached),
# every call being make check's own run of them
unset TRACKFIX_FAULTS_ALL
for name in test_faults test_verbfaults; do
    echo "memcheck: $name"
    TRACKFIX_FAULTS_PATHS=1 vg "$name" 0 "./$name.exe.so"
done
cd - > /dev/null

TF="$BUILD/trackfix.exe.so"
echo "memcheck: trackfix scenario --fix=toggle"
vg scenario 0 "$TF" scenario --fix=toggle --dir="$out/server"
echo "memcheck: trackfix msg, convert, reply, scan, queue"
vg msgnew 0 "$TF" msg new "$TOP"/tests/data/*.txt -o "$out/msg"
# update-1850 fails on both paths (its start is dated 1850): exit 3
vg convert-on 3 "$TF" convert --fix=on --now=$NOW -o "$out/eml" "$out/msg"
# the 1601 samples fail too with the fix off: exit 3
vg convert-off 3 "$TF" convert --fix=off --now=$NOW -o "$out/eml-off" "$out/msg"
cp "$out/msg/request-1601.msg" "$out/meeting.msg"
# exit 4: the delegation among them is not applied (its delegate's answer is)
vg reply 4 "$TF" reply "$out/meeting.msg" "$TOP"/tests/data/reply-*.ics "$TOP"/tests/data/reply-*.eml
vg dump 0 "$TF" msg dump "$TOP"/tests/corpus/msg/*.msg
# recurring meetings of every pattern kind: the series, its time zone, its
# exceptions, and msg series
mkdir -p "$out/series-text"
/usr/bin/python3 "$TOP/tests/recurblob.py" "$out/series-text"
vg series-new 0 "$TF" msg new "$out/series-text" -o "$out/series"
vg series-convert 0 "$TF" convert --fix=on --now=$NOW -o "$out/series-eml" "$out/series"
vg series-list 0 "$TF" msg series "$out"/series/*.msg
# a reply to one instance of a real series: the exception made (pattern
# and attachment), then converted with its own rows
bash "$TOP/tests/cdoitems.sh" "$BUILD/trackfix.exe" "$out/cdo" > /dev/null
printf 'BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\nUID:%s\r\nRECURRENCE-ID;TZID=Asia/Tokyo:20230127T120000\r\nATTENDEE;PARTSTAT=DECLINED:mailto:adam@fabrikam.example\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n' \
    040000008200E00074C5B7101A82E00800000000404F1AC33622D901000000000000000010000000417B5EFFCF8AF14DB668B9BA15609337 \
    > "$out/instance.ics"
vg instance-reply 0 "$TF" reply "$out/cdo/cdo-series-exception.msg" "$out/instance.ics"
vg instance-convert 0 "$TF" convert --fix=on --now=$NOW -o "$out/instance-eml" "$out/cdo/cdo-series-exception.msg"
vg scan 4 "$TF" scan --fix=off --now=$NOW --format=csv "$out/msg" "$TOP/tests/corpus/msg"
vg submit 0 "$TF" queue --queue="$out/server2/queue" submit --now=2007-08-03T14:00:00Z "$out/msg"
vg run 0 "$TF" queue --queue="$out/server2/queue" run --fix=off --now=2007-08-03T14:00:00Z --until=+1h
vg list 0 "$TF" queue --queue="$out/server2/queue" list
# message 1 is the cancellation with the 1601 track time: with the fix off
# it cannot be opened, exit 3
vg open 3 "$TF" queue --queue="$out/server2/queue" open 00000001 --fix=off
echo "memcheck: fuzz regression files and 300 fresh inputs"
vg fuzz-replay 0 "$BUILD/fuzz.exe.so" replay "$out/msg/update-1601.msg" "$TOP/tests/data/fuzz"
# (libical says what it thinks of the damaged replies on stderr)
FUZZ_WORK=$out vg fuzz 0 "$BUILD/fuzz.exe.so" run 300 1127 "$out/found" "$out/msg/update-1601.msg" "$out"/msg/*.msg "$out"/series/*.msg \
    "$TOP"/tests/data/reply-*

/usr/bin/python3 "$TOP/tests/vgcheck.py" "$TOP" "$out"/xml/*.xml > "$out/report.txt"
checked=$?
grep '^FAIL\|^INCOMPLETE' "$out/report.txt" >&2
summary=$(sed -n 's/^summary: \([0-9]*\) processes checked, \([0-9]*\) incomplete, \(.*\)/\1 processes checked, '"$killed"' killed, \2 incomplete, \3/p' "$out/report.txt")
echo "memcheck: ${summary:-no summary from tests/vgcheck.py}; $(($(date +%s) - started)) s; reports in $out"
if [ "$checked" != 0 ] || [ "$failures" != 0 ] || [ -z "$summary" ]; then
    echo "memcheck: failed: $failures run(s) ended wrongly; see $out/report.txt" >&2
    exit 1
fi
