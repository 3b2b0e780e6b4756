#!/usr/bin/python3
"""Checks that what trackfix convert wrote has the form Exchange 2003's CDO
writes (hotfix/DESIGN.md 4), with readers that are not trackfix's: Python's
email package (strict policy) for the message, the raw lines of the
text/calendar part for the order of properties and parameters and for the
empty values CDO writes (CLASS:, LOCATION:), and python3-icalendar for
what the calendar says.

  cdoform.py FILE.eml...

For each file:
  - the headers, in Exchange 2003's order: X-MimeOLE, Content-class,
    MIME-Version, Content-Type, Subject, Date, Message-ID, X-MS-Has-Attach
    (empty), X-MS-TNEF-Correlator (empty), Thread-Topic, Thread-Index,
    From, To, Cc (the optional ones may be absent, none may move);
  - the calendar: BEGIN:VCALENDAR, METHOD, PRODID:Microsoft CDO for
    Microsoft Exchange, VERSION:2.0; a VTIMEZONE (when there is one) with
    TZID then X-MICROSOFT-CDO-TZID, STANDARD then DAYLIGHT, each with
    DTSTART on 16010101; every VEVENT's properties in CDO's order, the
    mandatory ones present, CLASS written even when empty; every
    ATTENDEE's parameters in the order CUTYPE, ROLE, PARTSTAT,
    X-REPLYTIME, RSVP, CN, CN quoted, the value MAILTO:; no line over 75
    octets; and python3-icalendar finds as many ATTENDEEs as the raw text.
Prints one line per problem and "N files have CDO's form"; exits 1 on any.
"""
import email
import email.policy
import re
import sys

import icalendar

HEADERS = ["X-MimeOLE", "Content-class", "MIME-Version", "Content-Type", "Subject", "Date", "Message-ID",
           "X-MS-Has-Attach", "X-MS-TNEF-Correlator", "Thread-Topic", "Thread-Index", "From", "To", "Cc"]
HEADERS_REQUIRED = {"X-MimeOLE", "Content-class", "MIME-Version", "Content-Type", "Date", "Message-ID",
                    "X-MS-Has-Attach", "X-MS-TNEF-Correlator", "Thread-Index", "From"}
EVENT = ["DTSTAMP", "DTSTART", "SUMMARY", "UID", "ATTENDEE", "ORGANIZER", "LOCATION", "DTEND", "RECURRENCE-ID",
         "RRULE", "EXDATE", "DESCRIPTION", "SEQUENCE", "PRIORITY", "CLASS", "CREATED", "LAST-MODIFIED", "STATUS",
         "TRANSP", "X-MICROSOFT-CDO-BUSYSTATUS", "X-MICROSOFT-CDO-INSTTYPE", "X-MICROSOFT-CDO-INTENDEDSTATUS",
         "X-MICROSOFT-CDO-ALLDAYEVENT", "X-MICROSOFT-CDO-IMPORTANCE", "X-MICROSOFT-CDO-OWNERAPPTID",
         "X-MICROSOFT-CDO-APPT-SEQUENCE", "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE",
         "X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE", "BEGIN:VALARM"]
EVENT_REQUIRED = {"DTSTAMP", "DTSTART", "SUMMARY", "UID", "ORGANIZER", "LOCATION", "DTEND", "DESCRIPTION",
                  "SEQUENCE", "PRIORITY", "CLASS", "STATUS", "TRANSP", "X-MICROSOFT-CDO-BUSYSTATUS",
                  "X-MICROSOFT-CDO-INSTTYPE", "X-MICROSOFT-CDO-INTENDEDSTATUS", "X-MICROSOFT-CDO-ALLDAYEVENT",
                  "X-MICROSOFT-CDO-IMPORTANCE", "X-MICROSOFT-CDO-APPT-SEQUENCE"}
ATTENDEE_PARAMS = ["CUTYPE", "ROLE", "PARTSTAT", "X-REPLYTIME", "RSVP", "CN"]

problems = []


def problem(path, text):
    problems.append("%s: %s" % (path, text))


def in_order(names, order):
    """Whether NAMES (repeats allowed) follow ORDER, and the first that does not."""
    position = 0
    for name in names:
        if name not in order:
            return name
        if order.index(name) < position:
            return name
        position = order.index(name)
    return None


def property_name(line):
    return re.match(r"[A-Za-z0-9-]+", line).group(0).upper()


def parameters(line):
    """The parameter names of a content line, in order, and the value."""
    names, i, quoted = [], len(property_name(line)), False
    rest = line[i:]
    value_at = None
    for j, c in enumerate(rest):
        if c == '"':
            quoted = not quoted
        elif not quoted and c == ";":
            names.append(re.match(r"[A-Za-z0-9-]+", rest[j + 1:]).group(0).upper())
        elif not quoted and c == ":":
            value_at = j + 1
            break
    return names, rest[value_at:] if value_at is not None else ""


