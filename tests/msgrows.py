#!/usr/bin/python3
"""Writes a meeting's text form with N recipient rows, for the size tests.

  msgrows.py N TEMPLATE OUT

TEMPLATE is a tests/data text form; OUT is TEMPLATE with its last recipient
row repeated until there are N rows after the organizer's, each with its
own PR_ROWID and address (adam0@..., adam1@...).
"""
import sys


def main():
    count, template, out = int(sys.argv[1]), sys.argv[2], sys.argv[3]
    text = open(template).read()
    row = "[recipient]" + text.split("[recipient]")[-1]
    extra = [row.replace("PR_ROWID = 1", "PR_ROWID = %d" % (i + 2)).replace("adam@", "adam%d@" % i)
             for i in range(count - 1)]
    with open(out, "w") as f:
        f.write(text + "".join("\n" + r for r in extra))


if __name__ == "__main__":
    main()
