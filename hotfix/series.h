/*
 * series: a recurring meeting as Outlook keeps it: the pattern
 * (PidLidAppointmentRecur) and time zone read from the item, local minutes
 * and UTC, and the Exception Attachments (MS-OXOCAL 2.2.10) that hold an
 * instance's own recipient table.  Read the same way by EcGetMime and by
 * the reply step.
 */
#ifndef TRACKFIX_SERIES_H
#define TRACKFIX_SERIES_H

#include <windef.h>

#include "errmsg.h"
#include "mapimsg.h"
#include "recur.h"
#include "tzdef.h"

#define SERIES_ERROR_SIZE ERRMSG_SIZE

struct series
{
    BOOL recurring;              /* PATTERN holds the series */
    struct recur_pattern pattern;
    BOOL has_zone;               /* ZONE holds the meeting's time zone; else its times are UTC */
    struct tzdef zone;
};

/* Reads MESSAGE's time zone (its TZDEFINITION, else its TZSTRUCT, else
 * none) and, when PidLidAppointmentRecur is set and PidLidRecurring is not
 * FALSE, its pattern.  S_OK, or the failing HRESULT with ERROR naming the
 * property ("PidLidAppointmentRecur: byte 22: ..."). */
HRESULT series_read(const struct mapi_message *message, struct series *series, char error[SERIES_ERROR_SIZE]);

void series_free(struct series *series);

/* Local minutes of the series as a UTC FILETIME, and a UTC FILETIME as
 * local minutes (rounded down): through the zone, or as they are when the
 * series has none. */
ULONGLONG series_to_utc(const struct series *series, ULONG minutes);
ULONG series_to_local(const struct series *series, ULONGLONG utc);

/* The embedded message of MESSAGE's Exception Attachment for the instance
 * that started at REPLACE_TIME (UTC; PR_EXCEPTION_REPLACETIME), or NULL. */
struct mapi_message *series_exception(const struct mapi_message *message, ULONGLONG replace_time);

/* Makes the instance of SERIES (read from MESSAGE) that starts at local
 * minutes ORIGINAL_START an exception as Outlook does when it records a
 * reply for it (MS-OXOCAL 3.1.4.8.5.2): an ExceptionInfo without overrides
 * in PidLidAppointmentRecur when it has none, and an Exception Attachment
 * whose embedded message carries the series' subject, the instance's
 * times and a copy of the series' recipient table.  *EXCEPTION: that
 * message.  S_OK; E_OUTOFMEMORY or E_INVALIDARG with ERROR.  SERIES is
 * read again from MESSAGE on success. */
HRESULT series_make_exception(struct mapi_message *message, struct series *series, ULONG original_start,
                              struct mapi_message **exception, char error[SERIES_ERROR_SIZE]);

#endif
