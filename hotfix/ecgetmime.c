/*
 * ecgetmime: MAPI meeting message to RFC 5322 + iMIP (DESIGN.md §4).
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <wine/debug.h>

#include <libical/ical.h>

#include "directory.h"
#include "ecgetmime.h"
#include "meeting.h"
#include "mimeenc.h"
#include "recur.h"
#include "strbuf.h"
#include "tzdef.h"

WINE_DEFAULT_DEBUG_CHANNEL(trackfix);

/* Fails the conversion C with HR, the message named first. */
#define fail(c, hr, fmt, ...) errmsg_format((c)->error, hr, "'%s': " fmt, (c)->name, ##__VA_ARGS__)

#define PRODID "-//trackfix//Exchange Server 2003 SP2 EcGetMime emulation//EN"
/* PR_RECIPIENT_TRACKSTATUS to PARTSTAT (MS-OXOCAL respXxx values). */
static const icalparameter_partstat partstats[] = {
    [RESP_NONE] = ICAL_PARTSTAT_NEEDSACTION,
    [RESP_ORGANIZED] = ICAL_PARTSTAT_ACCEPTED,
    [RESP_TENTATIVE] = ICAL_PARTSTAT_TENTATIVE,
    [RESP_ACCEPTED] = ICAL_PARTSTAT_ACCEPTED,
    [RESP_DECLINED] = ICAL_PARTSTAT_DECLINED,
    [RESP_NOT_RESPONDED] = ICAL_PARTSTAT_NEEDSACTION,
};

struct participant
{
    ULONG row;           /* 1-based recipient row, for messages */
    char *name;          /* UTF-8, owned; may be NULL */
    char *address;       /* SMTP address, owned */
    LONG type;           /* PR_RECIPIENT_TYPE */
    BOOL has_status;
    LONG status;         /* PR_RECIPIENT_TRACKSTATUS */
    BOOL has_time;
    ULONGLONG time;      /* PR_RECIPIENT_TRACKSTATUS_TIME */
    char reply_time[SYSTIME_ICAL_SIZE];
};

struct conversion
{
    const struct mapi_message *message;
    const char *name;
    const struct ecgetmime_options *options;
    char *error;
    enum ecgetmime_method method;
    BOOL canceled_by_option; /* a request or appointment sent as its cancellation */
    BOOL uid_generated;      /* the meeting had no PidLidGlobalObjectId */
    struct participant organizer;
    struct participant *attendees;
    ULONG attendee_count;
    char *subject, *location, *body, *uid;
    LONG sequence;
    char start[SYSTIME_ICAL_SIZE], end[SYSTIME_ICAL_SIZE], dtstamp[SYSTIME_ICAL_SIZE];
    char owner_change[SYSTIME_ICAL_SIZE], attendee_change[SYSTIME_ICAL_SIZE];
    BOOL recurring;             /* PATTERN holds the series */
    struct recur_pattern pattern;
    BOOL has_zone;              /* ZONE holds the series' time zone; else its times are UTC */
    struct tzdef zone;
};


/* Converts the PT_SYSTIME T of WHAT along PATH into OUT, or fails as SP2
 * does, naming WHAT and the raw value. */
static HRESULT convert_time(struct conversion *c, ULONGLONG t, enum systime_path path, const char *what,
                            char out[SYSTIME_ICAL_SIZE])
{
    char iso[SYSTIME_ISO_SIZE];
    HRESULT hr = systime_to_ical(t, path, out);

    if (SUCCEEDED(hr)) return S_OK;
    systime_format_iso(t, iso);
    return fail(c, hr, "%s 0x%016llX (%s) cannot be converted: VariantTimeToSystemTime failed (%s path, %#x)", what,
                (unsigned long long)t, iso, systime_path_name(path), (unsigned)hr);
}

static void clear_participant(struct participant *p)
{
    free(p->name);
    free(p->address);
    memset(p, 0, sizeof(*p));
}

