#!/usr/bin/python3
"""Reads valgrind memcheck XML files and fails on trackfix's own errors.

  vgcheck.py TOP FILE.xml...

Wine itself (its loader, ntdll, the PE DLLs) gives memcheck thousands of
reports that are not trackfix's; an error counts as trackfix's when it
happened in a source file under TOP/hotfix, TOP/registry or TOP/tests (the
first frame of its stack; for a leak, the first frame past malloc).
Uninitialised-value reports are not counted (see SKIPPED_KINDS).  A file
cut short (a process killed on purpose) counts up to where it ends.  Every such error, and every block definitely lost with such a
frame in its allocation stack, is printed; exit 1 if there was any.
Prints one summary line per file.
"""
import os
import sys
import xml.etree.ElementTree as ET


ALLOCATORS = {"malloc", "calloc", "realloc", "strdup", "strndup", "memalign", "posix_memalign"}
# Memcheck cannot follow definedness through Wine's switches between the
# Unix and PE sides: values a Win32 call hands back (registry data, string
# conversions, file reads) look uninitialised to it, wherever they go next.
# Uninitialised-value reports are therefore left out; invalid reads and
# writes, bad frees, overlaps and definite leaks are reliable (trackfix's
# heap is glibc's malloc, which memcheck sees whole).
SKIPPED_KINDS = ("Uninit", "Leak_PossiblyLost", "Leak_IndirectlyLost", "Leak_StillReachable")


def ours(error, roots):
    """The frame of trackfix's code where ERROR happened: the first frame
    of its stack (for a leak, the first one past the allocator), when that
    frame is in trackfix's sources; else None.  Errors first seen inside
    Wine or a library are theirs, even when trackfix's code called in."""
    stack = error.find("stack")
    if stack is None:
        return None
    for frame in stack.findall("frame"):
        if frame.findtext("fn") in ALLOCATORS:
            continue
        directory = frame.findtext("dir") or ""
        return frame if any(os.path.realpath(directory).startswith(root) for root in roots) else None
    return None


def describe(frame):
    return "%s (%s:%s)" % (frame.findtext("fn"), frame.findtext("file"), frame.findtext("line"))


def main():
    top = os.path.realpath(sys.argv[1])
    roots = [os.path.join(top, d) for d in ("hotfix", "registry", "tests")]
    found = 0
    for path in sys.argv[2:]:
        errors, args = [], []
        try:
            for _, element in ET.iterparse(path):
                if element.tag == "error":
                    errors.append(element)
                elif element.tag == "arg":
                    args.append(element.text or "")
        except ET.ParseError:
            pass  # cut short: what was complete still counts
        if not args:
            continue  # the loader's own run, before it became the program
        command = " ".join(args)
        mine = []
        for error in errors:
            kind = error.findtext("kind")
            if kind.startswith(SKIPPED_KINDS):
                continue
            frame = ours(error, roots)
            if frame is not None:
                mine.append((kind, error.findtext("what") or error.findtext("xwhat/text"), frame))
        for kind, what, frame in mine:
            print("FAIL: %s: %s: %s at %s" % (path, kind, what, describe(frame)))
        found += len(mine)
        print("%s: %d reports, %d from trackfix (%s)" % (os.path.basename(path), len(errors), len(mine), command.strip()))
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
