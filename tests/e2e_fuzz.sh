# The fuzz driver in make test: every regression file in tests/data/fuzz/
# (inputs that once broke something) replayed, then a short fixed-seed run
# over the fixtures and the third-party corpus, in one Wine process each.
# make fuzz runs the long one (FUZZ_N, default 100,000).
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d "$BUILD/e2e_fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$TRACKFIX" msg new "$TOP"/tests/data/*.txt -o "$work/seeds" || fail "msg new of the fixtures"

run "$BUILD/fuzz.exe" replay "$work/seeds/update-1601.msg" "$TOP/tests/data/fuzz"
expect_rc 0
expect_out "regression files from $TOP/tests/data/fuzz ended cleanly"

inputs=("$work"/seeds/*.msg "$TOP"/tests/data/reply-* "$TOP"/tests/corpus/msg/*.msg "$TOP"/tests/corpus/ics/*.ics)
FUZZ_WORK=$work run "$BUILD/fuzz.exe" run 5000 20071127 "$work/found" "$work/seeds/update-1601.msg" "${inputs[@]}"
expect_rc 0
expect_out "fuzz: 5000 inputs"
expect_out "ended cleanly"
[ -z "$(ls "$work/found" 2>/dev/null)" ] || fail "the short run kept: $(ls "$work/found")"

# The driver itself: a file it cannot read, and no inputs, are usage errors.
run "$BUILD/fuzz.exe" run 10 1 "$work/found" "$work/seeds/update-1601.msg" "$work/none.msg"
expect_rc 2
expect_err "cannot read $work/none.msg"

finish
