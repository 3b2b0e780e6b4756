# Crash safety of the queue: a run is killed after each of its durable
# steps in turn (TRACKFIX_CRASH_AFTER=N ends the process right after its
# N-th flushed write or rename), then run again.  After every restart each
# message must be in exactly one state, nothing lost, nothing delivered
# twice, and the end the same as a run that never crashed.
source "$(dirname "$0")/lib.sh"

T0=2007-08-03T14:00:00Z
# a short schedule keeps every kind of step in a few dozen: retries, event
# 327, the delay notification, expiry with its NDR, deliveries
POLICY=(--now=$T0 --until=+1h --retry=10 --delay=15 --expire=30)
work=$(mktemp -d "$BUILD/check_crash.XXXXXX")
trap 'rm -rf "$work"' EXIT
for name in update-1601 update-realtime cancel-realtime; do
    trackfix msg new "$TOP/tests/data/$name.txt" -o "$work/$name.msg" || fail "msg new $name"
done
reset_registry
trackfix server init >/dev/null   # diagnostics level 5: event 327 is written too
trackfix hotfix install >/dev/null

# fresh SERVER: a queue with the three messages submitted
fresh() {
    rm -rf "$1"
    trackfix queue --queue="$1/queue" submit --now=$T0 "$work/update-1601.msg" "$work/update-realtime.msg" \
        "$work/cancel-realtime.msg" >/dev/null 2>"$work/submit.err" || fail "submit: $(cat "$work/submit.err")"
}

# what SERVER ends with: one line per message and the files it made
outcome() {
    local id state
    for id in 00000001 00000002 00000003; do
        state=
        for s in queued delivered expired; do
            [ -d "$1/queue/$s/$id" ] && state="$state$s"
        done
        echo "$id $state"
    done
    (cd "$1" && find drop mailboxes -type f 2>/dev/null | sort)
    grep -h '^attempts=' "$1"/queue/delivered/*/state 2>/dev/null
}

# the run that never crashes, and how many durable steps it takes
fresh "$work/reference"
run "$TRACKFIX" queue --queue="$work/reference/queue" run "${POLICY[@]}"
expect_rc 0
expect_out "0 queued, 2 delivered, 1 expired"
reference=$(outcome "$work/reference")
events=$(grep -c $'\t327\t' "$work/reference/eventlog.log")
[ "$events" -ge 3 ] || fail "reference run logged $events events"

n=1
crashes=0
while :; do
    fresh "$work/s"
    TRACKFIX_CRASH_AFTER=$n "$TRACKFIX" queue --queue="$work/s/queue" run "${POLICY[@]}" >/dev/null 2>&1
    first=$?
    run "$TRACKFIX" queue --queue="$work/s/queue" run "${POLICY[@]}"
    [ "$rc" = 0 ] || fail "step $n: the restarted run exited $rc"
    got=$(outcome "$work/s")
    [ "$got" = "$reference" ] || fail "step $n: after the restart the queue ended as
$got
instead of
$reference"
    leftovers=$(find "$work/s" -name '*.tmp'; find "$work/s/queue/incoming" -mindepth 1)
    [ -z "$leftovers" ] || fail "step $n: left behind: $leftovers"
    logged=$(grep -c $'\t327\t' "$work/s/eventlog.log" 2>/dev/null)
    [ "${logged:-0}" -le "$events" ] || fail "step $n: $logged events, more than the $events of a clean run"
    [ "$first" = 0 ] && break   # the run finished before step N: every step has been cut
    [ "$first" = 99 ] || fail "step $n: the crashing run exited $first"
    crashes=$((crashes + 1))
    n=$((n + 1))
    [ "$n" -le 400 ] || { fail "more than 400 steps"; break; }
done
[ "$crashes" -ge 10 ] || fail "only $crashes crash points"
echo "crashed and restarted at each of $crashes steps"

# A crash inside submit loses the submission, never half of it.
n=1
while :; do
    rm -rf "$work/sub"
    TRACKFIX_CRASH_AFTER=$n "$TRACKFIX" queue --queue="$work/sub/queue" submit --now=$T0 "$work/update-1601.msg" >/dev/null 2>&1
    first=$?
    run "$TRACKFIX" queue --queue="$work/sub/queue" list
    expect_rc 0
    queued=$(find "$work/sub/queue/queued" -mindepth 1 -maxdepth 1 | wc -l)
    if [ "$first" = 0 ]; then
        [ "$queued" = 1 ] || fail "submit finished but $queued queued"
        break
    fi
    [ "$queued" -le 1 ] || fail "submit step $n: $queued queued"
    if [ "$queued" = 1 ]; then
        [ -s "$work/sub/queue/queued/00000001/message.msg" ] && [ -s "$work/sub/queue/queued/00000001/state" ] ||
            fail "submit step $n: a half message in queued/"
    fi
    n=$((n + 1))
    [ "$n" -le 20 ] || { fail "submit takes more than 20 steps"; break; }
done

# The same for 34 files, submitted on three threads (queue_submit_files):
# after a crash at any step, each message queued is whole, and each said
# to be queued is there.
mkdir -p "$work/many"
for i in $(seq -w 1 34); do cp "$work/update-realtime.msg" "$work/many/m$i.msg"; done
n=1
while :; do
    rm -rf "$work/sub"
    TRACKFIX_CRASH_AFTER=$n "$TRACKFIX" queue --queue="$work/sub/queue" submit --now=$T0 "$work/many" \
        >"$work/many.out" 2>&1
    first=$?
    queued=$(find "$work/sub/queue/queued" -mindepth 1 -maxdepth 1 | wc -l)
    for folder in "$work/sub/queue/queued"/*; do
        [ -e "$folder" ] || continue
        cmp -s "$folder/message.msg" "$work/update-realtime.msg" && [ -s "$folder/state" ] ||
            fail "submit of 34, step $n: a half message in queued/ (${folder##*/})"
    done
    while read -r _ _ _ id; do
        [ -d "$work/sub/queue/queued/$id" ] || fail "submit of 34, step $n: $id said to be queued, not there"
    done < <(grep '^queued ' "$work/many.out")
    if [ "$first" = 0 ]; then
        [ "$queued" = 34 ] || fail "submit of 34 finished but $queued queued"
        [ "$(grep -c '^queued ' "$work/many.out")" = 34 ] || fail "submit of 34 said $(grep -c '^queued ' "$work/many.out") queued"
        break
    fi
    [ "$first" = 99 ] || fail "submit of 34, step $n: exit $first: $(cat "$work/many.out")"
    n=$((n + 1))
    [ "$n" -le 60 ] || { fail "submit of 34 takes more than 60 steps"; break; }
done
echo "submit of 34 crashed at each of $((n - 1)) steps"

# Two runs at once: the second is refused while the first holds the lock.
fresh "$work/lock"
run "$BUILD/hold_lock.exe" "$work/lock/queue/lock" "$TRACKFIX" queue --queue="$work/lock/queue" run "${POLICY[@]}"
expect_rc 0
expect_out "second run exited 5"
expect_out "is in use by another run"

reset_registry
finish
