/*
 * memlockbytes: an ILockBytes over a growable buffer in memory.
 *
 * ole32 grows a compound file one 512-byte sector at a time.  Over a file
 * that is a syscall per sector; over CreateILockBytesOnHGlobal it is a
 * GlobalReAlloc, and so a copy of the whole file, per sector.  This one
 * grows its buffer geometrically, so writing an N-byte compound file costs
 * O(N).  Not thread-safe; the .msg writer uses one per file.
 */
#ifndef TRACKFIX_MEMLOCKBYTES_H
#define TRACKFIX_MEMLOCKBYTES_H

#include <windows.h>
#include <objbase.h>

/* Creates an empty one (refcount 1) in *OUT.  S_OK or E_OUTOFMEMORY. */
HRESULT memlockbytes_create(ILockBytes **out);

/* The bytes written so far and their count; valid until the next write or
 * the last Release. */
const BYTE *memlockbytes_data(ILockBytes *bytes, ULONG *size);

#endif
