/*
 * recur: PidLidAppointmentRecur read, expanded and written as an RRULE.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "errmsg.h"
#include "recur.h"
#include "systime.h"

/* 1601-01-01 was a Monday; weekday 0 is Sunday */
#define DOW_OF_DAY(day) (((day) + 1) % 7)

/* Where the fields an added exception changes are, by byte offset:
 * noted while reading, for recur_add_exception. */
struct layout
{
    ULONG deleted_at;            /* DeletedInstanceCount */
    ULONG modified_at;           /* ModifiedInstanceCount */
    ULONG after_modified;        /* StartDate, after the ModifiedInstanceDates */
    ULONG count_at;              /* ExceptionCount */
    ULONG info_at[0x10000];      /* each ExceptionInfo, then ReservedBlock1Size */
    ULONG extended_at[0x10000];  /* each ExtendedException, then ReservedBlock2Size */
    ULONG writer_version;        /* WriterVersion2 */
};

/* The reader: DATA, SIZE, where it is, and the error buffer; LAYOUT, when
 * set, gets the offsets. */
struct reader
{
    const BYTE *data;
    ULONG size, pos;
    char *error;
    struct layout *layout;
};

#define NOTE(r, field) do { if ((r)->layout) (r)->layout->field = (r)->pos; } while (0)

static HRESULT truncated(struct reader *r, const char *field, ULONG need)
{
    return errmsg_format(r->error, E_INVALIDARG, "byte %u: %s needs %u bytes, the value ends after %u", r->pos,
                         field, need, r->size - r->pos);
}

static HRESULT take_u16(struct reader *r, const char *field, USHORT *value)
{
    if (r->size - r->pos < 2) return truncated(r, field, 2);
    *value = r->data[r->pos] | r->data[r->pos + 1] << 8;
    r->pos += 2;
    return S_OK;
}

static HRESULT take_u32(struct reader *r, const char *field, ULONG *value)
{
    if (r->size - r->pos < 4) return truncated(r, field, 4);
    *value = r->data[r->pos] | r->data[r->pos + 1] << 8 | r->data[r->pos + 2] << 16 | (ULONG)r->data[r->pos + 3] << 24;
    r->pos += 4;
    return S_OK;
}

static HRESULT skip(struct reader *r, const char *field, ULONG count)
{
    if (r->size - r->pos < count) return truncated(r, field, count);
    r->pos += count;
    return S_OK;
}

static HRESULT bad(struct reader *r, ULONG at, const char *field, ULONG value, const char *why)
{
    return errmsg_format(r->error, E_INVALIDARG, "byte %u: %s 0x%08X %s", at, field, value, why);
}

/* COUNT local-minute values, each a midnight (the instance dates). */
static HRESULT take_dates(struct reader *r, const char *field, ULONG count, ULONG **dates)
{
    ULONG i;

    if (count > (r->size - r->pos) / 4) return truncated(r, field, count * 4 > count ? count * 4 : ~0u);
    if (count && !(*dates = calloc(count, sizeof(**dates)))) return E_OUTOFMEMORY;
    for (i = 0; i < count; i++)
    {
        ULONG at = r->pos;
        take_u32(r, field, &(*dates)[i]); /* cannot fail: the count fits, checked above */
        if ((*dates)[i] % RECUR_MINUTES_PER_DAY) return bad(r, at, field, (*dates)[i], "is not a midnight");
    }
    return S_OK;
}

/* A string of LENGTH units (1 byte, Windows-1252; or 2, UTF-16LE) as new UTF-8. */
static HRESULT take_text(struct reader *r, const char *field, ULONG length, BOOL wide, char **text)
{
    ULONG bytes = wide ? length * 2 : length, i;
    WCHAR *units;
    int size;

    if (r->size - r->pos < bytes) return truncated(r, field, bytes);
    if (!(units = calloc(length + 1, sizeof(WCHAR)))) return E_OUTOFMEMORY;
    if (wide)
        for (i = 0; i < length; i++) units[i] = r->data[r->pos + 2 * i] | r->data[r->pos + 2 * i + 1] << 8;
    else if (length)
        MultiByteToWideChar(1252, 0, (const char *)r->data + r->pos, length, units, length);
    r->pos += bytes;
    free(*text);
    size = WideCharToMultiByte(CP_UTF8, 0, units, length, NULL, 0, NULL, NULL);
    if (!(*text = calloc(size + 1, 1)))
    {
        free(units);
        return E_OUTOFMEMORY;
    }
    WideCharToMultiByte(CP_UTF8, 0, units, length, *text, size, NULL, NULL);
    free(units);
    return S_OK;
}

