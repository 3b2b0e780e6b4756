/*
 * scan: how one MAPI item would fare in EcGetMime, on both track-time paths,
 * and which recipient rows make the difference: the unit of the KB 938650
 * impact scan (DESIGN.md §9).
 *
 * The item is converted for real, once along the legacy path and once
 * along the clamped one; the rows are read as EcGetMime reads them (the
 * first row flagged as the organizer's is not an attendee; an attendee's
 * PR_RECIPIENT_TRACKSTATUS_TIME counts when it has PR_RECIPIENT_TRACKSTATUS
 * too).  Nothing is written anywhere.
 */
#ifndef TRACKFIX_SCAN_H
#define TRACKFIX_SCAN_H

#include <windef.h>

#include "ecgetmime.h"
#include "errmsg.h"
#include "mapimsg.h"

enum scan_kind
{
    /* in the order a meeting is named by: its appointment, a request, ... */
    SCAN_APPOINTMENT,  /* an organizer's IPM.Appointment with attendees */
    SCAN_REQUEST,      /* IPM.Schedule.Meeting.Request: a request or update */
    SCAN_CANCELLATION, /* IPM.Schedule.Meeting.Canceled */
    SCAN_OTHER,        /* anything else, appointments without attendees too */
};

/* What EcGetMime would make of the item, from the two conversions. */
enum scan_status
{
    SCAN_CONVERTS,    /* on both paths */
    SCAN_NEEDS_FIX,   /* the legacy path fails, the clamped one converts */
    SCAN_FAILS_BOTH,  /* a time fails on both paths (a start before 1899) */
    SCAN_INVALID,     /* not convertible for another reason (no UID, no address) */
};

/* Why a track time defeats the legacy path. */
enum scan_time_risk
{
    SCAN_TIME_SENTINEL,    /* exactly 1601-01-01T00:00:00Z: the KB 938650 case */
    SCAN_TIME_BEFORE_1899, /* another time before 1899-12-30 */
    SCAN_TIME_PAST_9999,   /* a time that rounds past 9999-12-31T23:59:59 */
};

/* An attendee row whose track time the legacy path cannot convert. */
struct scan_row
{
    ULONG row;       /* 1-based recipient row */
    char *name;      /* PR_DISPLAY_NAME as UTF-8, owned; may be NULL */
    char *address;   /* the row's SMTP address, owned; NULL when it has none */
    ULONGLONG time;  /* PR_RECIPIENT_TRACKSTATUS_TIME */
    enum scan_time_risk risk;
};

struct scan_item
{
    enum scan_kind kind;
    char *message_class;         /* owned; NULL when absent */
    char *subject;               /* owned; NULL when absent */
    char *organizer;             /* SMTP address, owned; NULL when none is found */
    char *series;                /* the meeting's id with no instance date (hex), owned; NULL without one */
    char exception[16];          /* "YYYY-MM-DD" of the one instance the item is, else "" */
    ULONG attendees;             /* rows other than the organizer's */
    struct scan_row *rows;       /* the attendee rows at risk, in row order */
    ULONG row_count;
    enum scan_status status;
    HRESULT legacy_hr, clamped_hr;            /* S_OK: converts on that path */
    char legacy_reason[ERRMSG_SIZE];          /* why the legacy path fails, else "" */
    char clamped_reason[ERRMSG_SIZE];         /* why the clamped path fails, else "" */
};

/* Evaluates MESSAGE (NAME names it in reasons) into ITEM, with NOW as the
 * conversions' clock.  Returns S_OK, or E_OUTOFMEMORY with ITEM cleared.
 * Clear ITEM with scan_item_clear. */
HRESULT scan_item_evaluate(const struct mapi_message *message, const char *name, ULONGLONG now,
                           struct scan_item *item);
void scan_item_clear(struct scan_item *item);
/* Frees COUNT rows and the array ROWS (taken from an item). */
void scan_rows_free(struct scan_row *rows, ULONG count);

/* How far T lies outside what the legacy path converts: 0 inside, else
 * the ticks to the nearest edge.  The worst time of a set is the farthest. */
ULONGLONG scan_time_distance(ULONGLONG t);

/* Names as the reports print them: "appointment", "request",
 * "cancellation", "other"; "converts", "needs-fix", "fails-both", "invalid";
 * "1601-sentinel", "before-1899", "past-9999". */
const char *scan_kind_name(enum scan_kind kind);
const char *scan_status_name(enum scan_status status);
const char *scan_risk_name(enum scan_time_risk risk);
/* A status in words, as the text report and the page say it: "converts on
 * both paths", "converts only with the fix", "fails with the fix too",
 * "cannot be converted". */
const char *scan_status_words(enum scan_status status);

/* The report over many items (DESIGN.md §9): each meeting item kept as a
 * record; sorted, the records stand grouped by organizer, then by series
 * (one meeting: a series' items and its exceptions, or one item). */
/* What the report keeps of a meeting item. */
struct scan_record
{
    char *file, *organizer, *series, *subject; /* owned; organizer and series never NULL */
    char exception[16];
    enum scan_kind kind;
    enum scan_status status;
    BOOL at_risk;
    struct scan_row *rows; /* the attendee rows at risk, owned */
    ULONG row_count;
};

struct scan_report
{
    struct scan_record *records;
    ULONG count, capacity;
};

/* Distinct strings in sorted order: attendees, domains. */
struct scan_names
{
    char **names;
    ULONG count, capacity;
};

/* The figures of one organizer, or of all: meetings, those at risk (a
 * meeting is at risk when any of its items is), the distinct attendees
 * at risk (by address in any case, else by name) and their domains, and
 * the worst track time (the farthest outside what the legacy path takes). */
struct scan_tally
{
    ULONG meetings, at_risk;
    struct scan_names attendees, domains;
    BOOL has_worst;
    ULONGLONG worst;
};

/* Keeps ITEM of FILE in REPORT, taking its rows (an item without an
 * organizer address is "(no organizer address)"'s, one without an id a
 * meeting of its own).  FALSE when out of memory. */
BOOL scan_report_add(struct scan_report *report, const char *file, struct scan_item *item, BOOL at_risk);
/* Orders the records by organizer, series, exception date, file. */
void scan_report_sort(struct scan_report *report);
/* Adds every meeting of the sorted REPORT into TOTAL.  FALSE when out of memory. */
BOOL scan_report_total(const struct scan_report *report, struct scan_tally *total);
void scan_report_free(struct scan_report *report);

/* The end of the run of sorted records from FIRST with its organizer and,
 * with SERIES, its series (END at the most). */
const struct scan_record *scan_group_end(const struct scan_record *first, const struct scan_record *end, BOOL series);
/* Adds the meeting of records [FIRST, END) to T.  FALSE when out of memory. */
BOOL scan_tally_meeting(struct scan_tally *t, const struct scan_record *first, const struct scan_record *end);
void scan_tally_free(struct scan_tally *t);
/* Whether the meeting of records [FIRST, END) is worth naming: at risk,
 * an item that fails on a path, or a row the legacy path cannot take. */
BOOL scan_worth_naming(const struct scan_record *first, const struct scan_record *end);
/* The subject that names it: its appointment's, else a request's, else
 * a cancellation's ("" for none). */
const char *scan_meeting_subject(const struct scan_record *first, const struct scan_record *end);
/* The domain of ROW's address, "" without one. */
const char *scan_row_domain(const struct scan_row *row);

#endif
