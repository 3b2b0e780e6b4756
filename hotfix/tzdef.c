/*
 * tzdef: TZDEFINITION and TZSTRUCT to VTIMEZONE, and local time to UTC.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "icalwrite.h"
#include "tzdef.h"

#define TZDEFINITION_FLAG_VALID_GUID 0x0001
#define TZDEFINITION_FLAG_VALID_KEYNAME 0x0002
#define TZRULE_FLAG_EFFECTIVE_TZREG 0x0002
/* a TZRule after its first four bytes: flags, stStart, three biases, two dates */
#define TZRULE_BODY_SIZE 62
#define TZSTRUCT_SIZE 48

static USHORT u16_at(const BYTE *p)
{
    return p[0] | p[1] << 8;
}

static LONG s32_at(const BYTE *p)
{
    return (LONG)(p[0] | p[1] << 8 | p[2] << 16 | (ULONG)p[3] << 24);
}

static void systemtime_at(const BYTE *p, SYSTEMTIME *st)
{
    st->wYear = u16_at(p);
    st->wMonth = u16_at(p + 2);
    st->wDayOfWeek = u16_at(p + 4);
    st->wDay = u16_at(p + 6);
    st->wHour = u16_at(p + 8);
    st->wMinute = u16_at(p + 10);
    st->wSecond = u16_at(p + 12);
    st->wMilliseconds = u16_at(p + 14);
}

/* Checks one transition date of the rule read at byte AT (WHICH names it):
 * none (month 0), or the Nth weekday of a month at a time of day. */
static HRESULT check_transition(const SYSTEMTIME *st, const char *which, ULONG at, char *error)
{
    if (!st->wMonth) return S_OK;
    if (st->wYear)
        return errmsg_format(error, E_INVALIDARG, "byte %u: %s has year %u: absolute transition dates are not supported",
                             at, which, st->wYear);
    if (st->wMonth > 12 || st->wDayOfWeek > 6 || st->wDay < 1 || st->wDay > 5 || st->wHour > 23 || st->wMinute > 59)
        return errmsg_format(error, E_INVALIDARG,
                             "byte %u: %s (month %u, weekday %u, week %u, %02u:%02u) is not a yearly transition", at,
                             which, st->wMonth, st->wDayOfWeek, st->wDay, st->wHour, st->wMinute);
    return S_OK;
}

/* The three biases and two dates of a TZREG at DATA+AT (DATES_AT for the
 * dates, which TZSTRUCT spaces with its year fields). */
static HRESULT read_tzreg(const BYTE *data, ULONG at, ULONG standard_at, ULONG daylight_at, struct tzdef *zone,
                          char *error)
{
    TIME_ZONE_INFORMATION *rule = &zone->rule;
    HRESULT hr;

    rule->Bias = s32_at(data + at);
    rule->StandardBias = s32_at(data + at + 4);
    rule->DaylightBias = s32_at(data + at + 8);
    systemtime_at(data + standard_at, &rule->StandardDate);
    systemtime_at(data + daylight_at, &rule->DaylightDate);
    if (rule->Bias < -1440 || rule->Bias > 1440 || rule->StandardBias < -1440 || rule->StandardBias > 1440 ||
        rule->DaylightBias < -1440 || rule->DaylightBias > 1440)
        return errmsg_format(error, E_INVALIDARG, "byte %u: lBias %d, lStandardBias %d or lDaylightBias %d is over a day",
                             at, rule->Bias, rule->StandardBias, rule->DaylightBias);
    if (FAILED(hr = check_transition(&rule->StandardDate, "stStandardDate", standard_at, error)) ||
        FAILED(hr = check_transition(&rule->DaylightDate, "stDaylightDate", daylight_at, error)))
        return hr;
    if (!rule->StandardDate.wMonth != !rule->DaylightDate.wMonth)
        return errmsg_format(error, E_INVALIDARG, "byte %u: only one of stStandardDate and stDaylightDate is set",
                             standard_at);
    return S_OK;
}

