#!/usr/bin/python3
"""Conformance of what trackfix writes, judged by independent readers.

  conform.py FILE...

A .json or .jsonl FILE: every line a JSON value (Python's json, strict).
Any other FILE is a mail message, checked with:
  - its bytes: CRLF line ends only, no line over 998 octets (RFC 5322
    2.1.1), header lines at most 78, 8-bit bytes only in a part whose
    Content-Transfer-Encoding says 8bit, headers in ASCII;
  - Python's email package with the strict policy: no defect anywhere,
    every header parses;
  - each text/calendar part: python3-icalendar and python3-vobject parse
    it, libical (ICalGLib through python3-gi) parses it with no
    X-LIC-ERROR (but for the empty SUMMARY, LOCATION and CLASS values CDO
    writes) and passes restriction_check for its METHOD, METHOD is the
    Content-Type's method parameter, and every ORGANIZER and ATTENDEE is
    mailto: and one RFC 5321 mailbox;
  - a multipart/report: flufl.bounce finds exactly the recipients its
    delivery-status part says failed (permanent) and delayed (temporary).
Prints one line per problem and "N files conform" at the end; exits 1 if
there was a problem.
"""
import email
import email.policy
import json
import os
import re
import sys
import warnings

warnings.filterwarnings("ignore")
import gi  # noqa: E402

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402
import icalendar  # noqa: E402
import vobject  # noqa: E402
from flufl.bounce import all_failures  # noqa: E402

problems = []
# RFC 5321 4.1.2 Mailbox: a Dot-string or a Quoted-string, '@', LDH labels
# or an address literal
MAILBOX = re.compile(r'(?:[A-Za-z0-9!#$%&\'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&\'*+/=?^_`{|}~-]+)*|"(?:[ !#-\[\]-~]|\\[ -~])*")'
                     r'@(?:[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*|\[[!-Z^-~]+\])')


def problem(path, text):
    problems.append("%s: %s" % (path, text))


def check_bytes(path, data):
    if b"\r" in data.replace(b"\r\n", b""):
        problem(path, "a CR without LF")
    if b"\n" in data.replace(b"\r\n", b""):
        problem(path, "a bare LF line end")
    head, _, _ = data.partition(b"\r\n\r\n")
    for number, line in enumerate(data.split(b"\r\n"), 1):
        if len(line) > 998:
            problem(path, "line %d: %d octets, over RFC 5322's 998" % (number, len(line)))
    for number, line in enumerate(head.split(b"\r\n"), 1):
        if len(line) > 78:
            problem(path, "header line %d: %d characters, over 78" % (number, len(line)))
        if any(b > 0x7E for b in line):
            problem(path, "header line %d is not ASCII" % number)


def cdo_readable(text):
    """TEXT (a calendar) as libical 3.0 reads it whole.  RFC 5546 3.2
    requires SUMMARY in a REQUEST or CANCEL and lets it be null, and CDO
    writes LOCATION: empty and CLASS: empty for a normal item
    (hotfix/DESIGN.md 4): libical's parser drops such a property as an
    error.  These empty values, and only these, are read back as present."""
    for name, value in (("SUMMARY", "-"), ("LOCATION", "-"), ("CLASS", "PUBLIC")):
        text = text.replace("\r\n%s:\r\n" % name, "\r\n%s:%s\r\n" % (name, value))
    return text


