/*
 * systime: PT_SYSTIME to iCalendar DATE-TIME, legacy and clamped (DESIGN.md §2).
 */
#include <stdio.h>
#include <string.h>

#include <windows.h>
#include <oleauto.h>
#include <wine/debug.h>

#include "systime.h"

WINE_DEFAULT_DEBUG_CHANNEL(trackfix);

/* 1601-01-01 is 134774 days before 1970-01-01: 369 years plus 89 leap days */
#define DAYS_1601_TO_1970 134774LL

const char *systime_path_name(enum systime_path path)
{
    return path == SYSTIME_PATH_CLAMPED ? "clamped" : "legacy";
}

HRESULT systime_to_systemtime(ULONGLONG t, enum systime_path path, SYSTEMTIME *st)
{
    double date;

    if (path == SYSTIME_PATH_CLAMPED)
    {
        if (t < SYSTIME_OLE_EPOCH) t = SYSTIME_OLE_EPOCH;
        if (t > SYSTIME_T_MAX) t = SYSTIME_T_MAX;
    }
    /* Unsigned on purpose: below OLE_EPOCH this wraps to a huge positive
     * date, which is how SP2 turns the 1601 sentinel into a failure. */
    date = (double)(t - SYSTIME_OLE_EPOCH) / (double)SYSTIME_TICKS_PER_DAY;
    if (!VariantTimeToSystemTime(date, st))
    {
        WINE_TRACE("VariantTimeToSystemTime(%.17g) failed for %s\n", date, wine_dbgstr_longlong(t));
        return E_FAIL;
    }
    /* the date is never negative (T below the epoch wraps to a huge one),
     * so the year is 1899 or later: only the top of the range can fail */
    if (st->wYear > 9999)
    {
        WINE_TRACE("VariantTimeToSystemTime(%.17g) gave year %u for %s\n", date, st->wYear,
                   wine_dbgstr_longlong(t));
        return E_FAIL;
    }
    return S_OK;
}

