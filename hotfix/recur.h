/*
 * recur: a recurring meeting's series, read from PidLidAppointmentRecur
 * (MS-OXOCAL 2.2.1.44: RecurrencePattern, then AppointmentRecurrencePattern
 * with its exceptions), its instances listed by our own arithmetic, and its
 * iCalendar RRULE (MS-OXCICAL 2.1.3.2.2; DESIGN.md §4.1).
 *
 * Every time in a pattern is a local time of the meeting's time zone, in
 * minutes since 1601-01-01T00:00 ("local minutes"); none is a PT_SYSTIME, so
 * none goes through the KB938650 gate.
 */
#ifndef TRACKFIX_RECUR_H
#define TRACKFIX_RECUR_H

#include <windef.h>

#include <libical/ical.h>

#include "errmsg.h"

#define RECUR_ERROR_SIZE ERRMSG_SIZE

/* RecurFrequency */
#define RECUR_FREQ_DAILY 0x200A
#define RECUR_FREQ_WEEKLY 0x200B
#define RECUR_FREQ_MONTHLY 0x200C
#define RECUR_FREQ_YEARLY 0x200D

/* PatternType (the Hijri ones, 0x000A..0x000C, are refused) */
#define RECUR_PATTERN_DAY 0x0000
#define RECUR_PATTERN_WEEK 0x0001
#define RECUR_PATTERN_MONTH 0x0002
#define RECUR_PATTERN_MONTH_NTH 0x0003
#define RECUR_PATTERN_MONTH_END 0x0004

/* EndType (0xFFFFFFFF also means never) */
#define RECUR_END_DATE 0x2021
#define RECUR_END_COUNT 0x2022
#define RECUR_END_NEVER 0x2023

/* OverrideFlags of an exception */
#define RECUR_ARO_SUBJECT 0x0001
#define RECUR_ARO_MEETINGTYPE 0x0002
#define RECUR_ARO_REMINDERDELTA 0x0004
#define RECUR_ARO_REMINDER 0x0008
#define RECUR_ARO_LOCATION 0x0010
#define RECUR_ARO_BUSYSTATUS 0x0020
#define RECUR_ARO_ATTACHMENT 0x0040
#define RECUR_ARO_SUBTYPE 0x0080
#define RECUR_ARO_APPTCOLOR 0x0100

#define RECUR_MINUTES_PER_DAY 1440
/* The most instances recur_instances makes of a series: more is refused
 * as damaged (over 27 years of daily meetings). */
#define RECUR_LISTED_MAX 10000

/* A modified instance: its new times, the instance it replaces, and what
 * it changes (NULL: as the series). */
struct recur_exception
{
    ULONG start, end;      /* local minutes */
    ULONG original_start;  /* local minutes of the instance it replaces */
    USHORT flags;          /* RECUR_ARO_* */
    char *subject;         /* UTF-8, owned, or NULL */
    char *location;        /* UTF-8, owned, or NULL */
};

struct recur_pattern
{
    USHORT frequency;      /* RECUR_FREQ_* */
    USHORT pattern_type;   /* RECUR_PATTERN_* */
    ULONG period;          /* minutes (day), weeks (week) or months */
    ULONG days;            /* weekday bits, Sunday 0x01 .. Saturday 0x40 */
    ULONG day;             /* day of the month, 1..31 (month) */
    ULONG nth;             /* 1..4, 5 = last (month-nth) */
    ULONG end_type;        /* RECUR_END_* */
    ULONG occurrence_count;
    ULONG first_dow;       /* 0 Sunday .. 6 Saturday */
    ULONG *deleted;        /* local midnights of deleted instances, and of
                              those an exception replaces */
    ULONG deleted_count;
    ULONG *modified;       /* local midnights the exceptions fall on */
    ULONG modified_count;
    ULONG start_date;      /* local midnight of the first instance */
    ULONG end_date;        /* local midnight of the last one (end by date) */
    ULONG start_offset;    /* minutes after midnight an instance starts */
    ULONG end_offset;      /* ... and ends */
    struct recur_exception *exceptions;
    ULONG exception_count;
};

/* One instance of a series as it happens: where it was in the pattern and
 * when it is now; EXCEPTION is the change that moved it, or NULL. */
struct recur_instance
{
    ULONG original_start;
    ULONG start, end;
    const struct recur_exception *exception;
};

/* Reads the PidLidAppointmentRecur value DATA (SIZE bytes) into PATTERN.
 * Returns S_OK, E_OUTOFMEMORY, or E_INVALIDARG with ERROR naming the field
 * and its byte offset ("byte 22: EndType 0x00001234 is not ...") for a
 * truncated, damaged or unsupported pattern.  On failure PATTERN holds
 * nothing to free. */
HRESULT recur_parse(const BYTE *data, ULONG size, struct recur_pattern *pattern,
                    char error[RECUR_ERROR_SIZE]);

void recur_free(struct recur_pattern *pattern);

/* Lists the series' instances in the order they start, deleted ones left
 * out and modified ones moved, at most LIMIT of them (a series with no end stops there), into
 * OUT (LIMIT entries).  Returns how many. */
ULONG recur_instances(const struct recur_pattern *pattern, ULONG limit, struct recur_instance *out);

/* The first instance the pattern makes (deletions ignored), in local
 * minutes: the series' DTSTART. */
ULONG recur_first_start(const struct recur_pattern *pattern);

/* Whether the instance at local midnight DATE was deleted and no exception
 * replaces it: an EXDATE. */
BOOL recur_is_deleted(const struct recur_pattern *pattern, ULONG date);

/* The RRULE of PATTERN.  UNTIL (end by date) is the last instance's start,
 * UNTIL_UTC, which the caller computes in the time zone. */
struct icalrecurrencetype recur_rrule(const struct recur_pattern *pattern, struct icaltimetype until_utc);

/* Makes the instance at local minutes ORIGINAL_START an exception without
 * overrides, ending at END: the pattern DATA (SIZE bytes) with its date
 * added to the deleted and the modified dates, an ExceptionInfo and, when
 * WriterVersion2 has them, an ExtendedException, each in start order
 * (MS-OXOCAL 2.2.1.44.2, 2.2.1.44.3).  *OUT (caller frees), *OUT_SIZE.
 * E_INVALIDARG with ERROR for a pattern recur_parse refuses or an instance
 * already deleted or modified; E_OUTOFMEMORY. */
HRESULT recur_add_exception(const BYTE *data, ULONG size, ULONG original_start, ULONG end, BYTE **out,
                            ULONG *out_size, char error[RECUR_ERROR_SIZE]);

/* Local minutes to a SYSTEMTIME (no time zone). */
void recur_systemtime(ULONG minutes, SYSTEMTIME *st);

/* Local minutes as text, "YYYY-MM-DDThh:mm", as the commands show an
 * instance. */
#define RECUR_LOCAL_SIZE 32
void recur_format_local(ULONG minutes, char out[RECUR_LOCAL_SIZE]);

#endif