/* RecurrencePattern: the fields before the exceptions. */
static HRESULT read_recurrence_pattern(struct reader *r, struct recur_pattern *p)
{
    USHORT version, calendar_type;
    ULONG at, pattern_type_at, period_at, first_date_time, sliding;
    HRESULT hr;

    at = r->pos;
    if (FAILED(hr = take_u16(r, "ReaderVersion", &version))) return hr;
    if (version != 0x3004) return bad(r, at, "ReaderVersion", version, "is not 0x3004");
    if (FAILED(hr = skip(r, "WriterVersion", 2))) return hr;
    at = r->pos;
    if (FAILED(hr = take_u16(r, "RecurFrequency", &p->frequency))) return hr;
    if (p->frequency < RECUR_FREQ_DAILY || p->frequency > RECUR_FREQ_YEARLY)
        return bad(r, at, "RecurFrequency", p->frequency, "is not 0x200A, 0x200B, 0x200C or 0x200D");
    at = pattern_type_at = r->pos;
    if (FAILED(hr = take_u16(r, "PatternType", &p->pattern_type))) return hr;
    if (p->pattern_type > RECUR_PATTERN_MONTH_END)
        return bad(r, at, "PatternType", p->pattern_type,
                   p->pattern_type >= 0x000A && p->pattern_type <= 0x000C ? "is a Hijri calendar pattern: not supported"
                                                                        : "is not a known pattern type");
    at = r->pos;
    if (FAILED(hr = take_u16(r, "CalendarType", &calendar_type))) return hr;
    if (calendar_type > 1)
        return bad(r, at, "CalendarType", calendar_type, "is not the Gregorian calendar: not supported");
    if (FAILED(hr = take_u32(r, "FirstDateTime", &first_date_time))) return hr;
    at = period_at = r->pos;
    if (FAILED(hr = take_u32(r, "Period", &p->period))) return hr;
    if (!p->period || (p->pattern_type == RECUR_PATTERN_DAY && p->period % RECUR_MINUTES_PER_DAY) ||
        p->period > 999 * (p->pattern_type == RECUR_PATTERN_DAY ? RECUR_MINUTES_PER_DAY : 12))
        return bad(r, at, "Period", p->period,
                   p->pattern_type == RECUR_PATTERN_DAY ? "is not a whole number of days (1..999), in minutes"
                                                        : "is not 1..999 weeks or 1..11988 months");
    if (FAILED(hr = take_u32(r, "SlidingFlag", &sliding))) return hr;

    at = r->pos;
    switch (p->pattern_type)
    {
    case RECUR_PATTERN_WEEK:
    case RECUR_PATTERN_MONTH_NTH:
        if (FAILED(hr = take_u32(r, "PatternTypeSpecific days", &p->days))) return hr;
        if (!(p->days & 0x7f) || p->days & ~0x7fu)
            return bad(r, at, "PatternTypeSpecific days", p->days, "names no weekday, or bits past Saturday");
        if (p->pattern_type == RECUR_PATTERN_MONTH_NTH)
        {
            at = r->pos;
            if (FAILED(hr = take_u32(r, "PatternTypeSpecific N", &p->nth))) return hr;
            if (p->nth < 1 || p->nth > 5) return bad(r, at, "PatternTypeSpecific N", p->nth, "is not 1..5");
        }
        break;
    case RECUR_PATTERN_MONTH:
    case RECUR_PATTERN_MONTH_END:
        if (FAILED(hr = take_u32(r, "PatternTypeSpecific day", &p->day))) return hr;
        if (p->pattern_type == RECUR_PATTERN_MONTH && (p->day < 1 || p->day > 31))
            return bad(r, at, "PatternTypeSpecific day", p->day, "is not a day of the month 1..31");
        break;
    }
    if (p->pattern_type != RECUR_PATTERN_DAY && p->pattern_type != RECUR_PATTERN_WEEK && p->period % 12 &&
        p->frequency == RECUR_FREQ_YEARLY)
        return bad(r, period_at, "Period", p->period, "of a yearly pattern is not a whole number of years");
    if ((p->frequency == RECUR_FREQ_MONTHLY || p->frequency == RECUR_FREQ_YEARLY) &&
        (p->pattern_type == RECUR_PATTERN_DAY || p->pattern_type == RECUR_PATTERN_WEEK))
        return bad(r, pattern_type_at, "PatternType", p->pattern_type, "does not fit a monthly or yearly RecurFrequency");

    at = r->pos;
    if (FAILED(hr = take_u32(r, "EndType", &p->end_type))) return hr;
    if (p->end_type == 0xFFFFFFFF) p->end_type = RECUR_END_NEVER;
    if (p->end_type < RECUR_END_DATE || p->end_type > RECUR_END_NEVER)
        return bad(r, at, "EndType", p->end_type, "is not 0x00002021, 0x00002022, 0x00002023 or 0xFFFFFFFF");
    at = r->pos;
    if (FAILED(hr = take_u32(r, "OccurrenceCount", &p->occurrence_count))) return hr;
    if (p->end_type == RECUR_END_COUNT && (!p->occurrence_count || p->occurrence_count > 999))
        return bad(r, at, "OccurrenceCount", p->occurrence_count, "is not 1..999");
    at = r->pos;
    if (FAILED(hr = take_u32(r, "FirstDOW", &p->first_dow))) return hr;
    if (p->first_dow > 6) return bad(r, at, "FirstDOW", p->first_dow, "is not a weekday 0..6");
    NOTE(r, deleted_at);
    if (FAILED(hr = take_u32(r, "DeletedInstanceCount", &p->deleted_count)) ||
        FAILED(hr = take_dates(r, "DeletedInstanceDates", p->deleted_count, &p->deleted)))
        return hr;
    NOTE(r, modified_at);
    if (FAILED(hr = take_u32(r, "ModifiedInstanceCount", &p->modified_count)) ||
        FAILED(hr = take_dates(r, "ModifiedInstanceDates", p->modified_count, &p->modified)))
        return hr;
    NOTE(r, after_modified);
    at = r->pos;
    if (FAILED(hr = take_u32(r, "StartDate", &p->start_date))) return hr;
    if (p->start_date % RECUR_MINUTES_PER_DAY) return bad(r, at, "StartDate", p->start_date, "is not a midnight");
    at = r->pos;
    if (FAILED(hr = take_u32(r, "EndDate", &p->end_date))) return hr;
    if (p->end_type == RECUR_END_DATE && (p->end_date % RECUR_MINUTES_PER_DAY || p->end_date < p->start_date))
        return bad(r, at, "EndDate", p->end_date, "is not a midnight on or after StartDate");
    return S_OK;
}

