/*
 * series: a recurring meeting's pattern, zone and Exception Attachments.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "errmsg.h"
#include "meeting.h"
#include "series.h"

/* FILETIME ticks in a minute */
#define TICKS_PER_MINUTE 600000000ULL

/* The class of an Exception Attachment's embedded message (MS-OXOCAL 2.2.10.2) */
static const char exception_class[] = "IPM.OLE.CLASS.{00061055-0000-0000-C000-000000000046}";

/* The binary value of named property LID of SET, or NULL. */
static const struct mapi_value *binary_lid(const struct mapi_propset *set, enum mapi_lid_prop lid)
{
    const struct mapi_prop *prop = mapi_propset_find_lid(set, lid);

    return prop && PROP_TYPE(prop->tag) == PT_BINARY && prop->count && prop->values[0].size ? &prop->values[0] : NULL;
}

/* The meeting's time zone: its TZDEFINITION, else its TZSTRUCT, else none. */
static HRESULT read_zone(const struct mapi_propset *props, struct series *series, char *error)
{
    static const struct
    {
        enum mapi_lid_prop lid;
        const char *name;
    } definitions[] = {
        {LID_TZ_DEFINITION_RECUR, "PidLidAppointmentTimeZoneDefinitionRecur"},
        {LID_TZ_DEFINITION_START_DISPLAY, "PidLidAppointmentTimeZoneDefinitionStartDisplay"},
    };
    const struct mapi_value *value;
    char why[TZDEF_ERROR_SIZE], *description;
    HRESULT hr;
    ULONG i;

    for (i = 0; i < ARRAYSIZE(definitions); i++)
    {
        if (!(value = binary_lid(props, definitions[i].lid))) continue;
        if (FAILED(hr = tzdef_parse_definition(value->data, value->size, &series->zone, why)))
            return errmsg_format(error, hr, "%s: %s", definitions[i].name, why);
        series->has_zone = TRUE;
        return S_OK;
    }
    if (!(value = binary_lid(props, LID_TIME_ZONE_STRUCT))) return S_OK;
    description = mapi_prop_get_utf8(mapi_propset_find_lid(props, LID_TIME_ZONE_DESCRIPTION));
    hr = tzdef_parse_struct(value->data, value->size, description, &series->zone, why);
    free(description);
    if (FAILED(hr)) return errmsg_format(error, hr, "PidLidTimeZoneStruct: %s", why);
    series->has_zone = TRUE;
    return S_OK;
}

HRESULT series_read(const struct mapi_message *message, struct series *series, char error[SERIES_ERROR_SIZE])
{
    const struct mapi_prop *recurring = mapi_propset_find_lid(&message->props, LID_RECURRING);
    const struct mapi_value *value = binary_lid(&message->props, LID_APPOINTMENT_RECUR);
    char why[RECUR_ERROR_SIZE];
    HRESULT hr;

    memset(series, 0, sizeof(*series));
    if (value && !(recurring && PROP_TYPE(recurring->tag) == PT_BOOLEAN && !recurring->fixed[0]))
    {
        if (FAILED(hr = recur_parse(value->data, value->size, &series->pattern, why)))
            return errmsg_format(error, hr, "PidLidAppointmentRecur: %s", why);
        series->recurring = TRUE;
    }
    if (FAILED(hr = read_zone(&message->props, series, error))) series_free(series);
    return hr;
}

void series_free(struct series *series)
{
    recur_free(&series->pattern);
    memset(series, 0, sizeof(*series));
}

