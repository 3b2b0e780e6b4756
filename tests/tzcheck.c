/*
 * tzcheck: what Windows' own rule says of a zone's UTC offset, beside the
 * VTIMEZONE trackfix writes for it, for tests/tzoffsets.py to compare with
 * libical and dateutil (tests/e2e_tz.sh).
 *
 *   tzcheck.exe FIRST_YEAR LAST_YEAR [MSG...]
 *
 * The zones: every zone of Wine's Windows registry (HKLM\...\Time Zones,
 * each key's TZI), which holds every zone CDO names, and the zone of each
 * MSG (its TZDEFINITION or TZSTRUCT, as series_read reads it).  For each,
 * prints
 *   ZONE <tab> label
 *   the VTIMEZONE lines (tzdef_write_vtimezone)
 *   OFFSETS
 *   YYYYMMDDTHHMMSSZ <tab> minutes east of UTC      (one line an hour)
 *   END
 * the hours being every hour of the days around each change of offset in
 * the years given, as SystemTimeToTzSpecificLocalTime computes it from the
 * zone's TIME_ZONE_INFORMATION.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "msgfile.h"
#include "series.h"
#include "strbuf.h"
#include "systime.h"
#include "tzdef.h"

#define HOUR (60 * SYSTIME_TICKS_PER_MINUTE)

/* Windows' offset at UTC T (minutes east), or -100000 when it refuses. */
static int windows_offset(TIME_ZONE_INFORMATION *rule, ULONGLONG t)
{
    SYSTEMTIME utc, local;
    FILETIME ft = {(DWORD)t, (DWORD)(t >> 32)}, back;

    if (!FileTimeToSystemTime(&ft, &utc) || !SystemTimeToTzSpecificLocalTime(rule, &utc, &local) ||
        !SystemTimeToFileTime(&local, &back))
        return -100000;
    return (int)(((LONGLONG)((ULONGLONG)back.dwHighDateTime << 32 | back.dwLowDateTime) - (LONGLONG)t) /
                 (LONGLONG)SYSTIME_TICKS_PER_MINUTE);
}

static ULONGLONG year_start(int year)
{
    return (ULONGLONG)systime_day_of(year, 1, 1) * SYSTIME_TICKS_PER_DAY;
}

static void print_zone(const char *label, struct tzdef *zone, int first, int last)
{
    struct strbuf vtimezone = {0};
    ULONGLONG day, end = year_start(last + 1), t;
    char ical[SYSTIME_ICAL_SIZE];

    tzdef_write_vtimezone(&vtimezone, zone);
    printf("ZONE\t%s\n%sOFFSETS\n", label, vtimezone.data ? vtimezone.data : "");
    strbuf_free(&vtimezone);
    for (day = year_start(first); day < end; day += SYSTIME_TICKS_PER_DAY)
    {
        if (windows_offset(&zone->rule, day) == windows_offset(&zone->rule, day + SYSTIME_TICKS_PER_DAY)) continue;
        /* the day of the change and the one either side, every hour */
        for (t = day - SYSTIME_TICKS_PER_DAY; t < day + 2 * SYSTIME_TICKS_PER_DAY; t += HOUR)
        {
            systime_to_ical(t, SYSTIME_PATH_CLAMPED, ical);
            printf("%s\t%d\n", ical, windows_offset(&zone->rule, t));
        }
    }
    printf("END\n");
}

/* Every zone of the registry, from its TZI. */
static int registry_zones(int first, int last)
{
    static const WCHAR root[] = L"Software\\Microsoft\\Windows NT\\CurrentVersion\\Time Zones";
    WCHAR name[256];
    DWORD i, length;
    HKEY zones;
    int count = 0;

    if (RegOpenKeyExW(HKEY_LOCAL_MACHINE, root, 0, KEY_READ, &zones)) return 0;
    for (i = 0; length = ARRAYSIZE(name), !RegEnumKeyExW(zones, i, name, &length, NULL, NULL, NULL, NULL); i++)
    {
        struct { LONG bias, standard_bias, daylight_bias; SYSTEMTIME standard, daylight; } tzi;
        DWORD size = sizeof(tzi), type;
        struct tzdef zone;
        char label[256], error[TZDEF_ERROR_SIZE];
        BYTE tzstruct[48] = {0};
        HKEY key;

        if (RegOpenKeyExW(zones, name, 0, KEY_READ, &key)) continue;
        if (!RegQueryValueExW(key, L"TZI", NULL, &type, (BYTE *)&tzi, &size) && type == REG_BINARY &&
            size == sizeof(tzi))
        {
            /* TZI as a TZSTRUCT (two year fields more): read as an item's */
            memcpy(tzstruct, &tzi, 12);
            memcpy(tzstruct + 14, &tzi.standard, 16);
            memcpy(tzstruct + 32, &tzi.daylight, 16);
            WideCharToMultiByte(CP_UTF8, 0, name, -1, label, sizeof(label), NULL, NULL);
            if (SUCCEEDED(tzdef_parse_struct(tzstruct, sizeof(tzstruct), label, &zone, error)))
                print_zone(label, &zone, first, last), count++;
            else
                printf("REFUSED\t%s\t%s\n", label, error);
        }
        RegCloseKey(key);
    }
    RegCloseKey(zones);
    return count;
}

int main(int argc, char **argv)
{
    int first, last, i, status = 0;

    if (argc < 3 || (first = atoi(argv[1])) < 1602 || (last = atoi(argv[2])) < first || last > 9000)
    {
        fprintf(stderr, "usage: tzcheck.exe FIRST_YEAR LAST_YEAR [MSG...]\n");
        return 2;
    }
    if (!registry_zones(first, last))
    {
        fprintf(stderr, "tzcheck: no time zone in the registry\n");
        status = 1;
    }
    for (i = 3; i < argc; i++)
    {
        struct mapi_message message;
        struct series series;
        char error[MSGFILE_ERROR_SIZE];

        if (FAILED(msgfile_read(argv[i], &message, error)))
        {
            fprintf(stderr, "tzcheck: %s\n", error);
            status = 1;
            continue;
        }
        if (FAILED(series_read(&message, &series, error))) printf("REFUSED\t%s\t%s\n", argv[i], error);
        else
        {
            if (series.has_zone) print_zone(argv[i], &series.zone, first, last);
            series_free(&series);
        }
        mapi_message_clear(&message);
    }
    return status;
}