/* ExceptionInfo I: the times, then the overridden fields in flag order. */
static HRESULT read_exception_info(struct reader *r, struct recur_exception *e)
{
    static const USHORT four_byte_flags[] = {RECUR_ARO_MEETINGTYPE, RECUR_ARO_REMINDERDELTA, RECUR_ARO_REMINDER};
    static const USHORT later_flags[] = {RECUR_ARO_BUSYSTATUS, RECUR_ARO_ATTACHMENT, RECUR_ARO_SUBTYPE,
                                         RECUR_ARO_APPTCOLOR};
    USHORT length, length2;
    ULONG at, i;
    HRESULT hr;

    at = r->pos;
    if (FAILED(hr = take_u32(r, "ExceptionInfo StartDateTime", &e->start)) ||
        FAILED(hr = take_u32(r, "ExceptionInfo EndDateTime", &e->end)) ||
        FAILED(hr = take_u32(r, "ExceptionInfo OriginalStartDate", &e->original_start)) ||
        FAILED(hr = take_u16(r, "ExceptionInfo OverrideFlags", &e->flags)))
        return hr;
    if (e->end < e->start) return bad(r, at + 4, "ExceptionInfo EndDateTime", e->end, "is before its StartDateTime");
    if (e->flags & RECUR_ARO_SUBJECT)
    {
        at = r->pos;
        if (FAILED(hr = take_u16(r, "ExceptionInfo SubjectLength", &length)) ||
            FAILED(hr = take_u16(r, "ExceptionInfo SubjectLength2", &length2)))
            return hr;
        if (length != length2 + 1) return bad(r, at, "ExceptionInfo SubjectLength", length, "is not SubjectLength2 + 1");
        if (FAILED(hr = take_text(r, "ExceptionInfo Subject", length2, FALSE, &e->subject))) return hr;
    }
    for (i = 0; i < ARRAYSIZE(four_byte_flags); i++)
        if (e->flags & four_byte_flags[i] && FAILED(hr = skip(r, "an ExceptionInfo field", 4))) return hr;
    if (e->flags & RECUR_ARO_LOCATION)
    {
        at = r->pos;
        if (FAILED(hr = take_u16(r, "ExceptionInfo LocationLength", &length)) ||
            FAILED(hr = take_u16(r, "ExceptionInfo LocationLength2", &length2)))
            return hr;
        if (length != length2 + 1)
            return bad(r, at, "ExceptionInfo LocationLength", length, "is not LocationLength2 + 1");
        if (FAILED(hr = take_text(r, "ExceptionInfo Location", length2, FALSE, &e->location))) return hr;
    }
    for (i = 0; i < ARRAYSIZE(later_flags); i++)
        if (e->flags & later_flags[i] && FAILED(hr = skip(r, "an ExceptionInfo field", 4))) return hr;
    return S_OK;
}

