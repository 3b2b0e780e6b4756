/*
 * cfb: a compound file (MS-CFB) read from memory, for the .msg reader.
 * Every chain the file declares is followed first, within the file: one
 * that leaves it, loops, or is shorter than its stream says refuses the
 * file (Wine's ole32 trusts the file, and such a chain made
 * StgOpenStorage or IStream::Read spin forever).  Then the entries and
 * streams are read straight from the bytes: no ole32, no copy.
 */
#ifndef TRACKFIX_CFB_H
#define TRACKFIX_CFB_H

#include <stddef.h>

#include <windef.h>

#include "errmsg.h"

#define CFB_ERROR_SIZE ERRMSG_SIZE
/* no entry */
#define CFB_NONE 0xFFFFFFFFu
/* the root storage's entry */
#define CFB_ROOT 0u
/* an entry's name: 31 characters and a terminator */
#define CFB_NAME_SIZE 32

/* The types of entries (MS-CFB 2.6.1), as STGTY_STORAGE and STGTY_STREAM. */
enum cfb_type
{
    CFB_TYPE_STORAGE = 1,
    CFB_TYPE_STREAM = 2,
    CFB_TYPE_ROOT = 5,
};

struct cfb;

/* Checks the SIZE bytes at DATA and opens them (kept, not copied: DATA
 * must outlive *FILE).  S_OK; STG_E_FILEALREADYEXISTS when they are not a
 * compound file at all; STG_E_DOCFILECORRUPT with ERROR saying what is
 * wrong; E_OUTOFMEMORY. */
HRESULT cfb_open(const BYTE *data, size_t size, struct cfb **file, char error[CFB_ERROR_SIZE]);
void cfb_close(struct cfb *file);

/* A character of a name as MS-CFB's order of names (2.6.4) compares it:
 * in upper case (ASCII's letters; the names .msg files use are ASCII).
 * The reader and cfbwrite's trees agree through it. */
WCHAR cfb_name_upper(WCHAR ch);

/* The entry of storage STORAGE named NAME (ASCII, compared without case as
 * MS-CFB compares names), or CFB_NONE. */
ULONG cfb_find(const struct cfb *file, ULONG storage, const char *name);

/* The entries of storage STORAGE, in the order of its tree: *ENTRIES
 * (caller frees; NULL when none) and *COUNT.  S_OK or E_OUTOFMEMORY. */
HRESULT cfb_children(const struct cfb *file, ULONG storage, ULONG **entries, ULONG *count);

/* Entry ENTRY's type (enum cfb_type; 0 for an unused entry), name, CLSID. */
int cfb_type(const struct cfb *file, ULONG entry);
void cfb_name(const struct cfb *file, ULONG entry, WCHAR name[CFB_NAME_SIZE]);
void cfb_clsid(const struct cfb *file, ULONG entry, GUID *clsid);

/* The bytes of stream ENTRY: *DATA (caller frees; NULL when empty) and
 * *SIZE.  S_OK or E_OUTOFMEMORY. */
HRESULT cfb_read(const struct cfb *file, ULONG entry, BYTE **data, ULONG *size);

#endif
