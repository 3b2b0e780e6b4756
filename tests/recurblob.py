"""Recurring meetings for the tests, written as `trackfix msg new` text.

Builds PidLidAppointmentRecur (MS-OXOCAL 2.2.1.44) and
PidLidAppointmentTimeZoneDefinitionRecur / PidLidTimeZoneStruct (2.2.1.41,
2.2.1.39) byte by byte from the specification, independently of the C
reader, and prints each case's .msg text and its expected instances.

usage: recurblob.py DIR   writes DIR/NAME.txt and DIR/NAME.expected per case
"""
import datetime
import hashlib
import struct
import sys

EPOCH = datetime.datetime(1601, 1, 1)
DAY = 1440


def minutes(dt):
    """Local minutes since 1601-01-01 of a naive datetime."""
    return int((dt - EPOCH).total_seconds() // 60)


def days_bits(*names):
    order = ["SU", "MO", "TU", "WE", "TH", "FR", "SA"]
    return sum(1 << order.index(n) for n in names)


def pattern(freq, ptype, period, specific, end_type, count, first_dow, start, end,
            start_offset, end_offset, deleted=(), exceptions=()):
    """An AppointmentRecurrencePattern. EXCEPTIONS: dicts with start, end,
    original (naive datetimes) and optional subject, location; their
    original dates are added to the deleted ones, their own dates to the
    modified ones."""
    deleted = sorted({minutes(d) for d in deleted} | {minutes(e["original"].replace(hour=0, minute=0)) for e in exceptions})
    modified = sorted({minutes(e["start"].replace(hour=0, minute=0)) for e in exceptions})
    out = struct.pack("<HHHHHIII", 0x3004, 0x3004, freq, ptype, 0, 0, period, 0)
    out += b"".join(struct.pack("<I", v) for v in specific)
    out += struct.pack("<IIII", end_type, count, first_dow, len(deleted))
    out += b"".join(struct.pack("<I", d) for d in deleted)
    out += struct.pack("<I", len(modified)) + b"".join(struct.pack("<I", d) for d in modified)
    out += struct.pack("<II", minutes(start), minutes(end))
    out += struct.pack("<IIIIH", 0x3006, 0x3009, start_offset, end_offset, len(exceptions))
    for e in exceptions:
        flags = (0x0001 if "subject" in e else 0) | (0x0010 if "location" in e else 0)
        out += struct.pack("<IIIH", minutes(e["start"]), minutes(e["end"]), minutes(e["original"]), flags)
        for key in ("subject", "location"):
            if key in e:
                ansi = e[key].encode("cp1252", "replace")
                out += struct.pack("<HH", len(ansi) + 1, len(ansi)) + ansi
    out += struct.pack("<I", 0)  # ReservedBlock1
    for e in exceptions:
        out += struct.pack("<II", 4, 0) + struct.pack("<I", 0)  # ChangeHighlight, EE1
        if "subject" in e or "location" in e:
            out += struct.pack("<III", minutes(e["start"]), minutes(e["end"]), minutes(e["original"]))
            for key in ("subject", "location"):
                if key in e:
                    wide = e[key].encode("utf-16-le")
                    out += struct.pack("<H", len(wide) // 2) + wide
            out += struct.pack("<I", 0)  # EE2
    out += struct.pack("<I", 0)  # ReservedBlock2
    return out


def systemtime(month=0, dow=0, week=0, hour=0):
    return struct.pack("<8H", 0, month, dow, week, hour, 0, 0, 0)


def tzreg(bias, std_bias, dst_bias, std, dst):
    return struct.pack("<iii", bias, std_bias, dst_bias) + std + dst


def tzdefinition(name, reg):
    key = name.encode("utf-16-le")
    header = struct.pack("<HH", 0x0002, len(name)) + key + struct.pack("<H", 1)
    rule = struct.pack("<H", 0x0003) + struct.pack("<8H", 1601, 0, 0, 0, 0, 0, 0, 0) + reg
    return bytes([2, 1]) + struct.pack("<H", len(header)) + header + bytes([2, 1]) + struct.pack("<H", 0x3E) + rule


def tzstruct(bias, std_bias, dst_bias, std, dst):
    return struct.pack("<iiiH", bias, std_bias, dst_bias, 0) + std + struct.pack("<H", 0) + dst


PACIFIC = tzreg(480, 0, -60, systemtime(11, 0, 1, 2), systemtime(3, 0, 2, 2))
EASTERN = tzreg(300, 0, -60, systemtime(11, 0, 1, 2), systemtime(3, 0, 2, 2))
TOKYO = tzreg(-540, 0, -60, systemtime(), systemtime())
D = datetime.datetime


def case(start, hours, freq, ptype, period, specific, end_type, count, end=None, first_dow=0, **extra):
    return dict(start=start, hours=hours, freq=freq, ptype=ptype, period=period, specific=specific,
                end_type=end_type, count=count, end=end or start, first_dow=first_dow, **extra)


# name: the pattern, and the instances worked out by hand (local time;
# "start end [replaces original]")
CASES = {
    "daily-2-days-count": (case(D(2024, 3, 8, 9), 1, 0x200A, 0, 2 * DAY, [], 0x2022, 5),
                           ["2024-03-08T09:00", "2024-03-10T09:00", "2024-03-12T09:00", "2024-03-14T09:00",
                            "2024-03-16T09:00"]),
    "weekly-mo-we-fr-every-2-until": (
        case(D(2024, 3, 4, 9), 1, 0x200B, 1, 2, [days_bits("MO", "WE", "FR")], 0x2021, 9, end=D(2024, 4, 5),
             first_dow=1, deleted=[D(2024, 3, 20)],
             exceptions=[dict(start=D(2024, 3, 7, 10), end=D(2024, 3, 7, 11), original=D(2024, 3, 6, 9),
                              subject="Moved to Thursday", location="Room 2")]),
        ["2024-03-04T09:00", "2024-03-07T10:00 replaces 2024-03-06T09:00", "2024-03-08T09:00",
         "2024-03-18T09:00", "2024-03-22T09:00", "2024-04-01T09:00", "2024-04-03T09:00",
         "2024-04-05T09:00"]),
    "monthly-day-31": (case(D(2024, 1, 31, 9), 1, 0x200C, 2, 1, [31], 0x2022, 6),
                       ["2024-01-31T09:00", "2024-02-29T09:00", "2024-03-31T09:00", "2024-04-30T09:00",
                        "2024-05-31T09:00", "2024-06-30T09:00"]),
    "monthly-day-30": (case(D(2024, 1, 30, 9), 1, 0x200C, 2, 1, [30], 0x2022, 3),
                       ["2024-01-30T09:00", "2024-02-29T09:00", "2024-03-30T09:00"]),
    "monthnth-second-tuesday": (case(D(2024, 1, 9, 15), 1, 0x200C, 3, 1, [days_bits("TU"), 2], 0x2022, 4),
                                ["2024-01-09T15:00", "2024-02-13T15:00", "2024-03-12T15:00", "2024-04-09T15:00"]),
    "monthnth-last-weekday": (case(D(2024, 1, 31, 15), 1, 0x200C, 3, 1,
                                   [days_bits("MO", "TU", "WE", "TH", "FR"), 5], 0x2022, 3),
                              ["2024-01-31T15:00", "2024-02-29T15:00", "2024-03-29T15:00"]),
    "yearly-feb-29": (case(D(2024, 2, 29, 8), 1, 0x200D, 2, 12, [29], 0x2022, 3),
                      ["2024-02-29T08:00", "2025-02-28T08:00", "2026-02-28T08:00"]),
    "yearlynth-third-sunday-june": (case(D(2024, 6, 16, 8), 1, 0x200D, 3, 12, [days_bits("SU"), 3], 0x2022, 3),
                                    ["2024-06-16T08:00", "2025-06-15T08:00", "2026-06-21T08:00"]),
    "monthend-every-2": (case(D(2024, 1, 31, 17), 1, 0x200C, 4, 2, [31], 0x2022, 3),
                         ["2024-01-31T17:00", "2024-03-31T17:00", "2024-05-31T17:00"]),
    "weekly-no-end": (case(D(2024, 1, 4, 9), 1, 0x200B, 1, 1, [days_bits("TH")], 0x2023, 10), None),
    "tokyo-until-last-instance": (case(D(2023, 1, 6, 12), 1, 0x200B, 1, 1, [days_bits("FR")], 0x2021, 4,
                                       end=D(2023, 1, 27), zone=("Tokyo Standard Time", TOKYO)),
                                  ["2023-01-06T12:00", "2023-01-13T12:00", "2023-01-20T12:00", "2023-01-27T12:00"]),
    "eastern-tzstruct-only": (case(D(2024, 3, 9, 23), 2, 0x200A, 0, DAY, [], 0x2022, 3, zone=("struct", EASTERN)),
                              ["2024-03-09T23:00", "2024-03-10T23:00", "2024-03-11T23:00"]),
}


def msg_text(name, c):
    start = c["start"]
    midnight = start.replace(hour=0, minute=0)
    offset = start.hour * 60 + start.minute
    blob = pattern(c["freq"], c["ptype"], c["period"], c["specific"], c["end_type"], c["count"], c["first_dow"],
                   midnight, c["end"].replace(hour=0, minute=0), offset, offset + c["hours"] * 60,
                   c.get("deleted", ()), c.get("exceptions", ()))
    zone_name, reg = c.get("zone", ("Pacific Standard Time", PACIFIC))
    lines = [
        "[message]",
        'PR_MESSAGE_CLASS = "IPM.Schedule.Meeting.Request"',
        f'PR_SUBJECT = "Series {name}"',
        # class id, no instance date, no creation time, reserved, 16 bytes of data
        "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e008" + "00" * 4 + "00" * 8 + "00" * 8 + "10000000"
        + hashlib.md5(name.encode()).hexdigest(),
        # the first instance in UTC is not what the series is written from
        "PidLidAppointmentStartWhole = " + start.strftime("%Y-%m-%dT%H:%M:00Z"),
        "PidLidAppointmentEndWhole = " + (start + datetime.timedelta(hours=c["hours"])).strftime("%Y-%m-%dT%H:%M:00Z"),
        "PidLidRecurring = true",
        "PidLidAppointmentRecur = " + blob.hex(),
    ]
    if zone_name == "struct":
        lines.append("PidLidTimeZoneStruct = " + tzstruct(*struct.unpack("<iii", reg[:12]), reg[12:28], reg[28:]).hex())
        lines.append('PidLidTimeZoneDescription = "(UTC-05:00) Eastern Time (US & Canada)"')
    else:
        lines.append("PidLidAppointmentTimeZoneDefinitionRecur = " + tzdefinition(zone_name, reg).hex())
    lines += [
        "[recipient]",
        'PR_DISPLAY_NAME = "Olivia Organizer"',
        'PR_ADDRTYPE = "EX"',
        'PR_EMAIL_ADDRESS = "/o=Contoso/ou=First Administrative Group/cn=Recipients/cn=olivia"',
        'PR_SMTP_ADDRESS = "olivia@contoso.example"',
        "PR_RECIPIENT_TYPE = 1",
        "PR_RECIPIENT_FLAGS = 3",
        "[recipient]",
        'PR_DISPLAY_NAME = "Adam Attendee"',
        'PR_ADDRTYPE = "SMTP"',
        'PR_EMAIL_ADDRESS = "adam@fabrikam.example"',
        "PR_RECIPIENT_TYPE = 1",
        "PR_RECIPIENT_FLAGS = 1",
        "PR_RECIPIENT_TRACKSTATUS = 3",
        "PR_RECIPIENT_TRACKSTATUS_TIME = 1601-01-01T00:00:00Z",
    ]
    return "\n".join(lines) + "\n"


def main(folder):
    for name, (c, expected) in CASES.items():
        with open(f"{folder}/{name}.txt", "w") as f:
            f.write(msg_text(name, c))
        if expected is not None:
            with open(f"{folder}/{name}.expected", "w") as f:
                f.write("\n".join(expected) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
