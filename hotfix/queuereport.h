/*
 * queuereport: the queue as a picture (DESIGN.md §6.4): one HTML page with
 * a timeline, each message a row along time, its attempts and notices as
 * marks (failed red, delivered green, the delay notice amber, the 4.4.7
 * NDR black), each with a <title> of its attempt, time, result and
 * HRESULT; a blue line where the runs saw FixRecipientTrackStatusTime
 * change, between the last attempt that read the old value and the first
 * that read the new one, labelled with both; under it a table with the
 * same facts.  Time is a real axis in UTC; a stretch of more than six
 * hours with nothing in it is cut out and marked with its length.
 *
 * What it leaves out it says: rows past QUEUEREPORT_ROWS_MAX, marks of a
 * message past QUEUEREPORT_MARKS_MAX (its first and last halves are
 * drawn), and above QUEUEREPORT_GROUP_ABOVE messages those with the same
 * history share one row.
 */
#ifndef TRACKFIX_QUEUEREPORT_H
#define TRACKFIX_QUEUEREPORT_H

#include <windef.h>

#include "queue.h"
#include "strbuf.h"

#define QUEUEREPORT_ROWS_MAX 500
#define QUEUEREPORT_MARKS_MAX 400
#define QUEUEREPORT_GROUP_ABOVE 200

/* What a page shows, for the line that tells it was written. */
struct queuereport_figures
{
    ULONG messages, corrupt; /* listed; of them set aside as corrupt */
    ULONG rows, marks;       /* drawn */
    ULONG toggles;           /* changes of FixRecipientTrackStatusTime seen */
    ULONG left_out;          /* marks and rows not drawn */
    ULONG unread;            /* messages whose history could not be read */
    size_t bytes;            /* the page's size */
};

/* The page of QUEUE (read, not locked: a run may go on) into PAGE.  S_OK;
 * E_OUTOFMEMORY, or the failure to list the queue, ERROR saying what.  A
 * message whose history cannot be read is drawn without marks, and says so. */
HRESULT queuereport_build(struct queue *queue, struct strbuf *page, struct queuereport_figures *figures,
                          char error[QUEUE_ERROR_SIZE]);

/* The page of QUEUE written as PATH atomically (htmlpage_write).  S_OK, or
 * the failure to build or write it, ERROR saying what. */
HRESULT queuereport_write(struct queue *queue, const char *path, struct queuereport_figures *figures,
                          char error[QUEUE_ERROR_SIZE]);

#endif
