# make check: `queue list` while a run delivers (a consistent view): 1,500
# messages delivered by one run while another process lists the queue
# again and again; no listing may show a message twice or lose one.
source "$(dirname "$0")/lib.sh"

T0=2007-08-03T14:00:00Z
N=1500
work=$(mktemp -d "$BUILD/check_list_during_run.XXXXXX")
trap 'rm -rf "$work"' EXIT
Q=$work/server/queue

trackfix msg new "$TOP/tests/data/update-realtime.txt" -o "$work/update.msg" > /dev/null || fail "msg new"
mkdir -p "$work/many"
/usr/bin/python3 -c 'import os, sys
for i in range(int(sys.argv[3])): os.link(sys.argv[1], "%s/m%04d.msg" % (sys.argv[2], i))' "$work/update.msg" "$work/many" $N
trackfix queue submit --queue "$Q" --now $T0 "$work/many" > /dev/null || fail "submit"

# a pause after each durable step: the run would otherwise be over before
# a second listing
TRACKFIX_STEP_PAUSE_MS=2 "$TRACKFIX" queue run --queue "$Q" --now $T0 --fix off > "$work/run.out" 2>&1 &
runner=$!
listings=0 moving=0 out= err=
while kill -0 $runner 2> /dev/null; do
    trackfix queue list --queue "$Q" --format json > "$work/list.json" 2> /dev/null || fail "list during the run"
    read -r total unique delivered < <(/usr/bin/python3 -c 'import json, sys
ids = [json.loads(l)["id"] for l in open(sys.argv[1])]
states = [json.loads(l)["state"] for l in open(sys.argv[1])]
print(len(ids), len(set(ids)), states.count("delivered"))' "$work/list.json")
    [ "$total" = "$unique" ] || fail "a listing showed $((total - unique)) message(s) twice"
    [ "$unique" = $N ] || fail "a listing showed $unique of $N messages"
    listings=$((listings + 1))
    [ "$delivered" -gt 0 ] && [ "$delivered" -lt $N ] && moving=$((moving + 1))
done
wait $runner || fail "the run failed: $(cat "$work/run.out")"
grep -q "^0 queued, $N delivered, 0 expired$" "$work/run.out" || fail "run: $(tail -n 1 "$work/run.out")"
[ "$moving" -ge 1 ] || fail "no listing was taken while messages moved ($listings listings)"
echo "$listings listings, $moving of them while messages moved"

finish
