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
run "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/ref" "$work/corpus"
expect_rc 0
expect_out "$N converted, 0 failed"
# how long the conversion itself takes here, in ms, as a second, warm run
# (into the folder the rounds share) reports it: the kills are spread over it
run "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/out" "$work/corpus"
expect_rc 0
conv_ms=$(sed -n 's/.* unreadable, \([0-9.]*\) seconds$/\1/p' <<< "$out" | awk '{ printf "%d", $1 * 1000 + 1 }')
[ -n "$conv_ms" ] || fail "convert did not report its time"

# Each round runs convert into a folder of its own and waits for its first
# output file (Wine has started and the batch is under way), then kills it
# after 0 to 125% of the conversion's time.  The same run then goes into a
# folder shared by every round (a later round overwriting what an earlier
# one left), killed as long after its start.  Timing from the batch's own
# start, not the process's, keeps the kills inside the batch on a machine
# where Wine's start-up is slow or varies with load.  Rounds go on, up to
# three times ROUNDS, until one was killed in the middle of the batch.
partial=0
round=0
while [ "$round" -lt "$ROUNDS" ] || { [ "$partial" = 0 ] && [ "$round" -lt $((3 * ROUNDS)) ]; }; do
    round=$((round + 1))
    delay=$(awk -v r="$RANDOM" -v ms="$conv_ms" 'BEGIN { printf "%.3f", ms * 1.25 * r / 32767 / 1000 }')
    for out in "$work/out$round" "$work/out"; do
        started=$(date +%s%N)
        "$TRACKFIX" convert --fix=on --now=$NOW -o "$out" "$work/corpus" > /dev/null 2>&1 &
        pid=$!
        if [ "$out" = "$work/out$round" ]; then
            while kill -0 "$pid" 2> /dev/null && ! compgen -G "$out/*" > /dev/null; do
                sleep 0.002
            done
            lead_s=$(awk -v ns="$(( $(date +%s%N) - started ))" 'BEGIN { printf "%.3f", ns / 1e9 }')
        else
            sleep "$lead_s"
        fi
        sleep "$delay"
        # the launcher execs Wine: the process is trackfix itself
        kill -9 "$pid" 2> /dev/null
        wait "$pid" 2> /dev/null
        # every output there is whole: the reference's checksums hold
        whole=$(ls "$out"/*.eml 2> /dev/null | wc -l)
        if [ "$whole" -gt 0 ]; then
            bad=$(cd "$out" && md5sum -- *.eml | (cd "$work/ref" && md5sum -c --quiet 2>&1) | head -3)
            [ -z "$bad" ] || fail "round $round (killed $delay s into the batch): outputs not whole: $bad"
        fi
        others=$(find "$out" -type f ! -name '*.eml' ! -name '*.eml.tmp' 2> /dev/null | head -3)
        [ -z "$others" ] || fail "round $round: unexpected files $others"
    done
    whole=$(ls "$work/out$round" 2> /dev/null | grep -c '\.eml$')
    [ "$whole" -gt 0 ] && [ "$whole" -lt "$N" ] && partial=$((partial + 1))
    echo "round $round: first output after $lead_s s, killed $delay s later, $whole of $N outputs whole in a folder of its own"
    rm -rf "$work/out$round"
done
# crashes in the middle were seen (else the test proved nothing)
[ "$partial" -gt 0 ] || fail "no round was killed in the middle of the batch"

# A full run afterwards: every output whole, the temporary files replaced.
run "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/out" "$work/corpus"
expect_rc 0
diff -r -x '*.tmp' "$work/ref" "$work/out" > /dev/null || fail "the full run differs from the reference"
finish
