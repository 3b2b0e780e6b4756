#!/usr/bin/python3
"""Writes damaged copies of a .msg file for the resource-limit tests.

  msgpatch.py stream-size IN OUT STREAM SIZE
      OUT is IN with the directory entry of STREAM (a top-level stream
      name) claiming SIZE bytes.
  msgpatch.py prop-size IN OUT TAG SIZE
      OUT is IN with the top-level property entry TAG (hex, e.g. 0037001F)
      claiming SIZE bytes for its value.
Finds the bytes to patch with Debian's python3-olefile; writes OUT whole.
"""
import struct
import sys

import olefile


def directory_entry_offset(ole, sid):
    """File offset of directory entry SID, following the directory chain."""
    per_sector = ole.sector_size // 128
    sector = ole.first_dir_sector
    for _ in range(sid // per_sector):
        sector = ole.fat[sector]
    return (sector + 1) * ole.sector_size + (sid % per_sector) * 128


def stream_size(src, dst, stream, size):
    ole = olefile.OleFileIO(src)
    sid = ole._find(stream)
    offset = directory_entry_offset(ole, sid)
    ole.close()
    data = bytearray(open(src, "rb").read())
    struct.pack_into("<Q", data, offset + 120, size)
    open(dst, "wb").write(data)


def prop_size(src, dst, tag, size):
    ole = olefile.OleFileIO(src)
    props = ole.openstream("__properties_version1.0").read()
    sid = ole._find("__properties_version1.0")
    entry = ole.direntries[sid]
    ole.close()
    wanted = int(tag, 16)
    for at in range(32, len(props), 16):
        if struct.unpack_from("<I", props, at)[0] == wanted:
            break
    else:
        sys.exit("no property %s" % tag)
    data = bytearray(open(src, "rb").read())
    # the property stream is small, so it lives in the mini stream
    root = olefile.OleFileIO(src)
    mini_start = root.root.isectStart
    chain, sector = [], mini_start
    while sector < 0xFFFFFFFA:
        chain.append(sector)
        sector = root.fat[sector]
    mini_sector, offset_in = entry.isectStart, at + 8
    while offset_in >= root.mini_sector_size:
        mini_sector = root.minifat[mini_sector]
        offset_in -= root.mini_sector_size
    mini_offset = mini_sector * root.mini_sector_size + offset_in
    file_offset = (chain[mini_offset // root.sector_size] + 1) * root.sector_size + mini_offset % root.sector_size
    root.close()
    struct.pack_into("<I", data, file_offset, size)
    open(dst, "wb").write(data)


if __name__ == "__main__":
    kind, src, dst, name, size = sys.argv[1:6]
    if kind == "stream-size":
        stream_size(src, dst, name, int(size, 0))
    elif kind == "prop-size":
        prop_size(src, dst, name, int(size, 0))
    else:
        sys.exit(__doc__)
