# End to end: trackfix scan over a folder tree mixing the third-party corpus,
# the test fixtures and generated items of every kind; the counts are
# checked exactly, the JSON and CSV read back with Python's json and csv.
source "$(dirname "$0")/lib.sh"

NOW=2008-08-20T12:00:00Z
BASE="$TOP/tests/data/update-1601.txt"
work=$(mktemp -d "$BUILD/e2e_scan.XXXXXX")
trap 'rm -rf "$work"' EXIT
tree="$work/mailboxes"
mkdir -p "$work/text" "$tree/olivia" "$tree/ken/Calendar/2007" "$tree/fixtures" "$tree/corpus"

# item NAME SED-SCRIPT: a text form made from the base update (Olivia's
# request to Adam, track time 1601) by SED-SCRIPT.
item() { sed "$2" "$BASE" > "$work/text/$1.txt"; }
goid() { echo "s/2c3d4e5f\$/$1/"; } # another meeting: the id's last bytes
set_time() { echo "s/^PR_RECIPIENT_TRACKSTATUS_TIME = .*/PR_RECIPIENT_TRACKSTATUS_TIME = $1/"; }
ken='s/olivia@contoso.example/ken@tailspin.example/; s/Olivia Organizer/Ken Kim/'
attendee2='$a\
\
[recipient]\
PR_DISPLAY_NAME = "Bea Berg"\
PR_ADDRTYPE = "SMTP"\
PR_SMTP_ADDRESS = "bea@northwind.example"\
PR_RECIPIENT_TYPE = 1\
PR_RECIPIENT_TRACKSTATUS = 2\
PR_RECIPIENT_TRACKSTATUS_TIME = 1850-01-01T00:00:00Z'

