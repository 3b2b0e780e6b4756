#!/bin/bash
# usage: scripts/coverage-report.sh COVERAGE_BUILD
# make coverage's report: after make test ran the gcov build in
# COVERAGE_BUILD, writes COVERAGE_BUILD/report/index.html (gcovr, line and
# branch figures per file, each file's lines marked), summary.txt and
# summary.json, prints the per-file table, and fails unless every branch of
# the logic users test is taken: the files of WHOLE (the time conversion,
# the switch, the queue's schedule, a series' pattern and zone, the scan's
# rules) and the functions of WHOLE_FUNCTIONS (the reply rule of MS-OXOCAL
# 3.1.5.2), but for the branches scripts/coverage-exclusions.txt lists with
# the reason each cannot be taken; the report names every one excluded.
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
build=$(cd "$1" && pwd)
report=$build/report
WHOLE="hotfix/systime.c registry/gate.c hotfix/queue_policy.c hotfix/recur.c hotfix/tzdef.c hotfix/scan.c"
WHOLE_FUNCTIONS="hotfix/imipreply.c:out_of_date"
mkdir -p "$report"
cd "$TOP"
# gcovr 5.2 (Debian 12) now and then stops on "assert left.lineno ==
# right.lineno" while merging a function's records (gcovr issues #511 and
# #586; gcovr 6.0 added --merge-mode-functions for it): one in four clean
# runs here.  Its own gcov reader merges with the function's line ignored;
# run it with that as the default too.  Lines and branches do not change.
gcovr() {
    /usr/bin/python3 -c 'import sys, gcovr.merging as merging
merging.DEFAULT_MERGE_OPTIONS.ignore_function_lineno = True
from gcovr.__main__ import main
sys.argv[0] = "gcovr"
sys.exit(main())' "$@"
}
# The counters are looked for in the build's objects only: by default gcovr
# also searches all of --root, and the Wine prefix under build/ holds a
# link to / (dosdevices/z:), through which it read every .gcda file of the
# machine (another clone's among them).
gcovr --root "$TOP" --object-directory "$build/obj" --filter 'hotfix/' --filter 'registry/' \
    --html-details "$report/index.html" --html-title "trackfix coverage (make test)" \
    --json-summary "$report/summary.json" --json-summary-pretty \
    --txt "$report/lines.txt" "$build/obj" > /dev/null
gcovr --root "$TOP" --object-directory "$build/obj" --filter 'hotfix/' --filter 'registry/' \
    --branches --txt "$report/branches.txt" "$build/obj" > /dev/null
# The files wanted whole are judged by gcov's own branch records (gcov -b
# -t): gcovr 5.2's per-line detail of some files is off by lines here.
/usr/bin/python3 - "$report/summary.json" "$build/obj" "$TOP/scripts/coverage-exclusions.txt" \
    "$WHOLE_FUNCTIONS" $WHOLE <<'PY'
import json, os, re, subprocess, sys
summary = json.load(open(sys.argv[1]))
objects = sys.argv[2]
# the exclusions: FILE <tab> a text of the line <tab> why its branches cannot all be taken
exclusions = []
for line in open(sys.argv[3], encoding="utf-8"):
    if line.strip() and not line.startswith("#"):
        exclusions.append(line.rstrip("\n").split("\t"))
functions = [item.split(":") for item in sys.argv[4].split()]
whole = sys.argv[5:]
files = {f["filename"]: f for f in summary["files"]}
print("%-26s %7s %9s" % ("file", "lines", "branches"))
for name in sorted(files):
    f = files[name]
    print("%-26s %6.1f%% %8.1f%%" % (name, f["line_percent"], f["branch_percent"]))
print("%-26s %6.1f%% %8.1f%%" % ("total", summary["line_percent"], summary["branch_percent"]))

def source_lines(name):
    return open(name, encoding="utf-8").read().split("\n")


def excluded_lines(name):
    """{line number: reason} of NAME's exclusions; a stale one is an error."""
    found, text = {}, source_lines(name)
    for file, snippet, reason in exclusions:
        if file != name:
            continue
        numbers = [i + 1 for i, line in enumerate(text) if snippet in line]
        if len(numbers) != 1:
            short.append("%s: the exclusion '%s' matches %d lines" % (name, snippet, len(numbers)))
        for n in numbers:
            found[n] = reason
    return found


def function_lines(name, function):
    """The lines of FUNCTION's body in NAME."""
    text = source_lines(name)
    start = next(i for i, line in enumerate(text) if re.match(r"^\w.*\b%s\(" % function, line))
    end = next(i for i in range(start, len(text)) if text[i] == "}")
    return set(range(start + 1, end + 2))


def gcov_branches(name):
    """{line number: [times each branch was taken]} of NAME, from gcov; None without data."""
    if not os.path.exists(os.path.join(objects, os.path.splitext(name)[0] + ".gcda")):
        return None
    out = subprocess.run(["gcov", "-b", "-c", "-t", "-o", os.path.join(objects, os.path.dirname(name)), name],
                         capture_output=True, text=True).stdout
    # gcov prints NAME, then each header whose inline code NAME uses: only NAME's lines count
    branches, number, ours = {}, None, False
    for line in out.split("\n"):
        m = re.match(r"^\s*-:\s*0:Source:(.*)$", line)
        if m:
            ours = m.group(1) == name
            continue
        m = re.match(r"^\s*[-#=0-9*]+:\s*(\d+):", line)
        if m:
            number = int(m.group(1))
            continue
        m = re.match(r"^branch\s+\d+ (taken (\d+)|never executed)", line)
        if m and number and ours:
            branches.setdefault(number, []).append(int(m.group(2) or 0))
    return branches


short, excluded_shown = [], []
checks = [(name, None) for name in whole] + [(name, function) for name, function in functions]
for name, function in checks:
    what = "%s %s()" % (name, function) if function else name
    detail = gcov_branches(name)
    if detail is None:
        short.append("%s: no coverage data" % what)
        continue
    excluded = excluded_lines(name)
    lines = function_lines(name, function) if function else None
    taken = total = 0
    missing = []
    for number, branches in sorted(detail.items()):
        if lines is not None and number not in lines:
            continue
        untaken = sum(1 for count in branches if not count)
        if untaken and number in excluded:
            excluded_shown.append("%s:%d: %d branch%s: %s" % (name, number, untaken, "es" if untaken > 1 else "",
                                                            excluded[number]))
            continue
        total += len(branches)
        taken += len(branches) - untaken
        if untaken:
            missing.append(str(number))
    if missing:
        short.append("%s: %d of %d branches (lines %s)" % (what, taken, total, ",".join(missing)))
print("coverage: lines %.1f%%, branches %.1f%% (%d of %d)" % (summary["line_percent"], summary["branch_percent"],
      summary["branch_covered"], summary["branch_total"]))
print("coverage: every branch taken in %s, but those excluded:" % ", ".join(
      [n for n in whole] + ["%s()" % f for n, f in functions]))
for line in excluded_shown:
    print("coverage:   excluded " + line)
for line in short:
    print("coverage: not every branch is covered in " + line)
sys.exit(1 if short else 0)
PY
echo "coverage report: $report/index.html"
