#!/usr/bin/python3
"""Independent checks of trackfix's .msg handling with Debian's python3-olefile.

  msgcheck.py corpus DUMP DIR    DUMP is `trackfix msg dump DIR/*.msg` output:
                                 class, subject, recipient and attachment
                                 counts of each file must match olefile's.
  msgcheck.py written FILE TEXT [FILE TEXT...]
                                 FILE was written by `trackfix msg new TEXT`:
                                 its streams and property entries must hold
                                 what TEXT says.
  msgcheck.py buckets FILE...    every named-property entry of FILE is in the
                                 hash bucket MS-OXMSG 2.2.3.1.4 puts it in.
  msgcheck.py names DUMP DIR TABLE
                                 the names of DUMP's [message] lines, read
                                 back through TABLE (hotfix/mapinames.txt):
                                 each MS-OXPROPS name stands for a property
                                 olefile finds in the file (with that type, or
                                 the other kind of text when NAME:TYPE says
                                 so); each property left in hex is one TABLE
                                 does not name.
Prints one line per problem and exits 1 if there was any.
"""
import os
import re
import struct
import sys
import uuid

import olefile

problems = []


def problem(text):
    problems.append(text)
    print("FAIL: " + text)


def unescape(text):
    """Bytes of a trackfix quoted string (without its quotes)."""
    out = bytearray()
    i = 0
    raw = text.encode("utf-8")
    while i < len(raw):
        c = raw[i]
        if c == 0x5C:
            e = chr(raw[i + 1])
            if e == "x":
                out.append(int(raw[i + 2:i + 4], 16))
                i += 4
                continue
            out += {"n": b"\n", "r": b"\r", "t": b"\t", "\\": b"\\", '"': b'"'}[e]
            i += 2
            continue
        out.append(c)
        i += 1
    return bytes(out)


def parse_dump(text):
    """{file: {"props": {name: value}, "recipients": [ {name: value} ]}}"""
    files, current, section = {}, None, None
    for line in text.splitlines():
        m = re.match(r"^# file: (.*)$", line)
        if m:
            current = files.setdefault(m.group(1), {"props": {}, "recipients": []})
            continue
        if current is None:
            current = files.setdefault("", {"props": {}, "recipients": []})
        m = re.match(r"^# (\d+) attachment\(s\), not shown$", line)
        if m:
            current["attachments"] = int(m.group(1))
        if line == "[message]":
            section = current["props"]
        elif line == "[recipient]":
            section = {}
            current["recipients"].append(section)
        elif " = " in line and section is not None:
            name, value = line.split(" = ", 1)
            section[name] = value
    return files


def stream_string(ole, path, tag_id):
    """The string property TAG_ID (e.g. '001A') of storage PATH as bytes/str."""
    for kind in ("001F", "001E"):
        name = path + ["__substg1.0_%s%s" % (tag_id, kind)]
        if ole.exists("/".join(name)):
            data = ole.openstream(name).read()
            if kind == "001F":
                return kind, data.decode("utf-16-le").rstrip("\0")
            return kind, data.rstrip(b"\0")
    return None, None


def dumped_string(props, table_name, tag_id, kind):
    if kind == "001F":
        value = props.get(table_name)
        return None if value is None else unescape(value[1:-1]).decode("utf-8")
    # a PT_STRING8 form is named PR_..._A when the table knows it, else hex
    value = props.get(table_name + "_A", props.get("0x%s001E" % tag_id))
    return None if value is None else unescape(value[1:-1])


def check_corpus(dump_path, directory):
    dumps = parse_dump(open(dump_path, encoding="utf-8").read())
    names = sorted(f for f in os.listdir(directory) if f.endswith(".msg"))
    for name in names:
        path = os.path.join(directory, name)
        key = next((k for k in dumps if k.endswith("/" + name) or k == name), None)
        if key is None:
            problem("%s: not in the dump" % name)
            continue
        dump = dumps[key]
        ole = olefile.OleFileIO(path)
        for label, table_name, tag_id in (("class", "PR_MESSAGE_CLASS", "001A"), ("subject", "PR_SUBJECT", "0037")):
            kind, expected = stream_string(ole, [], tag_id)
            got = dumped_string(dump["props"], table_name, tag_id, kind) if kind else None
            if got != expected:
                problem("%s: %s %r, olefile reads %r" % (name, label, got, expected))
        recipients = {e[0] for e in ole.listdir(streams=True, storages=True) if e[0].startswith("__recip_version1.0_#")}
        if len(dump["recipients"]) != len(recipients):
            problem("%s: %d recipients, olefile sees %d" % (name, len(dump["recipients"]), len(recipients)))
        attachments = {e[0] for e in ole.listdir(streams=True, storages=True) if e[0].startswith("__attach_version1.0_#")}
        if dump.get("attachments", 0) != len(attachments):
            problem("%s: %d attachments, olefile sees %d" % (name, dump.get("attachments", 0), len(attachments)))
    print("%d corpus files compared" % len(names))


