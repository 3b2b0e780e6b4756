# make check: the .msg reader and writer on heavy input: 300 damaged
# copies of corpus files, and a meeting with 2,000 attendee rows.
source "$(dirname "$0")/lib.sh"

CORPUS="$TOP/tests/corpus/msg"
work=$(mktemp -d "$BUILD/check_msg.XXXXXX")
trap 'rm -rf "$work"' EXIT

# Damaged files: 300 corpus files with bytes flipped or cut short (a fixed
# seed), read in one process.  Each is read or refused with a reason; none
# may crash it or make it spin (Wine's ole32 loops on some of them, which
# the compound-file check must catch first).
/usr/bin/python3 - "$work/damaged" "$CORPUS" <<'PY'
import os, random, sys
out, corpus = sys.argv[1], sys.argv[2]
os.makedirs(out)
random.seed(938650)
sources = [os.path.join(corpus, n) for n in ("A schedule.msg", "Subject.msg", "nonUnicodeCP932.msg")]
for n in range(300):
    data = bytearray(open(sources[n % 3], "rb").read())
    for _ in range(random.choice([1, 2, 4, 8, 32])):
        data[random.randrange(512, len(data))] = random.randrange(256)
    if n % 10 == 0:
        data = data[:random.randrange(512, len(data))]
    open(os.path.join(out, "d%03d.msg" % n), "wb").write(data)
PY
timeout 300 "$TRACKFIX" msg dump "$work"/damaged/*.msg > "$work/damaged.out" 2> "$work/damaged.err"
rc=$?
[ "$rc" = 0 ] || [ "$rc" = 2 ] || fail "reading damaged files ended with exit $rc"
read_ok=$(grep -c '^\[message\]' "$work/damaged.out")
refused=$(grep -c "^trackfix: cannot read '$work/damaged/d[0-9]*.msg': " "$work/damaged.err")
[ $((read_ok + refused)) = 300 ] || fail "damaged files: $read_ok read + $refused refused is not 300"
grep -q 'damaged compound file: .*loops\|damaged compound file: .*outside' "$work/damaged.err" || fail "no damaged-structure refusal"

# 2,000 attendee rows and the organizer's round-trip, in order: the writer
# creates their storages middle-first, so ole32's unbalanced tree stays
# shallow.
/usr/bin/python3 "$TOP/tests/msgrows.py" 2000 "$TOP/tests/data/update-1601.txt" "$work/rows.txt"
run "$TRACKFIX" msg new "$work/rows.txt" -o "$work/rows.msg"
expect_rc 0
trackfix msg dump "$work/rows.msg" > "$work/rows.dump" || fail "dump of 2,000 rows"
cmp -s "$work/rows.txt" "$work/rows.dump" || fail "2,000 rows did not round-trip: $(diff "$work/rows.txt" "$work/rows.dump" | head -5)"
[ "$(grep -c '^\[recipient\]' "$work/rows.dump")" = 2001 ] || fail "not 2,001 rows"

finish
