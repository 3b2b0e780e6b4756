/*
 * Unit tests of hotfix/systime: the legacy and the clamped conversion of
 * PR_RECIPIENT_TRACKSTATUS_TIME (hotfix/DESIGN.md §2), against the real oleaut32.
 */
#include <stdio.h>
#include <string.h>

#include <windows.h>

#include "cmocka_wine.h"
#include "systime.h"

#define TICK 1ULL
#define SECOND SYSTIME_TICKS_PER_SECOND
#define DAY SYSTIME_TICKS_PER_DAY
/* 2000-01-01: 36526 days after 1899-12-30 */
#define Y2000 (SYSTIME_OLE_EPOCH + 36526 * DAY)
/* 10000-01-01: one second after T_MAX */
#define Y10000 (SYSTIME_T_MAX + SECOND)
/* The last T the legacy path converts: 9999-12-31T23:59:59.5 plus 64 ticks.
 * VariantTimeToSystemTime rounds to the nearest second, and the double
 * (T - OLE_EPOCH) / TICKS_PER_DAY cannot tell values this close to 3 million
 * days apart by less than about 400 ticks, so the half second that rounds
 * to year 10000 starts 64 ticks late (measured on Wine 8.0's oleaut32). */
#define LEGACY_LAST (SYSTIME_T_MAX + SECOND / 2 + 64)

struct row
{
    int line;
    ULONGLONG t;
    HRESULT legacy_hr;
    const char *legacy;  /* expected DATE-TIME when legacy_hr is S_OK */
    const char *clamped; /* the clamped path never fails */
};

static const struct row rows[] = {
    /* 1601-01-01T00:00:00Z, the sentinel of a reply without critical change */
    {__LINE__, 0, E_FAIL, "", "18991230T000000Z"},
    {__LINE__, 1, E_FAIL, "", "18991230T000000Z"},
    /* 1899-12-29T23:59:59.9999999Z */
    {__LINE__, SYSTIME_OLE_EPOCH - TICK, E_FAIL, "", "18991230T000000Z"},
    /* 1899-12-30T00:00:00Z, DATE 0.0 */
    {__LINE__, SYSTIME_OLE_EPOCH, S_OK, "18991230T000000Z", "18991230T000000Z"},
    {__LINE__, SYSTIME_OLE_EPOCH + TICK, S_OK, "18991230T000000Z", "18991230T000000Z"},
    /* 2000-01-01 with half-second rounding either side */
    {__LINE__, Y2000, S_OK, "20000101T000000Z", "20000101T000000Z"},
    {__LINE__, Y2000 + SECOND * 4 / 10, S_OK, "20000101T000000Z", "20000101T000000Z"},
    {__LINE__, Y2000 + SECOND * 6 / 10, S_OK, "20000101T000001Z", "20000101T000001Z"},
    /* 23:59:59.4 and 23:59:59.6: the second one rounds into the next day */
    {__LINE__, Y2000 + DAY - SECOND * 6 / 10, S_OK, "20000101T235959Z", "20000101T235959Z"},
    {__LINE__, Y2000 + DAY - SECOND * 4 / 10, S_OK, "20000102T000000Z", "20000102T000000Z"},
    /* 9999-12-31T23:59:58Z and T_MAX, 23:59:59Z */
    {__LINE__, SYSTIME_T_MAX - SECOND, S_OK, "99991231T235958Z", "99991231T235958Z"},
    {__LINE__, SYSTIME_T_MAX - TICK, S_OK, "99991231T235959Z", "99991231T235959Z"},
    {__LINE__, SYSTIME_T_MAX, S_OK, "99991231T235959Z", "99991231T235959Z"},
    {__LINE__, SYSTIME_T_MAX + TICK, S_OK, "99991231T235959Z", "99991231T235959Z"},
    /* 23:59:59.4: still rounds down */
    {__LINE__, SYSTIME_T_MAX + SECOND * 4 / 10, S_OK, "99991231T235959Z", "99991231T235959Z"},
    /* the half second that rounds to year 10000 */
    {__LINE__, LEGACY_LAST, S_OK, "99991231T235959Z", "99991231T235959Z"},
    {__LINE__, LEGACY_LAST + TICK, E_FAIL, "", "99991231T235959Z"},
    {__LINE__, SYSTIME_T_MAX + SECOND * 6 / 10, E_FAIL, "", "99991231T235959Z"},
    /* 10000-01-01T00:00:00Z */
    {__LINE__, Y10000, E_FAIL, "", "99991231T235959Z"},
    /* 2^63 - 1, 2^63 (top bit set), 2^64 - 1 */
    {__LINE__, 0x7fffffffffffffffULL, E_FAIL, "", "99991231T235959Z"},
    {__LINE__, 0x8000000000000000ULL, E_FAIL, "", "99991231T235959Z"},
    {__LINE__, 0xffffffffffffffffULL, E_FAIL, "", "99991231T235959Z"},
};