static HRESULT read_class(struct conversion *c)
{
    char *class = meeting_get_string(&c->message->props, PR_MESSAGE_CLASS);
    enum meeting_class kind = meeting_class_of(class);
    enum ecgetmime_method method = kind == MEETING_CLASS_CANCELLATION ? ECGETMIME_CANCEL : ECGETMIME_REQUEST;
    HRESULT hr = S_OK;

    if (!class) return fail(c, E_INVALIDARG, "PR_MESSAGE_CLASS missing: not a meeting");
    if (kind == MEETING_CLASS_OTHER)
        hr = fail(c, E_INVALIDARG, "message class '%s' is not a meeting request, cancellation or appointment", class);
    else
    {
        c->method = c->options->cancel ? ECGETMIME_CANCEL : method;
        c->canceled_by_option = c->options->cancel && method != ECGETMIME_CANCEL;
    }
    free(class);
    return hr;
}

/* Splits the recipient table into the organizer row and the attendees. */
static HRESULT read_recipients(struct conversion *c)
{
    const struct mapi_message *m = c->message;
    BOOL have_organizer = FALSE;
    ULONG i;

    if (m->recipient_count && !(c->attendees = calloc(m->recipient_count, sizeof(*c->attendees))))
        return fail(c, E_OUTOFMEMORY, "out of memory");
    for (i = 0; i < m->recipient_count; i++)
    {
        const struct mapi_propset *row = &m->recipients[i];
        LONG flags = 0;
        struct participant *p;

        mapi_prop_get_long(mapi_propset_find(row, PR_RECIPIENT_FLAGS), &flags);
        p = (flags & RECIP_ORGANIZER) && !have_organizer ? &c->organizer : &c->attendees[c->attendee_count++];
        have_organizer |= p == &c->organizer;
        p->row = i + 1;
        p->name = meeting_get_string(row, PR_DISPLAY_NAME);
        p->type = RECIP_TO;
        mapi_prop_get_long(mapi_propset_find(row, PR_RECIPIENT_TYPE), &p->type);
        p->has_status = mapi_prop_get_long(mapi_propset_find(row, PR_RECIPIENT_TRACKSTATUS), &p->status);
        p->has_time = mapi_prop_get_systime(mapi_propset_find(row, PR_RECIPIENT_TRACKSTATUS_TIME), &p->time);
        if (!(p->address = meeting_smtp_address(row)) && p != &c->organizer)
        {
            char *type = meeting_get_string(row, PR_ADDRTYPE), *dn = meeting_get_string(row, PR_EMAIL_ADDRESS);
            HRESULT hr = type && dn && !strcasecmp(type, "EX")
                             ? fail(c, E_INVALIDARG,
                                    "recipient %u '%s' has no SMTP address: its EX address '%s' resolves to none in "
                                    "the file (no PR_SMTP_ADDRESS) nor in the directory (HKLM\\" DIRECTORY_KEY
                                    "; add it with 'trackfix server directory add DN ADDRESS')",
                                    p->row, p->name ? p->name : "", dn)
                             : fail(c, E_INVALIDARG,
                                    "recipient %u '%s' has no SMTP address (PR_SMTP_ADDRESS, or PR_EMAIL_ADDRESS of type "
                                    "SMTP)", p->row, p->name ? p->name : "");
            free(type);
            free(dn);
            return hr;
        }
    }
    if (!c->attendee_count)
        return fail(c, E_INVALIDARG, "no attendees: %s", m->recipient_count ? "the only recipient row is the organizer's"
                                                                           : "the recipient table is empty");
    if (!c->organizer.address)
    {
        /* no usable organizer row: the sender is the organizer */
        free(c->organizer.name);
        if (!meeting_sender(m, &c->organizer.name, &c->organizer.address))
            return fail(c, E_INVALIDARG, "no organizer address: no organizer row with an SMTP address, and no "
                                         "PR_SENDER_SMTP_ADDRESS or SMTP PR_SENT_REPRESENTING_EMAIL_ADDRESS, and "
                                         "no directory entry for an EX sender");
    }
    return S_OK;
}