/* A block that starts with its own size. */
static HRESULT skip_sized_block(struct reader *r, const char *field)
{
    ULONG size;
    HRESULT hr;

    if (FAILED(hr = take_u32(r, field, &size))) return hr;
    return skip(r, field, size);
}

/* ExtendedException I: the Unicode subject and location, when WriterVersion2
 * has them. */
static HRESULT read_extended_exception(struct reader *r, struct recur_exception *e)
{
    USHORT length;
    ULONG start, end, original, at;
    HRESULT hr;

    if (FAILED(hr = skip_sized_block(r, "ExtendedException ChangeHighlight")) ||
        FAILED(hr = skip_sized_block(r, "ExtendedException ReservedBlockEE1")))
        return hr;
    if (!(e->flags & (RECUR_ARO_SUBJECT | RECUR_ARO_LOCATION))) return S_OK;
    at = r->pos;
    if (FAILED(hr = take_u32(r, "ExtendedException StartDateTime", &start)) ||
        FAILED(hr = take_u32(r, "ExtendedException EndDateTime", &end)) ||
        FAILED(hr = take_u32(r, "ExtendedException OriginalStartDate", &original)))
        return hr;
    if (start != e->start || end != e->end || original != e->original_start)
        return bad(r, at, "ExtendedException StartDateTime", start, "disagrees with its ExceptionInfo");
    if (e->flags & RECUR_ARO_SUBJECT &&
        (FAILED(hr = take_u16(r, "ExtendedException WideCharSubjectLength", &length)) ||
         FAILED(hr = take_text(r, "ExtendedException WideCharSubject", length, TRUE, &e->subject))))
        return hr;
    if (e->flags & RECUR_ARO_LOCATION &&
        (FAILED(hr = take_u16(r, "ExtendedException WideCharLocationLength", &length)) ||
         FAILED(hr = take_text(r, "ExtendedException WideCharLocation", length, TRUE, &e->location))))
        return hr;
    return skip_sized_block(r, "ExtendedException ReservedBlockEE2");
}

static ULONG midnight(ULONG minutes)
{
    return minutes - minutes % RECUR_MINUTES_PER_DAY;
}

/* Whether DATE is one of the COUNT DATES. */
static BOOL date_in(const ULONG *dates, ULONG count, ULONG date)
{
    ULONG i;

    for (i = 0; i < count; i++)
        if (dates[i] == date) return TRUE;
    return FALSE;
}

