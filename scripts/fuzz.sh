#!/bin/bash
# make fuzz: FUZZ_N mutations (seed FUZZ_SEED) of every .msg and reply we
# have, fed to trackfix's readers in one Wine process by build/fuzz.exe.
# Inputs: the third-party corpus (tests/corpus/msg, tests/corpus/ics, tests/corpus/replies)
# the generated fixtures (tests/data/*.txt as .msg, tests/data/reply-*) and
# a recurring meeting of each pattern kind (tests/recurblob.py).
# An input that crashes, hangs or fails without a message is copied to
# tests/data/fuzz/, where make test replays it from then on.
set -euo pipefail
: "${BUILD:?run through make fuzz}"
TOP=$(cd "$(dirname "$0")/.." && pwd)
work="$BUILD/fuzz"
rm -rf "$work"
mkdir -p "$work/seeds"
mkdir -p "$work/text"
/usr/bin/python3 "$TOP/tests/recurblob.py" "$work/text"
"$BUILD/trackfix.exe" msg new "$TOP"/tests/data/*.txt "$work"/text/*.txt -o "$work/seeds"
inputs=("$work"/seeds/*.msg "$TOP"/tests/data/reply-*)
for f in "$TOP"/tests/corpus/msg/*.msg "$TOP"/tests/corpus/ics/*.ics "$TOP"/tests/corpus/replies/*.ics; do
    [ -e "$f" ] && inputs+=("$f")
done
echo "fuzz: ${FUZZ_N:-100000} inputs from ${#inputs[@]} files, seed ${FUZZ_SEED:-938650}"
FUZZ_WORK=$work "$BUILD/fuzz.exe" run "${FUZZ_N:-100000}" "${FUZZ_SEED:-938650}" "$TOP/tests/data/fuzz" "$work/seeds/update-1601.msg" \
    "${inputs[@]}"