PSETID = {"PidLidLocation": ("00062002-0000-0000-c000-000000000046", 0x8208, 0x001F),
          "PidLidAppointmentSequence": ("00062002-0000-0000-c000-000000000046", 0x8201, 0x0003),
          "PidLidGlobalObjectId": ("6ed8da90-450b-101b-98da-00aa003f1305", 0x0003, 0x0102)}
TAGS = {"PR_MESSAGE_CLASS": 0x001A001F, "PR_SUBJECT": 0x0037001F, "PR_RECIPIENT_TYPE": 0x0C150003,
        "PR_RECIPIENT_TRACKSTATUS": 0x5FFF0003, "PR_RECIPIENT_TRACKSTATUS_TIME": 0x5FFB0040,
        "PR_DISPLAY_NAME": 0x3001001F}


def read_entries(ole, path, header):
    data = ole.openstream(path + ["__properties_version1.0"]).read()
    if (len(data) - header) % 16:
        problem("%s: property stream of %d bytes" % ("/".join(path), len(data)))
    entries = {}
    for off in range(header, len(data) - 15, 16):
        tag, flags = struct.unpack_from("<II", data, off)
        entries[tag] = data[off + 8:off + 16]
    return entries


def named_ids(ole):
    """{(guid, lid): property id} from __nameid_version1.0."""
    base = "__nameid_version1.0/"
    guids = ole.openstream(base + "__substg1.0_00020102").read()
    entries = ole.openstream(base + "__substg1.0_00030102").read()
    ids = {}
    for off in range(0, len(entries), 8):
        lid, kind = struct.unpack_from("<II", entries, off)
        if kind & 1:
            continue
        gi = (kind >> 1) & 0x7FFF
        guid = {1: "00020328-0000-0000-c000-000000000046", 2: "00020329-0000-0000-c000-000000000046"}.get(gi)
        if guid is None:
            guid = str(uuid.UUID(bytes_le=guids[(gi - 3) * 16:(gi - 2) * 16]))
        ids[(guid, lid)] = 0x8000 + (kind >> 16)
    return ids


def expected_value(tag, entry, ole, path):
    kind = tag & 0xFFFF
    if kind == 0x0003:
        return str(struct.unpack_from("<i", entry)[0])
    if kind == 0x0040:
        ticks = struct.unpack_from("<Q", entry)[0]
        return ticks
    stream = ole.openstream(path + ["__substg1.0_%08X" % tag]).read()
    declared = struct.unpack_from("<I", entry)[0]
    if kind == 0x001F:
        if declared not in (len(stream), len(stream) + 2):
            problem("0x%08X: declared %d bytes, stream %d" % (tag, declared, len(stream)))
        return '"%s"' % stream.decode("utf-16-le").rstrip("\0")
    if declared != len(stream):
        problem("0x%08X: declared %d bytes, stream %d" % (tag, declared, len(stream)))
    return stream.hex()


def iso_ticks(text):
    import datetime
    m = re.match(r"(\d{4})-(\d\d)-(\d\d)T(\d\d):(\d\d):(\d\d)(?:\.(\d{1,7}))?Z$", text)
    d = datetime.datetime(*map(int, m.groups()[:6]))
    delta = d - datetime.datetime(1601, 1, 1)
    frac = int((m.group(7) or "0").ljust(7, "0"))
    return (delta.days * 86400 + delta.seconds) * 10 ** 7 + frac


def compare(where, name, text_value, tag, entries, ole, path):
    if tag not in entries:
        problem("%s: %s (0x%08X) missing from __properties_version1.0" % (where, name, tag))
        return
    got = expected_value(tag, entries[tag], ole, path)
    want = iso_ticks(text_value) if tag & 0xFFFF == 0x0040 else text_value
    if got != want:
        problem("%s: %s is %r in the file, %r in the text" % (where, name, got, want))