/* CdoTimeZoneId (CDO for Exchange, the enumeration's numbers) with the
 * Windows key name and the offsets that pick it, and the TZID string CDO
 * writes for it.  Exchange 2003 SP2 writes "(GMT+hh.mm) " before the
 * cities; DESIGN.md §4.1 gives the source of every string, captured or
 * guessed.  BIAS is minutes west of UTC (TIME_ZONE_INFORMATION's). */
static const struct cdo_zone
{
    int id;
    const char *key;
    LONG bias;
    BOOL daylight;
    const char *tzid;
} cdo_zones[] = {
    {0, "UTC", 0, FALSE, "(GMT) Coordinated Universal Time"},
    {1, "GMT Standard Time", 0, TRUE, "(GMT) Greenwich Mean Time/Dublin/Edinburgh/London"},
    {2, "Central European Standard Time", -60, TRUE, "(GMT+01.00) Sarajevo/Warsaw/Zagreb"},
    {3, "Romance Standard Time", -60, TRUE, "(GMT+01.00) Paris/Madrid/Brussels/Copenhagen"},
    {4, "W. Europe Standard Time", -60, TRUE, "(GMT+01.00) Amsterdam/Berlin/Bern/Rome/Stockholm/Vienna"},
    {5, "E. Europe Standard Time", -120, TRUE, "(GMT+02.00) Bucharest"},
    {6, "Central Europe Standard Time", -60, TRUE, "(GMT+01.00) Belgrade/Bratislava/Budapest/Ljubljana/Prague"},
    {7, "GTB Standard Time", -120, TRUE, "(GMT+02.00) Athens/Istanbul/Minsk"},
    {8, "E. South America Standard Time", 180, TRUE, "(GMT-03.00) Brasilia"},
    {9, "Atlantic Standard Time", 240, TRUE, "(GMT-04.00) Atlantic Time (Canada)"},
    {10, "Eastern Standard Time", 300, TRUE, "(GMT-05.00) Eastern Time (US & Canada)"},
    {11, "Central Standard Time", 360, TRUE, "(GMT-06.00) Central Time (US & Canada)"},
    {12, "Mountain Standard Time", 420, TRUE, "(GMT-07.00) Mountain Time (US & Canada)"},
    {13, "Pacific Standard Time", 480, TRUE, "(GMT-08.00) Pacific Time (US & Canada); Tijuana"},
    {14, "Alaskan Standard Time", 540, TRUE, "(GMT-09.00) Alaska"},
    {15, "Hawaiian Standard Time", 600, FALSE, "(GMT-10.00) Hawaii"},
    {16, "Samoa Standard Time", 660, FALSE, "(GMT-11.00) Midway Island/Samoa"},
    {17, "New Zealand Standard Time", -720, TRUE, "(GMT+12.00) Auckland/Wellington"},
    {18, "E. Australia Standard Time", -600, FALSE, "(GMT+10.00) Brisbane"},
    {19, "Cen. Australia Standard Time", -570, TRUE, "(GMT+09.30) Adelaide"},
    {20, "Tokyo Standard Time", -540, FALSE, "(GMT+09.00) Tokyo/Osaka/Sapporo"},
    {21, "China Standard Time", -480, FALSE, "(GMT+08.00) Beijing/Chongqing/Hong Kong/Urumqi"},
    {22, "SE Asia Standard Time", -420, FALSE, "(GMT+07.00) Bangkok/Hanoi/Jakarta"},
    {23, "India Standard Time", -330, FALSE, "(GMT+05.30) Kolkata/Chennai/Mumbai/New Delhi"},
};

/* Sets ZONE's CDO number and TZID: the row of its key name KEY (NULL for
 * none), else the first row with its bias and daylight time, else none. */