ULONGLONG series_to_utc(const struct series *series, ULONG minutes)
{
    SYSTEMTIME local, utc;
    FILETIME ft;

    recur_systemtime(minutes, &local);
    if (!series->has_zone || !tzdef_to_utc(&series->zone, &local, &utc)) return minutes * TICKS_PER_MINUTE;
    SystemTimeToFileTime(&utc, &ft);
    return (ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
}

ULONG series_to_local(const struct series *series, ULONGLONG utc)
{
    SYSTEMTIME st, local;
    FILETIME ft = {(DWORD)utc, (DWORD)(utc >> 32)};

    if (series->has_zone && FileTimeToSystemTime(&ft, &st) && tzdef_to_local(&series->zone, &st, &local) &&
        SystemTimeToFileTime(&local, &ft))
        utc = (ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
    return (ULONG)(utc / TICKS_PER_MINUTE);
}

struct mapi_message *series_exception(const struct mapi_message *message, ULONGLONG replace_time)
{
    ULONG i;

    for (i = 0; i < message->attachment_count; i++)
    {
        const struct mapi_attachment *a = &message->attachments[i];
        ULONGLONG t;
        LONG flags = 0;

        mapi_prop_get_long(mapi_propset_find(&a->props, PR_ATTACHMENT_FLAGS), &flags);
        if (!a->message || !(flags & ATTACH_FLAG_EXCEPTION)) continue;
        if ((mapi_prop_get_systime(mapi_propset_find(&a->props, PR_EXCEPTION_REPLACETIME), &t) ||
             mapi_prop_get_systime(mapi_propset_find_lid(&a->message->props, LID_EXCEPTION_REPLACE_TIME), &t)) &&
            t / TICKS_PER_MINUTE == replace_time / TICKS_PER_MINUTE)
            return a->message;
    }
    return NULL;
}

/* The embedded message of an Exception Attachment for the instance at
 * START..END (local minutes) that replaces the one at ORIGINAL_START. */
static HRESULT fill_exception(const struct mapi_message *message, const struct series *series, ULONG original_start,
                              ULONG start, ULONG end, struct mapi_attachment *a)
{
    struct mapi_message *m = a->message;
    ULONGLONG replace = series_to_utc(series, original_start);
    char *subject = meeting_get_string(&message->props, PR_SUBJECT);
    /* the attachment (MS-OXOCAL 2.2.10.1): hidden, an exception, its times
     * local "as if UTC" but the replace time in UTC */
    const struct mapi_put attachment[] = {
        {PR_ATTACH_METHOD, 0, ATTACH_EMBEDDED_MSG, NULL},
        {PR_ATTACHMENT_HIDDEN, 0, TRUE, NULL},
        {PR_ATTACHMENT_FLAGS, 0, ATTACH_FLAG_EXCEPTION, NULL},
        {PR_RENDERING_POSITION, 0, 0xFFFFFFFF, NULL},
        {PR_EXCEPTION_STARTTIME, 0, start * TICKS_PER_MINUTE, NULL},
        {PR_EXCEPTION_ENDTIME, 0, end * TICKS_PER_MINUTE, NULL},
        {PR_EXCEPTION_REPLACETIME, 0, replace, NULL},
        {PR_ATTACH_DATA_OBJ, 0, 0, NULL},
        {PR_DISPLAY_NAME, 0, 0, subject ? subject : ""},
    };
    /* its message (2.2.10.2): the class, the subject, the instance's times,
     * and the series' recipient table, which the reply then changes */
    const struct mapi_put embedded[] = {
        {PR_MESSAGE_CLASS, 0, 0, exception_class},
        {PR_SUBJECT, 0, 0, subject ? subject : ""},
        {0, LID_APPOINTMENT_START_WHOLE, series_to_utc(series, start), NULL},
        {0, LID_APPOINTMENT_END_WHOLE, series_to_utc(series, end), NULL},
        {0, LID_EXCEPTION_REPLACE_TIME, replace, NULL},
    };
    HRESULT hr = mapi_propset_put(&a->props, attachment, ARRAYSIZE(attachment));
    ULONG i;

    if (SUCCEEDED(hr)) hr = mapi_propset_put(&m->props, embedded, ARRAYSIZE(embedded));
    for (i = 0; i < message->recipient_count && SUCCEEDED(hr); i++)
    {
        struct mapi_propset *row = mapi_message_add_recipient(m);
        if (!row || FAILED(mapi_propset_copy(row, &message->recipients[i]))) hr = E_OUTOFMEMORY;
    }
    free(subject);
    return hr;
}

HRESULT series_make_exception(struct mapi_message *message, struct series *series, ULONG original_start,
                              struct mapi_message **exception, char error[SERIES_ERROR_SIZE])
{
    const struct mapi_value *recur = binary_lid(&message->props, LID_APPOINTMENT_RECUR);
    ULONG duration = series->pattern.end_offset - series->pattern.start_offset, start = original_start, i;
    char why[RECUR_ERROR_SIZE];
    struct mapi_attachment *a;
    BYTE *data = NULL;
    ULONG size;
    HRESULT hr;

    *exception = NULL;
    for (i = 0; i < series->pattern.exception_count; i++)
        if (series->pattern.exceptions[i].original_start == original_start) break;
    if (i < series->pattern.exception_count)
    {
        /* an exception of the pattern without its attachment: the attachment only */
        start = series->pattern.exceptions[i].start;
        duration = series->pattern.exceptions[i].end - start;
    }
    else if (!recur)
        return errmsg_format(error, E_INVALIDARG, "PidLidAppointmentRecur missing");
    else if (FAILED(hr = recur_add_exception(recur->data, recur->size, original_start, original_start + duration, &data,
                                             &size, why)))
        return errmsg_format(error, hr, "PidLidAppointmentRecur: %s", why);
    else
    {
        struct mapi_prop *prop = (struct mapi_prop *)mapi_propset_find_lid(&message->props, LID_APPOINTMENT_RECUR);
        free(prop->values[0].data);
        prop->values[0].data = data;
        prop->values[0].size = size;
    }
    if (!(a = mapi_message_add_attachment(message)) || !(a->message = calloc(1, sizeof(*a->message))) ||
        FAILED(fill_exception(message, series, original_start, start, start + duration, a)))
        return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    *exception = a->message;
    series_free(series);
    return series_read(message, series, error);
}