# Olivia's meeting S1: the update, its cancellation and one exception (the
# instance of 2007-08-17, 07d7 08 11 in the id); all three name Adam, 1601.
item s1-update "$(goid 00000001)"
item s1-cancel "$(goid 00000001); s/IPM.Schedule.Meeting.Request/IPM.Schedule.Meeting.Canceled/"
item s1-exception "$(goid 00000001); s/^\(PidLidGlobalObjectId = .\{32\}\)00000000/\107d70811/; s/Updated:/Updated (one instance):/"
# S2 converts (Adam's real time); S3 is her appointment with two attendees,
# Bea's time 1850; S4 starts in 1850, so it fails with the fix on too.
item s2-ok "$(goid 00000002); $(set_time 2007-08-01T10:15:00Z)"
item s3-appointment "$(goid 00000003); $(set_time 2007-08-01T10:15:00Z); s/IPM.Schedule.Meeting.Request/IPM.Appointment/; $attendee2"
item s4-start-1850 "$(goid 00000004); $(set_time 2007-08-01T10:15:00Z); s/^PidLidAppointmentStartWhole = .*/PidLidAppointmentStartWhole = 1850-08-10T14:00:00Z/"
# Ken's: K1 Zoë's time rounds past 9999; K2 names an Exchange (EX) attendee
# with no SMTP address; K3 converts; a response is no meeting item.
item k1-past-9999 "$(goid 00000011); $ken; $(set_time 9999-12-31T23:59:59.9999999Z); s/Adam Attendee/Zoë Zeller/; s/adam@/zoe@/g"
item k2-ex-address "$(goid 00000012); $ken; /Adam Attendee/,\$ s/^PR_ADDRTYPE = \"SMTP\"/PR_ADDRTYPE = \"EX\"/; /^PR_SMTP_ADDRESS = \"adam/d; s|^PR_EMAIL_ADDRESS = \"adam@fabrikam.example\"|PR_EMAIL_ADDRESS = \"/o=Tailspin/ou=Exchange Administrative Group/cn=Recipients/cn=lee\"|; s/Adam Attendee/Lee Li/"
item k3-ok "$(goid 00000013); $ken; $(set_time 2007-08-01T10:15:00Z)"
item k-response "$(goid 00000014); $ken; s/IPM.Schedule.Meeting.Request/IPM.Schedule.Meeting.Resp.Pos/"
trackfix msg new "$work/text" -o "$work/msg" > /dev/null || fail "msg new of the generated items"
mv "$work/msg"/s* "$tree/olivia/"
mv "$work/msg/k3-ok.msg" "$tree/ken/Calendar/2007/K3-OK.MSG"
mv "$work/msg"/k* "$tree/ken/"
trackfix msg new "$TOP/tests/data" -o "$tree/fixtures" > /dev/null || fail "msg new of the fixtures"
cp "$TOP/tests/corpus/msg"/*.msg "$tree/corpus/"
# Unreadable: text named .msg, and a real item cut short; a non-.msg file.
echo "not a compound file" > "$tree/olivia/garbage.msg"
head -c 3000 "$tree/olivia/s2-ok.msg" > "$tree/ken/truncated.msg"
echo "notes" > "$tree/olivia/readme.txt"
find "$tree" -type f -exec sha256sum {} + | sort > "$work/before.sha"

# --- the text report, fix off: 63 items, 16 meeting items in 8 meetings.
run "$TRACKFIX" scan --fix=off --now=$NOW "$tree"
expect_rc 4
expect_out "Scanned 63 items: 16 meeting items, 45 other items skipped, 2 unreadable.  Gate: legacy path."
# the worst time is the one farthest outside what the legacy path takes
expect_out "$(printf '%-36s %8s %8s %9s  %-20s  %s' ken@tailspin.example 3 2 2 1601-01-01T00:00:00Z fabrikam.example)"
expect_out "$(printf '%-36s %8s %8s %9s  %-20s  %s' olivia@contoso.example 5 4 2 1601-01-01T00:00:00Z 'fabrikam.example, northwind.example')"
expect_out "$(printf '%-36s %8s %8s %9s  %-20s  %s' TOTAL 8 6 4 1601-01-01T00:00:00Z 'fabrikam.example, northwind.example')"
expect_out '  "Updated: Project review": converts only with the fix; AT RISK with this gate; 3 items'
expect_out "    exceptions: 2007-08-17"
expect_out "    $tree/olivia/s1-exception.msg (exception 2007-08-17): needs-fix"
expect_out "      row 3 Bea Berg <bea@northwind.example>: PR_RECIPIENT_TRACKSTATUS_TIME 1850-01-01T00:00:00Z (before-1899)"
expect_out "      row 2 Lee Li: PR_RECIPIENT_TRACKSTATUS_TIME 1601-01-01T00:00:00Z (1601-sentinel)"
expect_out "    $tree/olivia/s4-start-1850.msg: fails-both"
expect_no_out "s2-ok.msg"
expect_err "cannot read '$tree/olivia/garbage.msg': not a compound file"
expect_err "cannot read '$tree/ken/truncated.msg'"
[ "$(printf '%s\n' "$err" | grep -c 'cannot read')" = 2 ] || fail "expected two unreadable files named: $err"

# --- with the fix on only S4 (start 1850), the fixtures' 1850 update and
# K2 (no SMTP address) stay at risk.
run "$TRACKFIX" scan --fix=on --now=$NOW "$tree"
expect_rc 4
expect_out "$(printf '%-36s %8s %8s' TOTAL 8 3)"
expect_out "$(printf '%-36s %8s %8s' ken@tailspin.example 3 1)"

# --- JSON: one object per item and a summary, checked by Python's json.
run "$TRACKFIX" scan --fix=off --now=$NOW --format=json "$tree"
expect_rc 4
printf '%s\n' "$out" > "$work/scan.json"
run /usr/bin/python3 - "$work/scan.json" "$tree" <<'EOF'
import collections, json, sys
lines = [json.loads(l) for l in open(sys.argv[1], encoding="utf-8")]
items, summary = lines[:-1], lines[-1]["summary"]
tree = sys.argv[2]
kinds = collections.Counter(i["kind"] for i in items)
assert kinds == {"other": 45, "request": 12, "cancellation": 3, "appointment": 1, "unreadable": 2}, kinds
assert len({i["file"] for i in items}) == 63
want = {"items": 63, "meeting_items": 16, "meetings": 8, "at_risk": 6, "other": 45, "unreadable": 2,
        "gate": "legacy", "worst_track_time": "1601-01-01T00:00:00Z",
        "domains": ["fabrikam.example", "northwind.example"],
        "attendees_at_risk": ["Lee Li", "adam@fabrikam.example", "bea@northwind.example", "zoe@fabrikam.example"]}
for key, value in want.items():
    assert summary[key] == value, (key, summary[key], value)
by_name = {i["file"][len(tree) + 1:]: i for i in items}
e = by_name["olivia/s1-exception.msg"]
assert e["exception"] == "2007-08-17" and e["series"] == by_name["olivia/s1-update.msg"]["series"], e
assert e["status"] == "needs-fix" and e["at_risk"] and not e["legacy"]["converts"] and e["clamped"]["converts"], e
assert e["rows_at_risk"] == [{"row": 2, "name": "Adam Attendee", "address": "adam@fabrikam.example",
                              "track_time": "1601-01-01T00:00:00Z", "risk": "1601-sentinel"}], e
k1 = by_name["ken/k1-past-9999.msg"]
assert k1["rows_at_risk"][0]["name"] == "Zoë Zeller" and k1["rows_at_risk"][0]["risk"] == "past-9999", k1
k2 = by_name["ken/k2-ex-address.msg"]
assert k2["status"] == "invalid" and k2["rows_at_risk"][0]["address"] is None, k2
assert "has no SMTP address" in k2["clamped"]["reason"], k2
assert by_name["ken/Calendar/2007/K3-OK.MSG"]["status"] == "converts"
assert by_name["ken/k-response.msg"]["class"] == "IPM.Schedule.Meeting.Resp.Pos"
assert by_name["olivia/s3-appointment.msg"]["kind"] == "appointment"
assert by_name["corpus/A weekly 1.msg"]["kind"] == "other"
assert by_name["olivia/garbage.msg"]["kind"] == "unreadable"
print("json ok")
EOF
expect_rc 0

# --- CSV: RFC 4180 with a header, read by Python's csv.
run "$TRACKFIX" scan --fix=off --now=$NOW --format=csv "$tree"
expect_rc 4
printf '%s' "$out" > "$work/scan.csv"
[[ "$out" == *$'\r'* ]] || fail "CSV rows do not end in CRLF"
run /usr/bin/python3 - "$work/scan.csv" <<'EOF'
import csv, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="", encoding="utf-8")))
assert len(rows) == 63, len(rows)  # one line per item: none has two attendees at risk
risky = [r for r in rows if r["row"]]
assert len(risky) == 10, [(r["file"], r["attendee"], r["row"]) for r in risky]
assert {r["domain"] for r in risky} == {"fabrikam.example", "northwind.example", ""}
assert sum(r["at_risk"] == "yes" for r in rows) == 11, sum(r["at_risk"] == "yes" for r in rows)
bea = [r for r in risky if r["address"] == "bea@northwind.example"]
assert len(bea) == 1 and bea[0]["track_time"] == "1850-01-01T00:00:00Z" and bea[0]["risk"] == "before-1899"
assert any(r["subject"] == "Updated (one instance): Project review" and r["exception"] == "2007-08-17" for r in rows)
print("csv ok")
EOF
expect_rc 0

# --- CSV in a spreadsheet: a subject that is a formula stays text (OWASP:
# every field quoted, a leading ' before = + - @ tab CR).
mkdir -p "$work/formula"
/usr/bin/python3 - "$TOP/tests/data/update-1601.txt" "$work/formula/formula.txt" <<'EOF'
import re, sys
text = open(sys.argv[1], encoding="utf-8").read()
text = re.sub(r"^PR_SUBJECT = .*$", lambda m: r'PR_SUBJECT = "=HYPERLINK(\"http://evil.example\",\"x\")"', text,
              count=1, flags=re.M)
open(sys.argv[2], "w", encoding="utf-8").write(text)
EOF
trackfix msg new "$work/formula/formula.txt" -o "$work/formula/formula.msg" > /dev/null || fail "msg new formula.txt"
rm "$work/formula/formula.txt"
run "$TRACKFIX" scan --fix=off --now=$NOW --format=csv "$work/formula"
expect_rc 4
expect_out "\"'=HYPERLINK(\"\"http://evil.example\"\",\"\"x\"\")\""
printf '%s' "$out" > "$work/formula.csv"
run /usr/bin/python3 - "$work/formula.csv" <<'EOF'
import csv, sys
text = open(sys.argv[1], newline="", encoding="utf-8").read()
# the shell's $(...) took the last CRLF's LF
lines = [line for line in text.rstrip("\r\n").split("\r\n") if line]
# every field of every line quoted
for line in lines:
    fields = next(csv.reader([line]))
    assert line == ",".join('"%s"' % f.replace('"', '""') for f in fields), line
cells = [cell for line in lines for cell in next(csv.reader([line]))]
assert not any(cell[:1] in ("=", "+", "-", "@", "\t", "\r") for cell in cells), cells
assert "'=HYPERLINK(\"http://evil.example\",\"x\")" in cells, cells
print("formula ok")
EOF
expect_rc 0
expect_out "formula ok"

# --- nothing was written, not even to the items; --no-recursive stays in
# the folder; a folder of healthy meetings exits 0; bad command lines.
find "$tree" -type f -exec sha256sum {} + | sort | cmp -s - "$work/before.sha" || fail "scan changed a file"
[ -z "$(find "$tree" -newer "$work/before.sha")" ] || fail "scan wrote: $(find "$tree" -newer "$work/before.sha")"
run "$TRACKFIX" scan --fix=off --now=$NOW --no-recursive "$tree/ken"
expect_rc 4
expect_out "Scanned 4 items: 2 meeting items, 1 other items skipped, 1 unreadable."
mkdir "$work/healthy"
cp "$tree/olivia/s2-ok.msg" "$tree/ken/Calendar/2007/K3-OK.MSG" "$work/healthy/"
run "$TRACKFIX" scan --fix=off --now=$NOW "$work/healthy"
expect_rc 0
expect_out "$(printf '%-36s %8s %8s %9s  %-20s  %s' TOTAL 2 0 0 - -)"
expect_no_out "Meetings at risk"
expect_no_err
# A progress line on a terminal only (script(1) gives the scan a pty).
run script -qec "'$TRACKFIX' scan --fix=off --now=$NOW '$tree' > /dev/null" /dev/null
expect_out "trackfix: 63 of 63 items, "
expect_out ", done in "
run "$TRACKFIX" scan --fix=off --now=$NOW "$tree"
expect_no_out " of 63 items"
[[ "$err" != *" of 63 items"* ]] || fail "a progress line without a terminal"
run "$TRACKFIX" scan --fix=off "$tree/olivia/garbage.msg"
expect_rc 2
run "$TRACKFIX" scan "$work/text"
expect_rc 2
expect_err "scan: missing a .msg file: the folders given hold none"
run "$TRACKFIX" scan --format=xml "$tree"
expect_rc 2
expect_err "bad value in '--format=xml': expected text, json, csv or html"

finish
