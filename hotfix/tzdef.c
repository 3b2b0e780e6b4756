/*
 * tzdef: TZDEFINITION and TZSTRUCT to VTIMEZONE, and local time to UTC.
 */
#include <stdio.h>
#include <string.h>

#include <windows.h>

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

HRESULT tzdef_parse_definition(const BYTE *data, ULONG size, struct tzdef *zone, char error[TZDEF_ERROR_SIZE])
{
    ULONG pos, header, rules, i, chosen = 0, chosen_flags = 0, length;
    USHORT flags;
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
    return read_tzreg(data, chosen + 22, chosen + 34, chosen + 50, zone, error);
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
    return S_OK;
}

/* The first moment in 1601 of the yearly transition ST (local time): the
 * DTSTART of its STANDARD or DAYLIGHT. */
static struct icaltimetype first_transition(const SYSTEMTIME *st)
{
    struct icaltimetype t = icaltime_null_time();
    SYSTEMTIME first = {1601, 0, 0, 1, 0, 0, 0, 0};
    FILETIME ft;
    int last_day, day;

    t.year = 1601;
    t.month = 1;
    t.day = 1;
    if (!st->wMonth) return t;
    first.wMonth = st->wMonth;
    SystemTimeToFileTime(&first, &ft);
    FileTimeToSystemTime(&ft, &first);
    last_day = icaltime_days_in_month(st->wMonth, 1601);
    day = 1 + (st->wDayOfWeek - first.wDayOfWeek + 7) % 7 + 7 * (st->wDay - 1);
    while (day > last_day) day -= 7;
    t.month = st->wMonth;
    t.day = day;
    t.hour = st->wHour;
    t.minute = st->wMinute;
    return t;
}

/* A STANDARD or DAYLIGHT: from FROM_BIAS to TO_BIAS (minutes west of UTC)
 * at the yearly transition ST. */
static icalcomponent *new_observance(icalcomponent_kind kind, LONG from_bias, LONG to_bias, const SYSTEMTIME *st)
{
    icalcomponent *observance = icalcomponent_new(kind);

    icalcomponent_add_property(observance, icalproperty_new_dtstart(first_transition(st)));
    icalcomponent_add_property(observance, icalproperty_new_tzoffsetfrom(-from_bias * 60));
    icalcomponent_add_property(observance, icalproperty_new_tzoffsetto(-to_bias * 60));
    if (st->wMonth)
    {
        struct icalrecurrencetype rule;

        icalrecurrencetype_clear(&rule);
        rule.freq = ICAL_YEARLY_RECURRENCE;
        rule.by_month[0] = (short)st->wMonth;
        rule.by_month[1] = ICAL_RECURRENCE_ARRAY_MAX;
        /* week 5 is the month's last such weekday */
        rule.by_day[0] = (short)((st->wDay == 5 ? -1 : 1) * (8 * (st->wDay == 5 ? 1 : st->wDay) + st->wDayOfWeek + 1));
        rule.by_day[1] = ICAL_RECURRENCE_ARRAY_MAX;
        icalcomponent_add_property(observance, icalproperty_new_rrule(rule));
    }
    return observance;
}

icalcomponent *tzdef_vtimezone(const struct tzdef *zone)
{
    const TIME_ZONE_INFORMATION *r = &zone->rule;
    icalcomponent *timezone = icalcomponent_new_vtimezone();
    LONG standard = r->Bias + r->StandardBias, daylight = r->Bias + r->DaylightBias;

    if (!timezone) return NULL;
    icalcomponent_add_property(timezone, icalproperty_new_tzid(zone->name));
    icalcomponent_add_component(timezone, new_observance(ICAL_XSTANDARD_COMPONENT, r->StandardDate.wMonth ? daylight
                                                                                                           : standard,
                                                         standard, &r->StandardDate));
    if (r->DaylightDate.wMonth)
        icalcomponent_add_component(timezone,
                                    new_observance(ICAL_XDAYLIGHT_COMPONENT, standard, daylight, &r->DaylightDate));
    return timezone;
}

BOOL tzdef_to_utc(const struct tzdef *zone, const SYSTEMTIME *local, SYSTEMTIME *utc)
{
    TIME_ZONE_INFORMATION rule = zone->rule;

    return TzSpecificLocalTimeToSystemTime(&rule, local, utc);
}