static HRESULT read_appointment_pattern(struct reader *r, struct recur_pattern *p)
{
    USHORT count;
    ULONG at, version, writer_version, i;
    HRESULT hr;

    if (FAILED(hr = read_recurrence_pattern(r, p))) return hr;
    at = r->pos;
    if (FAILED(hr = take_u32(r, "ReaderVersion2", &version))) return hr;
    if (version != 0x3006) return bad(r, at, "ReaderVersion2", version, "is not 0x00003006");
    if (FAILED(hr = take_u32(r, "WriterVersion2", &writer_version))) return hr;
    if (r->layout) r->layout->writer_version = writer_version;
    at = r->pos;
    if (FAILED(hr = take_u32(r, "StartTimeOffset", &p->start_offset))) return hr;
    if (p->start_offset >= RECUR_MINUTES_PER_DAY)
        return bad(r, at, "StartTimeOffset", p->start_offset, "is not a time of day in minutes");
    at = r->pos;
    if (FAILED(hr = take_u32(r, "EndTimeOffset", &p->end_offset))) return hr;
    if (p->end_offset < p->start_offset) return bad(r, at, "EndTimeOffset", p->end_offset, "is before StartTimeOffset");
    at = r->pos;
    NOTE(r, count_at);
    if (FAILED(hr = take_u16(r, "ExceptionCount", &count))) return hr;
    if (count != p->modified_count)
        return bad(r, at, "ExceptionCount", count, "is not the ModifiedInstanceCount");
    if (count && !(p->exceptions = calloc(count, sizeof(*p->exceptions)))) return E_OUTOFMEMORY;
    for (i = 0; i < count; i++)
    {
        at = r->pos;
        NOTE(r, info_at[i]);
        /* counted first: what it read before failing is freed with the rest */
        p->exception_count++;
        if (FAILED(hr = read_exception_info(r, &p->exceptions[i]))) return hr;
        /* the instance it replaces is a deleted date; its own date a modified one */
        if (!date_in(p->deleted, p->deleted_count, midnight(p->exceptions[i].original_start)))
            return bad(r, at + 8, "ExceptionInfo OriginalStartDate", p->exceptions[i].original_start,
                       "is not among the DeletedInstanceDates");
        if (!date_in(p->modified, p->modified_count, midnight(p->exceptions[i].start)))
            return bad(r, at, "ExceptionInfo StartDateTime", p->exceptions[i].start,
                       "is not among the ModifiedInstanceDates");
    }
    NOTE(r, info_at[count]);
    if (FAILED(hr = skip_sized_block(r, "ReservedBlock1"))) return hr;
    for (i = 0; i < count; i++)
    {
        NOTE(r, extended_at[i]);
        if (writer_version >= 0x3009 && FAILED(hr = read_extended_exception(r, &p->exceptions[i]))) return hr;
    }
    NOTE(r, extended_at[count]);
    return skip_sized_block(r, "ReservedBlock2");
}

HRESULT recur_parse(const BYTE *data, ULONG size, struct recur_pattern *pattern, char error[RECUR_ERROR_SIZE])
{
    struct reader r = {data, size, 0, error, NULL};
    HRESULT hr;

    memset(pattern, 0, sizeof(*pattern));
    error[0] = 0;
    if (FAILED(hr = read_appointment_pattern(&r, pattern)))
    {
        if (hr == E_OUTOFMEMORY) errmsg_format(error, hr, ERRMSG_OOM);
        recur_free(pattern);
    }
    return hr;
}

void recur_free(struct recur_pattern *pattern)
{
    ULONG i;

    for (i = 0; i < pattern->exception_count; i++)
    {
        free(pattern->exceptions[i].subject);
        free(pattern->exceptions[i].location);
    }
    free(pattern->exceptions);
    free(pattern->deleted);
    free(pattern->modified);
    memset(pattern, 0, sizeof(*pattern));
}

static void put_u16(BYTE *p, USHORT v)
{
    p[0] = v & 0xff;
    p[1] = v >> 8;
}

static void put_u32(BYTE *p, ULONG v)
{
    put_u16(p, v & 0xffff);
    put_u16(p + 2, v >> 16);
}

/* Writes COUNT sorted DATES with DATE added in its place, after their count. */
static BYTE *put_dates_with(BYTE *out, const ULONG *dates, ULONG count, ULONG date)
{
    ULONG i, placed = 0;

    put_u32(out, count + 1);
    out += 4;
    for (i = 0; i <= count; i++, out += 4)
    {
        if (!placed && (i == count || dates[i - placed] > date)) put_u32(out, date), placed = 1;
        else put_u32(out, dates[i - placed]);
    }
    return out;
}

