# One bad entry never blocks the queue: a message whose state cannot be
# read (empty, cut short, garbage, a folder, missing, a year the queue
# cannot hold) is listed as corrupt with its reason and a warning; a run
# moves it to QUEUE/corrupt/ID with the reason beside it and goes on with
# every other message; open says why; delete removes it; ids are not reused.
source "$(dirname "$0")/lib.sh"

T0=2007-08-03T14:00:00Z
work=$(mktemp -d "$BUILD/e2e_corrupt.XXXXXX")
trap 'rm -rf "$work"' EXIT
Q=$work/server/queue

trackfix msg new "$TOP/tests/data/update-realtime.txt" -o "$work/update.msg" > /dev/null || fail "msg new"
mkdir -p "$work/seven"
for i in 1 2 3 4 5 6 7; do cp "$work/update.msg" "$work/seven/m$i.msg"; done
run "$TRACKFIX" queue submit --queue "$Q" --now $T0 "$work/seven"
expect_rc 0

# six ways a state file goes bad; 00000007 stays healthy
: > "$Q/queued/00000001/state"
head -c 40 "$Q/queued/00000007/state" > "$Q/queued/00000002/state"
head -c 300 /dev/urandom > "$Q/queued/00000003/state"
rm "$Q/queued/00000004/state" && mkdir "$Q/queued/00000004/state"
rm "$Q/queued/00000005/state"
sed -i 's/^submitted=2007/submitted=30000/' "$Q/queued/00000006/state"

run "$TRACKFIX" queue list --queue "$Q"
expect_rc 0
for id in 00000001 00000002 00000003 00000004 00000005 00000006; do
    grep -q "^$id  corrupt " <<<"$out" || fail "list: $id not shown as corrupt"
    expect_err "message $id is set aside"
done
grep -q "^00000007  queued " <<<"$out" || fail "list: the healthy message is not queued"
expect_out "00000005  corrupt"
expect_out "no state file"
expect_out "bad value for submitted"
[ -d "$Q/queued/00000001" ] || fail "list moved a message: only a run that holds the lock may"

run "$TRACKFIX" queue run --queue "$Q" --now $T0 --fix off
expect_rc 0
expect_out "00000007 attempt 1: delivered"
expect_out "0 queued, 1 delivered, 0 expired, 6 set aside as corrupt"
for id in 00000001 00000002 00000003 00000004 00000005 00000006; do
    [ -d "$Q/corrupt/$id" ] || fail "run: $id not moved to corrupt/"
    [ -s "$Q/corrupt/$id/reason" ] || fail "run: $id has no reason"
    [ -e "$Q/queued/$id" ] && fail "run: $id still queued"
done
[ -e "$work/server/drop/00000007.eml" ] || fail "the healthy message was not delivered"

# One id in two folders (a copy left behind, or a listing taken while a
# run moves it): listed once, where it went last, and never sent again.
cp -r "$Q/delivered/00000007" "$Q/queued/00000007"
run "$TRACKFIX" queue list --queue "$Q"
expect_rc 0
[ "$(grep -c '^00000007 ' <<<"$out")" = 1 ] || fail "00000007 listed $(grep -c '^00000007 ' <<<"$out") times"
grep -q '^00000007  delivered ' <<<"$out" || fail "00000007 not listed as delivered"
run "$TRACKFIX" queue run --queue "$Q" --now $T0 --fix off
expect_rc 0
expect_no_out "00000007 attempt"

run "$TRACKFIX" queue list --queue "$Q" --format json
expect_rc 0
expect_out '{"id":"00000003","state":"corrupt"'
run "$TRACKFIX" queue open 00000004 --queue "$Q"
expect_rc 3
expect_out "message 00000004 is set aside in $Q/corrupt"
run "$TRACKFIX" queue delete 00000001 --queue "$Q"
expect_rc 0
[ -e "$Q/corrupt/00000001" ] && fail "delete left the corrupt message"
run "$TRACKFIX" queue submit --queue "$Q" --now $T0 "$work/update.msg"
expect_out "as 00000008"

# Symbolic links that loop, in queued/, one named like an id: they block
# nothing.
ln -s loop "$Q/queued/loop"
ln -s 0000000A "$Q/queued/0000000A"
run "$TRACKFIX" queue list --queue "$Q"
expect_rc 0
expect_out "00000008  queued"
run "$TRACKFIX" queue run --queue "$Q" --now $T0 --fix=off
expect_rc 0
expect_out "00000008 attempt 1: delivered"
run "$TRACKFIX" queue open 00000008 --queue "$Q" --fix=off --now $T0
expect_rc 0

# A queue folder made anew beside the old drop/: ids start again, and a
# delivery record of an earlier queue is not taken for the new message's
# (the record's first line carries the entry's token).  The new message
# fails to convert (1601, fix off): it must be attempted, not "delivered".
Q2=$work/fresh/queue
run "$TRACKFIX" queue submit --queue "$Q2" --now $T0 "$work/update.msg"
run "$TRACKFIX" queue run --queue "$Q2" --now $T0 --fix=off
expect_out "00000001 attempt 1: delivered to $work/fresh/drop/00000001.eml"
head -n 1 "$work/fresh/drop/00000001.eml" | grep -q '^X-Trackfix-Queue-Id: 00000001\.[0-9a-f]\{16\}' || fail "no token line in the record"
rm -rf "$Q2"
trackfix msg new "$TOP/tests/data/update-1601.txt" -o "$work/update-1601.msg" > /dev/null || fail "msg new"
run "$TRACKFIX" queue submit --queue "$Q2" --now $T0 "$work/update-1601.msg"
expect_out "as 00000001"
run "$TRACKFIX" queue run --queue "$Q2" --now $T0 --fix=off
expect_out "00000001 attempt 1: EcGetMime failed 0x80004005"
expect_no_out "attempt 1: delivered"
[ -d "$Q2/queued/00000001" ] || fail "the new message was taken for delivered"

finish