/* The UID from PidLidGlobalObjectId. */
static HRESULT read_uid(struct conversion *c)
{
    const struct mapi_prop *goid = mapi_propset_find_lid(&c->message->props, LID_GLOBAL_OBJECT_ID);

    if (!goid || !goid->count || !goid->values[0].size)
    {
        /* none in the file (an appointment saved by some tools): one made
         * as Outlook makes it, from the meeting itself */
        BYTE generated[MEETING_GOID_SIZE];
        struct mapi_value value = {generated, sizeof(generated)};
        struct mapi_prop prop;

        memset(&prop, 0, sizeof(prop));
        prop.tag = PROP_TAG(PT_BINARY, 0);
        prop.values = &value;
        prop.count = 1;
        meeting_generate_goid(c->message, generated);
        c->uid_generated = TRUE;
        goid = &prop;
        WINE_TRACE("%s: no PidLidGlobalObjectId, one generated\n", c->name);
        return (c->uid = meeting_uid(goid)) ? S_OK : fail(c, E_OUTOFMEMORY, "out of memory");
    }
    if (!(c->uid = meeting_uid(goid))) return fail(c, E_OUTOFMEMORY, "out of memory");
    return S_OK;
}

/* Every PT_SYSTIME of the meeting, legacy path; the track times along the
 * caller's path. */
static HRESULT read_times(struct conversion *c)
{
    const struct mapi_propset *props = &c->message->props;
    ULONGLONG t;
    HRESULT hr;
    ULONG i;

    if (!mapi_prop_get_systime(mapi_propset_find_lid(props, LID_APPOINTMENT_START_WHOLE), &t))
        return fail(c, E_INVALIDARG, "PidLidAppointmentStartWhole missing: the meeting has no start");
    if (FAILED(hr = convert_time(c, t, SYSTIME_PATH_LEGACY, "PidLidAppointmentStartWhole", c->start))) return hr;
    if (!mapi_prop_get_systime(mapi_propset_find_lid(props, LID_APPOINTMENT_END_WHOLE), &t))
        return fail(c, E_INVALIDARG, "PidLidAppointmentEndWhole missing: the meeting has no end");
    if (FAILED(hr = convert_time(c, t, SYSTIME_PATH_LEGACY, "PidLidAppointmentEndWhole", c->end))) return hr;
    if (mapi_prop_get_systime(mapi_propset_find_lid(props, LID_OWNER_CRITICAL_CHANGE), &t) &&
        FAILED(hr = convert_time(c, t, SYSTIME_PATH_LEGACY, "PidLidOwnerCriticalChange", c->owner_change)))
        return hr;
    if (mapi_prop_get_systime(mapi_propset_find_lid(props, LID_ATTENDEE_CRITICAL_CHANGE), &t) &&
        FAILED(hr = convert_time(c, t, SYSTIME_PATH_LEGACY, "PidLidAttendeeCriticalChange", c->attendee_change)))
        return hr;
    /* DTSTAMP of a REQUEST or CANCEL: PidLidOwnerCriticalChange, else now */
    if (c->owner_change[0]) strcpy(c->dtstamp, c->owner_change);
    else if (FAILED(hr = convert_time(c, c->options->now, SYSTIME_PATH_LEGACY, "the current time", c->dtstamp)))
        return hr;

    for (i = 0; i < c->attendee_count; i++)
    {
        struct participant *p = &c->attendees[i];
        char what[256];

        if (!p->has_status || !p->has_time) continue;
        snprintf(what, sizeof(what), "recipient %u '%s' <%s>: PR_RECIPIENT_TRACKSTATUS_TIME", p->row,
                 p->name ? p->name : "", p->address);
        if (FAILED(hr = convert_time(c, p->time, c->options->track_path, what, p->reply_time))) return hr;
    }
    return S_OK;
}

/* The binary value of named property LID, or NULL. */
static const struct mapi_value *binary_lid(const struct conversion *c, enum mapi_lid_prop lid)
{
    const struct mapi_prop *prop = mapi_propset_find_lid(&c->message->props, lid);

    return prop && PROP_TYPE(prop->tag) == PT_BINARY && prop->count && prop->values[0].size ? &prop->values[0] : NULL;
}

/* The time zone of a series: its TZDEFINITION, else its TZSTRUCT, else
 * none (UTC). */
