#!/usr/bin/python3
"""Writes one meeting per string field the conversion reads and per hostile
payload, for tests/e2e_inject.sh: the update of tests/data (Olivia's
organizer row, Adam's row) with that one field carrying the payload.

  injectfields.py BASE.txt OUTDIR

Writes OUTDIR/NAME.txt for each and OUTDIR/manifest.tsv (name, field,
payload kind).  A payload is added to the field's value (an address stays
an address with something after it): CR, LF, CRLF with a header, NUL,
a double quote, ';', ':', '<>', a 998-byte run, and non-UTF-8 bytes (the
field then written as PT_STRING8, the 8-bit form Outlook also writes).
"""
import re
import sys

base, out = open(sys.argv[1], encoding="utf-8").read(), sys.argv[2]

# (section, property): "message", "organizer" (the first row) or "attendee"
FIELDS = [
    ("message", "PR_SUBJECT"), ("message", "PR_BODY"), ("message", "PidLidLocation"),
    ("message", "PR_SENDER_NAME"), ("message", "PR_SENT_REPRESENTING_NAME"),
    ("message", "PR_SENDER_EMAIL_ADDRESS"), ("message", "PR_SENT_REPRESENTING_EMAIL_ADDRESS"),
    ("message", "PR_CONVERSATION_TOPIC"), ("message", "PR_SUBJECT_PREFIX"),
    ("message", "PR_INTERNET_MESSAGE_ID"), ("message", "PR_MESSAGE_CLASS"),
    ("organizer", "PR_DISPLAY_NAME"), ("organizer", "PR_SMTP_ADDRESS"),
    ("attendee", "PR_DISPLAY_NAME"), ("attendee", "PR_SMTP_ADDRESS"), ("attendee", "PR_EMAIL_ADDRESS"),
    ("attendee", "PR_ADDRTYPE"),
]
# text-form escapes (hotfix/msgtext.c): \r \n \" \xHH
PAYLOADS = [
    ("cr", r"\rX-Injected: cr"),
    ("lf", r"\nX-Injected: lf"),
    ("crlf-header", r"\r\nBcc: evil@attacker.example"),
    ("crlf-ical", r"\r\nATTENDEE:mailto:evil@attacker.example\r\nMETHOD:CANCEL"),
    ("nul", r"\x00X-Injected: nul"),
    ("quote", r"\"; X=\"y"),
    ("semicolon", ";X-INJECTED=1"),
    ("colon", ":X-INJECTED:1"),
    ("angle", "<evil@attacker.example>"),
    ("run998", "x" * 998),
    ("non-utf8", r"\xff\xfe\xc3\x28"),
]


def sections(text):
    """[message, organizer row, attendee row] of the update's text form."""
    parts = text.split("\n[recipient]\n")
    return parts[0], parts[1], parts[2]


def with_payload(section, prop, payload, eight_bit):
    match = re.search(r'^%s = "(.*)"$' % re.escape(prop), section, flags=re.M)
    value = match.group(1) if match else ""
    line = '%s%s = "%s%s"' % (prop, ":PT_STRING8" if eight_bit else "", value, payload)
    if match:
        return section[:match.start()] + line + section[match.end():]
    return section.rstrip("\n") + "\n" + line + "\n"


with open("%s/manifest.tsv" % out, "w") as manifest:
    for scope, prop in FIELDS:
        for kind, payload in PAYLOADS:
            message, organizer, attendee = sections(base)
            eight_bit = kind == "non-utf8"
            if scope == "message":
                message = with_payload(message, prop, payload, eight_bit)
            elif scope == "organizer":
                organizer = with_payload(organizer, prop, payload, eight_bit)
            else:
                attendee = with_payload(attendee, prop, payload, eight_bit)
            name = "%s-%s-%s" % (scope, prop, kind)
            with open("%s/%s.txt" % (out, name), "w", encoding="utf-8") as f:
                f.write("\n[recipient]\n".join((message, organizer, attendee)))
            manifest.write("%s\t%s\t%s\n" % (name, prop, kind))
