#!/usr/bin/python3
"""The field-escape oracle of tests/e2e_inject.sh: for each meeting of
injectfields.py's manifest, what `trackfix convert` did must be one of
  - a refusal whose words name the field (its property name);
  - an output in which Python's email (strict policy) finds exactly the
    headers trackfix writes, each once, and in each part exactly the part
    headers trackfix writes; and python3-icalendar finds exactly the
    components and properties trackfix writes: METHOD, PRODID and VERSION
    in the VCALENDAR, one VEVENT with only CDO's properties, each once but
    ATTENDEE, and one ATTENDEE per attendee row (here 1); no value of
    'evil@attacker.example' anywhere but inside a property's own value.

  injectcheck.py MANIFEST CONVERT_OUTPUT EML_DIR

CONVERT_OUTPUT is what convert printed (one line per meeting).  Prints a
line per problem, then "N meetings: C converted, R refused, all contained";
exit 1 on any problem.
"""
import email
import email.policy
import re
import sys

import icalendar

HEADERS = {"X-MimeOLE", "Content-class", "MIME-Version", "Content-Type", "Subject", "Date", "Message-ID",
           "X-MS-Has-Attach", "X-MS-TNEF-Correlator", "Thread-Topic", "Thread-Index", "From", "To", "Cc"}
PART_HEADERS = {"text/plain": ["Content-Type", "Content-Transfer-Encoding"],
                "text/calendar": ["Content-class", "Content-Type", "Content-Transfer-Encoding"]}
EVENT = {"DTSTAMP", "DTSTART", "SUMMARY", "UID", "ATTENDEE", "ORGANIZER", "LOCATION", "DTEND", "DESCRIPTION",
         "SEQUENCE", "PRIORITY", "CLASS", "CREATED", "LAST-MODIFIED", "STATUS", "TRANSP",
         "X-MICROSOFT-CDO-BUSYSTATUS", "X-MICROSOFT-CDO-INSTTYPE", "X-MICROSOFT-CDO-INTENDEDSTATUS",
         "X-MICROSOFT-CDO-ALLDAYEVENT", "X-MICROSOFT-CDO-IMPORTANCE", "X-MICROSOFT-CDO-OWNERAPPTID",
         "X-MICROSOFT-CDO-APPT-SEQUENCE", "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE",
         "X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE"}
# the words a refusal uses for a field, where it is not the property's name
FIELD_WORDS = {"PR_MESSAGE_CLASS": "message class"}

problems = []


def problem(name, text):
    problems.append("%s: %s" % (name, text))


def check_output(name, path):
    data = open(path, "rb").read()
    try:
        message = email.message_from_bytes(data, policy=email.policy.strict)
    except Exception as e:  # noqa: BLE001 - the strict policy raises on a defect
        problem(name, "Python's email (strict) refuses it: %s" % e)
        return
    names = [n for n, _ in message.items()]
    for extra in set(names) - HEADERS:
        problem(name, "a header trackfix does not write: %s" % extra)
    for twice in {n for n in names if names.count(n) > 1}:
        problem(name, "header %s twice" % twice)
    leaves = [p for p in message.walk() if not p.is_multipart()]
    if [p.get_content_type() for p in leaves] != ["text/plain", "text/calendar"]:
        problem(name, "parts %s" % [p.get_content_type() for p in leaves])
        return
    for part in leaves:
        got = [n for n, _ in part.items()]
        if got != PART_HEADERS[part.get_content_type()]:
            problem(name, "%s part headers %s" % (part.get_content_type(), got))
    raw = leaves[1].get_payload(decode=True)
    calendar = icalendar.Calendar.from_ical(raw)
    if sorted(calendar.keys()) != ["METHOD", "PRODID", "VERSION"]:
        problem(name, "VCALENDAR properties %s" % sorted(calendar.keys()))
    components = [c.name for c in calendar.subcomponents]
    if components != ["VEVENT"]:
        problem(name, "components %s" % components)
        return
    event = calendar.subcomponents[0]
    if event.subcomponents:
        problem(name, "VEVENT holds %s" % [c.name for c in event.subcomponents])
    for prop in event.keys():
        if prop not in EVENT:
            problem(name, "a property trackfix does not write: %s" % prop)
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees] if attendees else []
    if len(attendees) != 1:
        problem(name, "%d ATTENDEEs for 1 attendee row" % len(attendees))
    # an injected line would be a line of its own in the header or the
    # calendar (the plain body's lines are the body's own): unfolded, no
    # line there may begin with what a payload carried
    head = data.split(b"\r\n\r\n", 1)[0]
    for line in re.sub(rb"\r\n[ \t]", b"", head + b"\r\n" + raw).split(b"\r\n"):
        if re.match(rb"(?i)(bcc|x-injected|attendee:mailto:evil|method:cancel)", line):
            problem(name, "an injected line: %r" % line[:80])


def main(manifest_path, output_path, eml_dir):
    manifest = [line.rstrip("\n").split("\t") for line in open(manifest_path) if line.strip()]
    outcome = {}
    for line in open(output_path, encoding="utf-8", errors="replace"):
        m = re.match(r"(converted|failed) (\S*/)?([^/\s]+)\.msg", line)
        if m:
            outcome[m.group(3)] = (m.group(1), line.rstrip("\n"))
    converted = refused = 0
    for name, field, kind in manifest:
        if name not in outcome:
            problem(name, "convert said nothing of it")
            continue
        what, line = outcome[name]
        if what == "failed":
            refused += 1
            words = FIELD_WORDS.get(field, field)
            if words not in line:
                problem(name, "refused without naming %s: %s" % (field, line))
            if re.search(r"[\r\x00]", line):
                problem(name, "the refusal holds a control character")
        else:
            converted += 1
            try:
                check_output(name, "%s/%s.eml" % (eml_dir, name))
            except Exception as e:  # noqa: BLE001 - a reader's refusal is the finding
                problem(name, "a reader refuses the output: %s" % e)
    for line in problems:
        print(line)
    print("%d meetings: %d converted, %d refused, %s" % (len(manifest), converted, refused,
                                                         "problems" if problems else "all contained"))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) != 4:
        sys.exit(__doc__)
    sys.exit(main(*sys.argv[1:]))
