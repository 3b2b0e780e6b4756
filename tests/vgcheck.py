#!/usr/bin/python3
"""Reads valgrind memcheck XML files and fails on trackfix's own errors, and
on any report that shows the check did not look.

  vgcheck.py TOP FILE.xml...

A report must be whole (it ends with </valgrindoutput>; a process killed
or crashed under valgrind leaves it cut short) and must carry the line
"trackfix: leak check done" that every trackfix program prints through
valgrind after its own leak check (hotfix/leakcheck.h); a report without
it is INCOMPLETE and fails, whatever it holds.

Wine itself (its loader, ntdll, the PE DLLs) gives memcheck hundreds of
reports that are not trackfix's.  An error counts as trackfix's when it
happened in a source file under TOP/hotfix, TOP/registry or TOP/tests (the
first frame of its stack past the allocator), or when it touched a block
that trackfix's code allocated (the first frame of the block's allocation
stack past the allocator): a bad write through Wine's string functions
into a buffer trackfix sized is trackfix's bug.  Only definite leaks count,
those whose allocation stack is trackfix's.  Uninitialised values are not
reported at all (make memcheck runs valgrind with --undef-value-errors=no,
see scripts/memcheck.sh).

Prints one line per file, a FAIL or INCOMPLETE line per problem, and last
"summary: N processes checked, I incomplete, E errors in trackfix's code".
Exit 1 when anything failed or was incomplete.
"""
import os
import sys
import xml.etree.ElementTree as ET

ALLOCATORS = {"malloc", "calloc", "realloc", "strdup", "strndup", "memalign", "posix_memalign",
              "operator new", "operator new[]"}
LEAK_CHECK_DONE = "trackfix: leak check done"
LEAK_KINDS = ("Leak_DefinitelyLost",)


def first_frame(stack):
    """The first frame of STACK past the allocator functions, or None."""
    if stack is None:
        return None
    for frame in stack.findall("frame"):
        if frame.findtext("fn") not in ALLOCATORS:
            return frame
    return None


def describe(frame):
    if frame is None:
        return "an unknown frame"
    return "%s (%s:%s)" % (frame.findtext("fn") or "??", frame.findtext("file") or frame.findtext("obj"),
                           frame.findtext("line") or "?")


def in_roots(frame, roots):
    if frame is None:
        return False
    directory = os.path.realpath(frame.findtext("dir") or "")
    return any(directory == root or directory.startswith(root + os.sep) for root in roots)


def ours(error, roots):
    """Where ERROR is trackfix's, in words, or None.  The error's own
    stack comes first; an invalid access also has the stack that allocated
    the block it touched (after an auxwhat "... alloc'd")."""
    stacks = error.findall("stack")
    if stacks and in_roots(first_frame(stacks[0]), roots):
        return "at " + describe(first_frame(stacks[0]))
    if len(stacks) > 1 and "alloc'd" in (error.findtext("auxwhat") or ""):
        frame = first_frame(stacks[1])
        if in_roots(frame, roots):
            return "in %s, in a block allocated at %s" % (describe(first_frame(stacks[0])), describe(frame))
    return None


def read_report(path):
    """(root element or None, why it is incomplete or None)."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except OSError as error:
        return None, "cannot read: %s" % error
    if not data.rstrip().endswith(b"</valgrindoutput>"):
        return None, "cut short (%d bytes, no </valgrindoutput>): the process was killed or crashed" % len(data)
    try:
        return ET.fromstring(data), None
    except ET.ParseError as error:
        return None, "not well-formed XML: %s" % error


def main():
    top = os.path.realpath(sys.argv[1])
    roots = [os.path.join(top, d) for d in ("hotfix", "registry", "tests")]
    found = incomplete = 0
    for path in sys.argv[2:]:
        root, why = read_report(path)
        if root is None:
            print("INCOMPLETE: %s: %s" % (path, why))
            incomplete += 1
            continue
        argv = root.find("args/argv")
        command = " ".join(e.text or "" for e in argv.iter() if e.tag in ("exe", "arg")) if argv is not None else "?"
        messages = [m.findtext("text") or "" for m in root.iter("clientmsg")]
        if not any(LEAK_CHECK_DONE in text for text in messages):
            print("INCOMPLETE: %s: no leak check was run (the program did not end through "
                  "leakcheck_at_exit): %s" % (path, command))
            incomplete += 1
            continue
        errors = root.findall("error")
        mine = []
        for error in errors:
            kind = error.findtext("kind") or ""
            if kind.startswith("Leak_") and kind not in LEAK_KINDS:
                continue
            where = ours(error, roots)
            if where is not None:
                mine.append((kind, error.findtext("what") or error.findtext("xwhat/text"), where))
        for kind, what, where in mine:
            print("FAIL: %s: %s: %s %s (%s)" % (path, kind, what, where, command))
        found += len(mine)
        print("%s: %d reports, %d from trackfix (%s)" % (os.path.basename(path), len(errors), len(mine), command))
    checked = len(sys.argv) - 2
    print("summary: %d processes checked, %d incomplete, %d errors in trackfix's code" % (checked, incomplete, found))
    return 1 if found or incomplete or not checked else 0


if __name__ == "__main__":
    sys.exit(main())
