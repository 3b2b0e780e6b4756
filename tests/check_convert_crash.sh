# make check: `convert` killed with SIGKILL at random moments while it
# writes a batch (two threads, one flush per window of 256 messages).  Each
# output is then either whole, byte for byte what an uninterrupted run
# writes, or absent: never a part of one under its name.  Leftovers are
# only temporary files (NAME.tmp).  Rounds: CRASH_ROUNDS (default 12).
source "$(dirname "$0")/lib.sh"

NOW=2007-08-03T14:00:00Z
N=600
ROUNDS=${CRASH_ROUNDS:-12}
work=$(mktemp -d "$BUILD/check_convert_crash.XXXXXX")
trap 'rm -rf "$work"' EXIT

"$TOP/scripts/bench-corpus.sh" "$N" "$work/text"
run "$TRACKFIX" msg new "$work/text" -o "$work/corpus"
expect_rc 0
started=$(date +%s%N)
run "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/ref" "$work/corpus"
expect_rc 0
expect_out "$N converted, 0 failed"
# how long a whole run takes here, in ms: the kills are spread over it
whole_ms=$(( ($(date +%s%N) - started) / 1000000 ))

# The run killed after 25% to 100% of a whole run's time, each round into a
# folder of its own and then into one shared by every round (a later round
# overwriting what an earlier one left).  Rounds go on, up to three times
# ROUNDS, until one was killed in the middle of the batch.
partial=0
round=0
while [ "$round" -lt "$ROUNDS" ] || { [ "$partial" = 0 ] && [ "$round" -lt $((3 * ROUNDS)) ]; }; do
    round=$((round + 1))
    delay=$(awk -v r="$RANDOM" -v ms="$whole_ms" 'BEGIN { printf "%.3f", ms * (0.25 + 0.75 * r / 32767) / 1000 }')
    for out in "$work/out$round" "$work/out"; do
        "$TRACKFIX" convert --fix=on --now=$NOW -o "$out" "$work/corpus" > /dev/null 2>&1 &
        pid=$!
        sleep "$delay"
        # the launcher execs Wine: the process is trackfix itself
        kill -9 "$pid" 2> /dev/null
        wait "$pid" 2> /dev/null
        # every output there is whole: the reference's checksums hold
        whole=$(ls "$out"/*.eml 2> /dev/null | wc -l)
        if [ "$whole" -gt 0 ]; then
            bad=$(cd "$out" && md5sum -- *.eml | (cd "$work/ref" && md5sum -c --quiet 2>&1) | head -3)
            [ -z "$bad" ] || fail "round $round (killed after $delay s): outputs not whole: $bad"
        fi
        others=$(find "$out" -type f ! -name '*.eml' ! -name '*.eml.tmp' 2> /dev/null | head -3)
        [ -z "$others" ] || fail "round $round: unexpected files $others"
    done
    whole=$(ls "$work/out$round" 2> /dev/null | grep -c '\.eml$')
    [ "$whole" -gt 0 ] && [ "$whole" -lt "$N" ] && partial=$((partial + 1))
    echo "round $round: killed after $delay s, $whole of $N outputs whole in a folder of its own"
    rm -rf "$work/out$round"
done
# crashes in the middle were seen (else the test proved nothing)
[ "$partial" -gt 0 ] || fail "no round was killed in the middle of the batch"

# A full run afterwards: every output whole, the temporary files replaced.
run "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/out" "$work/corpus"
expect_rc 0
diff -r -x '*.tmp' "$work/ref" "$work/out" > /dev/null || fail "the full run differs from the reference"
finish