HRESULT recur_add_exception(const BYTE *data, ULONG size, ULONG original_start, ULONG end, BYTE **out,
                            ULONG *out_size, char error[RECUR_ERROR_SIZE])
{
    /* an ExceptionInfo without overrides; an ExtendedException of an empty
     * ChangeHighlight (4 bytes, value 0) and no ReservedBlockEE1 */
    enum { INFO_SIZE = 14, EXTENDED_SIZE = 12 };
    struct layout *layout = calloc(1, sizeof(*layout));
    struct recur_pattern pattern;
    struct reader r = {data, size, 0, error, layout};
    ULONG date = original_start - original_start % RECUR_MINUTES_PER_DAY, at, k, extended;
    BYTE *p;
    HRESULT hr;

    *out = NULL;
    *out_size = 0;
    error[0] = 0;
    if (!layout) return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    memset(&pattern, 0, sizeof(pattern));
    if (FAILED(hr = read_appointment_pattern(&r, &pattern)))
    {
        if (hr == E_OUTOFMEMORY) errmsg_format(error, hr, ERRMSG_OOM);
        goto done;
    }
    if (date_in(pattern.deleted, pattern.deleted_count, date) || date_in(pattern.modified, pattern.modified_count, date))
    {
        hr = errmsg_format(error, E_INVALIDARG, "the instance of local minute %u is already deleted or modified",
                           original_start);
        goto done;
    }
    if (pattern.exception_count >= 0xFFFF)
    {
        hr = errmsg_format(error, E_INVALIDARG, "the series has %u exceptions, as many as the pattern holds",
                           pattern.exception_count);
        goto done;
    }
    extended = layout->writer_version >= 0x3009 ? EXTENDED_SIZE : 0;
    for (k = 0; k < pattern.exception_count && pattern.exceptions[k].start < original_start; k++) continue;
    *out_size = size + 8 + INFO_SIZE + extended;
    if (!(*out = p = malloc(*out_size)))
    {
        hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
        goto done;
    }
    memcpy(p, data, layout->deleted_at);
    p += layout->deleted_at;
    p = put_dates_with(p, pattern.deleted, pattern.deleted_count, date);
    p = put_dates_with(p, pattern.modified, pattern.modified_count, date);
    at = layout->after_modified;
    memcpy(p, data + at, layout->count_at - at);
    p += layout->count_at - at;
    put_u16(p, (USHORT)(pattern.exception_count + 1));
    p += 2;
    memcpy(p, data + layout->count_at + 2, layout->info_at[k] - layout->count_at - 2);
    p += layout->info_at[k] - layout->count_at - 2;
    put_u32(p, original_start);
    put_u32(p + 4, end);
    put_u32(p + 8, original_start);
    put_u16(p + 12, 0);
    p += INFO_SIZE;
    memcpy(p, data + layout->info_at[k], layout->extended_at[k] - layout->info_at[k]);
    p += layout->extended_at[k] - layout->info_at[k];
    if (extended)
    {
        memset(p, 0, EXTENDED_SIZE);
        put_u32(p, 4);
        p += EXTENDED_SIZE;
    }
    memcpy(p, data + layout->extended_at[k], size - layout->extended_at[k]);
    hr = S_OK;
done:
    recur_free(&pattern);
    free(layout);
    return hr;
}

/* Days since 1601-01-01 of Y-M-D, and back (systime's calendar). */
static LONG day_of(LONG y, LONG m, LONG d)
{
    return (LONG)systime_day_of(y, (unsigned)m, (unsigned)d);
}

static void civil_of(LONG day, LONG *y, LONG *m, LONG *d)
{
    LONGLONG year;
    unsigned month, mday;

    systime_date_of(day, &year, &month, &mday);
    *y = (LONG)year;
    *m = (LONG)month;
    *d = (LONG)mday;
}

static LONG days_in_month(LONG y, LONG m)
{
    return m == 12 ? 31 : day_of(y, m + 1, 1) - day_of(y, m, 1);
}

/* The day of month number MONTHS (year * 12 + month - 1) the pattern picks. */
static LONG month_pick(const struct recur_pattern *p, LONG months)
{
    LONG y = months / 12, m = months % 12 + 1, last = days_in_month(y, m), first = day_of(y, m, 1), d, n = 0, pick = -1;

    if (p->pattern_type == RECUR_PATTERN_MONTH_END) return first + last - 1;
    if (p->pattern_type == RECUR_PATTERN_MONTH) return first + ((LONG)p->day < last ? (LONG)p->day : last) - 1;
    for (d = first; d < first + last; d++)
    {
        if (!(p->days & 1u << DOW_OF_DAY(d))) continue;
        pick = d;
        if (++n == (LONG)p->nth && p->nth < 5) break;
    }
    return pick; /* the nth, or the last for N 5 */
}

/* Calls the pattern's candidate days in order from the first instance,
 * until EMIT returns FALSE.  Days, not minutes. */