static HRESULT read_zone(struct conversion *c)
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
    char error[TZDEF_ERROR_SIZE], *description;
    HRESULT hr;
    ULONG i;

    for (i = 0; i < ARRAYSIZE(definitions); i++)
    {
        if (!(value = binary_lid(c, definitions[i].lid))) continue;
        if (FAILED(hr = tzdef_parse_definition(value->data, value->size, &c->zone, error)))
            return fail(c, hr, "%s: %s", definitions[i].name, error);
        c->has_zone = TRUE;
        return S_OK;
    }
    if (!(value = binary_lid(c, LID_TIME_ZONE_STRUCT))) return S_OK;
    description = mapi_prop_get_utf8(mapi_propset_find_lid(&c->message->props, LID_TIME_ZONE_DESCRIPTION));
    hr = tzdef_parse_struct(value->data, value->size, description, &c->zone, error);
    free(description);
    if (FAILED(hr)) return fail(c, hr, "PidLidTimeZoneStruct: %s", error);
    c->has_zone = TRUE;
    return S_OK;
}

/* A recurring meeting's series (PidLidAppointmentRecur) and time zone. */
static HRESULT read_series(struct conversion *c)
{
    const struct mapi_prop *recurring = mapi_propset_find_lid(&c->message->props, LID_RECURRING);
    const struct mapi_value *value = binary_lid(c, LID_APPOINTMENT_RECUR);
    char error[RECUR_ERROR_SIZE];
    HRESULT hr;

    if (!value || (recurring && PROP_TYPE(recurring->tag) == PT_BOOLEAN && !recurring->fixed[0])) return S_OK;
    if (FAILED(hr = recur_parse(value->data, value->size, &c->pattern, error)))
        return fail(c, hr, "PidLidAppointmentRecur: %s", error);
    c->recurring = TRUE;
    return read_zone(c);
}

static void add_x_property(icalcomponent *event, const char *name, const char *value)
{
    icalproperty *prop = icalproperty_new_x(value);

    icalproperty_set_x_name(prop, name);
    icalcomponent_add_property(event, prop);
}

static icalproperty *new_participant(icalproperty *prop, const struct participant *p)
{
    if (p->name && *p->name) icalproperty_add_parameter(prop, icalparameter_new_cn(p->name));
    return prop;
}

/* A local time of the series as a property value: with its TZID, or in
 * UTC when the series has no time zone. */
static icalproperty *with_zone(const struct conversion *c, icalproperty *prop)
{
    if (c->has_zone) icalproperty_add_parameter(prop, icalparameter_new_tzid(c->zone.name));
    return prop;
}

static struct icaltimetype local_time(const struct conversion *c, ULONG minutes)
{
    struct icaltimetype t = recur_ical_time(minutes);

    if (!c->has_zone) t.zone = icaltimezone_get_utc_timezone();
    return t;
}

/* A new VEVENT of the meeting with its ids and its DTSTART and DTEND. */
static icalcomponent *new_event(const struct conversion *c, icalproperty *start, icalproperty *end)
{
    icalcomponent *event = icalcomponent_new_vevent();

    icalcomponent_add_property(event, icalproperty_new_uid(c->uid));
    icalcomponent_add_property(event, icalproperty_new_sequence(c->sequence));
    icalcomponent_add_property(event, icalproperty_new_dtstamp(icaltime_from_string(c->dtstamp)));
    icalcomponent_add_property(event, start);
    icalcomponent_add_property(event, end);
    return event;
}

/* What every VEVENT of the meeting carries after its times: the people,
 * the status; SUBJECT and LOCATION those of the series or an exception. */
