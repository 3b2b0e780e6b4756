#!/usr/bin/python3
"""A compound file (MS-CFB version 3) writer, for the size tests.

  cfbwrite.py rows N TEMPLATE OUT

Writes OUT as the .msg TEMPLATE with its last recipient storage replaced by
N clones of it (the rows after the others keep numbering on), and the
message's recipient count set to match.  In each clone the run of six zeros that TEMPLATE's addresses and
display name carry (a000000@..., "Adam 000000") becomes the row number, and
PR_ROWID one past the storage's number, so every row is its own attendee.

trackfix's own writer goes through Wine's ole32, whose sector allocator
searches from the start for every sector: 10,000 rows take half a minute
and 100,000 would take hours.  This writer lays the file out in one pass,
and it is independent of the reader it tests.  TEMPLATE is read with
python3-olefile.
"""
import os
import struct
import sys

import olefile

SECTOR = 512
MINI_SECTOR = 64
MINI_CUTOFF = 4096
FREESECT, ENDOFCHAIN, FATSECT, DIFSECT = 0xFFFFFFFF, 0xFFFFFFFE, 0xFFFFFFFD, 0xFFFFFFFC
NOSTREAM = 0xFFFFFFFF
STORAGE, STREAM, ROOT = 1, 2, 5
RED, BLACK = 0, 1
HEADER_DIFAT = 109
PER_SECTOR = SECTOR // 4
# name, name length, type, color, left, right, child, CLSID, state bits,
# created, modified, start sector, size (MS-CFB 2.6.1)
DIRECTORY_ENTRY = struct.Struct("<64sHBBIII16sIQQIQ")


def cfb_key(name):
    """The order of siblings in a directory tree: shorter names first, then
    by the upper-cased UTF-16 code units (MS-CFB 2.6.4)."""
    units = name.upper().encode("utf-16-le")
    return (len(units), units)


class Entry:
    def __init__(self, name, kind, data=b""):
        self.name, self.kind, self.data = name, kind, data
        self.left = self.right = self.child = NOSTREAM
        self.color = BLACK
        self.start, self.size = ENDOFCHAIN, len(data)


def flatten(tree):
    """Directory entries for TREE (name -> bytes for a stream, or -> dict
    for a storage), the root first.  Each storage's children form a
    balanced binary search tree whose deepest level is red, a valid
    red-black tree."""
    entries = [Entry("Root Entry", ROOT)]

    def add_children(parent, children):
        names = sorted(children, key=cfb_key)
        depth_max = max(len(names).bit_length() - 1, 0)

        def build(first, end, depth):
            if first >= end:
                return NOSTREAM
            middle = (first + end) // 2
            name = names[middle]
            value = children[name]
            entry = Entry(name, STREAM if isinstance(value, bytes) else STORAGE,
                          value if isinstance(value, bytes) else b"")
            index = len(entries)
            entries.append(entry)
            if depth == depth_max and depth > 0:
                entry.color = RED
            entry.left = build(first, middle, depth + 1)
            entry.right = build(middle + 1, end, depth + 1)
            if entry.kind == STORAGE:
                add_children(entry, value)
            return index

        parent.child = build(0, len(names), 0)

    add_children(entries[0], tree)
    return entries


def chain(fat, first, count):
    """Links COUNT sectors from FIRST in FAT; returns FIRST, or ENDOFCHAIN."""
    if not count:
        return ENDOFCHAIN
    for i in range(first, first + count - 1):
        fat[i] = i + 1
    fat[first + count - 1] = ENDOFCHAIN
    return first