HRESULT systime_to_ical(ULONGLONG t, enum systime_path path, char out[SYSTIME_ICAL_SIZE])
{
    SYSTEMTIME st;
    HRESULT hr;

    out[0] = 0;
    if (FAILED(hr = systime_to_systemtime(t, path, &st))) return hr;
    /* the remainders only tell the compiler the ranges checked above */
    snprintf(out, SYSTIME_ICAL_SIZE, "%04u%02u%02uT%02u%02u%02uZ", st.wYear % 10000u, st.wMonth % 100u,
             st.wDay % 100u, st.wHour % 100u, st.wMinute % 100u, st.wSecond % 100u);
    return S_OK;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (era-based), for
 * years from 1601 on (parse_iso refuses earlier ones), so the shifted year
 * is never negative. */
static LONGLONG days_from_civil(LONGLONG y, unsigned m, unsigned d)
{
    LONGLONG era, yoe, doy, doe;

    y -= m <= 2;
    era = y / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

/* Inverse of days_from_civil for days >= -DAYS_1601_TO_1970. */
static void civil_from_days(LONGLONG z, LONGLONG *y, unsigned *m, unsigned *d)
{
    LONGLONG era, doe, yoe, doy, mp;

    z += 719468;
    era = z / 146097;
    doe = z - era * 146097;
    yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    mp = (5 * doy + 2) / 153;
    *d = (unsigned)(doy - (153 * mp + 2) / 5 + 1);
    *m = (unsigned)(mp < 10 ? mp + 3 : mp - 9);
    *y = yoe + era * 400 + (*m <= 2);
}

LONGLONG systime_day_of(LONGLONG year, unsigned month, unsigned day)
{
    return days_from_civil(year, month, day) + DAYS_1601_TO_1970;
}

void systime_date_of(LONGLONG days, LONGLONG *year, unsigned *month, unsigned *day)
{
    civil_from_days(days - DAYS_1601_TO_1970, year, month, day);
}

void systime_format_iso(ULONGLONG t, char out[SYSTIME_ISO_SIZE])
{
    ULONGLONG days = t / SYSTIME_TICKS_PER_DAY, rest = t % SYSTIME_TICKS_PER_DAY;
    unsigned secs = (unsigned)(rest / SYSTIME_TICKS_PER_SECOND);
    unsigned frac = (unsigned)(rest % SYSTIME_TICKS_PER_SECOND);
    LONGLONG year;
    unsigned month, day;
    int len;

    civil_from_days((LONGLONG)days - DAYS_1601_TO_1970, &year, &month, &day);
    len = snprintf(out, SYSTIME_ISO_SIZE, "%04lld-%02u-%02uT%02u:%02u:%02u", (long long)year, month, day,
                   secs / 3600, secs / 60 % 60, secs % 60);
    if (frac)
        snprintf(out + len, SYSTIME_ISO_SIZE - len, ".%07uZ", frac);
    else
        snprintf(out + len, SYSTIME_ISO_SIZE - len, "Z");
}

/* Reads exactly N decimal digits at *P into *VALUE; advances *P. */
static BOOL read_digits(const char **p, int n, unsigned *value)
{
    *value = 0;
    for (; n > 0; n--, (*p)++)
    {
        if (**p < '0' || **p > '9') return FALSE;
        *value = *value * 10 + (unsigned)(**p - '0');
    }
    return TRUE;
}

static BOOL expect_char(const char **p, char c)
{
    if (**p != c) return FALSE;
    (*p)++;
    return TRUE;
}

static HRESULT parse_iso(const char *p, ULONGLONG *t)
{
    static const unsigned month_days[12] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    unsigned year, month, day, hour, minute, second, frac = 0, scale = SYSTIME_TICKS_PER_SECOND;
    ULONGLONG days, ticks;
    BOOL leap;

    /* four digits, or five past 9999: every 64-bit value has a form */
    if (!read_digits(&p, 4, &year)) return E_INVALIDARG;
    if (*p >= '0' && *p <= '9')
    {
        if (year < 1000) return E_INVALIDARG;
        year = year * 10 + (unsigned)(*p++ - '0');
    }
    if (!expect_char(&p, '-') || !read_digits(&p, 2, &month) ||
        !expect_char(&p, '-') || !read_digits(&p, 2, &day) || !expect_char(&p, 'T') ||
        !read_digits(&p, 2, &hour) || !expect_char(&p, ':') || !read_digits(&p, 2, &minute) ||
        !expect_char(&p, ':') || !read_digits(&p, 2, &second))
        return E_INVALIDARG;
    if (*p == '.')
    {
        p++;
        if (*p < '0' || *p > '9') return E_INVALIDARG;
        for (; *p >= '0' && *p <= '9'; p++)
        {
            if (scale == 1) return E_INVALIDARG; /* finer than 100 ns */
            scale /= 10;
            frac += (unsigned)(*p - '0') * scale;
        }
    }
    if (!expect_char(&p, 'Z') || *p) return E_INVALIDARG;

    leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    if (year < 1601 || month < 1 || month > 12 || day < 1 || day > month_days[month - 1] ||
        (month == 2 && day == 29 && !leap) || hour > 23 || minute > 59 || second > 59)
        return E_INVALIDARG;

    days = (ULONGLONG)(days_from_civil(year, month, day) + DAYS_1601_TO_1970);
    ticks = ((ULONGLONG)hour * 3600 + minute * 60 + second) * SYSTIME_TICKS_PER_SECOND + frac;
    if (days > (~0ULL - ticks) / SYSTIME_TICKS_PER_DAY) return E_INVALIDARG; /* past 60056-05-28 */
    *t = days * SYSTIME_TICKS_PER_DAY + ticks;
    return S_OK;
}

HRESULT systime_parse(const char *text, ULONGLONG *t)
{
    ULONGLONG value = 0;
    const char *p = text;
    int digits = 0;

    if (!text || !*text) return E_INVALIDARG;
    if (strchr(text, 'T')) return parse_iso(text, t);

    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X'))
    {
        for (p += 2; *p; p++, digits++)
        {
            unsigned nibble;
            if (*p >= '0' && *p <= '9') nibble = *p - '0';
            else if (*p >= 'a' && *p <= 'f') nibble = *p - 'a' + 10;
            else if (*p >= 'A' && *p <= 'F') nibble = *p - 'A' + 10;
            else return E_INVALIDARG;
            if (digits == 16) return E_INVALIDARG; /* more than 64 bits */
            value = value << 4 | nibble;
        }
    }
    else
    {
        for (; *p; p++, digits++)
        {
            unsigned digit;
            if (*p < '0' || *p > '9') return E_INVALIDARG;
            digit = (unsigned)(*p - '0');
            if (value > (~0ULL - digit) / 10) return E_INVALIDARG; /* overflow */
            value = value * 10 + digit;
        }
    }
    if (!digits) return E_INVALIDARG;
    *t = value;
    return S_OK;
}
