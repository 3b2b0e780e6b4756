"""Checks converted recurring meetings against two independent expanders.

usage: expand.py [--conform] SERIES_OUTPUT EML [EXPECTED]...

SERIES_OUTPUT is what `trackfix msg series` printed for the meetings, in
the order of the EML files ("# file:" blocks).  For each EML (a converted
meeting), the instances are expanded from its RRULE, EXDATE and
RECURRENCE-ID events by libical (through python3-gi) and by python-dateutil
(through python3-icalendar, the time zone from the VTIMEZONE by
dateutil.tz.tzical), in the meeting's local time.  Both must equal the
instance list trackfix computed from PidLidAppointmentRecur; when an
EXPECTED file is given after an EML (lines "START [replaces ORIGINAL]",
worked out by hand), it must equal that too.  An endless series is
compared over the instances trackfix listed.  With --conform, every EML
also goes through conform.py's checks, in this process.  Prints "ok EML"
or "FAIL EML: ..." per meeting; exit 1 on any difference or problem.
"""
import datetime
import email
import email.policy
import io
import os
import sys

import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402
import dateutil.rrule  # noqa: E402
import dateutil.tz  # noqa: E402
import icalendar  # noqa: E402

import conform  # noqa: E402

FMT = "%Y-%m-%dT%H:%M"


def calendar_text(path):
    with open(path, "rb") as f:
        message = email.message_from_binary_file(f, policy=email.policy.default)
    for part in message.walk():
        if part.get_content_type() == "text/calendar":
            return part.get_content()
    raise SystemExit(f"{path}: no text/calendar part")


def parse_series_output(text):
    """{file index: [(start, end, original or None)]} from msg series."""
    blocks, current = [], None
    for line in text.splitlines():
        if line.startswith("# file: "):
            current = []
            blocks.append(current)
        elif line.strip() and current is not None:
            words = line.split()
            current.append((words[0], words[1], words[3] if len(words) > 3 and words[2] == "replaces" else None))
    return blocks


def combine(master, exdates, overrides, limit):
    """Instances from the master's (start, end) list, EXDATEs removed and
    RECURRENCE-IDs replaced, sorted by start."""
    out = []
    for start, end in master:
        if start in exdates:
            continue
        if start in overrides:
            o_start, o_end = overrides[start]
            out.append((o_start, o_end, start))
        else:
            out.append((start, end, None))
    return sorted(out)[:limit]


def by_libical(text, limit):
    calendar = ICalGLib.Component.new_from_string(conform.cdo_readable(text.replace("\n", "\r\n").replace("\r\r", "\r")))
    if calendar.count_errors():
        raise SystemExit("libical reports errors in the calendar")
    events, master, exdates, overrides = [], None, set(), {}
    event = calendar.get_first_component(ICalGLib.ComponentKind.VEVENT_COMPONENT)
    while event:
        events.append(event)
        event = calendar.get_next_component(ICalGLib.ComponentKind.VEVENT_COMPONENT)

    def time_of(event, kind):
        prop = event.get_first_property(kind)
        return ICalGLib.Property.get_datetime_with_component(prop, event)

    def local(t):
        return "%04d-%02d-%02dT%02d:%02d" % (t.get_year(), t.get_month(), t.get_day(), t.get_hour(), t.get_minute())

    for event in events:
        if event.get_first_property(ICalGLib.PropertyKind.RECURRENCEID_PROPERTY):
            overrides[local(time_of(event, ICalGLib.PropertyKind.RECURRENCEID_PROPERTY))] = (
                local(time_of(event, ICalGLib.PropertyKind.DTSTART_PROPERTY)),
                local(time_of(event, ICalGLib.PropertyKind.DTEND_PROPERTY)))
        else:
            master = event
    start = time_of(master, ICalGLib.PropertyKind.DTSTART_PROPERTY)
    end = time_of(master, ICalGLib.PropertyKind.DTEND_PROPERTY)
    duration = end.as_timet() - start.as_timet()
    prop = master.get_first_property(ICalGLib.PropertyKind.EXDATE_PROPERTY)
    while prop:
        exdates.add(local(ICalGLib.Property.get_datetime_with_component(prop, master)))
        prop = master.get_next_property(ICalGLib.PropertyKind.EXDATE_PROPERTY)
    rule = master.get_first_property(ICalGLib.PropertyKind.RRULE_PROPERTY).get_rrule()
    iterator = ICalGLib.RecurIterator.new(rule, start)
    instances = []
    while len(instances) < limit + len(exdates) + len(overrides):
        t = iterator.next()
        if t.is_null_time():
            break
        finish = t.clone()
        finish.adjust(0, 0, 0, duration)
        instances.append((local(t), local(finish)))
    return combine(instances, exdates, overrides, limit)


