# The VTIMEZONE trackfix writes, against Windows' own rule: for every zone
# of Wine's registry (each of the 24 zones CDO names among them) and every
# zone of a corpus item, tests/tzcheck.exe prints the offsets
# SystemTimeToTzSpecificLocalTime gives for every hour of the days around
# each change of offset in 2018-2029, beside the VTIMEZONE; then
# tests/tzoffsets.py computes the same hours from that VTIMEZONE with
# libical and with dateutil: every hour must agree (a transition on the
# wrong Sunday, a wrong week 5, a wrong offset all show).
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d "$BUILD/check_tz.XXXXXX")
trap 'rm -rf "$work"' EXIT
"$BUILD/tzcheck.exe" 2018 2029 "$TOP"/tests/corpus/msg/*.msg > "$work/zones" || fail "tzcheck.exe failed"
while read -r key; do
    grep -q "^ZONE	$key\$" "$work/zones" || fail "CDO's zone '$key' is not among the zones checked"
done < <(grep -o '^    {[0-9]*, "[^"]*"' "$TOP/hotfix/tzdef.c" | sed 's/.*"\(.*\)"/\1/')
[ "$(grep -c '^ZONE	.*\.msg$' "$work/zones")" -ge 10 ] || fail "fewer than 10 corpus items with a zone"
/usr/bin/python3 "$TOP/tests/tzoffsets.py" "$work/zones" || fail "an offset differs"
finish
