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
        cmocka_unit_test(a_zone_becomes_a_vtimezone_and_converts_local_times),
        cmocka_unit_test(an_instance_becomes_an_exception_without_overrides),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("recur", tests, NULL, NULL));
}
