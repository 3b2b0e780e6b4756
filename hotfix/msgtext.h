/*
 * msgtext: the text form of a MAPI message, one "NAME = VALUE" line per
 * property under a [message] section and one [recipient] section per row.
 *
 * NAME is the table name (PR_SUBJECT, PidLidLocation), else the tag as
 * 0xPPPPTTTT, else for a named property named:{GUID}:0xLLLL:TYPE or
 * named:{GUID}:"string":TYPE.  VALUE by type: integers in decimal,
 * PT_BOOLEAN true/false, PT_SYSTIME ISO-8601 UTC, strings in double quotes
 * with C escapes (PT_STRING8 bytes above 0x7F as \xHH), binary in hex,
 * PT_CLSID as {GUID}, PT_DOUBLE/PT_APPTIME as %.17g, multi-valued strings
 * and binaries as [v1, v2].  Lines starting with # are comments.
 * Formatting then parsing gives back the same message, and the reverse.
 */
#ifndef TRACKFIX_MSGTEXT_H
#define TRACKFIX_MSGTEXT_H

#include <stdio.h>

#include <windef.h>

#include "errmsg.h"

#include "mapimsg.h"

#define MSGTEXT_ERROR_SIZE ERRMSG_SIZE

/* Writes MESSAGE in text form to OUT.  Returns S_OK, E_OUTOFMEMORY when a
 * string could not be converted (its value is left out: the output is not
 * the message), or E_FAIL on a write error of OUT. */
HRESULT msgtext_write(FILE *out, const struct mapi_message *message);

/* Parses TEXT (NUL-terminated; SOURCE names it in errors) into MESSAGE,
 * which must be empty.  Returns S_OK, or E_INVALIDARG with ERROR as
 * "SOURCE:LINE: what is wrong"; MESSAGE is then left empty. */
HRESULT msgtext_parse(const char *text, const char *source, struct mapi_message *message,
                      char error[MSGTEXT_ERROR_SIZE]);

#endif
