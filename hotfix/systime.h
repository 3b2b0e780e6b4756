/*
 * systime: PT_SYSTIME (FILETIME) to iCalendar UTC DATE-TIME, the way
 * Exchange 2003 SP2 converts it (DESIGN.md §2).
 *
 * Two paths:
 *   legacy   SP2 without the fix: (double)(T - OLE_EPOCH) / TICKS_PER_DAY in
 *            unsigned 64-bit arithmetic (wraps below OLE_EPOCH), then the real
 *            VariantTimeToSystemTime.  Fails with E_FAIL for every T before
 *            1899-12-30 and every T that rounds past 9999-12-31T23:59:59.
 *   clamped  KB938650 enabled: T clamped to [OLE_EPOCH, T_MAX] (unsigned),
 *            then the legacy computation.  Never fails.
 * No time zone enters anywhere: PT_SYSTIME values are UTC.
 */
#ifndef TRACKFIX_SYSTIME_H
#define TRACKFIX_SYSTIME_H

#include <windef.h>

/* 24 h * 3600 s * 10^7 ticks of 100 ns */
#define SYSTIME_TICKS_PER_DAY 864000000000ULL
#define SYSTIME_TICKS_PER_SECOND 10000000ULL
#define SYSTIME_TICKS_PER_MINUTE (60 * SYSTIME_TICKS_PER_SECOND)
/* 1899-12-30: OLE Automation DATE 0.0, 109205 days after 1601-01-01:
 * 298 years of 365 days and their 72 leap days to 1899-01-01, then the
 * 363 days of 1899 before 30 December */
#define SYSTIME_OLE_EPOCH 94353120000000000ULL
/* 9999-12-31T23:59:59: 3067671 days after 1601-01-01 minus one second, the
 * last whole second VariantTimeToSystemTime returns inside year 9999 */
#define SYSTIME_T_MAX 2650467743990000000ULL
/* The last tick of year 9999: what a four-digit year holds (iCalendar, a
 * queue state, an option); systime_parse takes later ones too */
#define SYSTIME_YEAR_9999_END (SYSTIME_T_MAX + SYSTIME_TICKS_PER_SECOND - 1)

/* "YYYYMMDDTHHMMSSZ" plus the terminating NUL */
#define SYSTIME_ICAL_SIZE 17
/* "YYYYY-MM-DDTHH:MM:SS.fffffffZ" (years reach 60056) plus NUL */
#define SYSTIME_ISO_SIZE 32

enum systime_path
{
    SYSTIME_PATH_LEGACY,  /* SP2 as shipped */
    SYSTIME_PATH_CLAMPED, /* KB938650 installed and enabled */
};

/* Name of a path as the CLI prints it: "legacy" or "clamped". */
const char *systime_path_name(enum systime_path path);

/* Converts T along PATH into *ST (whole seconds, UTC), as EcGetMime does.
 * Returns S_OK, or E_FAIL when VariantTimeToSystemTime refuses the value or
 * returns a year outside 1601..9999 (legacy path only). */
HRESULT systime_to_systemtime(ULONGLONG t, enum systime_path path, SYSTEMTIME *st);

/* Converts T along PATH into OUT as "YYYYMMDDTHHMMSSZ".
 * Returns S_OK, or E_FAIL when VariantTimeToSystemTime refuses the value or
 * returns a year outside 1601..9999 (legacy path only); OUT is then "". */
HRESULT systime_to_ical(ULONGLONG t, enum systime_path path, char out[SYSTIME_ICAL_SIZE]);

/* Formats T exactly (no rounding, no OLE DATE) as ISO-8601 UTC,
 * "YYYY-MM-DDTHH:MM:SSZ", with ".fffffff" only when T has sub-second ticks.
 * Every 64-bit T has a form. */
void systime_format_iso(ULONGLONG t, char out[SYSTIME_ISO_SIZE]);

/* Days since 1601-01-01 of a proleptic Gregorian date (years 1601 on),
 * and the date of such a day: the calendar arithmetic of the ISO forms,
 * for a recurrence pattern's local dates too. */
LONGLONG systime_day_of(LONGLONG year, unsigned month, unsigned day);
void systime_date_of(LONGLONG days, LONGLONG *year, unsigned *month, unsigned *day);

/* Parses TEXT as a FILETIME: decimal ("0"), hexadecimal ("0x01D3..."), or
 * ISO-8601 UTC ("1601-01-01T00:00:00Z", optional ".fffffff" fraction; five
 * digits for years past 9999, up to the last 64-bit value in 60056).
 * Returns S_OK, or E_INVALIDARG for anything else, out-of-range values
 * included; *T is untouched on failure. */
HRESULT systime_parse(const char *text, ULONGLONG *t);

#endif