def by_dateutil(text, limit):
    calendar = icalendar.Calendar.from_ical(text)
    zones = {}
    for zone in calendar.walk("VTIMEZONE"):
        # dateutil's tzical knows no X- property (X-MICROSOFT-CDO-TZID):
        # RFC 5545 3.8.8.2 lets a reader pass over them, as this does
        lines = [line for line in zone.to_ical().decode().splitlines() if not line.startswith("X-")]
        tzical = dateutil.tz.tzical(io.StringIO("\r\n".join(lines) + "\r\n"))
        zones[str(zone["TZID"])] = tzical.get()

    def aware(value, tzid):
        # icalendar may attach a pytz zone of its own for a TZID it knows:
        # the wall time is kept and the zone taken from the VTIMEZONE
        if tzid:
            return value.replace(tzinfo=zones[tzid])
        return value if value.tzinfo else value.replace(tzinfo=dateutil.tz.UTC)

    def prop_time(component, name):
        prop = component[name]
        return aware(prop.dt, prop.params.get("TZID")), prop.params.get("TZID")

    master, overrides, exdates = None, {}, set()
    for event in calendar.walk("VEVENT"):
        if "RECURRENCE-ID" in event:
            rid, _ = prop_time(event, "RECURRENCE-ID")
            start, _ = prop_time(event, "DTSTART")
            end, _ = prop_time(event, "DTEND")
            overrides[rid.strftime(FMT)] = (start.strftime(FMT), end.strftime(FMT))
        else:
            master = event
    start, tzid = prop_time(master, "DTSTART")
    end, _ = prop_time(master, "DTEND")
    tz = zones.get(tzid, dateutil.tz.UTC)
    exdate = master.get("EXDATE")
    for group in (exdate if isinstance(exdate, list) else [exdate] if exdate else []):
        for value in group.dts:
            exdates.add(aware(value.dt, group.params.get("TZID")).astimezone(tz).strftime(FMT))
    rule = master["RRULE"].to_ical().decode()
    instances = []
    for t in dateutil.rrule.rrulestr(rule, dtstart=start):
        if len(instances) >= limit + len(exdates) + len(overrides):
            break
        local_start = t.astimezone(tz)
        # the duration in local wall time: a meeting keeps its clock hours across a DST change
        local_end = (local_start.replace(tzinfo=None) + (end.replace(tzinfo=None) - start.replace(tzinfo=None)))
        instances.append((local_start.strftime(FMT), local_end.strftime(FMT)))
    return combine(instances, exdates, overrides, limit)


def check(eml, expected, ours):
    """The problems of one meeting, as lines."""
    text = calendar_text(eml)
    ours = sorted(ours)
    lines = []
    for name, got in (("libical", by_libical(text, len(ours))), ("dateutil", by_dateutil(text, len(ours)))):
        if got != ours:
            lines.append(f"FAIL {eml}: {name} expands {len(got)} instances, trackfix listed {len(ours)}")
            for a, b in zip(got + [None] * len(ours), ours + [None] * len(got)):
                if a != b:
                    lines.append(f"  first difference: {name} {a}, trackfix {b}")
                    break
    if expected:
        with open(expected) as f:
            hand = [line.strip() for line in f if line.strip()]
        mine = [s + (f" replaces {o}" if o else "") for s, _, o in ours]
        if mine != hand:
            lines.append(f"FAIL {eml}: trackfix's instances differ from the hand-made list {expected}")
            lines.append("  trackfix: " + ", ".join(mine))
            lines.append("  by hand:  " + ", ".join(hand))
    return lines


def main(args):
    conform_too = args[:1] == ["--conform"]
    if conform_too:
        args = args[1:]
    with open(args[0]) as f:
        listed = parse_series_output(f.read())
    pairs, i = [], 1
    while i < len(args):
        expected = args[i + 1] if i + 1 < len(args) and args[i + 1].endswith(".expected") else None
        pairs.append((args[i], expected))
        i += 2 if expected else 1
    if len(pairs) != len(listed):
        raise SystemExit(f"{len(pairs)} meetings but {len(listed)} listings from msg series")
    failed = False
    for (eml, expected), ours in zip(pairs, listed):
        lines = check(eml, expected, ours)
        print("\n".join(lines) if lines else f"ok {eml}: {len(ours)} instances, libical and dateutil agree")
        failed |= bool(lines)
    if conform_too:
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        failed |= conform.main([eml for eml, _ in pairs]) != 0
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main(sys.argv[1:])