static void add_common(const struct conversion *c, icalcomponent *event, const char *subject, const char *location)
{
    char mailto[512], sequence[16];
    ULONG i;

    /* RFC 5546 3.2: SUMMARY is required in a REQUEST and a CANCEL and "can
     * be null": a subject-less meeting has "SUMMARY:" (which libical's
     * parser reports as a missing value) */
    icalcomponent_add_property(event, icalproperty_new_summary(subject ? subject : ""));
    /* no property for an empty value: libical drops "LOCATION:" as an error */
    if (location && *location) icalcomponent_add_property(event, icalproperty_new_location(location));
    snprintf(mailto, sizeof(mailto), "mailto:%s", c->organizer.address);
    icalcomponent_add_property(event, new_participant(icalproperty_new_organizer(mailto), &c->organizer));
    for (i = 0; i < c->attendee_count; i++)
    {
        const struct participant *p = &c->attendees[i];
        icalproperty *attendee;

        snprintf(mailto, sizeof(mailto), "mailto:%s", p->address);
        attendee = new_participant(icalproperty_new_attendee(mailto), p);
        icalproperty_add_parameter(attendee, icalparameter_new_role(p->type == RECIP_CC    ? ICAL_ROLE_OPTPARTICIPANT
                                                                    : p->type == RECIP_BCC ? ICAL_ROLE_NONPARTICIPANT
                                                                                           : ICAL_ROLE_REQPARTICIPANT));
        if (p->type == RECIP_BCC) icalproperty_add_parameter(attendee, icalparameter_new_cutype(ICAL_CUTYPE_RESOURCE));
        icalproperty_add_parameter(attendee, icalparameter_new_rsvp(c->method == ECGETMIME_REQUEST ? ICAL_RSVP_TRUE
                                                                                                  : ICAL_RSVP_FALSE));
        icalproperty_add_parameter(attendee, icalparameter_new_partstat(
            p->has_status && p->status >= 0 && p->status < (LONG)ARRAYSIZE(partstats) ? partstats[p->status]
                                                                                       : ICAL_PARTSTAT_NEEDSACTION));
        if (p->reply_time[0])
        {
            icalparameter *reply = icalparameter_new_x(p->reply_time);
            icalparameter_set_xname(reply, "X-MICROSOFT-CDO-REPLYTIME");
            icalproperty_add_parameter(attendee, reply);
        }
        icalcomponent_add_property(event, attendee);
    }
    if (c->method == ECGETMIME_CANCEL) icalcomponent_add_property(event, icalproperty_new_status(ICAL_STATUS_CANCELLED));
    snprintf(sequence, sizeof(sequence), "%d", c->sequence);
    add_x_property(event, "X-MICROSOFT-CDO-APPT-SEQUENCE", sequence);
    if (c->owner_change[0]) add_x_property(event, "X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE", c->owner_change);
    if (c->attendee_change[0]) add_x_property(event, "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE", c->attendee_change);
}

/* The series' UNTIL: its last instance's start, in UTC. */
static struct icaltimetype series_until(const struct conversion *c)
{
    ULONG minutes = c->pattern.end_date + c->pattern.start_offset;
    struct icaltimetype t = local_time(c, minutes);
    SYSTEMTIME local, utc;

    recur_systemtime(minutes, &local);
    if (c->has_zone && tzdef_to_utc(&c->zone, &local, &utc))
    {
        t.year = utc.wYear;
        t.month = utc.wMonth;
        t.day = utc.wDay;
        t.hour = utc.wHour;
        t.minute = utc.wMinute;
    }
    t.zone = icaltimezone_get_utc_timezone();
    return t;
}

/* The series' master VEVENT (RRULE, EXDATE) and one VEVENT per exception,
 * with RECURRENCE-ID, in local time (MS-OXCICAL 2.1.3.1.1.20). */
static void add_series(const struct conversion *c, icalcomponent *calendar)
{
    const struct recur_pattern *p = &c->pattern;
    ULONG first = recur_first_start(p), i;
    icalcomponent *event = new_event(c, with_zone(c, icalproperty_new_dtstart(local_time(c, first))),
                                     with_zone(c, icalproperty_new_dtend(local_time(
                                                      c, first + p->end_offset - p->start_offset))));

    add_common(c, event, c->subject, c->location);
    icalcomponent_add_property(event, icalproperty_new_rrule(recur_rrule(p, series_until(c))));
    for (i = 0; i < p->deleted_count; i++)
        if (recur_is_deleted(p, p->deleted[i]))
            icalcomponent_add_property(event, with_zone(c, icalproperty_new_exdate(
                                                               local_time(c, p->deleted[i] + p->start_offset))));
    icalcomponent_add_component(calendar, event);
    for (i = 0; i < p->exception_count; i++)
    {
        const struct recur_exception *e = &p->exceptions[i];

        event = new_event(c, with_zone(c, icalproperty_new_dtstart(local_time(c, e->start))),
                          with_zone(c, icalproperty_new_dtend(local_time(c, e->end))));
        icalcomponent_add_property(event, with_zone(c, icalproperty_new_recurrenceid(local_time(c, e->original_start))));
        add_common(c, event, e->flags & RECUR_ARO_SUBJECT ? e->subject : c->subject,
                   e->flags & RECUR_ARO_LOCATION ? e->location : c->location);
        icalcomponent_add_component(calendar, event);
    }
}

