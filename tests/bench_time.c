/*
 * bench_time: the cost of one PR_RECIPIENT_TRACKSTATUS_TIME conversion,
 * legacy and clamped, in this process (make bench).
 *
 * usage: bench_time.exe [COUNT]   (default 10,000,000 values)
 * Prints one line per path: "legacy NS ns/value (OK ok, FAILED failed)".
 * The values are spread over the whole 64-bit range by a fixed
 * xorshift sequence, so a share of them fail on the legacy path, as
 * sentinels do; each path converts the same sequence to iCalendar text.
 */
#include <stdio.h>
#include <stdlib.h>

#include <windows.h>

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

int main(int argc, char **argv)
{
    ULONG count = argc > 1 ? strtoul(argv[1], NULL, 10) : 10000000;

    if (!count)
    {
        fprintf(stderr, "usage: bench_time.exe [COUNT]\n");
        return 2;
    }
    run(SYSTIME_PATH_LEGACY, count);
    run(SYSTIME_PATH_CLAMPED, count);
    return 0;
}
