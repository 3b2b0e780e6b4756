/*
 * cfbcheck: checks the structure of a compound file (MS-CFB) before ole32
 * opens it.  Wine's ole32 trusts the file: a truncated file or a sector
 * chain that loops makes StgOpenStorage or IStream::Read spin forever.
 * This check follows every chain the file declares, within the file, and
 * refuses the file when one leaves it, loops, or is shorter than its
 * stream says.
 */
#ifndef TRACKFIX_CFBCHECK_H
#define TRACKFIX_CFBCHECK_H

#include <stddef.h>

#include <windef.h>

#include "errmsg.h"

#define CFBCHECK_ERROR_SIZE ERRMSG_SIZE

/* Checks the SIZE bytes at DATA.  Returns S_OK when ole32 can walk them
 * safely; STG_E_FILEALREADYEXISTS when they are not a compound file at
 * all; STG_E_DOCFILECORRUPT with ERROR saying what is wrong otherwise. */
HRESULT cfbcheck_data(const BYTE *data, size_t size, char error[CFBCHECK_ERROR_SIZE]);

#endif