static void each_day(const struct recur_pattern *p, BOOL (*emit)(LONG day, void *ctx), void *ctx)
{
    LONG start = p->start_date / RECUR_MINUTES_PER_DAY, k, i, y, m, d;

    switch (p->pattern_type)
    {
    case RECUR_PATTERN_DAY:
        for (k = 0;; k++)
            if (!emit(start + k * (LONG)(p->period / RECUR_MINUTES_PER_DAY), ctx)) return;
    case RECUR_PATTERN_WEEK:
    {
        LONG week = start - (DOW_OF_DAY(start) - (LONG)p->first_dow + 7) % 7;
        for (k = 0;; k++)
            for (i = 0; i < 7; i++)
            {
                LONG day = week + 7 * k * (LONG)p->period + i;
                if (day >= start && p->days & 1u << DOW_OF_DAY(day) && !emit(day, ctx)) return;
            }
    }
    default:
        civil_of(start, &y, &m, &d);
        for (k = 0;; k++)
        {
            LONG day = month_pick(p, y * 12 + m - 1 + k * (LONG)p->period);
            if (day >= start && !emit(day, ctx)) return;
        }
    }
}

/* the last day whose local minutes fit in 32 bits (in 9767) */
#define MAX_DAY ((LONG)(0xFFFFFFFFu / RECUR_MINUTES_PER_DAY) - 1)

struct listing
{
    const struct recur_pattern *pattern;
    ULONG limit, made, count;
    struct recur_instance *out;
};

static BOOL list_one(LONG day, void *ctx)
{
    struct listing *l = ctx;
    const struct recur_pattern *p = l->pattern;
    ULONG date = (ULONG)day * RECUR_MINUTES_PER_DAY, i;
    struct recur_instance *instance;

    if (day > MAX_DAY || (p->end_type == RECUR_END_DATE && date > p->end_date)) return FALSE;
    if (p->end_type == RECUR_END_COUNT && l->made >= p->occurrence_count) return FALSE;
    if (l->made++ >= RECUR_LISTED_MAX || l->count >= l->limit) return FALSE;
    if (recur_is_deleted(p, date)) return TRUE;
    instance = &l->out[l->count++];
    instance->original_start = date + p->start_offset;
    instance->start = instance->original_start;
    instance->end = date + p->end_offset;
    instance->exception = NULL;
    for (i = 0; i < p->exception_count; i++)
        if (midnight(p->exceptions[i].original_start) == date)
        {
            instance->exception = &p->exceptions[i];
            instance->start = p->exceptions[i].start;
            instance->end = p->exceptions[i].end;
        }
    return TRUE;
}

ULONG recur_instances(const struct recur_pattern *pattern, ULONG limit, struct recur_instance *out)
{
    struct listing l = {pattern, limit, 0, 0, out};

    ULONG i, j;

    if (limit) each_day(pattern, list_one, &l);
    /* a moved instance takes its place by its new start */
    for (i = 1; i < l.count; i++)
        for (j = i; j && out[j].start < out[j - 1].start; j--)
        {
            struct recur_instance swap = out[j];
            out[j] = out[j - 1];
            out[j - 1] = swap;
        }
    return l.count;
}

static BOOL first_one(LONG day, void *ctx)
{
    *(LONG *)ctx = day;
    return FALSE;
}

ULONG recur_first_start(const struct recur_pattern *pattern)
{
    LONG day = 0;

    each_day(pattern, first_one, &day);
    return (ULONG)day * RECUR_MINUTES_PER_DAY + pattern->start_offset;
}

BOOL recur_is_deleted(const struct recur_pattern *pattern, ULONG date)
{
    ULONG i;

    if (!date_in(pattern->deleted, pattern->deleted_count, date)) return FALSE;
    for (i = 0; i < pattern->exception_count; i++)
        if (midnight(pattern->exceptions[i].original_start) == date) return FALSE;
    return TRUE;
}

/* BYDAY from the weekday bits. */
static void set_byday(struct icalrecurrencetype *rule, ULONG days)
{
    static const icalrecurrencetype_weekday weekdays[] = {ICAL_SUNDAY_WEEKDAY,    ICAL_MONDAY_WEEKDAY,
                                                          ICAL_TUESDAY_WEEKDAY,   ICAL_WEDNESDAY_WEEKDAY,
                                                          ICAL_THURSDAY_WEEKDAY,  ICAL_FRIDAY_WEEKDAY,
                                                          ICAL_SATURDAY_WEEKDAY};
    int i, n = 0;

    for (i = 0; i < 7; i++)
        if (days & 1u << i)
            rule->by_day[n++] = (short)weekdays[i];
    rule->by_day[n] = ICAL_RECURRENCE_ARRAY_MAX;
}

