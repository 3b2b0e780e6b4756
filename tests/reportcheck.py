#!/usr/bin/python3
"""Reads a page of trackfix's queue report (the file, or the DOM a browser
dumped) and checks what it draws, independently of trackfix's code:

  reportcheck.py PAGE [--marks ID=N]... [--toggle] [--no-toggle]
                      [--ndr-days ID=D]... [--max-bytes N] [--has TEXT]...

--marks ID=N   the row of message ID has N attempt and notice marks
--toggle       exactly one toggle line, and in every row that has failed
               marks and a delivered one, the line lies strictly between
               the last failed mark and the first delivered one (in x)
--no-toggle    no toggle line
--ndr-days ID=D  the row of ID has one NDR mark, its time D days after the
               row's submission, and it is the rightmost mark of the row
--max-bytes N  the page is at most N bytes
--has TEXT     the page's text has TEXT
--netlog FILE  Chromium's network log of loading the page (--log-net-log):
               the page asked for nothing but file:// (the browser's own
               requests, which belong to no page, are not the page's)
--png FILE     a screenshot of the page: a PNG whose pixels include each
               --color RRGGBB given

Always: no element loads anything from outside (no script, link, img,
iframe, object, embed; no src, href or url() but a #fragment), and every
mark has a <title> naming its time.  Prints one line of figures.
"""
import argparse
import datetime
import html.parser
import json
import re
import struct
import sys
import zlib

EXTERNAL_TAGS = {"script", "link", "img", "iframe", "object", "embed", "audio", "video", "source", "base", "frame"}
URL_ATTRS = {"src", "href", "xlink:href", "action", "formaction", "poster", "data", "srcset", "background"}


