# make check: a fixed-seed run of 5,000 mutated inputs over the fixtures
# and the third-party corpus, in one Wine process (make fuzz runs the long
# one, FUZZ_N, default 100,000); and the driver's own usage errors.
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d "$BUILD/check_fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
# the fixtures, and a recurring meeting of each pattern kind (their series
# blobs are mutated again on their own)
mkdir -p "$work/text"
/usr/bin/python3 "$TOP/tests/recurblob.py" "$work/text" || fail "recurblob.py"
# and the hostile meetings of tests/injectfields.py (a CRLF, a NUL, quotes
# in each field), so the mutations start from values the field-escape
# oracle watches
mkdir -p "$work/inject"
/usr/bin/python3 "$TOP/tests/injectfields.py" "$TOP/tests/data/update-realtime.txt" "$work/inject" || fail "injectfields.py"
cp "$work"/inject/*-crlf-*.txt "$work"/inject/*-quote.txt "$work/text/"
trackfix msg new "$TOP"/tests/data/*.txt "$work"/text/*.txt -o "$work/seeds" || fail "msg new of the fixtures"

inputs=("$work"/seeds/*.msg "$TOP"/tests/data/reply-* "$TOP"/tests/corpus/msg/*.msg "$TOP"/tests/corpus/ics/*.ics "$TOP"/tests/corpus/replies/*.ics)
FUZZ_WORK=$work run "$BUILD/fuzz.exe" run 5000 20071127 "$work/found" "$work/seeds/update-1601.msg" "${inputs[@]}"
expect_rc 0
expect_out "fuzz: 5000 inputs"
expect_out "ended cleanly"
# the field-escape oracle saw outputs (the mutations that still convert)
[[ "$out" =~ ,\ ([0-9]+)\ outputs\ contained ]] && [ "${BASH_REMATCH[1]}" -gt 500 ] ||
    fail "the field-escape oracle checked too few outputs: $out"
[ -z "$(ls "$work/found" 2>/dev/null)" ] || fail "the short run kept: $(ls "$work/found")"

# The driver itself: a file it cannot read, and no inputs, are usage errors.
run "$BUILD/fuzz.exe" run 10 1 "$work/found" "$work/seeds/update-1601.msg" "$work/none.msg"
expect_rc 2
expect_err "cannot read $work/none.msg"

finish
