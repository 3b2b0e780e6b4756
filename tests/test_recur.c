/*
 * Unit tests of hotfix/recur and hotfix/tzdef: patterns built here byte by
 * byte from MS-OXOCAL 2.2.1.44, their instances and RRULEs, damaged ones
 * refused with an offset; time zones, their VTIMEZONE and local time to UTC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cmocka_wine.h"
#include "recur.h"
#include "strbuf.h"
#include "tzdef.h"

struct blob
{
    BYTE data[512];
    ULONG size;
};

static void put16(struct blob *b, USHORT v)
{
    b->data[b->size++] = v & 0xff;
    b->data[b->size++] = v >> 8;
}

static void put32(struct blob *b, ULONG v)
{
    put16(b, v & 0xffff);
    put16(b, v >> 16);
}

/* Local minutes of Y-M-D h:m, through Windows' own calendar. */
static ULONG at(WORD y, WORD m, WORD d, WORD h, WORD min)
{
    SYSTEMTIME st = {y, m, 0, d, h, min, 0, 0};
    FILETIME ft;

    SystemTimeToFileTime(&st, &ft);
    return (ULONG)((((ULONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime) / 600000000ULL);
}

/* A weekly pattern on Fridays, 12:00-13:00, from Friday 2023-01-06 for
 * COUNT weeks; the 6th deleted; the 13th moved to Monday the 9th with a
 * new subject (ANSI and Unicode). */
static void friday_lunch(struct blob *b, ULONG count)
{
    ULONG day = 1440, start = at(2023, 1, 6, 0, 0);
    const char *c;

    memset(b, 0, sizeof(*b));
    put16(b, 0x3004), put16(b, 0x3004), put16(b, RECUR_FREQ_WEEKLY), put16(b, RECUR_PATTERN_WEEK), put16(b, 0);
    put32(b, 0), put32(b, 1), put32(b, 0);
    put32(b, 0x20); /* Friday */
    put32(b, RECUR_END_COUNT), put32(b, count), put32(b, 0);
    put32(b, 2), put32(b, start), put32(b, start + 7 * day); /* deleted: the 6th and the 13th */
    put32(b, 1), put32(b, start + 3 * day);                  /* modified: the 9th */
    put32(b, start), put32(b, start + (count - 1) * 7 * day);
    put32(b, 0x3006), put32(b, 0x3009), put32(b, 720), put32(b, 780);
    put16(b, 1);
    put32(b, start + 3 * day + 720), put32(b, start + 3 * day + 780), put32(b, start + 7 * day + 720);
    put16(b, RECUR_ARO_SUBJECT), put16(b, 7), put16(b, 6);
    memcpy(b->data + b->size, "Monday", 6), b->size += 6;
    put32(b, 0);                       /* ReservedBlock1 */
    put32(b, 4), put32(b, 0), put32(b, 0); /* ChangeHighlight, ReservedBlockEE1 */
    put32(b, start + 3 * day + 720), put32(b, start + 3 * day + 780), put32(b, start + 7 * day + 720);
    put16(b, 7);
    for (c = "Monday!"; *c; c++) put16(b, *c);
    put32(b, 0); /* ReservedBlockEE2 */
    put32(b, 0); /* ReservedBlock2 */
}

static void format_local(ULONG minutes, char out[32])
{
    SYSTEMTIME st;

    recur_systemtime(minutes, &st);
    snprintf(out, 32, "%04u-%02u-%02uT%02u:%02u", st.wYear, st.wMonth, st.wDay, st.wHour, st.wMinute);
}

static void a_series_lists_its_moved_and_kept_instances(void **state)
{
    struct recur_instance instances[8];
    struct icalrecurrencetype rrule;
    struct recur_pattern pattern;
    char error[RECUR_ERROR_SIZE], text[32], *rule;
    struct blob b;
    (void)state;

    friday_lunch(&b, 4);
    assert_int_equal(recur_parse(b.data, b.size, &pattern, error), S_OK);
    assert_int_equal(recur_instances(&pattern, 8, instances), 3);
    format_local(instances[0].start, text);
    assert_string_equal(text, "2023-01-09T12:00");
    assert_non_null(instances[0].exception);
    assert_string_equal(instances[0].exception->subject, "Monday!"); /* the Unicode one wins */
    format_local(instances[0].original_start, text);
    assert_string_equal(text, "2023-01-13T12:00");
    format_local(instances[2].end, text);
    assert_string_equal(text, "2023-01-27T13:00");
    assert_true(recur_is_deleted(&pattern, at(2023, 1, 6, 0, 0)));
    assert_false(recur_is_deleted(&pattern, at(2023, 1, 13, 0, 0))); /* replaced, not deleted */
    format_local(recur_first_start(&pattern), text);
    assert_string_equal(text, "2023-01-06T12:00");
    rrule = recur_rrule(&pattern, icaltime_null_time());
    rule = icalrecurrencetype_as_string_r(&rrule);
    assert_string_equal(rule, "FREQ=WEEKLY;COUNT=4;BYDAY=FR;WKST=SU");
    free(rule);
    recur_free(&pattern);
}

static void every_cut_and_damaged_field_is_refused_with_its_offset(void **state)
{
    static const struct
    {
        ULONG offset, value;
        const char *error;
    } damages[] = {
        {0, 0x30043005, "byte 0: ReaderVersion 0x00003005 is not 0x3004"},
        {4, 0x0001200E, "byte 4: RecurFrequency 0x0000200E is not"},
        {6, 0x0000000B, "byte 6: PatternType 0x0000000B is a Hijri calendar pattern"},
        /* a yearly frequency over a weekly pattern: the pattern type is at fault */
        {4, 0x0001200D, "byte 6: PatternType 0x00000001 does not fit a monthly or yearly RecurFrequency"},
        {14, 0, "byte 14: Period 0x00000000 is not"},
        {22, 0x80, "byte 22: PatternTypeSpecific days 0x00000080 names no weekday"},
        {26, 0x1234, "byte 26: EndType 0x00001234 is not"},
        {30, 1000, "byte 30: OccurrenceCount 0x000003E8 is not 1..999"},
        {34, 7, "byte 34: FirstDOW 0x00000007 is not a weekday"},
        {42, 5, "byte 42: DeletedInstanceDates 0x00000005 is not a midnight"},
    };
    struct recur_pattern pattern;
    char error[RECUR_ERROR_SIZE];
    struct blob b, damaged;
    ULONG i, size;
    (void)state;

    friday_lunch(&b, 4);
    for (size = 0; size < b.size; size++)
    {
        /* every value cut short fails, saying where and what was cut */
        assert_int_equal(recur_parse(b.data, size, &pattern, error), E_INVALIDARG);
        assert_non_null(strstr(error, "needs"));
        assert_int_equal(strncmp(error, "byte ", 5), 0);
    }
    for (i = 0; i < ARRAYSIZE(damages); i++)
    {
        damaged = b;
        memcpy(damaged.data + damages[i].offset, &damages[i].value, 4);
        assert_int_equal(recur_parse(damaged.data, damaged.size, &pattern, error), E_INVALIDARG);
        if (strncmp(error, damages[i].error, strlen(damages[i].error))) fail_msg("got '%s'", error);
    }
}

/* Where the fields of the board meeting's pattern lie. */
struct board_offsets
{
    ULONG frequency, pattern_type, calendar, period, days, nth, end_type, count, deleted_date, start_date, end_date;
    ULONG reader2, writer2, start_offset, end_offset, info, info_end, subject_length, location_length;
    ULONG extended_start, extended_end, extended_original;
};

/* The board meeting: the second Tuesday of every month, 12:00-13:00, from
 * 2023-01-10 to 2023-12-12 (an end date); February's deleted; April's
 * moved to Wednesday March 1st, 13:00-14:00, with every override of
 * MS-OXOCAL 2.2.1.44.2 (subject "Board", location "Room", and the seven
 * four-byte ones), its ExtendedException with both texts (board);
 * board_with gives the overrides FLAGS (the location and the four-byte
 * ones stay) and the ANSI SUBJECT. */
static void board_with(struct blob *b, struct board_offsets *o, USHORT writer2, USHORT flags, const char *subject)
{
    ULONG day = 1440, start = at(2023, 1, 10, 0, 0), moved = at(2023, 3, 1, 13, 0), original = at(2023, 4, 11, 12, 0);
    const char *c;

    memset(b, 0, sizeof(*b));
    put16(b, 0x3004), put16(b, 0x3004);
    o->frequency = b->size, put16(b, RECUR_FREQ_MONTHLY);
    o->pattern_type = b->size, put16(b, RECUR_PATTERN_MONTH_NTH);
    o->calendar = b->size, put16(b, 0);
    put32(b, 0);
    o->period = b->size, put32(b, 1);
    put32(b, 0);
    o->days = b->size, put32(b, 0x04); /* Tuesday */
    o->nth = b->size, put32(b, 2);
    o->end_type = b->size, put32(b, RECUR_END_DATE);
    o->count = b->size, put32(b, 12);
    put32(b, 0);
    put32(b, 2), o->deleted_date = b->size, put32(b, at(2023, 2, 14, 0, 0)), put32(b, at(2023, 4, 11, 0, 0));
    put32(b, 1), put32(b, at(2023, 3, 1, 0, 0));
    o->start_date = b->size, put32(b, start);
    o->end_date = b->size, put32(b, start + 336 * day);
    o->reader2 = b->size, put32(b, 0x3006);
    o->writer2 = b->size, put32(b, writer2);
    o->start_offset = b->size, put32(b, 720);
    o->end_offset = b->size, put32(b, 780);
    put16(b, 1);
    o->info = b->size, put32(b, moved), put32(b, moved + 60), put32(b, original);
    put16(b, flags);
    if (flags & RECUR_ARO_SUBJECT)
    {
        o->subject_length = b->size, put16(b, (USHORT)strlen(subject) + 1), put16(b, (USHORT)strlen(subject));
        memcpy(b->data + b->size, subject, strlen(subject)), b->size += strlen(subject);
    }
    put32(b, 1), put32(b, 15), put32(b, 1); /* meeting type, reminder delta, reminder */
    o->location_length = b->size, put16(b, 5), put16(b, 4);
    memcpy(b->data + b->size, "Room", 4), b->size += 4;
    put32(b, 2), put32(b, 0), put32(b, 0), put32(b, 3); /* busy status, attachment, subtype, colour */
    o->info_end = b->size;
    put32(b, 0); /* ReservedBlock1 */
    if (writer2 >= 0x3009)
    {
        put32(b, 4), put32(b, 0), put32(b, 0);
        o->extended_start = b->size, put32(b, moved);
        o->extended_end = b->size, put32(b, moved + 60);
        o->extended_original = b->size, put32(b, original);
        if (flags & RECUR_ARO_SUBJECT)
        {
            put16(b, 6);
            for (c = "Board!"; *c; c++) put16(b, *c);
        }
        put16(b, 5);
        for (c = "Room!"; *c; c++) put16(b, *c);
        put32(b, 0);
    }
    put32(b, 0); /* ReservedBlock2 */
}

static void board(struct blob *b, struct board_offsets *o, USHORT writer2)
{
    board_with(b, o, writer2, 0x01ff, "Board");
}

/* Writes SIZE bytes of VALUE at OFFSET of a copy of B; the parse must fail
 * with "byte WHERE: " then EXPECTED. */
static void refused(const struct blob *b, ULONG offset, int size, ULONG value, ULONG where, const char *expected)
{
    struct recur_pattern pattern;
    char error[RECUR_ERROR_SIZE], prefix[32];
    struct blob damaged = *b;

    memcpy(damaged.data + offset, &value, size);
    assert_int_equal(recur_parse(damaged.data, damaged.size, &pattern, error), E_INVALIDARG);
    snprintf(prefix, sizeof(prefix), "byte %u: ", where);
    if (strncmp(error, prefix, strlen(prefix)) || !strstr(error, expected))
        fail_msg("damage at byte %u: got '%s', expected '%s%s'", offset, error, prefix, expected);
}

static void every_field_of_a_full_pattern_is_read_and_checked(void **state)
{
    struct recur_instance instances[16];
    struct recur_pattern pattern;
    struct board_offsets o;
    char error[RECUR_ERROR_SIZE], text[32];
    struct blob b;
    ULONG size, n;
    (void)state;

    board(&b, &o, 0x3009);
    assert_int_equal(recur_parse(b.data, b.size, &pattern, error), S_OK);
    assert_int_equal(pattern.nth, 2);
    assert_int_equal(pattern.days, 0x04);
    assert_string_equal(pattern.exceptions[0].subject, "Board!");
    assert_string_equal(pattern.exceptions[0].location, "Room!");
    /* the moved instance takes its place by its new start; the end date ends it */
    n = recur_instances(&pattern, 16, instances);
    assert_int_equal(n, 11);
    format_local(instances[1].start, text);
    assert_string_equal(text, "2023-03-01T13:00");
    format_local(instances[2].start, text);
    assert_string_equal(text, "2023-03-14T12:00");
    format_local(instances[10].start, text);
    assert_string_equal(text, "2023-12-12T12:00");
    assert_int_equal(recur_instances(&pattern, 3, instances), 3);
    assert_int_equal(recur_instances(&pattern, 0, instances), 0);
    recur_free(&pattern);

    for (size = 0; size < b.size; size++)
    {
        assert_int_equal(recur_parse(b.data, size, &pattern, error), E_INVALIDARG);
        if (!strstr(error, "needs")) fail_msg("cut at %u: '%s'", size, error);
    }

    refused(&b, o.frequency, 2, 0x2009, o.frequency, "RecurFrequency 0x00002009 is not");
    refused(&b, o.pattern_type, 2, 0x000D, o.pattern_type, "PatternType 0x0000000D is not a known pattern type");
    refused(&b, o.pattern_type, 2, 0x0005, o.pattern_type, "PatternType 0x00000005 is not a known pattern type");
    refused(&b, o.pattern_type, 2, 0x000A, o.pattern_type, "is a Hijri calendar pattern");
    refused(&b, o.pattern_type, 2, 0x000C, o.pattern_type, "is a Hijri calendar pattern");
    refused(&b, o.calendar, 2, 2, o.calendar, "CalendarType 0x00000002 is not the Gregorian calendar");
    refused(&b, o.period, 4, 11989, o.period, "Period 0x00002ED5 is not 1..999 weeks or 1..11988 months");
    refused(&b, o.days, 4, 0, o.days, "names no weekday");
    refused(&b, o.days, 4, 0x84, o.days, "names no weekday, or bits past Saturday");
    refused(&b, o.nth, 4, 0, o.nth, "PatternTypeSpecific N 0x00000000 is not 1..5");
    refused(&b, o.nth, 4, 6, o.nth, "PatternTypeSpecific N 0x00000006 is not 1..5");
    refused(&b, o.end_type, 4, 0x2020, o.end_type, "EndType 0x00002020 is not");
    refused(&b, o.end_type, 4, 0x2024, o.end_type, "EndType 0x00002024 is not");
    refused(&b, o.start_date, 4, at(2023, 1, 10, 0, 1), o.start_date, "StartDate");
    refused(&b, o.end_date, 4, at(2023, 1, 9, 0, 0), o.end_date, "EndDate");
    refused(&b, o.end_date, 4, at(2023, 12, 12, 0, 1), o.end_date, "is not a midnight on or after StartDate");
    refused(&b, o.reader2, 4, 0x3007, o.reader2, "ReaderVersion2 0x00003007 is not 0x00003006");
    refused(&b, o.start_offset, 4, 1440, o.start_offset, "StartTimeOffset 0x000005A0 is not a time of day");
    refused(&b, o.end_offset, 4, 719, o.end_offset, "EndTimeOffset 0x000002CF is before StartTimeOffset");
    refused(&b, o.info + 4, 4, at(2023, 3, 1, 12, 59), o.info + 4, "ExceptionInfo EndDateTime");
    refused(&b, o.info + 8, 4, at(2023, 4, 12, 12, 0), o.info + 8, "is not among the DeletedInstanceDates");
    refused(&b, o.info, 4, at(2023, 2, 28, 13, 0), o.info, "is not among the ModifiedInstanceDates");
    refused(&b, o.subject_length, 2, 5, o.subject_length, "is not SubjectLength2 + 1");
    refused(&b, o.location_length, 2, 4, o.location_length, "is not LocationLength2 + 1");
    refused(&b, o.extended_start, 4, at(2023, 3, 1, 13, 1), o.extended_start, "disagrees with its ExceptionInfo");
    refused(&b, o.extended_end, 4, at(2023, 3, 1, 14, 1), o.extended_start, "disagrees with its ExceptionInfo");
    refused(&b, o.extended_original, 4, at(2023, 4, 11, 12, 1), o.extended_start, "disagrees with its ExceptionInfo");

    /* other patterns: a yearly one must be whole years; a monthly frequency
     * cannot be daily; an occurrence count of 0; no end at all */
    {
        struct blob y = b;
        ULONG value = RECUR_FREQ_YEARLY;
        memcpy(y.data + o.frequency, &value, 2);
        refused(&y, o.period, 4, 13, o.period, "of a yearly pattern is not a whole number of years");
        struct blob d = b;
        value = 1440;
        memcpy(d.data + o.period, &value, 4);
        refused(&d, o.pattern_type, 2, RECUR_PATTERN_DAY, o.pattern_type,
                "PatternType 0x00000000 does not fit a monthly or yearly RecurFrequency");
        value = RECUR_PATTERN_DAY;
        memcpy(d.data + o.pattern_type, &value, 2);
        refused(&d, o.period, 4, 1441, o.period, "is not a whole number of days (1..999), in minutes");
        refused(&d, o.period, 4, 1000 * 1440, o.period, "is not a whole number of days (1..999), in minutes");
        value = 12;
        memcpy(y.data + o.period, &value, 4);
        value = RECUR_END_COUNT;
        memcpy(y.data + o.end_type, &value, 4);
        refused(&y, o.count, 4, 0, o.count, "OccurrenceCount 0x00000000 is not 1..999");
        refused(&y, o.count, 4, 1000, o.count, "OccurrenceCount 0x000003E8 is not 1..999");
        value = 0xFFFFFFFF;
        memcpy(y.data + o.end_type, &value, 4);
        assert_int_equal(recur_parse(y.data, y.size, &pattern, error), S_OK);
        assert_int_equal(pattern.end_type, RECUR_END_NEVER);
        recur_free(&pattern);
    }

    /* a day of the month out of 1..31 */
    {
        struct blob m = b;
        USHORT type = RECUR_PATTERN_MONTH;
        memcpy(m.data + o.pattern_type, &type, 2);
        refused(&m, o.days, 4, 0, o.days, "PatternTypeSpecific day 0x00000000 is not a day of the month 1..31");
        refused(&m, o.days, 4, 32, o.days, "PatternTypeSpecific day 0x00000020 is not a day of the month 1..31");
    }
    /* an empty ANSI subject; a location without a subject in both blocks */
    board_with(&b, &o, 0x3009, 0x01ff, "");
    assert_int_equal(recur_parse(b.data, b.size, &pattern, error), S_OK);
    assert_string_equal(pattern.exceptions[0].subject, "Board!");
    recur_free(&pattern);
    board_with(&b, &o, 0x3009, 0x01fe, NULL);
    assert_int_equal(recur_parse(b.data, b.size, &pattern, error), S_OK);
    assert_null(pattern.exceptions[0].subject);
    assert_string_equal(pattern.exceptions[0].location, "Room!");
    recur_free(&pattern);

    /* WriterVersion2 before 0x3009: no ExtendedException; the ANSI texts */
    board(&b, &o, 0x3008);
    assert_int_equal(recur_parse(b.data, b.size, &pattern, error), S_OK);
    assert_string_equal(pattern.exceptions[0].subject, "Board");
    assert_string_equal(pattern.exceptions[0].location, "Room");
    recur_free(&pattern);
}

static void exceptions_are_added_to_any_pattern_and_listings_end(void **state)
{
    struct recur_instance *many = calloc(RECUR_LISTED_MAX + 1, sizeof(*many));
    struct recur_pattern pattern;
    struct board_offsets o;
    char error[RECUR_ERROR_SIZE], text[32];
    ULONG size, value, last = at(2023, 12, 12, 12, 0), first = at(2023, 1, 10, 12, 0);
    BYTE *data;
    struct blob b, never;
    (void)state;

    /* the last instance: its dates go after every other, its exception last */
    board(&b, &o, 0x3009);
    assert_int_equal(recur_add_exception(b.data, b.size, last, last + 60, &data, &size, error), S_OK);
    assert_int_equal(recur_parse(data, size, &pattern, error), S_OK);
    assert_int_equal(pattern.exception_count, 2);
    assert_int_equal(pattern.exceptions[1].original_start, last);
    assert_int_equal(pattern.deleted[2], at(2023, 12, 12, 0, 0));
    recur_free(&pattern);
    free(data);
    /* the first: before the moved one */
    assert_int_equal(recur_add_exception(b.data, b.size, first, first + 60, &data, &size, error), S_OK);
    assert_int_equal(recur_parse(data, size, &pattern, error), S_OK);
    assert_int_equal(pattern.exceptions[0].original_start, first);
    assert_string_equal(pattern.exceptions[1].subject, "Board!");
    recur_free(&pattern);
    free(data);
    /* a date already modified */
    assert_int_equal(recur_add_exception(b.data, b.size, at(2023, 3, 1, 12, 0), at(2023, 3, 1, 13, 0), &data, &size,
                                         error), E_INVALIDARG);
    assert_non_null(strstr(error, "already deleted or modified"));
    /* no ExtendedException before WriterVersion2 0x3009 */
    board(&b, &o, 0x3008);
    assert_int_equal(recur_add_exception(b.data, b.size, last, last + 60, &data, &size, error), S_OK);
    assert_int_equal(size, b.size + 8 + 14);
    assert_int_equal(recur_parse(data, size, &pattern, error), S_OK);
    assert_int_equal(pattern.exception_count, 2);
    recur_free(&pattern);
    free(data);

    /* a start after the month's pick: January's is not an instance */
    board(&b, &o, 0x3009);
    value = at(2023, 1, 11, 0, 0);
    memcpy(b.data + o.start_date, &value, 4);
    assert_int_equal(recur_parse(b.data, b.size, &pattern, error), S_OK);
    assert_int_equal(recur_instances(&pattern, 16, many), 10);
    format_local(many[0].start, text);
    assert_string_equal(text, "2023-03-01T13:00");
    recur_free(&pattern);

    /* no end: a yearly pattern stops at the last day local minutes hold
     * (9767), a monthly one at RECUR_LISTED_MAX made */
    never = b;
    value = RECUR_END_NEVER;
    memcpy(never.data + o.end_type, &value, 4);
    assert_int_equal(recur_parse(never.data, never.size, &pattern, error), S_OK);
    assert_int_equal(recur_instances(&pattern, RECUR_LISTED_MAX + 1, many), RECUR_LISTED_MAX - 1); /* February deleted */
    recur_free(&pattern);
    value = RECUR_FREQ_YEARLY;
    memcpy(never.data + o.frequency, &value, 2);
    value = 12;
    memcpy(never.data + o.period, &value, 4);
    assert_int_equal(recur_parse(never.data, never.size, &pattern, error), S_OK);
    assert_int_equal(recur_instances(&pattern, RECUR_LISTED_MAX + 1, many), 9767 - 2023 + 1 - 1);
    format_local(many[9767 - 2023 - 1].start, text);
    assert_string_equal(text, "9767-01-13T12:00");
    recur_free(&pattern);
    free(many);
}

/* A TZSTRUCT: Pacific time, daylight from the second Sunday of March to
 * the first Sunday of November, 02:00. */
static void pacific(struct blob *b)
{
    memset(b, 0, sizeof(*b));
    put32(b, 480), put32(b, 0), put32(b, (ULONG)-60), put16(b, 0);
    put16(b, 0), put16(b, 11), put16(b, 0), put16(b, 1), put16(b, 2), put16(b, 0), put16(b, 0), put16(b, 0);
    put16(b, 0);
    put16(b, 0), put16(b, 3), put16(b, 0), put16(b, 2), put16(b, 2), put16(b, 0), put16(b, 0), put16(b, 0);
}

static void a_zone_becomes_a_vtimezone_and_converts_local_times(void **state)
{
    SYSTEMTIME local = {2024, 7, 0, 1, 9, 0, 0, 0}, utc;
    char error[TZDEF_ERROR_SIZE];
    struct strbuf vtimezone = {0};
    struct tzdef zone;
    struct blob b;
    (void)state;

    pacific(&b);
    assert_int_equal(tzdef_parse_struct(b.data, b.size, NULL, &zone, error), S_OK);
    assert_string_equal(zone.name, "UTC-0800");
    /* no key name: the offsets pick CdoTimeZoneId 13, CDO's name for it */
    assert_int_equal(zone.cdo_id, 13);
    tzdef_write_vtimezone(&vtimezone, &zone);
    assert_non_null(vtimezone.data);
    /* CDO's form: 1601-01-01 at the transition's time, then the yearly rule */
    assert_string_equal(vtimezone.data,
                        "BEGIN:VTIMEZONE\r\nTZID:(GMT-08.00) Pacific Time (US & Canada); Tijuana\r\n"
                        "X-MICROSOFT-CDO-TZID:13\r\n"
                        "BEGIN:STANDARD\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0700\r\nTZOFFSETTO:-0800\r\n"
                        "RRULE:FREQ=YEARLY;WKST=MO;INTERVAL=1;BYMONTH=11;BYDAY=1SU\r\nEND:STANDARD\r\n"
                        "BEGIN:DAYLIGHT\r\nDTSTART:16010101T020000\r\nTZOFFSETFROM:-0800\r\nTZOFFSETTO:-0700\r\n"
                        "RRULE:FREQ=YEARLY;WKST=MO;INTERVAL=1;BYMONTH=3;BYDAY=2SU\r\nEND:DAYLIGHT\r\n"
                        "END:VTIMEZONE\r\n");
    strbuf_free(&vtimezone);
    assert_true(tzdef_to_utc(&zone, &local, &utc));
    assert_int_equal(utc.wHour, 16);
    local.wMonth = 1;
    assert_true(tzdef_to_utc(&zone, &local, &utc));
    assert_int_equal(utc.wHour, 17);

    /* a month 13 and a lone transition are refused, naming the field */
    b.data[16] = 13;
    assert_int_equal(tzdef_parse_struct(b.data, b.size, "x", &zone, error), E_INVALIDARG);
    assert_non_null(strstr(error, "byte 14: stStandardDate (month 13"));
    pacific(&b);
    b.data[34] = 0;
    assert_int_equal(tzdef_parse_struct(b.data, b.size, "x", &zone, error), E_INVALIDARG);
    assert_non_null(strstr(error, "only one of stStandardDate and stDaylightDate"));
    assert_int_equal(tzdef_parse_struct(b.data, 47, "x", &zone, error), E_INVALIDARG);
    assert_non_null(strstr(error, "a TZSTRUCT is 48 bytes, the value has 47"));
}

/* Expects tzdef_parse_struct of B with the byte at OFFSET set to VALUE
 * (16 bits) to fail saying EXPECTED. */
static void zone_refused(const struct blob *b, ULONG offset, LONG value, int size, const char *expected)
{
    char error[TZDEF_ERROR_SIZE];
    struct tzdef zone;
    struct blob damaged = *b;

    memcpy(damaged.data + offset, &value, size);
    assert_int_equal(tzdef_parse_struct(damaged.data, damaged.size, "x", &zone, error), E_INVALIDARG);
    if (!strstr(error, expected)) fail_msg("damage at byte %u: got '%s', expected '%s'", offset, error, expected);
}

/* A TZDEFINITION (MS-OXOCAL 2.2.1.41) named KEY, with a GUID when GUID,
 * and RULES TZRules: rule I has FLAGS[I] and Pacific time's TZREG with
 * BIASES[I]. */
static void definition(struct blob *b, const char *key, BOOL guid, ULONG rules, const USHORT *flags, const LONG *biases)
{
    struct blob rule;
    ULONG i, header = 2 + (guid ? 16 : 0) + 2 + 2 * (ULONG)strlen(key) + 2;
    const char *c;

    memset(b, 0, sizeof(*b));
    b->data[b->size++] = 0x02, b->data[b->size++] = 0x01;
    put16(b, (USHORT)header), put16(b, 0x0002 | (guid ? 0x0001 : 0));
    if (guid) b->size += 16;
    put16(b, (USHORT)strlen(key));
    for (c = key; *c; c++) put16(b, *c);
    put16(b, (USHORT)rules);
    for (i = 0; i < rules; i++)
    {
        pacific(&rule);
        memcpy(rule.data, &biases[i], 4);
        b->data[b->size++] = 0x02, b->data[b->size++] = 0x01;
        put16(b, 62), put16(b, flags[i]), put16(b, 2007);
        b->size += 14;
        memcpy(b->data + b->size, rule.data, 12), b->size += 12;
        memcpy(b->data + b->size, rule.data + 14, 16), b->size += 16;
        memcpy(b->data + b->size, rule.data + 32, 16), b->size += 16;
    }
}

static void every_zone_field_is_read_and_checked(void **state)
{
    static const USHORT flags3[] = {0, 0x0002, 0}, flags1[] = {0x0002};
    static const LONG biases3[] = {420, 480, 360}, biases1[] = {-540}, pacific_bias[] = {480};
    char error[TZDEF_ERROR_SIZE];
    struct strbuf vtimezone = {0};
    struct tzdef zone;
    struct blob b, damaged;
    ULONG size;
    (void)state;

    /* TZSTRUCT: each field out of its range, named */
    pacific(&b);
    zone_refused(&b, 0, 1441, 4, "lBias 1441");
    zone_refused(&b, 0, -1441, 4, "lBias -1441");
    zone_refused(&b, 4, 1441, 4, "lStandardBias 1441");
    zone_refused(&b, 4, -1441, 4, "lStandardBias -1441");
    zone_refused(&b, 8, 1441, 4, "lDaylightBias 1441");
    zone_refused(&b, 8, -1441, 4, "lDaylightBias -1441");
    zone_refused(&b, 14, 2007, 2, "byte 14: stStandardDate has year 2007: absolute transition dates are not supported");
    zone_refused(&b, 18, 7, 2, "byte 14: stStandardDate (month 11, weekday 7");
    zone_refused(&b, 20, 0, 2, "byte 14: stStandardDate (month 11, weekday 0, week 0");
    zone_refused(&b, 20, 6, 2, "week 6");
    zone_refused(&b, 22, 24, 2, "24:00) is not a yearly transition");
    zone_refused(&b, 24, 60, 2, "02:60) is not a yearly transition");
    zone_refused(&b, 34, 13, 2, "byte 32: stDaylightDate (month 13");

    /* an empty name is no name; the last week of a month is -1; a bias
     * no CDO zone has gets no CDO number and keeps its own name */
    damaged = b;
    damaged.data[38] = 5;
    assert_int_equal(tzdef_parse_struct(damaged.data, damaged.size, "", &zone, error), S_OK);
    assert_string_equal(zone.name, "UTC-0800");
    tzdef_write_vtimezone(&vtimezone, &zone);
    assert_non_null(strstr(vtimezone.data, "BYMONTH=3;BYDAY=-1SU"));
    strbuf_free(&vtimezone);
    {
        LONG odd = -17;
        memcpy(damaged.data, &odd, 4);
    }
    assert_int_equal(tzdef_parse_struct(damaged.data, damaged.size, "Odd Time", &zone, error), S_OK);
    assert_int_equal(zone.cdo_id, -1);
    tzdef_write_vtimezone(&vtimezone, &zone);
    assert_non_null(strstr(vtimezone.data, "TZID:Odd Time\r\n"));
    assert_null(strstr(vtimezone.data, "X-MICROSOFT-CDO-TZID"));
    strbuf_free(&vtimezone);

    /* a bias of 0 with daylight time: not UTC's row (none), GMT's */
    pacific(&damaged);
    memset(damaged.data, 0, 4);
    assert_int_equal(tzdef_parse_struct(damaged.data, damaged.size, NULL, &zone, error), S_OK);
    assert_int_equal(zone.cdo_id, 1);

    /* TZDEFINITION: the key name picks CDO's zone; of three rules the one
     * flagged effective counts, not the one after it */
    definition(&b, "Pacific Standard Time", TRUE, 3, flags3, biases3);
    assert_int_equal(tzdef_parse_definition(b.data, b.size, &zone, error), S_OK);
    assert_string_equal(zone.name, "Pacific Standard Time");
    assert_int_equal(zone.rule.Bias, 480);
    assert_int_equal(zone.cdo_id, 13);
    for (size = 0; size < b.size; size++)
        assert_int_equal(tzdef_parse_definition(b.data, size, &zone, error), E_INVALIDARG);
    /* of rules none flagged effective, the last counts */
    {
        static const USHORT none[] = {0, 0};
        definition(&b, "Pacific Standard Time", FALSE, 2, none, biases3);
        assert_int_equal(tzdef_parse_definition(b.data, b.size, &zone, error), S_OK);
        assert_int_equal(zone.rule.Bias, 480);
    }
    definition(&b, "Tokyo Standard Time", FALSE, 1, flags1, biases1);
    assert_int_equal(tzdef_parse_definition(b.data, b.size, &zone, error), S_OK);
    assert_int_equal(zone.cdo_id, 20);
    /* a key no CDO row names: the offsets pick */
    definition(&b, "Somewhere", FALSE, 1, flags1, pacific_bias);
    assert_int_equal(tzdef_parse_definition(b.data, b.size, &zone, error), S_OK);
    assert_int_equal(zone.cdo_id, 13);
    assert_string_equal(zone.name, "Somewhere");
    /* damaged: each refused, naming the field */
    {
        static const struct
        {
            ULONG offset;
            USHORT value;
            const char *expected;
        } damages[] = {
            {0, 0x0101, "bMajorVersion 0x01 is not 0x02"},
            {2, 200, "cbHeader 200 runs past"},
            {4, 0x0001, "has no key name"},
            {2, 3, "has no key name"},
            {6, 0, "cchKeyName 0 does not fit"},
            {6, 200, "cchKeyName 200 does not fit"},
            {6, 10, "cchKeyName 10 does not fit"},
            {26, 0, "cRules is 0"},
            {26, 2, "TZRule 2 of 2 is cut short"},
            {28, 0x0101, "TZRule 1 bMajorVersion 0x01 is not 0x02"},
            {30, 61, "TZRule 1 of 1 is cut short or smaller than 66 bytes"},
            {30, 63, "TZRule 1 of 1 is cut short or smaller than 66 bytes"},
            {50, 2000, "is over a day"},
        };
        ULONG i;

        definition(&b, "Somewhere", FALSE, 1, flags1, biases1);
        for (i = 0; i < ARRAYSIZE(damages); i++)
        {
            damaged = b;
            memcpy(damaged.data + damages[i].offset, &damages[i].value, 2);
            assert_int_equal(tzdef_parse_definition(damaged.data, damaged.size, &zone, error), E_INVALIDARG);
            if (!strstr(error, damages[i].expected))
                fail_msg("damage at byte %u: got '%s', expected '%s'", damages[i].offset, error, damages[i].expected);
        }
    }
}

/* An instance made an exception by a reply (MS-OXOCAL 3.1.4.8.5.2): the
 * pattern gains its date among the deleted and modified ones, an
 * ExceptionInfo and an ExtendedException in start order; the series still
 * lists the same instances; an instance already deleted or modified is
 * refused. */
static void an_instance_becomes_an_exception_without_overrides(void **state)
{
    struct recur_instance instances[8];
    struct recur_pattern pattern;
    char error[RECUR_ERROR_SIZE], text[32];
    ULONG size, size2, lunch = at(2023, 1, 20, 12, 0), first = at(2023, 1, 6, 12, 0);
    BYTE *data, *data2;
    struct blob b;
    (void)state;

    friday_lunch(&b, 4);
    assert_int_equal(recur_add_exception(b.data, b.size, lunch, lunch + 60, &data, &size, error), S_OK);
    assert_int_equal(size, b.size + 8 + 14 + 12);
    assert_int_equal(recur_parse(data, size, &pattern, error), S_OK);
    assert_int_equal(pattern.exception_count, 2);
    assert_int_equal(pattern.exceptions[1].original_start, lunch);
    assert_int_equal(pattern.exceptions[1].start, lunch);
    assert_int_equal(pattern.exceptions[1].end, lunch + 60);
    assert_int_equal(pattern.exceptions[1].flags, 0);
    assert_null(pattern.exceptions[1].subject);
    assert_string_equal(pattern.exceptions[0].subject, "Monday!");
    assert_int_equal(recur_instances(&pattern, 8, instances), 3);
    format_local(instances[1].start, text);
    assert_string_equal(text, "2023-01-20T12:00");
    assert_ptr_equal(instances[1].exception, &pattern.exceptions[1]);
    assert_false(recur_is_deleted(&pattern, lunch - 720));
    recur_free(&pattern);

    /* the 27th's goes after both */
    assert_int_equal(recur_add_exception(data, size, lunch + 7 * 1440, lunch + 7 * 1440 + 60, &data2, &size2, error),
                     S_OK);
    assert_int_equal(recur_parse(data2, size2, &pattern, error), S_OK);
    assert_int_equal(pattern.exception_count, 3);
    assert_int_equal(pattern.exceptions[2].original_start, lunch + 7 * 1440);
    recur_free(&pattern);
    free(data2);

    assert_int_equal(recur_add_exception(data, size, lunch, lunch + 60, &data2, &size2, error), E_INVALIDARG);
    assert_non_null(strstr(error, "already deleted or modified"));
    assert_null(data2);
    assert_int_equal(recur_add_exception(b.data, b.size, first, first + 60, &data2, &size2, error), E_INVALIDARG);
    assert_int_equal(recur_add_exception(b.data, b.size - 1, lunch, lunch + 60, &data2, &size2, error), E_INVALIDARG);
    assert_non_null(strstr(error, "ReservedBlock2"));
    free(data);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(a_series_lists_its_moved_and_kept_instances),
        cmocka_unit_test(every_cut_and_damaged_field_is_refused_with_its_offset),
        cmocka_unit_test(every_field_of_a_full_pattern_is_read_and_checked),
        cmocka_unit_test(exceptions_are_added_to_any_pattern_and_listings_end),
        cmocka_unit_test(a_zone_becomes_a_vtimezone_and_converts_local_times),
        cmocka_unit_test(every_zone_field_is_read_and_checked),
        cmocka_unit_test(an_instance_becomes_an_exception_without_overrides),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("recur", tests, NULL, NULL));
}