class Page(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.rows = []        # dicts: ids, submitted, marks [(kind, x, title)]
        self.toggles = []     # x of each toggle line
        self.problems = []
        self.stack = []       # open elements: (tag, attrs)
        self.row = None
        self.mark = None      # the mark whose <title> is being read
        self.title_text = None
        self.in_toggle = False
        self.text = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.stack.append(tag)
        if tag in EXTERNAL_TAGS:
            self.problems.append("a <%s> element" % tag)
        for name, value in attrs:
            if name in URL_ATTRS and value is not None and not value.startswith("#"):
                self.problems.append("%s=%r on <%s>" % (name, value, tag))
            if name == "style" and value and re.search(r"url\((?!\s*['\"]?#)|@import", value):
                self.problems.append("an outside url in a style attribute")
        cls = (a.get("class") or "").split()
        if tag == "g" and "row" in cls:
            self.row = {"ids": a.get("data-ids", "").split(), "submitted": a.get("data-submitted"), "marks": []}
            self.rows.append(self.row)
        elif tag == "use" and "mark" in cls and self.row is not None:
            kind = (a.get("href") or "").replace("#k-", "").replace("-thin", "")
            self.mark = [kind, float(a.get("x", "nan")), None]
            self.row["marks"].append(self.mark)
        elif tag == "g" and "toggle" in cls:
            self.in_toggle = True
        elif tag == "line" and self.in_toggle:
            self.toggles.append(float(a["x1"]))
        elif tag == "title":
            self.title_text = []

    def handle_endtag(self, tag):
        while self.stack and self.stack.pop() != tag:
            pass
        if tag == "title" and self.title_text is not None:
            if self.mark is not None and self.mark[2] is None:
                self.mark[2] = "".join(self.title_text)
            self.title_text = None
        elif tag == "use":
            self.mark = None
        elif tag == "g" and self.in_toggle:
            self.in_toggle = False
        elif tag == "g" and self.row is not None and "g" not in self.stack[-1:]:
            # the row's own <g> closes (rows hold no nested groups)
            self.row = None

    def handle_data(self, data):
        if self.title_text is not None:
            self.title_text.append(data)
        self.text.append(data)


def time_of(title):
    m = re.search(r"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)Z", title or "")
    return datetime.datetime.strptime(m.group(1), "%Y-%m-%dT%H:%M:%S") if m else None


def page_requests(netlog):
    """The URLs a page loaded from file:// asked the network for."""
    log = json.load(open(netlog))
    urls = set()
    for event in log["events"]:
        params = event.get("params", {})
        if params.get("network_isolation_key", "").startswith("file://") and "url" in params:
            urls.add(params["url"])
    return sorted(u for u in urls if not u.startswith("file:"))


def png_colors(path):
    """The set of RGB colours of a non-interlaced 8-bit RGB or RGBA PNG."""
    data = open(path, "rb").read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, header = 8, b"", None
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        body = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body)
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, color, _, _, interlace = header
    if depth != 8 or color not in (2, 6) or interlace:
        raise ValueError("PNG of depth %d, colour type %d" % (depth, color))
    bpp = 3 if color == 2 else 4
    raw, stride, colors = zlib.decompress(idat), width * bpp, set()
    previous = bytearray(stride)
    for y in range(height):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            left = line[i - bpp] if i >= bpp else 0
            up, corner = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + left) & 255
            elif kind == 2:
                line[i] = (line[i] + up) & 255
            elif kind == 3:
                line[i] = (line[i] + (left + up) // 2) & 255
            elif kind == 4:
                p = left + up - corner
                pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                line[i] = (line[i] + (left if pa <= pb and pa <= pc else up if pb <= pc else corner)) & 255
        colors.update(bytes(line[i:i + 3]).hex() for i in range(0, stride, bpp))
        previous = line
    return width, height, colors


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("page")
    ap.add_argument("--marks", action="append", default=[])
    ap.add_argument("--toggle", action="store_true")
    ap.add_argument("--no-toggle", action="store_true")
    ap.add_argument("--ndr-days", action="append", default=[])
    ap.add_argument("--max-bytes", type=int)
    ap.add_argument("--has", action="append", default=[])
    ap.add_argument("--netlog")
    ap.add_argument("--png")
    ap.add_argument("--color", action="append", default=[])
    args = ap.parse_args()

    raw = open(args.page, "rb").read()
    page = Page()
    page.feed(raw.decode("utf-8"))
    page.close()
    failures = list(page.problems)
    row_of = {i: r for r in page.rows for i in r["ids"]}

    for r in page.rows:
        for kind, x, title in r["marks"]:
            if not title or not time_of(title):
                failures.append("a %s mark of %s without a time in its title" % (kind, r["ids"][:1]))
    for spec in args.marks:
        ident, n = spec.split("=")
        got = len(row_of[ident]["marks"]) if ident in row_of else None
        if got != int(n):
            failures.append("message %s: %s marks, expected %s" % (ident, got, n))
    if args.toggle:
        if len(page.toggles) != 1:
            failures.append("%d toggle lines, expected 1" % len(page.toggles))
        else:
            x = page.toggles[0]
            checked = 0
            for r in page.rows:
                failed = [m[1] for m in r["marks"] if m[0] == "failed"]
                delivered = [m[1] for m in r["marks"] if m[0] == "delivered"]
                if not failed or not delivered:
                    continue
                checked += 1
                if not max(failed) < x < min(delivered):
                    failures.append("message %s: toggle at x=%.1f, not between the last failure (%.1f) and the "
                                    "delivery (%.1f)" % (r["ids"][0], x, max(failed), min(delivered)))
            if not checked:
                failures.append("no row has failures then a delivery for the toggle line to lie between")
    if args.no_toggle and page.toggles:
        failures.append("%d toggle lines, expected none" % len(page.toggles))
    for spec in args.ndr_days:
        ident, days = spec.split("=")
        r = row_of.get(ident)
        ndr = [m for m in r["marks"] if m[0] == "expired"] if r else []
        if len(ndr) != 1:
            failures.append("message %s: %d NDR marks, expected 1" % (ident, len(ndr)))
            continue
        submitted = datetime.datetime.strptime(r["submitted"], "%Y-%m-%dT%H:%M:%SZ")
        if time_of(ndr[0][2]) != submitted + datetime.timedelta(days=float(days)):
            failures.append("message %s: NDR at %s, submitted %s: not %s days later" % (ident, time_of(ndr[0][2]),
                                                                                        submitted, days))
        if ndr[0][1] < max(m[1] for m in r["marks"]):
            failures.append("message %s: the NDR mark is not the rightmost" % ident)
    if args.max_bytes is not None and len(raw) > args.max_bytes:
        failures.append("%d bytes, more than %d" % (len(raw), args.max_bytes))
    text = " ".join(" ".join(page.text).split())
    for wanted in args.has:
        if wanted not in text:
            failures.append("the page does not say %r" % wanted)

    if args.netlog:
        for url in page_requests(args.netlog):
            failures.append("the page asked the network for %s" % url)
    if args.png:
        width, height, colors = png_colors(args.png)
        for wanted in args.color:
            if wanted.lower().lstrip("#") not in colors:
                failures.append("the screenshot %s (%dx%d) has no pixel of #%s" % (args.png, width, height, wanted))

    print("%s: %d rows, %d marks, %d toggle lines, %d bytes" % (args.page, len(page.rows),
          sum(len(r["marks"]) for r in page.rows), len(page.toggles), len(raw)))
    for f in failures:
        print("FAIL: " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
