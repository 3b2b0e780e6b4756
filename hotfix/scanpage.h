/*
 * scanpage: the impact scan as one HTML page (trackfix scan --format=html,
 * DESIGN.md §9): the meetings at risk per organizer and per attendee
 * domain as bars, the worst track times, the meetings that need the fix;
 * every chart has a table with the same figures.  The page style is
 * htmlpage's, the queue report's.
 */
#ifndef TRACKFIX_SCANPAGE_H
#define TRACKFIX_SCANPAGE_H

#include <windef.h>

#include "scan.h"
#include "strbuf.h"
#include "systime.h"

/* the worst track times listed */
#define SCANPAGE_WORST_MAX 10

/* What the scan read besides the meeting items of its report. */
struct scanpage_counts
{
    ULONG items, other, unreadable;
    enum systime_path gate;
};

/* The page of the sorted REPORT (scan_report_sort) into PAGE.  S_OK or
 * E_OUTOFMEMORY. */
HRESULT scanpage_build(const struct scan_report *report, const struct scanpage_counts *counts, struct strbuf *page);

#endif