/* BYMONTHDAY for day D as Outlook means it: D, or the month's last day
 * when it is shorter (28..D, the last of them, for 29 and 30). */
static void set_bymonthday(struct icalrecurrencetype *rule, ULONG day)
{
    ULONG d, n = 0;

    if (day == 31)
        rule->by_month_day[n++] = -1;
    else if (day >= 29)
    {
        for (d = 28; d <= day; d++) rule->by_month_day[n++] = (short)d;
        rule->by_set_pos[0] = -1;
        rule->by_set_pos[1] = ICAL_RECURRENCE_ARRAY_MAX;
    }
    else
        rule->by_month_day[n++] = (short)day;
    rule->by_month_day[n] = ICAL_RECURRENCE_ARRAY_MAX;
}

struct icalrecurrencetype recur_rrule(const struct recur_pattern *p, struct icaltimetype until_utc)
{
    struct icalrecurrencetype rule;
    BOOL yearly = p->frequency == RECUR_FREQ_YEARLY;
    LONG y, m, d;

    icalrecurrencetype_clear(&rule);
    rule.week_start = (icalrecurrencetype_weekday)(ICAL_SUNDAY_WEEKDAY + p->first_dow);
    switch (p->pattern_type)
    {
    case RECUR_PATTERN_DAY:
        rule.freq = ICAL_DAILY_RECURRENCE;
        rule.interval = (short)(p->period / RECUR_MINUTES_PER_DAY);
        break;
    case RECUR_PATTERN_WEEK:
        rule.freq = ICAL_WEEKLY_RECURRENCE;
        rule.interval = (short)p->period;
        set_byday(&rule, p->days);
        break;
    default:
        rule.freq = yearly ? ICAL_YEARLY_RECURRENCE : ICAL_MONTHLY_RECURRENCE;
        rule.interval = (short)(yearly ? p->period / 12 : p->period);
        if (yearly)
        {
            civil_of(recur_first_start(p) / RECUR_MINUTES_PER_DAY, &y, &m, &d);
            rule.by_month[0] = (short)m;
            rule.by_month[1] = ICAL_RECURRENCE_ARRAY_MAX;
        }
        if (p->pattern_type == RECUR_PATTERN_MONTH) set_bymonthday(&rule, p->day);
        else if (p->pattern_type == RECUR_PATTERN_MONTH_END) set_bymonthday(&rule, 31);
        else
        {
            set_byday(&rule, p->days);
            rule.by_set_pos[0] = (short)(p->nth == 5 ? -1 : (int)p->nth);
            rule.by_set_pos[1] = ICAL_RECURRENCE_ARRAY_MAX;
        }
    }
    if (p->end_type == RECUR_END_COUNT) rule.count = (int)p->occurrence_count;
    else if (p->end_type == RECUR_END_DATE) rule.until = until_utc;
    return rule;
}

void recur_systemtime(ULONG minutes, SYSTEMTIME *st)
{
    LONG y, m, d;

    memset(st, 0, sizeof(*st));
    civil_of(minutes / RECUR_MINUTES_PER_DAY, &y, &m, &d);
    st->wYear = (WORD)y;
    st->wMonth = (WORD)m;
    st->wDay = (WORD)d;
    st->wDayOfWeek = (WORD)DOW_OF_DAY(minutes / RECUR_MINUTES_PER_DAY);
    st->wHour = (WORD)(minutes % RECUR_MINUTES_PER_DAY / 60);
    st->wMinute = (WORD)(minutes % 60);
}

void recur_format_local(ULONG minutes, char out[RECUR_LOCAL_SIZE])
{
    SYSTEMTIME st;

    recur_systemtime(minutes, &st);
    /* the fields are in range; the remainders let the compiler see the width */
    snprintf(out, RECUR_LOCAL_SIZE, "%04u-%02u-%02uT%02u:%02u", st.wYear % 10000u, st.wMonth % 100u, st.wDay % 100u,
             st.wHour % 100u, st.wMinute % 100u);
}