def check_calendar(path, part):
    text = part.get_payload(decode=True)
    method = (part.get_param("method") or "").upper()
    try:
        icalendar.Calendar.from_ical(text)
    except Exception as e:  # noqa: BLE001 - any refusal is the finding
        problem(path, "python3-icalendar refuses the calendar: %s" % e)
    try:
        vobject.readOne(text.decode("utf-8"))
    except Exception as e:  # noqa: BLE001
        problem(path, "python3-vobject refuses the calendar: %s" % e)
    component = ICalGLib.Component.new_from_string(text.decode("utf-8"))
    if component is None:
        problem(path, "libical cannot parse the calendar")
        return
    if b"\r\nSUMMARY:\r\n" in text or b"\r\nLOCATION:\r\n" in text or b"\r\nCLASS:\r\n" in text:
        component = ICalGLib.Component.new_from_string(cdo_readable(text.decode("utf-8")))
    if component.count_errors():
        errors = []
        for kind in (ICalGLib.ComponentKind.VCALENDAR_COMPONENT, ICalGLib.ComponentKind.VEVENT_COMPONENT):
            sub = component if component.isa() == kind else component.get_first_component(kind)
            prop = sub.get_first_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY) if sub else None
            while prop is not None:
                errors.append(prop.get_xlicerror())
                prop = sub.get_next_property(ICalGLib.PropertyKind.XLICERROR_PROPERTY)
        problem(path, "libical reports %d error(s): %s" % (component.count_errors(), "; ".join(errors)))
    if not ICalGLib.restriction_check(component):
        problem(path, "libical's restriction_check fails for METHOD %s" % method)
    # every ORGANIZER and ATTENDEE is a mailto: of one RFC 5321 mailbox
    # (python3-icalendar's reading, the way a client takes the address)
    for event in icalendar.Calendar.from_ical(cdo_readable(text.decode("utf-8"))).walk("VEVENT"):
        for name in ("ORGANIZER", "ATTENDEE"):
            values = event.get(name)
            for value in values if isinstance(values, list) else [values] if values else []:
                address = str(value)
                if not address.lower().startswith("mailto:") or not MAILBOX.fullmatch(address[7:]):
                    problem(path, "%s %r is not mailto: and one mailbox" % (name, address))
    found = component.get_first_property(ICalGLib.PropertyKind.METHOD_PROPERTY)
    ical_method = found.get_value_as_string().upper() if found else ""
    if ical_method != method:
        problem(path, "METHOD:%s but Content-Type method=%s" % (ical_method, method))


def check_report(path, message):
    parts = message.get_payload()
    status = parts[1].get_payload() if len(parts) > 1 else []
    failed = {r["Final-Recipient"].split(";", 1)[1].strip().lower().encode() for r in status[1:]
              if r["Action"] == "failed"}
    delayed = {r["Final-Recipient"].split(";", 1)[1].strip().lower().encode() for r in status[1:]
               if r["Action"] == "delayed"}
    temporary, permanent = all_failures(email.message_from_bytes(message.as_bytes()))
    permanent = {a.lower() for a in permanent}
    temporary = {a.lower() for a in temporary}
    if permanent != failed:
        problem(path, "flufl.bounce finds %s failed, the report says %s" % (sorted(permanent), sorted(failed)))
    if temporary != delayed:
        problem(path, "flufl.bounce finds %s delayed, the report says %s" % (sorted(temporary), sorted(delayed)))
    if not failed and not delayed:
        problem(path, "a report about no recipient")


def check_mail(path):
    data = open(path, "rb").read()
    check_bytes(path, data)
    try:
        message = email.message_from_bytes(data, policy=email.policy.strict)
        for part in message.walk():
            for name, value in part.items():
                str(value)
                for defect in getattr(value, "defects", ()):
                    problem(path, "header %s: %s" % (name, defect))
            for defect in part.defects:
                problem(path, "%s part: %s" % (part.get_content_type(), defect))
    except Exception as e:  # noqa: BLE001 - the strict policy raises on a defect
        problem(path, "Python's email (strict) refuses it: %s" % e)
        return
    for part in message.walk():
        if part.is_multipart():
            continue
        raw = part.get_payload(decode=False)
        encoding = (part.get("Content-Transfer-Encoding") or "7bit").lower()
        if isinstance(raw, str) and any(ord(c) > 0x7E for c in raw) and encoding not in ("8bit", "binary"):
            problem(path, "8-bit text in a %s part labelled %s" % (part.get_content_type(), encoding))
        if part.get_content_type() == "text/calendar":
            check_calendar(path, part)
    if message.get_content_type() == "multipart/report":
        check_report(path, email.message_from_bytes(data))


def check_json(path):
    for number, line in enumerate(open(path, encoding="utf-8"), 1):
        if not line.strip():
            continue
        try:
            json.loads(line)
        except ValueError as e:
            problem(path, "line %d is not JSON: %s" % (number, e))


def main(paths):
    for path in paths:
        if os.path.splitext(path)[1] in (".json", ".jsonl"):
            check_json(path)
        else:
            check_mail(path)
    for line in problems:
        print(line)
    print("%d files conform" % (len(paths) - len({p.split(": ", 1)[0] for p in problems})))
    return 1 if problems else 0


if __name__ == "__main__":
    if len(sys.argv) < 2:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1:]))
