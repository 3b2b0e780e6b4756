#!/usr/bin/python3
"""Compares, for every zone tests/tzcheck.exe printed, the UTC offset that
Windows' own rule gives (SystemTimeToTzSpecificLocalTime) with the one two
independent readers compute from the VTIMEZONE trackfix wrote for it:
libical (through python3-gi's ICalGLib) and dateutil's tzical.

  tzoffsets.py TZCHECK_OUTPUT

Prints one line per zone that differs (its first differing hours) and a
summary; exits 1 when any zone differs or was refused.
"""
import datetime
import io
import sys

import dateutil.tz
import gi

gi.require_version("ICalGLib", "3.0")
from gi.repository import ICalGLib  # noqa: E402


def zones(path):
    """(label, vtimezone text, [(utc datetime, minutes east)]) of each block."""
    label, lines, offsets, state = None, [], [], None
    for line in open(path, encoding="utf-8"):
        line = line.rstrip("\r\n")
        if line.startswith("REFUSED\t"):
            yield line.split("\t")[1], None, line.split("\t", 2)[2]
        elif line.startswith("ZONE\t"):
            label, lines, offsets, state = line[5:], [], [], "vtimezone"
        elif line == "OFFSETS":
            state = "offsets"
        elif line == "END":
            yield label, "\r\n".join(lines) + "\r\n", offsets
        elif state == "vtimezone":
            lines.append(line)
        elif state == "offsets":
            when, minutes = line.split("\t")
            offsets.append((datetime.datetime.strptime(when, "%Y%m%dT%H%M%SZ").replace(tzinfo=datetime.timezone.utc),
                            int(minutes)))


def libical_offset(zone, when):
    t = ICalGLib.Time.new_from_string(when.strftime("%Y%m%dT%H%M%SZ"))
    seconds, _ = zone.get_utc_offset_of_utc_time(t)
    return seconds // 60


def main():
    differing, checked, hours = 0, 0, 0
    for label, vtimezone, offsets in zones(sys.argv[1]):
        if vtimezone is None:
            print("REFUSED %s: %s" % (label, offsets))
            differing += 1
            continue
        component = ICalGLib.Component.new_from_string(vtimezone)
        libical_zone = ICalGLib.Timezone.new()
        libical_zone.set_component(component)
        # dateutil knows no X- property: the CDO zone number says nothing of offsets
        plain = "".join(line for line in vtimezone.splitlines(True) if not line.startswith("X-"))
        dateutil_zone = dateutil.tz.tzical(io.StringIO(plain)).get()
        wrong = []
        for when, windows in offsets:
            by_libical = libical_offset(libical_zone, when)
            by_dateutil = int(when.astimezone(dateutil_zone).utcoffset().total_seconds()) // 60
            if by_libical != windows or by_dateutil != windows:
                wrong.append("%s Windows %+d libical %+d dateutil %+d" % (when.strftime("%Y-%m-%dT%H:%MZ"), windows,
                                                                        by_libical, by_dateutil))
        checked += 1
        hours += len(offsets)
        if wrong:
            differing += 1
            print("DIFFERS %s: %d of %d hours, first %s" % (label, len(wrong), len(offsets), "; ".join(wrong[:3])))
    print("tzoffsets: %d zones, %d hours around their changes: %d zones differ" % (checked, hours, differing))
    return 1 if differing or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