static void find_cdo_zone(struct tzdef *zone, const char *key)
{
    BOOL daylight = zone->rule.StandardDate.wMonth != 0;
    size_t i;

    zone->cdo_id = -1;
    zone->tzid = zone->name;
    for (i = 0; key && i < ARRAYSIZE(cdo_zones); i++)
        if (!strcasecmp(key, cdo_zones[i].key)) break;
    if (!key || i == ARRAYSIZE(cdo_zones))
        for (i = 0; i < ARRAYSIZE(cdo_zones); i++)
            if (cdo_zones[i].bias == zone->rule.Bias && cdo_zones[i].daylight == daylight) break;
    if (i == ARRAYSIZE(cdo_zones)) return;
    zone->cdo_id = cdo_zones[i].id;
    zone->tzid = cdo_zones[i].tzid;
}

HRESULT tzdef_parse_definition(const BYTE *data, ULONG size, struct tzdef *zone, char error[TZDEF_ERROR_SIZE])
{
    ULONG pos, header, rules, i, chosen = 0, chosen_flags = 0, length;
    USHORT flags;
    HRESULT hr;
    WCHAR name[TZDEF_NAME_SIZE];

    memset(zone, 0, sizeof(*zone));
    if (size < 6)
        return errmsg_format(error, E_INVALIDARG, "byte 0: the header needs 6 bytes, the value has %u", size);
    if (data[0] != 0x02)
        return errmsg_format(error, E_INVALIDARG, "byte 0: bMajorVersion 0x%02X is not 0x02", data[0]);
    header = u16_at(data + 2);
    flags = u16_at(data + 4);
    if (4 + header > size)
        return errmsg_format(error, E_INVALIDARG, "byte 2: cbHeader %u runs past the value's %u bytes", header, size);
    pos = 6 + (flags & TZDEFINITION_FLAG_VALID_GUID ? 16 : 0);
    if (!(flags & TZDEFINITION_FLAG_VALID_KEYNAME) || pos + 2 > 4 + header)
        return errmsg_format(error, E_INVALIDARG, "byte 4: wFlags 0x%04X: the definition has no key name", flags);
    length = u16_at(data + pos);
    if (!length || length >= TZDEF_NAME_SIZE / 4 || pos + 2 + 2 * length + 2 > 4 + header)
        return errmsg_format(error, E_INVALIDARG, "byte %u: cchKeyName %u does not fit cbHeader %u", pos, length, header);
    for (i = 0; i < length; i++) name[i] = u16_at(data + pos + 2 + 2 * i);
    WideCharToMultiByte(CP_UTF8, 0, name, length, zone->name, sizeof(zone->name) - 1, NULL, NULL);
    pos += 2 + 2 * length;
    rules = u16_at(data + pos);
    if (!rules) return errmsg_format(error, E_INVALIDARG, "byte %u: cRules is 0", pos);
    /* the rules follow the header, each after its own size */
    for (pos = 4 + header, i = 0; i < rules; i++)
    {
        ULONG rule_size;

        if (pos + 4 > size || (rule_size = u16_at(data + pos + 2)) < TZRULE_BODY_SIZE || pos + 4 + rule_size > size)
            return errmsg_format(error, E_INVALIDARG, "byte %u: TZRule %u of %u is cut short or smaller than %u bytes",
                                 pos, i + 1, rules, TZRULE_BODY_SIZE + 4);
        if (data[pos] != 0x02)
            return errmsg_format(error, E_INVALIDARG, "byte %u: TZRule %u bMajorVersion 0x%02X is not 0x02", pos, i + 1,
                                 data[pos]);
        if (!i || u16_at(data + pos + 4) & TZRULE_FLAG_EFFECTIVE_TZREG || !(chosen_flags & TZRULE_FLAG_EFFECTIVE_TZREG))
        {
            chosen = pos;
            chosen_flags = u16_at(data + pos + 4);
        }
        pos += 4 + rule_size;
    }
    if (FAILED(hr = read_tzreg(data, chosen + 22, chosen + 34, chosen + 50, zone, error))) return hr;
    find_cdo_zone(zone, zone->name);
    return S_OK;
}

