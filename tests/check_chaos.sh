# Chaos: `queue submit` and `queue run` killed with SIGKILL at random
# moments, round after round, then one run to the end and an accounting of
# every message: each submitted file is in the queue at most once (nothing
# duplicated), each one a submission confirmed is delivered (nothing lost),
# each delivery is in drop/ once and carries its entry's token, and
# nothing is left corrupt or half-written.  check_crash.sh kills after each
# durable step in turn; this kills wherever the clock falls.
source "$(dirname "$0")/lib.sh"

ROUNDS=${CHAOS_ROUNDS:-40}
SEED=${CHAOS_SEED:-938650}
RANDOM=$SEED
T0=2007-08-03T14:00:00Z
work=$(mktemp -d "$BUILD/check_chaos.XXXXXX")
Q="$work/server/queue"
trap 'rm -rf "$work"' EXIT
echo "check_chaos: $ROUNDS rounds, seed $SEED"

trackfix msg new "$TOP/tests/data/update-realtime.txt" -o "$work/update.msg" > /dev/null || fail "msg new"
# kill_soon PID: SIGKILL after 0 to 0.6 s, unless it ended before
kill_soon() {
    sleep "0.$((RANDOM % 7))$((RANDOM % 10))"
    kill -9 "$1" 2> /dev/null
    wait "$1" 2> /dev/null
}

for round in $(seq "$ROUNDS"); do
    mkdir -p "$work/in/$round"
    for k in 1 2 3 4 5; do ln "$work/update.msg" "$work/in/$round/m$k.msg"; done
    "$TRACKFIX" queue --queue="$Q" submit --now=$T0 "$work/in/$round" >> "$work/confirmed.log" 2> /dev/null &
    kill_soon $!
    "$TRACKFIX" queue --queue="$Q" run --now=$T0 --until=+1h --fix=on > /dev/null 2>&1 &
    kill_soon $!
done
run "$TRACKFIX" queue --queue="$Q" run --now=$T0 --until=+1h --fix=on
expect_rc 0
run "$TRACKFIX" queue --queue="$Q" list --format=json
expect_rc 0
printf '%s\n' "$out" > "$work/list.json"

run /usr/bin/python3 - "$work/list.json" "$work/confirmed.log" "$work/server/drop" "$Q" <<'EOF'
import collections, json, os, re, sys
listing, confirmed_log, drop, queue = sys.argv[1:]
entries = [json.loads(l) for l in open(listing) if l.startswith("{\"id\"")]
by_source = collections.Counter(e["source"] for e in entries)
duplicated = [s for s, n in by_source.items() if n > 1]
assert not duplicated, "submitted once, queued twice: %s" % duplicated[:5]
states = collections.Counter(e["state"] for e in entries)
assert set(states) <= {"delivered"}, "left undelivered or corrupt: %s" % dict(states)
confirmed = set(re.findall(r"^queued (\S+) as ", open(confirmed_log).read(), re.M))
lost = confirmed - set(by_source)
assert not lost, "confirmed as queued, then gone: %s" % sorted(lost)[:5]
files = sorted(os.listdir(drop))
assert files == sorted("%s.eml" % e["id"] for e in entries), "drop/ does not hold one copy a delivery: %d files, %d entries" % (len(files), len(entries))
for e in entries:
    first = open(os.path.join(drop, e["id"] + ".eml"), "rb").readline()
    assert first == ("X-Trackfix-Queue-Id: %s.%s\r\n" % (e["id"], e["token"])).encode(), (e["id"], first)
leftovers = [os.path.join(d, f) for d, _, fs in os.walk(os.path.dirname(queue)) for f in fs if f.endswith(".tmp")]
assert not leftovers, "half-written files: %s" % leftovers[:5]
print("%d files queued (%d confirmed before a kill), %d delivered once each, 0 lost, 0 duplicated"
      % (len(by_source), len(confirmed), len(entries)))
EOF
expect_rc 0
expect_out "0 lost, 0 duplicated"
echo "check_chaos: $out"

finish
