/*
 * atomicfile: files that appear whole or not at all: written as NAME.tmp in
 * the same folder, flushed, closed, then renamed over NAME.
 */
#ifndef TRACKFIX_ATOMICFILE_H
#define TRACKFIX_ATOMICFILE_H

#include <windef.h>

/* Writes SIZE bytes of DATA to PATH (UTF-8) atomically, PATH's folder
 * resolved by Wine and the two names made by the host (see hostfs.h).
 * Returns S_OK, or the HRESULT of the failing step; PATH is then untouched
 * and PATH.tmp removed. */
HRESULT atomicfile_write(const char *path, const void *data, DWORD size);

/* Flushes the finished, closed file TEMP to disk and renames it over PATH.
 * Returns S_OK, or the HRESULT of the failure; TEMP is then deleted. */
HRESULT atomicfile_commit(const WCHAR *temp, const WCHAR *path);

/* PATH (UTF-8) and PATH.tmp as WCHAR strings of MAX_PATH.  FALSE when too long. */
BOOL atomicfile_names(const char *path, WCHAR *wpath, WCHAR *wtemp);

#endif
