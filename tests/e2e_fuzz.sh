# The fuzz driver in make test: every regression file in tests/data/fuzz/
# (inputs that once broke something) replayed in one Wine process.
# make check adds a 5,000-input run (tests/check_fuzz.sh); make fuzz runs
# the long one (FUZZ_N, default 100,000).
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d "$BUILD/e2e_fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT
trackfix msg new "$TOP"/tests/data/*.txt -o "$work/seeds" || fail "msg new of the fixtures"

run "$BUILD/fuzz.exe" replay "$work/seeds/update-1601.msg" "$TOP/tests/data/fuzz"
expect_rc 0
expect_out "regression files from $TOP/tests/data/fuzz ended cleanly"

finish
