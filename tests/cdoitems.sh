#!/bin/bash
# Makes the meetings of the CDO-form golden files from real Outlook items
# of tests/corpus (tests/data/README.md): each item's text form (msg dump)
# with the rows and properties that make it the kind of message named, then
# msg new.  Used by tests/e2e_cdoform.sh and scripts/bless-golden.sh, so
# both convert the same meetings.
#
#   cdoitems.sh TRACKFIX OUTDIR    writes OUTDIR/cdo-*.msg (and their .txt)
set -euo pipefail
trackfix=$1 out=$2
top=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
for pair in "single:Appointment sample EST" "update:A schedule" "series:Friday Lunch" \
    "cancel:Lanch time  every friday  in 2023 chgs1"; do
    "$trackfix" msg dump "$top/tests/corpus/msg/${pair#*:}.msg" > "$out/${pair%%:*}.dump"
done
/usr/bin/python3 - "$out" <<'EOF'
import re
import sys

out = sys.argv[1]


def set_prop(text, name, value):
    """TEXT with the message property NAME set to VALUE (added first when absent)."""
    head, sep, rows = text.partition("\n[recipient]")
    line = "%s = %s" % (name, value)
    if re.search(r"^%s = " % re.escape(name), head, flags=re.M):
        head = re.sub(r"^%s = .*$" % re.escape(name), lambda m: line, head, count=1, flags=re.M)
    else:
        head = head.replace("[message]\n", "[message]\n" + line + "\n", 1)
    return head + sep + rows


def row(name, address, kind=1, status=None, time=None):
    lines = ["", "[recipient]", 'PR_DISPLAY_NAME = "%s"' % name, 'PR_ADDRTYPE = "SMTP"',
             'PR_EMAIL_ADDRESS = "%s"' % address, 'PR_SMTP_ADDRESS = "%s"' % address,
             "PR_RECIPIENT_TYPE = %d" % kind, "PR_RECIPIENT_FLAGS = 1"]
    if status is not None:
        lines.append("PR_RECIPIENT_TRACKSTATUS = %d" % status)
    if time:
        lines.append("PR_RECIPIENT_TRACKSTATUS_TIME = %s" % time)
    return "\n".join(lines) + "\n"


def organizer(text):
    text = set_prop(text, "PR_SENDER_NAME", '"UnoKenji"')
    text = set_prop(text, "PR_SENT_REPRESENTING_NAME", '"UnoKenji"')
    return set_prop(text, "PR_SENDER_SMTP_ADDRESS", '"ku@digitaldolphins.onmicrosoft.com"')


def write(name, text):
    with open("%s/cdo-%s.txt" % (out, name), "w", encoding="utf-8") as f:
        f.write(text)


def read(name):
    with open("%s/%s.dump" % (out, name), encoding="utf-8") as f:
        return f.read()


# A single meeting with a time zone (Eastern, TZDEFINITION) and a
# 15-minute reminder, as Outlook saved it; nobody has answered yet.
write("single-tz-reminder", organizer(read("single")) + row("Adam Attendee", "adam@fabrikam.example") +
      row("Bea Optional", "bea@fabrikam.example", 2, 0))

# The update of a meeting (Tokyo) whose attendees replied: Adam with a
# time, Bea from Exchange 2007 without the critical change (1601: the
# KB's case), Carl not yet; high importance, private.
text = organizer(read("update"))
for name, value in (("PR_MESSAGE_CLASS", '"IPM.Schedule.Meeting.Request"'), ("PR_SUBJECT", '"Updated: A schedule"'),
                    ("PR_SUBJECT_PREFIX", '"Updated: "'), ("PidLidAppointmentSequence", "1"),
                    ("PR_IMPORTANCE", "2"), ("PR_SENSITIVITY", "2"),
                    ("PidLidOwnerCriticalChange", "2021-10-14T09:00:00Z"),
                    ("PidLidAttendeeCriticalChange", "2021-10-14T09:00:00Z")):
    text = set_prop(text, name, value)
write("update-replied", text + row("Adam Attendee", "adam@fabrikam.example", 1, 3, "2021-10-13T10:15:00Z") +
      row("Bea Exchange2007", "bea@e2007.example.org", 1, 3, "1601-01-01T00:00:00Z") +
      row("Carl Optional", "carl@fabrikam.example", 2, 5))

# A weekly series (Tokyo) with a deleted and two changed instances.
write("series-exception", read("series") + row("Adam Attendee", "adam@fabrikam.example", 1, 3, "2023-01-05T03:00:00Z"))

# A series to cancel (convert --cancel): the organizer's appointment.
write("cancel", organizer(read("cancel")) + row("Adam Attendee", "adam@fabrikam.example", 1, 3, "2022-12-08T01:00:00Z"))
EOF
rm -f "$out"/*.dump
"$trackfix" msg new "$out"/cdo-*.txt -o "$out" > /dev/null