def check_written(msg_path, text_path):
    text = parse_dump(open(text_path, encoding="utf-8").read())[""]
    ole = olefile.OleFileIO(msg_path)
    streams = ["/".join(e) for e in ole.listdir(streams=True, storages=False)]
    for needed in ("__properties_version1.0", "__nameid_version1.0/__substg1.0_00020102",
                   "__nameid_version1.0/__substg1.0_00030102", "__nameid_version1.0/__substg1.0_00040102"):
        if needed not in streams:
            problem("%s: no stream %s" % (msg_path, needed))
    top = read_entries(ole, [], 32)
    header = ole.openstream("__properties_version1.0").read()[:32]
    recipient_count = struct.unpack_from("<I", header, 16)[0]
    if recipient_count != len(text["recipients"]):
        problem("header says %d recipients, text has %d" % (recipient_count, len(text["recipients"])))
    for name, tag in TAGS.items():
        if name in text["props"]:
            compare("[message]", name, text["props"][name], tag, top, ole, [])
    ids = named_ids(ole)
    for name, (guid, lid, kind) in PSETID.items():
        if name in text["props"]:
            if (guid, lid) not in ids:
                problem("%s: not in __nameid_version1.0" % name)
                continue
            compare("[message]", name, text["props"][name], ids[(guid, lid)] << 16 | kind, top, ole, [])
    for i, row in enumerate(text["recipients"]):
        path = ["__recip_version1.0_#%08X" % i]
        entries = read_entries(ole, path, 8)
        for name, tag in TAGS.items():
            if name in row:
                compare("[recipient %d]" % i, name, row[name], tag, entries, ole, path)
    print("%s: %d streams checked against %s" % (msg_path, len(streams), text_path))


def name_crc32(data):
    """CRC-32 of MS-OXMSG string names: reflected 0xEDB88320, from 0, no final XOR."""
    crc = 0
    for byte in data:
        crc ^= byte
        for _ in range(8):
            crc = (crc >> 1) ^ 0xEDB88320 if crc & 1 else crc >> 1
    return crc


