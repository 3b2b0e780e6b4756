/*
 * bench_time: the cost of one PR_RECIPIENT_TRACKSTATUS_TIME conversion,
 * legacy and clamped, in this process (make bench).
 *
 * usage: bench_time.exe [COUNT]   (default 10,000,000 values)
 * Prints one line per path: "legacy NS ns/value (OK ok, FAILED failed)".
 * The values are spread over the whole 64-bit range by a fixed
 * xorshift sequence, so a share of them fail on the legacy path, as
 * sentinels do; each path converts the same sequence to iCalendar text.
 * Then the clamp's own cost, on values both paths convert (1899..9999), so
 * that all three do the same work: "bare NS" (the OLE date and
 * VariantTimeToSystemTime called directly), "legacy-in-range NS",
 * "clamped-in-range NS", and "clamp-adds NS" (clamped less bare).
 */
#include <stdio.h>
#include <stdlib.h>

#include <windows.h>
#include <oleauto.h>

#include "systime.h"

static ULONGLONG next_value(ULONGLONG *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return *state;
}

static void run(enum systime_path path, ULONG count)
{
    LARGE_INTEGER frequency, start, stop;
    ULONGLONG state = 0x938650, t;
    ULONG i, ok = 0;
    char ical[SYSTIME_ICAL_SIZE];

    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&start);
    for (i = 0; i < count; i++)
    {
        t = next_value(&state);
        /* one value in four in the range real track times take */
        if (i % 4 == 0) t = 116444736000000000ULL + t % 10000000000000000ULL;
        if (SUCCEEDED(systime_to_ical(t, path, ical))) ok++;
    }
    QueryPerformanceCounter(&stop);
    printf("%s %.1f ns/value (%u ok, %u failed)\n", systime_path_name(path),
           (double)(stop.QuadPart - start.QuadPart) * 1e9 / (double)frequency.QuadPart / count, ok, count - ok);
}

/* The in-range values: the same fixed sequence folded into 1899..9999. */
static ULONGLONG in_range(ULONGLONG *state)
{
    return SYSTIME_OLE_EPOCH + next_value(state) % (SYSTIME_T_MAX - SYSTIME_OLE_EPOCH);
}

/* ns per value of converting COUNT in-range values: with PATH, or (BARE)
 * with the OLE date and VariantTimeToSystemTime alone. */
static double in_range_cost(BOOL bare, enum systime_path path, ULONG count, ULONG *ok)
{
    LARGE_INTEGER frequency, start, stop;
    ULONGLONG state = 0x938650;
    SYSTEMTIME st;
    ULONG i;

    *ok = 0;
    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&start);
    for (i = 0; i < count; i++)
    {
        ULONGLONG t = in_range(&state);
        if (bare ? VariantTimeToSystemTime((double)(t - SYSTIME_OLE_EPOCH) / SYSTIME_TICKS_PER_DAY, &st)
                 : SUCCEEDED(systime_to_systemtime(t, path, &st)))
            (*ok)++;
    }
    QueryPerformanceCounter(&stop);
    return (double)(stop.QuadPart - start.QuadPart) * 1e9 / (double)frequency.QuadPart / count;
}

int main(int argc, char **argv)
{
    ULONG count = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000000;

    if (!count)
    {
        fprintf(stderr, "usage: bench_time.exe [COUNT]\n");
        return 2;
    }
    ULONG ok_bare, ok_legacy, ok_clamped;
    double bare, legacy, clamped;

    run(SYSTIME_PATH_LEGACY, count);
    run(SYSTIME_PATH_CLAMPED, count);
    bare = in_range_cost(TRUE, SYSTIME_PATH_LEGACY, count, &ok_bare);
    legacy = in_range_cost(FALSE, SYSTIME_PATH_LEGACY, count, &ok_legacy);
    clamped = in_range_cost(FALSE, SYSTIME_PATH_CLAMPED, count, &ok_clamped);
    printf("bare %.1f ns/value (%u ok)\n", bare, ok_bare);
    printf("legacy-in-range %.1f ns/value (%u ok)\n", legacy, ok_legacy);
    printf("clamped-in-range %.1f ns/value (%u ok)\n", clamped, ok_clamped);
    printf("clamp-adds %.1f ns/value\n", clamped - bare);
    return 0;
}