def check_headers(path, message):
    names = [name for name, _ in message.items()]
    for name in HEADERS_REQUIRED - set(names):
        problem(path, "no %s header" % name)
    wrong = in_order(names, HEADERS)
    if wrong:
        problem(path, "header %s out of Exchange 2003's order: %s" % (wrong, names))
    for name in ("X-MS-Has-Attach", "X-MS-TNEF-Correlator"):
        if message.get(name, "").strip():
            problem(path, "%s is not empty" % name)
    if message.get("X-MimeOLE") != "Produced By Microsoft Exchange V6.5":
        problem(path, "X-MimeOLE %r" % message.get("X-MimeOLE"))


def check_calendar(path, raw):
    physical = raw.split("\r\n")
    for number, line in enumerate(physical, 1):
        if len(line.encode("utf-8")) > 75:
            problem(path, "calendar line %d: %d octets" % (number, len(line.encode("utf-8"))))
    lines = re.sub(r"\r\n[ \t]", "", raw).split("\r\n")
    lines = [line for line in lines if line]
    head = lines[:4]
    if head != ["BEGIN:VCALENDAR", head[1] if head[1:2] and head[1] in ("METHOD:REQUEST", "METHOD:CANCEL") else "METHOD",
                "PRODID:Microsoft CDO for Microsoft Exchange", "VERSION:2.0"]:
        problem(path, "the calendar does not open as CDO's: %s" % head)
    if "BEGIN:VTIMEZONE" in lines:
        zone = lines[lines.index("BEGIN:VTIMEZONE"):lines.index("END:VTIMEZONE") + 1]
        names = [property_name(line) if not line.startswith(("BEGIN:", "END:")) else line for line in zone]
        expected = ["BEGIN:VTIMEZONE", "TZID"] + (["X-MICROSOFT-CDO-TZID"] if "X-MICROSOFT-CDO-TZID" in names else [])
        for kind in ("STANDARD", "DAYLIGHT"):
            expected += ["BEGIN:" + kind, "DTSTART", "TZOFFSETFROM", "TZOFFSETTO"]
            i = names.index("BEGIN:" + kind) if "BEGIN:" + kind in names else -1
            if i >= 0 and names[i + 4] == "RRULE":
                expected.append("RRULE")
            expected.append("END:" + kind)
        expected.append("END:VTIMEZONE")
        if names != expected:
            problem(path, "VTIMEZONE not in CDO's form: %s" % names)
        for line in zone:
            if line.startswith("DTSTART") and not line.startswith("DTSTART:16010101T"):
                problem(path, "VTIMEZONE %s: not on 1601-01-01" % line)
    events, current = [], None
    for line in lines:
        if line == "BEGIN:VEVENT":
            current = []
        elif line == "END:VEVENT":
            events.append(current)
            current = None
        elif current is not None:
            current.append(line)
    attendees = 0
    for number, event in enumerate(events, 1):
        names, in_alarm = [], False
        for line in event:
            if line == "BEGIN:VALARM":
                names.append(line)
                in_alarm = True
            elif line == "END:VALARM":
                in_alarm = False
            elif not in_alarm:
                names.append(property_name(line))
        wrong = in_order(names, EVENT)
        if wrong:
            problem(path, "VEVENT %d: %s out of CDO's order: %s" % (number, wrong, names))
        for name in EVENT_REQUIRED - set(names):
            problem(path, "VEVENT %d: no %s" % (number, name))
        for line in event:
            name = property_name(line)
            if name in ("ATTENDEE", "ORGANIZER"):
                params, value = parameters(line)
                attendees += name == "ATTENDEE"
                if name == "ATTENDEE" and in_order(params, ATTENDEE_PARAMS):
                    problem(path, "VEVENT %d: ATTENDEE parameters out of CDO's order: %s" % (number, params))
                if not re.search(r';CN="[^"]*"[;:]', line):
                    problem(path, "VEVENT %d: %s's CN is not quoted: %s" % (number, name, line))
                if not value.startswith("MAILTO:"):
                    problem(path, "VEVENT %d: %s value %r is not MAILTO:" % (number, name, value))
    calendar = icalendar.Calendar.from_ical(raw)
    found = 0
    for event in calendar.walk("VEVENT"):
        values = event.get("ATTENDEE")
        found += len(values) if isinstance(values, list) else 1 if values else 0
    if found != attendees:
        problem(path, "python3-icalendar finds %d ATTENDEEs, the raw text has %d" % (found, attendees))


def check(path):
    data = open(path, "rb").read()
    try:
        message = email.message_from_bytes(data, policy=email.policy.strict)
    except Exception as e:  # noqa: BLE001 - the strict policy raises on a defect
        problem(path, "Python's email (strict) refuses it: %s" % e)
        return
    check_headers(path, message)
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    if len(parts) != 1:
        problem(path, "%d text/calendar parts" % len(parts))
        return
    check_calendar(path, parts[0].get_payload(decode=True).decode("utf-8"))


def main(paths):
    for path in paths:
        check(path)
    for line in problems:
        print(line)
    print("%d files have CDO's form" % (len(paths) - len({p.split(": ", 1)[0] for p in problems})))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