static void converts_every_row_along_both_paths(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(rows); i++)
    {
        const struct row *row = &rows[i];
        char out[SYSTIME_ICAL_SIZE];
        HRESULT hr;

        hr = systime_to_ical(row->t, SYSTIME_PATH_LEGACY, out);
        _assert_int_equal(hr, row->legacy_hr, __FILE__, row->line);
        _assert_string_equal(out, row->legacy_hr == S_OK ? row->legacy : "", __FILE__, row->line);

        hr = systime_to_ical(row->t, SYSTIME_PATH_CLAMPED, out);
        _assert_int_equal(hr, S_OK, __FILE__, row->line);
        _assert_string_equal(out, row->clamped, __FILE__, row->line);
    }
}

/* xorshift64*: a fixed-seed generator, so a failure reproduces. */
static ULONGLONG next_random(ULONGLONG *seed)
{
    *seed ^= *seed >> 12;
    *seed ^= *seed << 25;
    *seed ^= *seed >> 27;
    return *seed * 0x2545f4914f6cdd1dULL;
}

/* Draws T from three regions in turn: the whole 64-bit range, the years the
 * conversion can express, and a day either side of each bound. */
static ULONGLONG draw_value(ULONGLONG *seed, int i)
{
    ULONGLONG r = next_random(seed);

    switch (i % 4)
    {
    case 0: return r;
    case 1: return r % (SYSTIME_T_MAX + 2 * DAY);
    case 2: return SYSTIME_OLE_EPOCH - DAY + r % (2 * DAY);
    default: return SYSTIME_T_MAX - DAY + r % (2 * DAY);
    }
}

/* 10^6 values per property; make memcheck, where each costs a thousand
 * times more, asks for fewer with TRACKFIX_PROPERTY_RUNS. */
static int property_runs(void)
{
    const char *runs = getenv("TRACKFIX_PROPERTY_RUNS");
    return runs && atoi(runs) > 0 ? atoi(runs) : 1000000;
}

static void legacy_fails_exactly_before_1899_and_after_9999(void **state)
{
    ULONGLONG seed = 0x938650938650ULL;
    char out[SYSTIME_ICAL_SIZE];
    int i;

    (void)state;
    for (i = 0; i < property_runs(); i++)
    {
        ULONGLONG t = draw_value(&seed, i);
        BOOL should_fail = t < SYSTIME_OLE_EPOCH || t > LEGACY_LAST;
        HRESULT hr = systime_to_ical(t, SYSTIME_PATH_LEGACY, out);

        if ((hr == E_FAIL) != should_fail || (FAILED(hr) && hr != E_FAIL))
            fail_msg("legacy path on T=%llu: hr %#x, expected %s", (unsigned long long)t, (unsigned)hr,
                     should_fail ? "E_FAIL" : "S_OK");
    }
}

static void clamped_never_fails_and_never_goes_backwards(void **state)
{
    ULONGLONG seed = 0x1601010100000000ULL, t = 0;
    char out[SYSTIME_ICAL_SIZE], previous[SYSTIME_ICAL_SIZE] = "00000000T000000Z";
    int i;

    (void)state;
    /* T grows by random steps from 0 to beyond 2^64 / 2, crossing both bounds
     * many times over the four step sizes; wraps back to 0 are restarts. */
    for (i = 0; i < property_runs(); i++)
    {
        static const ULONGLONG steps[] = {SECOND, DAY, 365 * DAY, 10000 * 365 * DAY};
        ULONGLONG step = next_random(&seed) % steps[i % 4], next = t + step;
        HRESULT hr;

        if (next < t) /* wrapped past 2^64 - 1: start again from 0 */
        {
            next = 0;
            strcpy(previous, "00000000T000000Z");
        }
        t = next;
        hr = systime_to_ical(t, SYSTIME_PATH_CLAMPED, out);
        if (hr != S_OK) fail_msg("clamped path failed on T=%llu: hr %#x", (unsigned long long)t, (unsigned)hr);
        if (strcmp(out, previous) < 0)
            fail_msg("clamped path went backwards at T=%llu: %s after %s", (unsigned long long)t, out, previous);
        strcpy(previous, out);
    }
}

