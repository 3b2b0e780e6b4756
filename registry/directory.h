/*
 * directory: the simulated server's Active Directory, as far as EcGetMime
 * needs it: an Exchange (EX) address, a legacyExchangeDN, to its SMTP
 * address (hotfix/DESIGN.md §4.2).
 *
 * It lives in the Wine prefix's registry, one REG_SZ value per mailbox
 * under HKLM\SOFTWARE\trackfix\Directory: the value's name is the
 * legacyExchangeDN (compared without regard to case, as Active Directory
 * does), its data the SMTP address.  `trackfix server directory add DN
 * ADDRESS` adds one; so does any .reg file (registry/README.md).
 */
#ifndef TRACKFIX_DIRECTORY_H
#define TRACKFIX_DIRECTORY_H

#include <windef.h>

#include "errmsg.h"

#define DIRECTORY_KEY "SOFTWARE\\trackfix\\Directory"
#define DIRECTORY_ERROR_SIZE ERRMSG_SIZE

/* Adds or replaces the entry DN -> ADDRESS (both UTF-8).  Refuses with
 * E_INVALIDARG an empty DN or an ADDRESS without '@'.  S_OK, or the
 * HRESULT of the failing write, described in ERROR. */
HRESULT directory_add(const char *dn, const char *address, char error[DIRECTORY_ERROR_SIZE]);

/* The SMTP address of DN as new UTF-8 in *ADDRESS (caller frees): S_OK;
 * S_FALSE (*ADDRESS NULL) when the directory has no such entry (or none at
 * all); E_OUTOFMEMORY; the Win32 error of a registry that would not
 * answer (access denied...). */
HRESULT directory_read(const char *dn, char **address);

/* Calls VISIT for each entry, in the registry's order, *COUNT of them:
 * S_OK (no directory: none), E_OUTOFMEMORY, or the Win32 error of a
 * registry that would not answer (the entries before it visited). */
HRESULT directory_each(void (*visit)(const char *dn, const char *address, void *context), void *context, ULONG *count);

#endif
