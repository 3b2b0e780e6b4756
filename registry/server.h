/*
 * server: writes the simulated Exchange 2003 server and the KB938650 hotfix
 * into the registry of the current Wine prefix (hotfix/DESIGN.md §3).  Reads go through
 * the gate; this module only writes, and checks the SP2 prerequisite.
 */
#ifndef TRACKFIX_SERVER_H
#define TRACKFIX_SERVER_H

#include <windef.h>

#include "errmsg.h"
#include "gate.h"

#define SERVER_TEXT_SIZE ERRMSG_SIZE

/* Writes the Setup values (Exchange 6.5, build BUILD), the diagnostics level
 * LEVEL of "Exchange Store Driver" and an empty ParametersSystem key.
 * Returns S_OK or the HRESULT of the failing write, described in ERROR. */
HRESULT server_init(DWORD build, DWORD level, char error[SERVER_TEXT_SIZE]);

/* Installs KB938650: writes its key with Description and InstalledDate
 * (TODAY, "YYYYMMDD").  Refuses with E_ABORT and a message naming Exchange
 * Server 2003 Service Pack 2 when the server read through READER is not
 * Exchange 2003 (6.5) of build 7638 or later.  Does not create
 * FixRecipientTrackStatusTime: the article has the administrator do that. */
HRESULT server_install_hotfix(const struct gate_reader *reader, const char *today,
                              char error[SERVER_TEXT_SIZE]);

/* Removes the KB938650 key.  Returns S_OK, S_FALSE when it was not there,
 * or the HRESULT of the failure. */
HRESULT server_uninstall_hotfix(char error[SERVER_TEXT_SIZE]);

/* Sets FixRecipientTrackStatusTime to VALUE as a REG_DWORD, creating its
 * key.  Returns S_OK or the HRESULT of the failure. */
HRESULT server_set_fix_value(DWORD value, char error[SERVER_TEXT_SIZE]);

#endif