struct parse_row
{
    int line;
    const char *text;
    HRESULT hr;
    ULONGLONG t;
};

static const struct parse_row parse_rows[] = {
    {__LINE__, "0", S_OK, 0},
    {__LINE__, "18446744073709551615", S_OK, 0xffffffffffffffffULL},
    {__LINE__, "18446744073709551616", E_INVALIDARG, 0}, /* 2^64 */
    {__LINE__, "0x0", S_OK, 0},
    {__LINE__, "0xFFFFFFFFFFFFFFFF", S_OK, 0xffffffffffffffffULL},
    {__LINE__, "0x10000000000000000", E_INVALIDARG, 0},
    {__LINE__, "0x", E_INVALIDARG, 0},
    {__LINE__, "", E_INVALIDARG, 0},
    {__LINE__, "-1", E_INVALIDARG, 0},
    {__LINE__, "12ab", E_INVALIDARG, 0},
    {__LINE__, "2007:08-03T14:00:00Z", E_INVALIDARG, 0}, /* a fifth character past '9' */
    {__LINE__, "1601-01-01T00:00:00Z", S_OK, 0},
    {__LINE__, "1899-12-30T00:00:00Z", S_OK, SYSTIME_OLE_EPOCH},
    {__LINE__, "9999-12-31T23:59:59Z", S_OK, SYSTIME_T_MAX},
    {__LINE__, "9999-12-31T23:59:59.5Z", S_OK, SYSTIME_T_MAX + SECOND / 2},
    {__LINE__, "1899-12-29T23:59:59.9999999Z", S_OK, SYSTIME_OLE_EPOCH - 1},
    {__LINE__, "2000-02-29T00:00:00Z", S_OK, Y2000 + 59 * DAY},
    {__LINE__, "1900-02-29T00:00:00Z", E_INVALIDARG, 0}, /* 1900 is not a leap year */
    {__LINE__, "1600-12-31T23:59:59Z", E_INVALIDARG, 0},
    {__LINE__, "2000-13-01T00:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "2000-01-01T24:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "2000-01-01T00:00:00", E_INVALIDARG, 0},   /* no zone: not UTC */
    {__LINE__, "2000-01-01T00:00:00.12345678Z", E_INVALIDARG, 0}, /* below 100 ns */
    {__LINE__, NULL, E_INVALIDARG, 0},
    /* hex digits of either case, and the characters around each range */
    {__LINE__, "0X1f", S_OK, 0x1f},
    {__LINE__, "0xAbCdEf09", S_OK, 0xabcdef09},
    {__LINE__, "0x1/", E_INVALIDARG, 0},
    {__LINE__, "0x1:", E_INVALIDARG, 0},
    {__LINE__, "0x1G", E_INVALIDARG, 0},
    {__LINE__, "0x1`", E_INVALIDARG, 0},
    {__LINE__, "0x1g", E_INVALIDARG, 0},
    /* each field of an ISO time broken in turn: a digit below '0', above
     * '9', or the wrong separator */
    {__LINE__, "16/1-01-01T00:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "160a-01-01T00:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "1601/01-01T00:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "1601-0a-01T00:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "1601-01/01T00:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "1601-01-0aT00:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "1601-01-01 00:00:00T", E_INVALIDARG, 0},
    {__LINE__, "1601-01-01Ta0:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "1601-01-01T00-00:00Z", E_INVALIDARG, 0},
    {__LINE__, "1601-01-01T00:a0:00Z", E_INVALIDARG, 0},
    {__LINE__, "1601-01-01T00:00-00Z", E_INVALIDARG, 0},
    {__LINE__, "1601-01-01T00:00:a0Z", E_INVALIDARG, 0},
    /* fractions: none after the point, or something else after the digits */
    {__LINE__, "2000-01-01T00:00:00.Z", E_INVALIDARG, 0},
    {__LINE__, "2000-01-01T00:00:00./Z", E_INVALIDARG, 0},
    {__LINE__, "2000-01-01T00:00:00.5:Z", E_INVALIDARG, 0},
    {__LINE__, "2000-01-01T00:00:00.5/Z", E_INVALIDARG, 0},
    {__LINE__, "2000-01-01T00:00:00Zx", E_INVALIDARG, 0},
    /* every range, each side */
    {__LINE__, "2000-00-01T00:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "2000-01-00T00:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "2000-01-32T00:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "2000-02-30T00:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "2000-01-01T00:60:00Z", E_INVALIDARG, 0},
    {__LINE__, "2000-01-01T00:00:60Z", E_INVALIDARG, 0},
    {__LINE__, "9999-12-31T23:59:59.9999999Z", S_OK, SYSTIME_T_MAX + SECOND - 1},
    /* five-digit years, as msg dump writes the values past 9999: up to the
     * last 64-bit value, and no further; no leading zero, no sixth digit */
    {__LINE__, "10000-01-01T00:00:00Z", S_OK, Y10000},
    {__LINE__, "60056-05-28T05:36:10.9551615Z", S_OK, 0xffffffffffffffffULL},
    {__LINE__, "60056-05-28T05:36:10.9551616Z", E_INVALIDARG, 0},
    {__LINE__, "60056-05-29T00:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "99999-12-31T00:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "09999-12-31T00:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "100000-01-01T00:00:00Z", E_INVALIDARG, 0},
    /* leap years: divisible by 4 but not 100, by 400, by 100 only, by none */
    {__LINE__, "2000-02-28T00:00:00Z", S_OK, Y2000 + 58 * DAY},
    {__LINE__, "2004-02-29T00:00:00Z", S_OK, Y2000 + (366 + 3 * 365 + 59) * DAY},
    {__LINE__, "1700-02-29T00:00:00Z", E_INVALIDARG, 0},
    {__LINE__, "2001-02-29T00:00:00Z", E_INVALIDARG, 0},
};

static void parses_decimal_hex_and_iso_and_refuses_the_rest(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(parse_rows); i++)
    {
        ULONGLONG t = 0x5a5a;
        HRESULT hr = systime_parse(parse_rows[i].text, &t);

        _assert_int_equal(hr, parse_rows[i].hr, __FILE__, parse_rows[i].line);
        _assert_int_equal(t, parse_rows[i].hr == S_OK ? parse_rows[i].t : 0x5a5a, __FILE__, parse_rows[i].line);
    }
}

static void formats_iso_exactly_and_round_trips(void **state)
{
    static const ULONGLONG values[] = {0, 1, SYSTIME_OLE_EPOCH, Y2000 + 59 * DAY + 123, SYSTIME_T_MAX,
                                       Y10000, 0xffffffffffffffffULL / 1000 * 1000, 0xffffffffffffffffULL};
    char iso[SYSTIME_ISO_SIZE];
    size_t i;

    (void)state;
    systime_format_iso(0, iso);
    assert_string_equal(iso, "1601-01-01T00:00:00Z");
    systime_format_iso(SYSTIME_OLE_EPOCH - 1, iso);
    assert_string_equal(iso, "1899-12-29T23:59:59.9999999Z");
    systime_format_iso(0xffffffffffffffffULL, iso);
    assert_string_equal(iso, "60056-05-28T05:36:10.9551615Z");
    for (i = 0; i < ARRAYSIZE(values); i++)
    {
        ULONGLONG back = 0;
        systime_format_iso(values[i], iso);
        assert_int_equal(systime_parse(iso, &back), S_OK);
        assert_int_equal(back, values[i]);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(converts_every_row_along_both_paths),
        cmocka_unit_test(legacy_fails_exactly_before_1899_and_after_9999),
        cmocka_unit_test(clamped_never_fails_and_never_goes_backwards),
        cmocka_unit_test(parses_decimal_hex_and_iso_and_refuses_the_rest),
        cmocka_unit_test(formats_iso_exactly_and_round_trips),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("systime", tests, NULL, NULL));
}
