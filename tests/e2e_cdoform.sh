# End to end: EcGetMime's output has the form Exchange 2003's CDO writes
# (hotfix/DESIGN.md §4), on meetings made from real Outlook items
# (tests/cdoitems.sh): a single meeting with a time zone and a reminder, an
# update whose attendees replied (one of them the KB's 1601), a series with
# exceptions, and a series' cancellation.  Golden files byte for byte, then
# readers that are not trackfix's: tests/cdoform.py (order and form),
# tests/icalcheck.py (X-REPLYTIME per attendee), tests/conform.py.
source "$(dirname "$0")/lib.sh"

NOW=2023-01-05T00:00:00Z
GOLDEN="$TOP/tests/data/golden"
work=$(mktemp -d "$BUILD/e2e_cdoform.XXXXXX")
trap 'rm -rf "$work"' EXIT

run bash "$TOP/tests/cdoitems.sh" "$TRACKFIX" "$work/msg"
[ "$rc" = 0 ] || fail "cdoitems.sh: $err"
run "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/out" \
    "$work/msg/cdo-single-tz-reminder.msg" "$work/msg/cdo-update-replied.msg" "$work/msg/cdo-series-exception.msg"
expect_rc 0
expect_out "3 converted, 0 failed"
run "$TRACKFIX" convert --cancel --fix=on --now=$NOW -o "$work/out" "$work/msg/cdo-cancel.msg"
expect_rc 0
for name in single-tz-reminder update-replied series-exception cancel; do
    cmp "$work/out/cdo-$name.eml" "$GOLDEN/cdo-$name.eml" || fail "cdo-$name.eml differs from golden"
done

# The form, read independently: these four and the KB story's goldens.
run /usr/bin/python3 "$TOP/tests/cdoform.py" "$work"/out/cdo-*.eml "$GOLDEN"/{request,update,cancel}-*.eml
expect_rc 0
expect_out "10 files have CDO's form"
# The track time per attendee: Adam's reply time, Bea's 1601 clamped (the
# KB's Exchange 2007 acceptance), none for Carl, who has not answered.
run /usr/bin/python3 "$TOP/tests/icalcheck.py" \
    "$work/out/cdo-update-replied.eml" REQUEST adam@fabrikam.example 20211013T101500Z \
    "$work/out/cdo-update-replied.eml" REQUEST bea@e2007.example.org 18991230T000000Z \
    "$work/out/cdo-update-replied.eml" REQUEST carl@fabrikam.example - \
    "$work/out/cdo-single-tz-reminder.eml" REQUEST adam@fabrikam.example -
expect_rc 0
run /usr/bin/python3 "$TOP/tests/conform.py" "$work"/out/cdo-*.eml
expect_rc 0
expect_out "4 files conform"

# The checker is no rubber stamp: parameters swapped, a CN unquoted, a
# property moved and CLASS dropped are each found.
tamper() { sed "$1" "$work/out/cdo-update-replied.eml" > "$work/out/bad-$2.eml"; }
tamper 's/^ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;/ATTENDEE;PARTSTAT=NEEDS-ACTION;ROLE=REQ-PARTICIPANT;/' params
tamper 's/^ORGANIZER;CN="UnoKenji"/ORGANIZER;CN=UnoKenji/' cn
tamper '/^CLASS:/d' class
awk '/^SEQUENCE:/ { held = $0; next } { print } /^DTSTAMP:/ && held == "" { print "SEQUENCE:0\r" }' \
    "$work/out/cdo-update-replied.eml" > "$work/out/bad-order.eml"
run /usr/bin/python3 "$TOP/tests/cdoform.py" "$work"/out/bad-*.eml
expect_rc 1
expect_out "bad-params.eml: VEVENT 1: ATTENDEE parameters out of CDO's order"
expect_out "bad-cn.eml: VEVENT 1: ORGANIZER's CN is not quoted"
expect_out "bad-class.eml: VEVENT 1: no CLASS"
expect_out "bad-order.eml: VEVENT 1: DTSTART out of CDO's order"
expect_out "0 files have CDO's form"

# conform.py reads the addresses too: an ORGANIZER that is no mailbox (as
# "test@gmail.com <test@gmail.com>" was, before sender fields were parsed)
# is found.
sed 's/^ORGANIZER;CN="UnoKenji":MAILTO:ku@/ORGANIZER;CN="UnoKenji":MAILTO:ku <ku@/' "$work/out/cdo-update-replied.eml" \
    > "$work/out/bad-organizer.eml"
run /usr/bin/python3 "$TOP/tests/conform.py" "$work/out/bad-organizer.eml"
expect_rc 1
expect_out "ORGANIZER 'MAILTO:ku <ku@digitaldolphins.onmicrosoft.com' is not mailto: and one mailbox"

# The demo's and the story's lines: the replied attendee with X-REPLYTIME.
unfolded "$work/out/cdo-update-replied.eml" |
    grep -q '^ATTENDEE;ROLE=REQ-PARTICIPANT;PARTSTAT=NEEDS-ACTION;X-REPLYTIME=18991230T000000Z;RSVP=TRUE;CN="Bea Exchange2007":MAILTO:bea@e2007.example.org' ||
    fail "Bea's ATTENDEE line is not CDO's"
finish