/* The VCALENDAR as CRLF text folded at 75 octets; caller frees. */
static char *build_calendar(struct conversion *c)
{
    icalcomponent *calendar = icalcomponent_new_vcalendar(), *event;
    char *text;

    icalcomponent_add_property(calendar, icalproperty_new_prodid(PRODID));
    icalcomponent_add_property(calendar, icalproperty_new_version("2.0"));
    icalcomponent_add_property(calendar, icalproperty_new_method(c->method == ECGETMIME_CANCEL ? ICAL_METHOD_CANCEL
                                                                                              : ICAL_METHOD_REQUEST));
    if (c->recurring)
    {
        if (c->has_zone) icalcomponent_add_component(calendar, tzdef_vtimezone(&c->zone));
        add_series(c, calendar);
    }
    else
    {
        event = new_event(c, icalproperty_new_dtstart(icaltime_from_string(c->start)),
                          icalproperty_new_dtend(icaltime_from_string(c->end)));
        add_common(c, event, c->subject, c->location);
        icalcomponent_add_component(calendar, event);
    }
    text = icalcomponent_as_ical_string_r(calendar);
    icalcomponent_free(calendar);
    return text;
}

/* FNV-1a: a short stable fingerprint for ids and the boundary. */
static ULONG fingerprint(const char *text, ULONGLONG salt)
{
    ULONG hash = 2166136261u ^ (ULONG)salt ^ (ULONG)(salt >> 32);

    for (; *text; text++) hash = (hash ^ (BYTE)*text) * 16777619u;
    return hash;
}

static void add_recipient_header(struct strbuf *out, struct conversion *c, const char *header, LONG type)
{
    BOOL first = TRUE;
    ULONG i;

    for (i = 0; i < c->attendee_count; i++)
    {
        if (c->attendees[i].type != type) continue;
        strbuf_puts(out, first ? header : ",\r\n ");
        mimeenc_mailbox(out, first ? strlen(header) : 1, c->attendees[i].name, c->attendees[i].address);
        first = FALSE;
    }
    if (!first) strbuf_puts(out, "\r\n");
}