def write(path, tree):
    entries = flatten(tree)
    body = bytearray()  # the regular sectors, in file order
    fat = []

    def place(data):
        """Appends DATA as whole sectors; returns the first sector's number."""
        first = len(body) // SECTOR
        count = (len(data) + SECTOR - 1) // SECTOR
        body.extend(data)
        body.extend(b"\0" * (count * SECTOR - len(data)))
        fat.extend([FREESECT] * count)
        return chain(fat, first, count)

    mini = bytearray()
    minifat = []
    for entry in entries:
        if entry.kind != STREAM or not entry.size:
            continue
        if entry.size >= MINI_CUTOFF:
            entry.start = place(entry.data)
            continue
        first = len(mini) // MINI_SECTOR
        count = (entry.size + MINI_SECTOR - 1) // MINI_SECTOR
        mini += entry.data + b"\0" * (count * MINI_SECTOR - entry.size)
        minifat.extend([FREESECT] * count)
        entry.start = chain(minifat, first, count)
    entries[0].start = place(bytes(mini)) if mini else ENDOFCHAIN
    entries[0].size = len(mini)
    minifat_first = place(struct.pack("<%dI" % len(minifat), *minifat)) if minifat else ENDOFCHAIN
    minifat_count = (len(minifat) * 4 + SECTOR - 1) // SECTOR

    directory = bytearray()
    for entry in entries:
        name = entry.name.encode("utf-16-le")
        directory += DIRECTORY_ENTRY.pack(name, len(name) + 2, entry.kind, entry.color, entry.left, entry.right,
                                          entry.child, b"\0" * 16, 0, 0, 0, entry.start, entry.size)
    unused = DIRECTORY_ENTRY.pack(b"", 0, 0, 0, NOSTREAM, NOSTREAM, NOSTREAM, b"\0" * 16, 0, 0, 0, 0, 0)
    directory += unused * (-len(entries) % (SECTOR // 128))
    directory_first = place(bytes(directory))

    # FAT sectors cover every sector, themselves and the DIFAT's included.
    data_count = len(body) // SECTOR
    fat_count = difat_count = 0
    while fat_count * PER_SECTOR < data_count + fat_count + difat_count:
        fat_count += 1
        difat_count = max(0, -(-(fat_count - HEADER_DIFAT) // (PER_SECTOR - 1)))
    fat_first = data_count
    difat_first = data_count + fat_count
    fat.extend([FATSECT] * fat_count + [DIFSECT] * difat_count)
    fat.extend([FREESECT] * (fat_count * PER_SECTOR - len(fat)))
    fat_sectors = list(range(fat_first, fat_first + fat_count))

    difat = bytearray()
    rest = fat_sectors[HEADER_DIFAT:]
    for i in range(difat_count):
        part = rest[i * (PER_SECTOR - 1):(i + 1) * (PER_SECTOR - 1)]
        part += [FREESECT] * (PER_SECTOR - 1 - len(part))
        following = difat_first + i + 1 if i + 1 < difat_count else ENDOFCHAIN
        difat += struct.pack("<%dI" % PER_SECTOR, *part, following)

    header_difat = fat_sectors[:HEADER_DIFAT] + [FREESECT] * (HEADER_DIFAT - min(fat_count, HEADER_DIFAT))
    header = struct.pack("<8s16sHHHHH6sIIIIIIIII", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\0" * 16,
                         0x3E, 3, 0xFFFE, 9, 6, b"\0" * 6, 0, fat_count, directory_first, 0,
                         MINI_CUTOFF, minifat_first, minifat_count,
                         difat_first if difat_count else ENDOFCHAIN, difat_count)
    header += struct.pack("<%dI" % HEADER_DIFAT, *header_difat)
    with open(path + ".tmp", "wb") as out:
        out.write(header)
        out.write(body)
        out.write(struct.pack("<%dI" % len(fat), *fat))
        out.write(bytes(difat))
    os.replace(path + ".tmp", path)


def read_tree(ole, prefix=()):
    """TEMPLATE's storages and streams as a tree for write()."""
    tree = {}
    for entry in ole.listdir(streams=True, storages=True):
        if len(entry) != len(prefix) + 1 or tuple(entry[:len(prefix)]) != prefix:
            continue
        name = entry[-1]
        if ole.get_type("/".join(entry)) == olefile.STGTY_STORAGE:
            tree[name] = read_tree(ole, tuple(entry))
        else:
            tree[name] = ole.openstream("/".join(entry)).read()
    return tree


def clone_rows(count, template, out):
    tree = read_tree(olefile.OleFileIO(template))
    recips = sorted(name for name in tree if name.startswith("__recip_version1.0_#"))
    row = tree.pop(recips[-1])
    kept = len(recips) - 1
    zeros = "000000".encode("utf-16-le")
    rowid = struct.pack("<I", 0x30000003)
    for i in range(count):
        number = ("%06d" % i).encode("utf-16-le")
        clone = {}
        for name, data in row.items():
            if name == "__properties_version1.0":
                # entries of 16 bytes after an 8-byte header: tag, flags, value
                data = bytearray(data)
                for at in range(8, len(data), 16):
                    if data[at:at + 4] == rowid:
                        data[at + 8:at + 12] = struct.pack("<I", kept + i + 1)
                data = bytes(data)
            elif name.endswith("001F"):
                data = data.replace(zeros, number)
            clone[name] = data
        tree["__recip_version1.0_#%08X" % (kept + i)] = clone
    top = bytearray(tree["__properties_version1.0"])
    top[8:12] = struct.pack("<I", kept + count)    # next recipient id
    top[16:20] = struct.pack("<I", kept + count)   # recipient count
    tree["__properties_version1.0"] = bytes(top)
    write(out, tree)


def main():
    if len(sys.argv) != 5 or sys.argv[1] != "rows":
        sys.exit(__doc__)
    clone_rows(int(sys.argv[2]), sys.argv[3], sys.argv[4])


if __name__ == "__main__":
    main()
