#!/bin/bash
# make bench: figures for the conversion, measured in one Wine process each.
#   - trackfix convert of 10,000 meeting updates (hard links of one .msg)
#   - trackfix msg dump of the whole third-party corpus
# Prints messages per second.  Each converted .eml is flushed to disk before
# its rename, so the fix-on figure is mostly fsync.  Not a test: nothing here fails on a
# slow machine.
set -euo pipefail
: "${BUILD:?run through make bench}"
TOP=$(cd "$(dirname "$0")/.." && pwd)
TRACKFIX="$BUILD/trackfix.exe"
COUNT=${BENCH_COUNT:-10000}
work="$BUILD/bench"
rm -rf "$work"
mkdir -p "$work/in" "$work/out"

"$TRACKFIX" msg new "$TOP/tests/data/update-1601.txt" -o "$work/update.msg"
for i in $(seq -w 1 "$COUNT"); do ln "$work/update.msg" "$work/in/update-$i.msg"; done

seconds() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.3f", (e - s) / 1e9 }'; }

start=$(date +%s%N)
"$TRACKFIX" convert --fix=on --now=2007-08-03T14:05:00Z -o "$work/out" "$work/in" > "$work/convert.txt"
end=$(date +%s%N)
tail -n 1 "$work/convert.txt"
echo "convert, fix on: $COUNT messages in $(seconds "$start" "$end") s wall, one process:" \
     "$(awk -v n="$COUNT" -v s="$start" -v e="$end" 'BEGIN { printf "%.0f", n / ((e - s) / 1e9) }') messages/s"

start=$(date +%s%N)
"$TRACKFIX" convert --fix=off --now=2007-08-03T14:05:00Z -o "$work/out" "$work/in" > "$work/convert.txt" || true
end=$(date +%s%N)
echo "convert, fix off (every message fails E_FAIL): $COUNT messages in $(seconds "$start" "$end") s"

files=("$TOP"/../shared/corpus/msg/*.msg)
start=$(date +%s%N)
"$TRACKFIX" msg dump "${files[@]}" > /dev/null
end=$(date +%s%N)
echo "msg dump of the corpus: ${#files[@]} files in $(seconds "$start" "$end") s"

rm -rf "$work/in" "$work/out"