static HRESULT build_mime(struct conversion *c, char **mime)
{
    const char *method = c->method == ECGETMIME_CANCEL ? "CANCEL" : "REQUEST";
    const char *domain = strchr(c->organizer.address, '@');
    struct strbuf out = {0}, summary = {0};
    char boundary[64], *calendar, *text;
    ULONG id;

    strbuf_puts(&out, "Date: ");
    if (!mimeenc_date(&out, c->options->now))
    {
        strbuf_free(&out);
        return fail(c, E_FAIL, "the current time cannot be converted");
    }
    strbuf_puts(&out, "\r\n");
    if (!(calendar = build_calendar(c)))
    {
        strbuf_free(&out);
        return fail(c, E_OUTOFMEMORY, "out of memory");
    }
    id = fingerprint(c->uid, c->options->now);
    snprintf(boundary, sizeof(boundary), "----_=_trackfix_%08X.%u", id, c->options->serial);

    strbuf_puts(&out, "From: ");
    mimeenc_mailbox(&out, strlen("From: "), c->organizer.name, c->organizer.address);
    strbuf_puts(&out, "\r\n");
    add_recipient_header(&out, c, "To: ", RECIP_TO);
    add_recipient_header(&out, c, "Cc: ", RECIP_CC);
    if (c->canceled_by_option || (c->subject && *c->subject))
    {
        /* no Subject at all rather than an empty one */
        strbuf_printf(&summary, "%s%s", c->canceled_by_option ? "Canceled: " : "", c->subject ? c->subject : "");
        strbuf_puts(&out, "Subject: ");
        if (summary.failed) out.failed = TRUE;
        else mimeenc_header_text(&out, strlen("Subject: "), summary.data);
        strbuf_puts(&out, "\r\n");
        strbuf_free(&summary);
    }
    strbuf_printf(&out, "Message-ID: <%08X.%d.%016llX.%u%s>\r\n", id, c->sequence,
                  (unsigned long long)c->options->now, c->options->serial, domain ? domain : "@trackfix.invalid");
    strbuf_puts(&out, "MIME-Version: 1.0\r\n"
                      "Content-Class: urn:content-classes:calendarmessage\r\n");
    strbuf_printf(&out, "Content-Type: multipart/alternative;\r\n\tboundary=\"%s\"\r\n\r\n", boundary);

    strbuf_printf(&summary, "%s\nWhen: %.4s-%.2s-%.2s %.2s:%.2s - %.4s-%.2s-%.2s %.2s:%.2s UTC\n",
                  c->method == ECGETMIME_CANCEL ? "This meeting has been canceled." : "Meeting request",
                  c->start, c->start + 4, c->start + 6, c->start + 9, c->start + 11, c->end, c->end + 4, c->end + 6,
                  c->end + 9, c->end + 11);
    if (c->location && *c->location) strbuf_printf(&summary, "Where: %s\n", c->location);
    strbuf_printf(&summary, "\n%s", c->body ? c->body : "");
    text = strbuf_detach(&summary);
    strbuf_printf(&out, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                        "Content-Transfer-Encoding: quoted-printable\r\n\r\n", boundary);
    if (text) mimeenc_quoted_printable(&out, text);
    strbuf_printf(&out, "\r\n\r\n--%s\r\nContent-Type: text/calendar; method=%s; charset=utf-8\r\n"
                        "Content-Transfer-Encoding: 8bit\r\n\r\n", boundary, method);
    strbuf_puts(&out, calendar);
    strbuf_printf(&out, "\r\n--%s--\r\n", boundary);
    free(text);
    free(calendar);
    if (!text || !(*mime = strbuf_detach(&out)))
    {
        strbuf_free(&out);
        return fail(c, E_OUTOFMEMORY, "out of memory");
    }
    return S_OK;
}

HRESULT ecgetmime_convert(const struct mapi_message *message, const char *name,
                          const struct ecgetmime_options *options, struct ecgetmime_result *result,
                          char error[ECGETMIME_ERROR_SIZE])
{
    struct conversion c;
    HRESULT hr;
    ULONG i;

    memset(&c, 0, sizeof(c));
    memset(result, 0, sizeof(*result));
    c.message = message;
    c.name = name;
    c.options = options;
    c.error = error;
    error[0] = 0;

    if (FAILED(hr = read_class(&c)) || FAILED(hr = read_recipients(&c)) || FAILED(hr = read_uid(&c)) ||
        FAILED(hr = read_times(&c)) || FAILED(hr = read_series(&c)))
        goto done;
    c.subject = meeting_get_string(&message->props, PR_SUBJECT);
    c.body = meeting_get_string(&message->props, PR_BODY);
    c.location = mapi_prop_get_utf8(mapi_propset_find_lid(&message->props, LID_LOCATION));
    mapi_prop_get_long(mapi_propset_find_lid(&message->props, LID_APPOINTMENT_SEQUENCE), &c.sequence);
    if (FAILED(hr = build_mime(&c, &result->mime))) goto done;
    result->method = c.method;
    result->attendees = c.attendee_count;
    result->uid_generated = c.uid_generated;
    WINE_TRACE("%s: converted, %u attendees\n", name, c.attendee_count);
done:
    clear_participant(&c.organizer);
    for (i = 0; i < c.attendee_count; i++) clear_participant(&c.attendees[i]);
    free(c.attendees);
    free(c.subject);
    free(c.body);
    free(c.location);
    free(c.uid);
    recur_free(&c.pattern);
    return hr;
}
