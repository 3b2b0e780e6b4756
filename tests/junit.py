#!/usr/bin/python3
"""JUnit XML for the test runner (scripts/run-tests.sh).

  junit.py summary DIR OUTCOMES
      OUTCOMES has a line "KIND NAME STATUS SECONDS" a test, its log in
      DIR/NAME.log.  For KIND script it writes DIR/NAME.xml: one test suite
      NAME holding one test case NAME, failed when STATUS is not 0, with
      the FAIL lines of the log (or its tail) as the failure message and the
      whole log as system-out.  For KIND unit it checks the XML cmocka
      wrote to DIR/NAME.xml; when it is missing, incomplete, or passes
      although the program exited with STATUS other than 0 (a crash after
      the last test, a timeout), it rewrites it as one failed test case
      saying so.  Then it reads every DIR/*.xml and prints "N passed, N
      failed" and the name of each failed case; exits 1 when any failed or
      when DIR holds no result.
"""
import glob
import os
import sys
import xml.etree.ElementTree as ET

KILLED_BY = {124: "timed out", 137: "killed (SIGKILL)", 134: "aborted (SIGABRT)", 139: "crashed (SIGSEGV)"}


def read_log(path):
    with open(path, encoding="utf-8", errors="replace") as log:
        return log.read()


def failure_text(log, status):
    lines = [line for line in log.splitlines() if line.startswith("FAIL")]
    if not lines:
        lines = log.splitlines()[-20:]
    reason = KILLED_BY.get(status, "exit status %d" % status)
    return reason, "\n".join(lines)


def write_suite(out, name, cases):
    """CASES: (case name, seconds, failure (message, text) or None, log)."""
    suite = ET.Element("testsuite", name=name, tests=str(len(cases)),
                       failures=str(sum(1 for c in cases if c[2])), errors="0", skipped="0",
                       time="%.3f" % sum(c[1] for c in cases))
    for case_name, seconds, failure, log in cases:
        case = ET.SubElement(suite, "testcase", classname=name, name=case_name, time="%.3f" % seconds)
        if failure:
            ET.SubElement(case, "failure", message=failure[0]).text = failure[1]
        if log:
            ET.SubElement(case, "system-out").text = log
    root = ET.Element("testsuites")
    root.append(suite)
    tmp = out + ".tmp"
    ET.ElementTree(root).write(tmp, encoding="utf-8", xml_declaration=True)
    os.replace(tmp, out)


def cases_of(path):
    """The (suite, case, failed) triples of a JUnit file; raises on bad XML."""
    root = ET.parse(path).getroot()
    suites = [root] if root.tag == "testsuite" else root.findall("testsuite")
    found = []
    for suite in suites:
        for case in suite.findall("testcase"):
            failed = case.find("failure") is not None or case.find("error") is not None
            found.append((suite.get("name"), case.get("name"), failed))
    return found


def check_unit(name, status, seconds, log_path, out):
    log = read_log(log_path)
    problem = None
    try:
        cases = cases_of(out)
        if not cases:
            problem = "cmocka wrote no test case"
        elif status != 0 and not any(failed for _, _, failed in cases):
            problem = "every case passed but the program exited with status %d" % status
    except (OSError, ET.ParseError) as error:
        problem = "no complete cmocka XML (%s)" % error
    if problem:
        reason, text = failure_text(log, status)
        write_suite(out, name, [(name, seconds, (reason + ": " + problem, text), log)])


def summary(directory):
    passed, failed, bad = 0, [], []
    for path in sorted(glob.glob(os.path.join(directory, "*.xml"))):
        try:
            for suite, case, case_failed in cases_of(path):
                if case_failed:
                    failed.append("%s: %s" % (suite, case))
                else:
                    passed += 1
        except ET.ParseError as error:
            bad.append("%s: %s" % (path, error))
    for name in failed:
        print("failed: " + name)
    for name in bad:
        print("unreadable result: " + name)
    print("%d passed, %d failed" % (passed, len(failed) + len(bad)))
    return 1 if failed or bad or passed == 0 else 0


def write_results(directory, outcomes):
    with open(outcomes, encoding="utf-8") as lines:
        for line in lines:
            kind, name, status, seconds = line.split()
            log_path, out = os.path.join(directory, name + ".log"), os.path.join(directory, name + ".xml")
            if kind == "unit":
                check_unit(name, int(status), float(seconds), log_path, out)
            else:
                log = read_log(log_path)
                write_suite(out, name, [(name, float(seconds), failure_text(log, int(status)) if int(status) else None,
                                         log)])


def main(argv):
    if len(argv) == 4 and argv[1] == "summary":
        write_results(argv[2], argv[3])
        return summary(argv[2])
    sys.stderr.write(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
