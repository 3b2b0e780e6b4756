#!/usr/bin/python3
"""Reads .eml files that trackfix convert wrote with Python's email package
and Debian's python3-icalendar, independently of libical, and checks the
iMIP part.

  icalcheck.py FILE.eml METHOD ATTENDEE REPLYTIME [FILE.eml METHOD ...]
      METHOD: REQUEST or CANCEL; ATTENDEE: an address that must be an
      ATTENDEE; REPLYTIME: its X-REPLYTIME, or - for none.
      Several files, four arguments each, in one run.
Prints what it found; exits 1 on any mismatch.
"""
import email
import email.policy
import sys

import icalendar


def main(path, method, attendee, replytime):
    problems = []
    message = email.message_from_binary_file(open(path, "rb"), policy=email.policy.default)
    if message["Content-Class"] != "urn:content-classes:calendarmessage":
        problems.append("Content-Class %r" % message["Content-Class"])
    parts = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    if len(parts) != 1:
        sys.exit("%s: %d text/calendar parts" % (path, len(parts)))
    part = parts[0]
    if part.get_param("method") != method:
        problems.append("Content-Type method=%r" % part.get_param("method"))
    calendar = icalendar.Calendar.from_ical(part.get_content())
    if str(calendar.get("METHOD")) != method:
        problems.append("METHOD %r" % calendar.get("METHOD"))
    events = list(calendar.walk("VEVENT"))
    if len(events) != 1:
        sys.exit("%s: %d VEVENTs" % (path, len(events)))
    event = events[0]
    for name in ("UID", "SEQUENCE", "DTSTAMP", "DTSTART", "DTEND", "SUMMARY", "ORGANIZER",
                 "X-MICROSOFT-CDO-APPT-SEQUENCE"):
        if name not in event:
            problems.append("no " + name)
    if method == "CANCEL" and str(event.get("STATUS")) != "CANCELLED":
        problems.append("STATUS %r" % event.get("STATUS"))
    attendees = event.get("ATTENDEE")
    attendees = attendees if isinstance(attendees, list) else [attendees] if attendees else []
    found = [a for a in attendees if str(a).lower() == "mailto:" + attendee.lower()]
    if not found:
        problems.append("no ATTENDEE mailto:%s among %s" % (attendee, [str(a) for a in attendees]))
    else:
        got = found[0].params.get("X-REPLYTIME", "-")
        if got != replytime:
            problems.append("X-REPLYTIME %r, expected %r" % (got, replytime))
    organizer = str(event.get("ORGANIZER", ""))
    if any(str(a) == organizer for a in attendees):
        problems.append("the organizer is also an ATTENDEE")
    for p in problems:
        print("FAIL: %s: %s" % (path, p))
    print("%s: %s, UID %s, %d attendee(s)" % (path, method, event.get("UID"), len(attendees)))
    return 1 if problems else 0


if __name__ == "__main__":
    args = sys.argv[1:]
    if not args or len(args) % 4:
        sys.exit(__doc__)
    sys.exit(max(main(*args[i:i + 4]) for i in range(0, len(args), 4)))
