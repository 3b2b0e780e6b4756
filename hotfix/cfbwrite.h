/*
 * cfbwrite: a compound file (MS-CFB version 3, 512-byte sectors) built in
 * memory, for the .msg writer: storages and streams added in any order,
 * then laid out in one pass.  Each storage's children become a balanced
 * red-black tree in MS-CFB's order of names (2.6.4), so that a lookup by
 * name is log2(N) deep in any reader; streams under 4,096 bytes go to the
 * mini stream.  Wine's ole32, which wrote .msg files before, searched its
 * allocation tables from the start for every sector: 10,000 recipient
 * rows took 50 s of CPU, 100,000 hours.
 */
#ifndef TRACKFIX_CFBWRITE_H
#define TRACKFIX_CFBWRITE_H

#include <stddef.h>

#include <windef.h>

#include "cfb.h"

struct cfbw_entry;

struct cfb_writer
{
    struct cfbw_entry *entries; /* [0]: the root storage */
    ULONG count, capacity;
};

/* An empty file: the root storage alone.  S_OK or E_OUTOFMEMORY. */
HRESULT cfbw_init(struct cfb_writer *w);
void cfbw_free(struct cfb_writer *w);

/* Adds storage NAME to storage PARENT (CFB_ROOT or an index this gave),
 * its index in *STORAGE.  S_OK, STG_E_INVALIDNAME for a name of more than
 * 31 characters, or E_OUTOFMEMORY. */
HRESULT cfbw_add_storage(struct cfb_writer *w, ULONG parent, const WCHAR *name, ULONG *storage);

/* Adds stream NAME holding SIZE bytes of DATA (copied) to storage PARENT.
 * S_OK, STG_E_INVALIDNAME, STG_E_MEDIUMFULL past the 4 GB a version 3
 * file addresses, or E_OUTOFMEMORY. */
HRESULT cfbw_add_stream(struct cfb_writer *w, ULONG parent, const WCHAR *name, const void *data, ULONG size);

/* Sets storage STORAGE's class. */
void cfbw_set_class(struct cfb_writer *w, ULONG storage, const GUID *clsid);

/* The whole file: *FILE (caller frees) of *SIZE bytes.  S_OK,
 * STG_E_MEDIUMFULL past 4 GB, or E_OUTOFMEMORY. */
HRESULT cfbw_finish(struct cfb_writer *w, BYTE **file, size_t *size);

#endif
