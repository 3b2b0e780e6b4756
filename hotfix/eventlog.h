/*
 * eventlog: event 327 of MSExchangeTransport (DESIGN.md §5), kept in a plain
 * text file beside the queue (one record per line, newest last) and also
 * reported with ReportEventW.
 *
 * A line is: TIME<TAB>TYPE<TAB>SOURCE<TAB>CATEGORY<TAB>ID<TAB>DESCRIPTION,
 * TIME in ISO-8601 UTC.
 */
#ifndef TRACKFIX_EVENTLOG_H
#define TRACKFIX_EVENTLOG_H

#include <stdio.h>

#include <windef.h>

#define EVENTLOG_ECGETMIME_FAILED 327
/* "Exchange Store Driver" diagnostics levels (DESIGN.md §3) */
#define EVENTLOG_LEVEL_MAXIMUM 5

/* Event 327: a failed EcGetMime (HR) of the message in store MDB (a
 * GUID), folder FID and message MID, at time NOW. */
struct eventlog_327
{
    ULONGLONG now;
    HRESULT hr;
    const char *mdb, *fid, *mid;
};

/* Appends the COUNT EVENTS to the file LOG_PATH in order, with one flush
 * before it returns, and reports each with ReportEventW.  S_OK or the
 * HRESULT of the failed write. */
HRESULT eventlog_write_327(const char *log_path, const struct eventlog_327 *events, ULONG count);

/* Prints the records of LOG_PATH at or after SINCE to OUT in the layout of
 * Event Viewer's copied records.  Returns S_OK, S_FALSE when the log does
 * not exist (nothing printed), or the HRESULT of the failed open or read
 * (what was read before it printed). */
HRESULT eventlog_print(const char *log_path, ULONGLONG since, FILE *out);

#endif
