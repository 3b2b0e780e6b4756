#!/bin/bash
# usage: scripts/run-tests.sh TEST...
# make test's and make check's runner.  Each TEST is a cmocka program
# (build/test_*.exe, run from build/) or a script (tests/e2e_*.sh,
# scripts/memcheck.sh), run under a TEST_TIMEOUT-second guard so that a hang
# fails instead of stalling CI.
#
# TEST_JOBS lanes (default: the number of cores) run the tests in parallel,
# each lane with its own Wine prefix and its own persistent wineserver
# (scripts/wine-session.sh), because tests change the registry: lane 1 uses
# $WINEPREFIX, lane K a copy of it, $WINEPREFIX.laneK.  A lane takes the
# next test nobody has taken, in the order given (put the long ones first).
#
# Results go to $BUILD/test-results/: NAME.log (everything the test
# printed) and NAME.xml (JUnit: cmocka's own XML for a unit test, one test
# case for a script; tests/junit.py), then one summary line
# "N passed, N failed", and the five slowest tests.  Exit 0 only when every
# test passed.
# Wants WINEPREFIX, BUILD and the rest of make's test environment.
set -u
: "${BUILD:?run through make test}"
: "${WINEPREFIX:?run through make test}"
TOP=$(cd "$(dirname "$0")/.." && pwd)
results=$BUILD/test-results

# run_one TEST: runs TEST, writes its log and JUnit file, prints one line
run_one() {
    local t=$1 name status start ms seconds
    name=$(basename "$t")
    name=${name%.exe}
    name=${name%.sh}
    start=$(date +%s%N)
    case "$t" in
    *.exe)
        local attempt
        : > "$results/$name.log"
        # status 1 with nothing printed and no XML: Wine did not start the
        # program (it does so now and then under load; tests/lib.sh's run
        # knows it too), so it runs once more, and its log says so
        for attempt in 1 2; do
            rm -f "$results/$name.xml"
            (cd "$BUILD" && CMOCKA_MESSAGE_OUTPUT=xml CMOCKA_XML_FILE="$results/$name.xml" \
                timeout -k 10 "${TEST_TIMEOUT:-600}" "./$name.exe") >> "$results/$name.log" 2>&1
            status=$?
            [ "$status" = 1 ] && [ ! -s "$results/$name.log" ] && [ ! -e "$results/$name.xml" ] && [ "$attempt" = 1 ] || break
            echo "note: $name.exe exited 1 with no output, as Wine does when it fails to start a program; running it again" \
                > "$results/$name.log"
            sleep 0.2
        done
        ;;
    *.sh)
        timeout -k 10 "${TEST_TIMEOUT:-600}" bash "$t" > "$results/$name.log" 2>&1
        status=$?
        ;;
    *)
        echo "$0: do not know how to run $t" > "$results/$name.log"
        status=2
        ;;
    esac
    ms=$((($(date +%s%N) - start) / 1000000))
    seconds=$((ms / 1000)).$(printf %03d $((ms % 1000)))
    # short lines: lanes append to the files at once without mixing; the
    # JUnit files are written at the end, by one Python for all the tests
    printf '%s %s %s %s\n' "$([ "${t##*.}" = exe ] && echo unit || echo script)" "$name" "$status" "$seconds" \
        >> "$results/.outcomes"
    printf '%s %s\n' "$seconds" "$name" >> "$results/.times"
    if [ "$status" = 0 ]; then
        printf 'PASS  %-18s %6.1f s  (lane %s)\n' "$name" "$seconds" "$lane"
    else
        printf 'FAIL  %-18s %6.1f s  (lane %s, exit %s; %s)\n' "$name" "$seconds" "$lane" "$status" "$results/$name.log"
        grep -E '^FAIL|\[  FAILED  \]|<failure' "$results/$name.log" | head -20 | sed 's/^/      /'
        tail -n 5 "$results/$name.log" | sed 's/^/    | /'
    fi
}

# lane: takes tests until none is left
if [ "${1:-}" = --lane ]; then
    lane=$2
    shift 2
    i=0
    for t in "$@"; do
        i=$((i + 1))
        mkdir "$results/.taken/$i" 2> /dev/null && run_one "$t"
    done
    exit 0
fi

[ $# -gt 0 ] || { echo "usage: $0 TEST..." >&2; exit 2; }
jobs=${TEST_JOBS:-$(nproc)}
[ "$jobs" -ge 1 ] 2> /dev/null || { echo "$0: TEST_JOBS must be a whole number from 1" >&2; exit 2; }
[ "$jobs" -le $# ] || jobs=$#
rm -rf "$results"
mkdir -p "$results/.taken"
start=$(date +%s)
echo "running $# tests in $jobs lanes; results in $results"
pids=()
for lane in $(seq 1 "$jobs"); do
    prefix=$WINEPREFIX
    if [ "$lane" -gt 1 ]; then
        prefix=$WINEPREFIX.lane$lane
        # a fresh copy of the base prefix, so that every lane starts alike:
        # its 700 MB of drive_c as hard links (only read), its registry
        # files (*.reg, which the wineserver rewrites in place) as copies
        rm -rf "$prefix"
        cp -al "$WINEPREFIX" "$prefix"
        for reg in "$WINEPREFIX"/*.reg; do cp --remove-destination "$reg" "$prefix/"; done
    fi
    WINEPREFIX=$prefix TRACKFIX_WINE_SESSION= "$TOP/scripts/wine-session.sh" "$0" --lane "$lane" "$@" &
    pids+=($!)
done
for pid in "${pids[@]}"; do wait "$pid"; done
rm -rf "$results/.taken"
/usr/bin/python3 "$TOP/tests/junit.py" summary "$results" "$results/.outcomes"
status=$?
rm -f "$results/.outcomes"
# where the time went: the five slowest tests
echo "slowest: $(sort -rn "$results/.times" | head -n 5 | awk '{ printf "%s%s %.1f s", (NR > 1 ? ", " : ""), $2, $1 }')"
rm -f "$results/.times"
echo "($(($(date +%s) - start)) s; JUnit XML and logs in $results)"
exit $status
