/*
 * msgfile: Outlook .msg files (MS-OXMSG) read and written as compound
 * files (cfb.c, cfbwrite.c).
 */
#ifndef TRACKFIX_MSGFILE_H
#define TRACKFIX_MSGFILE_H

#include <windef.h>

#include "errmsg.h"

#include "mapimsg.h"

#define MSGFILE_ERROR_SIZE ERRMSG_SIZE

/* Reads the .msg file PATH (UTF-8) into MESSAGE, which must be empty.
 * Returns S_OK, or an E_* / STG_E_* HRESULT with ERROR naming the file and
 * the stream or property at fault: not a compound file, a missing or
 * truncated stream, size fields that disagree, a recipient storage without
 * properties, an unknown property type.  On failure MESSAGE is left empty.
 * No allocation is larger than the file itself. */
HRESULT msgfile_read(const char *path, struct mapi_message *message, char error[MSGFILE_ERROR_SIZE]);

/* msgfile_read that also hands over, on success, the file's bytes as read
 * and parsed: *BYTES (caller frees with GlobalFree), *SIZE. */
HRESULT msgfile_read_keep(const char *path, struct mapi_message *message, HGLOBAL *bytes, ULONGLONG *size,
                          char error[MSGFILE_ERROR_SIZE]);

/* Writes MESSAGE to PATH as a .msg file: written to PATH.tmp, flushed, then
 * renamed over PATH.  Named properties get ids from 0x8000 in order of first
 * use, with the __nameid_version1.0 streams that map them.  Returns S_OK or
 * the failing HRESULT with ERROR naming the file; PATH is then untouched and
 * no temp file is left. */
HRESULT msgfile_write(const char *path, const struct mapi_message *message, char error[MSGFILE_ERROR_SIZE]);

#endif
