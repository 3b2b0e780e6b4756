/*
 * ecgetmime: Exchange 2003 SP2's store call EcGetMime for meeting messages:
 * a MAPI meeting request, update or cancellation in, the RFC 5322 / iMIP
 * message that the store hands to SMTP out (DESIGN.md §4), or the failure SP2
 * has.
 *
 * Only PR_RECIPIENT_TRACKSTATUS_TIME goes through the path the caller picks
 * (the KB938650 gate); every other PT_SYSTIME takes the legacy path, so a
 * meeting dated before 1899-12-30 fails with the fix on as well.
 */
#ifndef TRACKFIX_ECGETMIME_H
#define TRACKFIX_ECGETMIME_H

#include <windef.h>

#include "errmsg.h"

#include "mapimsg.h"
#include "systime.h"

#define ECGETMIME_ERROR_SIZE ERRMSG_SIZE

enum ecgetmime_method
{
    ECGETMIME_REQUEST, /* METHOD:REQUEST: a request or an update */
    ECGETMIME_CANCEL,  /* METHOD:CANCEL, STATUS:CANCELLED */
};

struct ecgetmime_options
{
    BOOL cancel;                  /* convert as the meeting's cancellation */
    enum systime_path track_path; /* how PR_RECIPIENT_TRACKSTATUS_TIME converts */
    ULONGLONG now;                /* the clock: Date, and DTSTAMP when unset */
    ULONG serial;                 /* id source: makes the Message-ID unique */
};

struct ecgetmime_result
{
    char *mime;                   /* the message, CRLF lines; caller frees */
    enum ecgetmime_method method;
    ULONG attendees;
    BOOL uid_generated;           /* the meeting had no PidLidGlobalObjectId: its UID was made (meeting_generate_goid) */
};

/* Converts MESSAGE (NAME names it in errors) into RESULT.
 * Returns S_OK; E_FAIL (0x80004005) when a time cannot be converted, with
 * ERROR naming the message, the recipient or property and the raw FILETIME;
 * E_INVALIDARG when the message is not a meeting or lacks what the
 * conversion needs (ERROR says what); E_OUTOFMEMORY.  On failure RESULT->mime
 * is NULL: nothing is produced half. */
HRESULT ecgetmime_convert(const struct mapi_message *message, const char *name,
                          const struct ecgetmime_options *options, struct ecgetmime_result *result,
                          char error[ECGETMIME_ERROR_SIZE]);

#endif