def check_buckets(msg_path):
    ole = olefile.OleFileIO(msg_path)
    base = "__nameid_version1.0/"
    entries = ole.openstream(base + "__substg1.0_00030102").read()
    strings = ole.openstream(base + "__substg1.0_00040102").read()
    for off in range(0, len(entries), 8):
        ident, kind = struct.unpack_from("<II", entries, off)
        if kind & 1:
            length = struct.unpack_from("<I", strings, ident)[0]
            ident = name_crc32(strings[ident + 4:ident + 4 + length])
        guid_index = (kind >> 1) & 0x7FFF
        stream = base + "__substg1.0_%04X0102" % (0x1000 + ((ident ^ (guid_index << 1 | (kind & 1))) % 0x1F))
        record = struct.pack("<II", ident, kind)
        data = ole.openstream(stream).read() if ole.exists(stream) else b""
        if not any(data[i:i + 8] == record for i in range(0, len(data), 8)):
            problem("%s: entry %d (%08x %08x) missing from %s" % (msg_path, off // 8, ident, kind, stream))
    print("%s: %d named-property entries in their buckets" % (msg_path, len(entries) // 8))


def read_table(path):
    """({id: {type: name}}, {(guid, lid or lower-case string): {type: name}}, {name: key})"""
    sets, tags, named, by_name = {}, {}, {}, {}
    for line in open(path, encoding="ascii"):
        f = line.split()
        if not f or f[0].startswith("#"):
            continue
        if f[0] == "set":
            sets[f[1]] = f[2].strip("{}").lower()
        elif f[0] == "tag":
            tags.setdefault(int(f[1], 16), {})[int(f[2], 16)] = f[3]
            by_name.setdefault(f[3], ("tag", int(f[1], 16), int(f[2], 16)))
        else:
            key = (sets[f[1]], int(f[2], 16) if f[0] == "lid" else f[2].lower())
            named.setdefault(key, {})[int(f[3], 16)] = f[4]
            by_name.setdefault(f[4], ("named", key, int(f[3], 16)))
    return tags, named, by_name


def text_kind(t):
    """A type, with the 8-bit and Unicode text types made one."""
    return t | 1 if (t & 0xFFF) in (0x1E, 0x1F) else t


def named_keys(ole):
    """{property id: (guid, lid or lower-case string)} from __nameid_version1.0."""
    base = "__nameid_version1.0/"
    guids = ole.openstream(base + "__substg1.0_00020102").read()
    entries = ole.openstream(base + "__substg1.0_00030102").read()
    strings = ole.openstream(base + "__substg1.0_00040102").read() if ole.exists(base + "__substg1.0_00040102") else b""
    keys = {}
    for off in range(0, len(entries), 8):
        ident, kind = struct.unpack_from("<II", entries, off)
        gi = (kind >> 1) & 0x7FFF
        guid = {1: "00020328-0000-0000-c000-000000000046", 2: "00020329-0000-0000-c000-000000000046"}.get(gi)
        if guid is None:
            guid = str(uuid.UUID(bytes_le=guids[(gi - 3) * 16:(gi - 2) * 16]))
        if kind & 1:
            length = struct.unpack_from("<I", strings, ident)[0]
            ident = strings[ident + 4:ident + 4 + length].decode("utf-16-le").lower()
        keys[0x8000 + (kind >> 16)] = (guid, ident)
    return keys


def check_names(dump_path, directory, table_path):
    tags, named, by_name = read_table(table_path)
    dumps = parse_dump(open(dump_path, encoding="utf-8").read())
    types = {"PT_SHORT": 2, "PT_LONG": 3, "PT_BOOLEAN": 0xB, "PT_STRING8": 0x1E, "PT_UNICODE": 0x1F, "PT_SYSTIME": 0x40,
             "PT_BINARY": 0x102, "PT_CLSID": 0x48, "PT_I8": 0x14, "PT_DOUBLE": 5, "PT_MV_LONG": 0x1003,
             "PT_MV_STRING8": 0x101E, "PT_MV_UNICODE": 0x101F, "PT_MV_BINARY": 0x1102, "PT_OBJECT": 0xD}
    counts = {"named": 0, "hex": 0}
    for name in sorted(f for f in os.listdir(directory) if f.endswith(".msg")):
        key = next((k for k in dumps if k.endswith("/" + name)), None)
        ole = olefile.OleFileIO(os.path.join(directory, name))
        keys = named_keys(ole) if ole.exists("__nameid_version1.0") else {}
        props = {}  # tagged: (id, type) -> True; named: (guid, ident) -> type
        for tag in read_entries(ole, [], 32):
            if tag >> 16 >= 0x8000:
                if tag >> 16 in keys:
                    props[keys[tag >> 16]] = tag & 0xFFFF
            else:
                props[(tag >> 16, tag & 0xFFFF)] = True
        for line_name in dumps[key]["props"]:
            m = re.match(r"^named:\{([0-9A-F-]+)\}:(?:0x([0-9A-F]{4})|\"(.*)\"):(\w+)$", line_name)
            if m:
                k = (m.group(1).lower(), int(m.group(2), 16) if m.group(2) else m.group(3).lower())
                t = types.get(m.group(4))
                if k in named and t is not None and any(text_kind(t) == text_kind(tt) for tt in named[k]):
                    problem("%s: %s is %s in the table, but left unnamed" % (name, line_name, named[k]))
                counts["hex"] += 1
                continue
            m = re.match(r"^0x([0-9A-F]{4})([0-9A-F]{4})$", line_name)
            if m:
                pid, t = int(m.group(1), 16), int(m.group(2), 16)
                if any(text_kind(t) == text_kind(tt) for tt in tags.get(pid, {})):
                    problem("%s: %s is %s in the table, but left in hex" % (name, line_name, tags[pid]))
                counts["hex"] += 1
                continue
            base, _, stored = line_name.partition(":")
            if base not in by_name:
                continue  # a PR_ name (Wine's table), checked by the other modes
            kind, k, t = by_name[base]
            if stored:
                if text_kind(types.get(stored, -1)) != text_kind(t) or types[stored] == t:
                    problem("%s: %s: %s is not the other kind of text than the table's" % (name, line_name, stored))
                t = types.get(stored, t)
            if kind == "tag":
                if not props.get((k, t)):
                    problem("%s: %s names 0x%04X%04X, which olefile does not find" % (name, line_name, k, t))
            elif props.get(k) != t:
                problem("%s: %s names %s of type 0x%04X; olefile finds %s" % (name, line_name, k, t, props.get(k)))
            counts["named"] += 1
    print("%d lines named from the table, %d left in hex (none the table names)" % (counts["named"], counts["hex"]))


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "corpus":
        check_corpus(sys.argv[2], sys.argv[3])
    elif len(sys.argv) >= 4 and len(sys.argv) % 2 == 0 and sys.argv[1] == "written":
        for msg, text in zip(sys.argv[2::2], sys.argv[3::2]):
            check_written(msg, text)
    elif len(sys.argv) == 5 and sys.argv[1] == "names":
        check_names(sys.argv[2], sys.argv[3], sys.argv[4])
    elif len(sys.argv) >= 3 and sys.argv[1] == "buckets":
        for msg in sys.argv[2:]:
            check_buckets(msg)
    else:
        sys.exit(__doc__)
    sys.exit(1 if problems else 0)