HRESULT tzdef_parse_struct(const BYTE *data, ULONG size, const char *name, struct tzdef *zone,
                           char error[TZDEF_ERROR_SIZE])
{
    HRESULT hr;

    memset(zone, 0, sizeof(*zone));
    if (size < TZSTRUCT_SIZE)
        return errmsg_format(error, E_INVALIDARG, "byte 0: a TZSTRUCT is %u bytes, the value has %u", TZSTRUCT_SIZE,
                             size);
    if (FAILED(hr = read_tzreg(data, 0, 14, 32, zone, error))) return hr;
    if (name && *name) snprintf(zone->name, sizeof(zone->name), "%s", name);
    else
        snprintf(zone->name, sizeof(zone->name), "UTC%+03d%02d", -zone->rule.Bias / 60, abs(zone->rule.Bias) % 60);
    /* a description is the display name, often translated: the offsets pick */
    find_cdo_zone(zone, NULL);
    return S_OK;
}

/* BIAS (minutes west of UTC, within a day) as a UTC offset, "+0900". */
static void format_offset(char out[8], LONG bias)
{
    snprintf(out, 8, "%c%02u%02u", bias > 0 ? '-' : '+', (unsigned)abs(bias) / 60 % 100, (unsigned)abs(bias) % 60);
}

/* A STANDARD or DAYLIGHT (NAME): from FROM_BIAS to TO_BIAS at the yearly
 * transition ST, none when its month is 0. */
static void write_observance(struct strbuf *out, struct strbuf *line, const char *name, LONG from_bias,
                             LONG to_bias, const SYSTEMTIME *st)
{
    char value[64], offset[8];

    icalwrite_simple(out, line, "BEGIN", name);
    snprintf(value, sizeof(value), "16010101T%02u%02u00", st->wMonth ? st->wHour : 0, st->wMonth ? st->wMinute : 0);
    icalwrite_simple(out, line, "DTSTART", value);
    format_offset(offset, from_bias);
    icalwrite_simple(out, line, "TZOFFSETFROM", offset);
    format_offset(offset, to_bias);
    icalwrite_simple(out, line, "TZOFFSETTO", offset);
    if (st->wMonth)
    {
        static const char *const days[] = {"SU", "MO", "TU", "WE", "TH", "FR", "SA"};

        /* week 5 is the month's last such weekday */
        snprintf(value, sizeof(value), "FREQ=YEARLY;WKST=MO;INTERVAL=1;BYMONTH=%u;BYDAY=%d%s", st->wMonth,
                 st->wDay == 5 ? -1 : st->wDay, days[st->wDayOfWeek]);
        icalwrite_simple(out, line, "RRULE", value);
    }
    icalwrite_simple(out, line, "END", name);
}

void tzdef_write_vtimezone(struct strbuf *out, const struct tzdef *zone)
{
    const TIME_ZONE_INFORMATION *r = &zone->rule;
    LONG standard = r->Bias + r->StandardBias, daylight = r->Bias + r->DaylightBias;
    struct strbuf line = {0};
    char id[16];

    if (!r->StandardDate.wMonth) daylight = standard;
    icalwrite_simple(out, &line, "BEGIN", "VTIMEZONE");
    icalwrite_simple(out, &line, "TZID", zone->tzid);
    if (zone->cdo_id >= 0)
    {
        snprintf(id, sizeof(id), "%d", zone->cdo_id);
        icalwrite_simple(out, &line, "X-MICROSOFT-CDO-TZID", id);
    }
    write_observance(out, &line, "STANDARD", daylight, standard, &r->StandardDate);
    write_observance(out, &line, "DAYLIGHT", standard, daylight, &r->DaylightDate);
    icalwrite_simple(out, &line, "END", "VTIMEZONE");
    strbuf_free(&line);
}

BOOL tzdef_to_local(const struct tzdef *zone, const SYSTEMTIME *utc, SYSTEMTIME *local)
{
    TIME_ZONE_INFORMATION rule = zone->rule;

    return SystemTimeToTzSpecificLocalTime(&rule, utc, local);
}

BOOL tzdef_to_utc(const struct tzdef *zone, const SYSTEMTIME *local, SYSTEMTIME *utc)
{
    TIME_ZONE_INFORMATION rule = zone->rule;

    return TzSpecificLocalTimeToSystemTime(&rule, local, utc);
}
