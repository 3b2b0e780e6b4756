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
#include "errmsg.h"
#include "icalwrite.h"
#include "ecgetmime.h"
#include "meeting.h"
#include "mimeenc.h"
#include "recur.h"
#include "series.h"
#include "strbuf.h"
#include "tzdef.h"

WINE_DEFAULT_DEBUG_CHANNEL(trackfix);

#define PRODID "Microsoft CDO for Microsoft Exchange"
/* CdoInstanceType */
#define CDO_INSTANCE_SINGLE 0
#define CDO_INSTANCE_MASTER 1
#define CDO_INSTANCE_EXCEPTION 3
/* a Message-ID's digits: 32 of the hash, 6 of the serial */
#define MESSAGE_ID_DIGITS 38

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

/* The attendees of one instance: an exception's own recipient table. */
struct attendee_list
{
    BOOL present;                /* the exception has an attachment with a recipient table */
    struct participant *attendees;
    ULONG count;
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
    struct attendee_list *exception_rows; /* per exception of the series: its attachment's rows, or none */
    char *subject, *location, *body, *uid;
    char *summary;              /* SUMMARY and Subject: the subject, "Canceled: " first when made by --cancel */
    char *topic;                /* Thread-Topic */
    LONG sequence;              /* PidLidAppointmentSequence, raised for --cancel */
    LONG importance;            /* PR_IMPORTANCE: 0 low, 1 normal, 2 high */
    LONG sensitivity;           /* PR_SENSITIVITY: 0 normal .. 3 confidential */
    LONG busy, intended;        /* PidLidBusyStatus, PidLidIntendedBusyStatus: 0 free .. 3 away */
    LONG reminder_delta;        /* PidLidReminderDelta, minutes */
    LONG owner_appt_id;         /* PidTagOwnerAppointmentId, when HAS_OWNER_APPT_ID */
    BOOL has_owner_appt_id, all_day, reminder_set, response_requested;
    char created[SYSTIME_ICAL_SIZE], modified[SYSTIME_ICAL_SIZE];
    char start[SYSTIME_ICAL_SIZE], end[SYSTIME_ICAL_SIZE], dtstamp[SYSTIME_ICAL_SIZE];
    char owner_change[SYSTIME_ICAL_SIZE], attendee_change[SYSTIME_ICAL_SIZE];
    struct series series;       /* the pattern when recurring, the time zone when it has one */
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
    return errmsg_about(c->error, hr, c->name, "%s 0x%016llX (%s) cannot be converted: VariantTimeToSystemTime failed (%s path, %#x)", what,
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
    char *class;
    HRESULT hr = meeting_read_string(&c->message->props, PR_MESSAGE_CLASS, &class);
    enum meeting_class kind = meeting_class_of(class);
    enum ecgetmime_method method = kind == MEETING_CLASS_CANCELLATION ? ECGETMIME_CANCEL : ECGETMIME_REQUEST;

    if (FAILED(hr)) return errmsg_about(c->error, hr, c->name, ERRMSG_OOM);
    if (!class) return errmsg_about(c->error, E_INVALIDARG, c->name, "PR_MESSAGE_CLASS missing: not a meeting");
    if (kind == MEETING_CLASS_OTHER)
        hr = errmsg_about(c->error, E_INVALIDARG, c->name, "message class '%s' is not a meeting request, cancellation or appointment", class);
    else
    {
        c->method = c->options->cancel ? ECGETMIME_CANCEL : method;
        c->canceled_by_option = c->options->cancel && method != ECGETMIME_CANCEL;
    }
    free(class);
    return hr;
}

/* Every address the message goes to or from is a mailbox (DESIGN.md §4.4). */
static HRESULT check_addresses(struct conversion *c)
{
    char error[ERRMSG_SIZE];
    HRESULT hr = meeting_check_addresses(c->message, error);

    return FAILED(hr) ? errmsg_about(c->error, hr, c->name, "%s", error) : S_OK;
}

/* Splits the recipient table of M into the organizer row (into ORGANIZER;
 * NULL: counted among none) and the attendees (*ATTENDEES, *COUNT). */
static HRESULT read_rows(struct conversion *c, const struct mapi_message *m, struct participant *organizer,
                         struct participant **attendees, ULONG *count)
{
    BOOL have_organizer = FALSE;
    const char *field;
    HRESULT hr;
    ULONG i;

    if (m->recipient_count && !(*attendees = calloc(m->recipient_count, sizeof(**attendees))))
        return errmsg_about(c->error, E_OUTOFMEMORY, c->name, ERRMSG_OOM);
    for (i = 0; i < m->recipient_count; i++)
    {
        const struct mapi_propset *row = &m->recipients[i];
        LONG flags = 0;
        struct participant *p;

        mapi_prop_get_long(mapi_propset_find(row, PR_RECIPIENT_FLAGS), &flags);
        if ((flags & RECIP_ORGANIZER) && !have_organizer)
        {
            have_organizer = TRUE;
            if (!organizer) continue;
            p = organizer;
        }
        else p = &(*attendees)[(*count)++];
        p->row = i + 1;
        if (FAILED(meeting_read_string(row, PR_DISPLAY_NAME, &p->name)))
            return errmsg_about(c->error, E_OUTOFMEMORY, c->name, ERRMSG_OOM);
        p->type = RECIP_TO;
        mapi_prop_get_long(mapi_propset_find(row, PR_RECIPIENT_TYPE), &p->type);
        p->has_status = mapi_prop_get_long(mapi_propset_find(row, PR_RECIPIENT_TRACKSTATUS), &p->status);
        p->has_time = mapi_prop_get_systime(mapi_propset_find(row, PR_RECIPIENT_TRACKSTATUS_TIME), &p->time);
        if (FAILED(hr = meeting_read_smtp_address(row, &p->address, &field)))
            return errmsg_about(c->error, hr, c->name, "recipient %u: %s", p->row, meeting_address_failure(hr));
        if (!p->address && p != organizer)
        {
            char *type = meeting_get_string(row, PR_ADDRTYPE), *dn = meeting_get_string(row, PR_EMAIL_ADDRESS);
            hr = type && dn && !strcasecmp(type, "EX")
                             ? errmsg_about(c->error, E_INVALIDARG, c->name, "recipient %u '%s' has no SMTP address: its EX address '%s' resolves to none in "
                                    "the file (no PR_SMTP_ADDRESS) nor in the directory (HKLM\\" DIRECTORY_KEY
                                    "; add it with 'trackfix server directory add DN ADDRESS')",
                                    p->row, p->name ? p->name : "", dn)
                             : errmsg_about(c->error, E_INVALIDARG, c->name, "recipient %u '%s' has no SMTP address (PR_SMTP_ADDRESS, or PR_EMAIL_ADDRESS of type "
                                    "SMTP)", p->row, p->name ? p->name : "");
            free(type);
            free(dn);
            return hr;
        }
    }
    return S_OK;
}

/* Splits the recipient table into the organizer row and the attendees. */
static HRESULT read_recipients(struct conversion *c)
{
    const struct mapi_message *m = c->message;
    const char *field;
    HRESULT hr;

    if (FAILED(hr = read_rows(c, m, &c->organizer, &c->attendees, &c->attendee_count))) return hr;
    if (!c->attendee_count)
        return errmsg_about(c->error, E_INVALIDARG, c->name, "no attendees: %s", m->recipient_count ? "the only recipient row is the organizer's"
                                                                           : "the recipient table is empty");
    if (!c->organizer.address)
    {
        /* no usable organizer row: the sender is the organizer */
        free(c->organizer.name);
        if ((hr = meeting_read_sender(m, &c->organizer.name, &c->organizer.address, &field)) == E_OUTOFMEMORY)
            return errmsg_about(c->error, hr, c->name, ERRMSG_OOM);
        if (hr != S_OK)
            return errmsg_about(c->error, E_INVALIDARG, c->name, "no organizer address: no organizer row with an SMTP address, and no "
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
        return (c->uid = meeting_uid(goid)) ? S_OK : errmsg_about(c->error, E_OUTOFMEMORY, c->name, ERRMSG_OOM);
    }
    if (!(c->uid = meeting_uid(goid))) return errmsg_about(c->error, E_OUTOFMEMORY, c->name, ERRMSG_OOM);
    return S_OK;
}

/* The track times of the COUNT ATTENDEES along the caller's path (the
 * switch's); WHERE names whose rows they are ("" the meeting's). */
static HRESULT convert_track_times(struct conversion *c, const char *where, struct participant *attendees, ULONG count)
{
    HRESULT hr;
    ULONG i;

    for (i = 0; i < count; i++)
    {
        struct participant *p = &attendees[i];
        char what[512];

        if (!p->has_status || !p->has_time) continue;
        snprintf(what, sizeof(what), "%srecipient %u '%s' <%s>: PR_RECIPIENT_TRACKSTATUS_TIME", where, p->row,
                 p->name ? p->name : "", p->address);
        if (FAILED(hr = convert_time(c, p->time, c->options->track_path, what, p->reply_time))) return hr;
    }
    return S_OK;
}

/* Every PT_SYSTIME of the meeting, legacy path; the track times along the
 * caller's path. */
static HRESULT read_times(struct conversion *c)
{
    const struct mapi_propset *props = &c->message->props;
    ULONGLONG t;
    HRESULT hr;

    if (!mapi_prop_get_systime(mapi_propset_find_lid(props, LID_APPOINTMENT_START_WHOLE), &t))
        return errmsg_about(c->error, E_INVALIDARG, c->name, "PidLidAppointmentStartWhole missing: the meeting has no start");
    if (FAILED(hr = convert_time(c, t, SYSTIME_PATH_LEGACY, "PidLidAppointmentStartWhole", c->start))) return hr;
    if (!mapi_prop_get_systime(mapi_propset_find_lid(props, LID_APPOINTMENT_END_WHOLE), &t))
        return errmsg_about(c->error, E_INVALIDARG, c->name, "PidLidAppointmentEndWhole missing: the meeting has no end");
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

    return convert_track_times(c, "", c->attendees, c->attendee_count);
}

/* The series and the time zone (series.h), and each exception's own
 * recipient table from its Exception Attachment (MS-OXCICAL 2.1.3.1.1.20:
 * an exception's ATTENDEEs are its own), its track times through the
 * switch as the meeting's are. */
static HRESULT read_series(struct conversion *c)
{
    char error[SERIES_ERROR_SIZE];
    HRESULT hr = series_read(c->message, &c->series, error);
    ULONG i;

    if (FAILED(hr)) return errmsg_about(c->error, hr, c->name, "%s", error);
    if (!c->series.recurring || !c->series.pattern.exception_count) return S_OK;
    if (!(c->exception_rows = calloc(c->series.pattern.exception_count, sizeof(*c->exception_rows))))
        return errmsg_about(c->error, E_OUTOFMEMORY, c->name, ERRMSG_OOM);
    for (i = 0; i < c->series.pattern.exception_count; i++)
    {
        const struct recur_exception *e = &c->series.pattern.exceptions[i];
        const struct mapi_message *m = series_exception(c->message, series_to_utc(&c->series, e->original_start));
        struct attendee_list *list = &c->exception_rows[i];
        char when[RECUR_LOCAL_SIZE], where[RECUR_LOCAL_SIZE + 32];

        if (!m || !m->recipient_count) continue;
        recur_format_local(e->original_start, when);
        snprintf(where, sizeof(where), "the exception of %s: ", when);
        if (FAILED(hr = meeting_check_addresses(m, error))) return errmsg_about(c->error, hr, c->name, "%s%s", where, error);
        list->present = TRUE;
        if (FAILED(hr = read_rows(c, m, NULL, &list->attendees, &list->count)) ||
            FAILED(hr = convert_track_times(c, where, list->attendees, list->count)))
            return hr;
    }
    return S_OK;
}

/* A time as an iCalendar DATE-TIME value: local ("YYYYMMDDTHHMMSS") or
 * UTC (with "Z"). */
static void format_systemtime(const SYSTEMTIME *st, BOOL utc, char out[SYSTIME_ICAL_SIZE])
{
    /* the fields are in range; the remainders let the compiler see the width */
    snprintf(out, SYSTIME_ICAL_SIZE, "%04u%02u%02uT%02u%02u%02u%s", st->wYear % 10000u, st->wMonth % 100u,
             st->wDay % 100u, st->wHour % 100u, st->wMinute % 100u, st->wSecond % 100u, utc ? "Z" : "");
}

/* ICAL ("YYYYMMDDTHHMMSSZ", from systime_to_ical) as a SYSTEMTIME. */
static void parse_ical_time(const char *ical, SYSTEMTIME *st)
{
    unsigned year, month, day, hour, minute, second;

    memset(st, 0, sizeof(*st));
    if (sscanf(ical, "%4u%2u%2uT%2u%2u%2u", &year, &month, &day, &hour, &minute, &second) != 6) return;
    st->wYear = (WORD)year;
    st->wMonth = (WORD)month;
    st->wDay = (WORD)day;
    st->wHour = (WORD)hour;
    st->wMinute = (WORD)minute;
    st->wSecond = (WORD)second;
}

/* The UTC time ICAL of a single meeting in its zone: local, or as it is
 * when the meeting has none. */
static void single_time(const struct conversion *c, const char *ical, char out[SYSTIME_ICAL_SIZE])
{
    SYSTEMTIME utc, local;

    parse_ical_time(ical, &utc);
    if (c->series.has_zone && tzdef_to_local(&c->series.zone, &utc, &local)) format_systemtime(&local, FALSE, out);
    else snprintf(out, SYSTIME_ICAL_SIZE, "%s", ical);
}

/* Local minutes of a series as a DATE-TIME: local in its zone, UTC
 * (with "Z") when the series has none. */
static void series_time(const struct conversion *c, ULONG minutes, char out[SYSTIME_ICAL_SIZE])
{
    SYSTEMTIME st;

    recur_systemtime(minutes, &st);
    format_systemtime(&st, !c->series.has_zone, out);
}

/* Appends the line "NAME[;TZID="zone"]:VALUE" of a time of the meeting. */
static void write_time(const struct conversion *c, struct strbuf *out, struct strbuf *line, const char *name,
                       const char *value)
{
    icalwrite_start(line, name);
    if (value[strlen(value) - 1] != 'Z' && c->series.has_zone) icalwrite_param_quoted(line, "TZID", c->series.zone.tzid);
    icalwrite_value(line, value);
    icalwrite_end(out, line);
}

/* The series' UNTIL: its last instance's start, in UTC. */
static void series_until(const struct conversion *c, char out[SYSTIME_ICAL_SIZE])
{
    ULONG minutes = c->series.pattern.end_date + c->series.pattern.start_offset;
    SYSTEMTIME local, utc;

    recur_systemtime(minutes, &local);
    if (c->series.has_zone && tzdef_to_utc(&c->series.zone, &local, &utc)) local = utc;
    format_systemtime(&local, TRUE, out);
}

/* Appends the series' RRULE value in CDO's order: FREQ, UNTIL or COUNT,
 * INTERVAL, BYDAY, BYMONTHDAY, BYMONTH, BYSETPOS, WKST. */
static void write_rrule(const struct conversion *c, struct strbuf *line)
{
    static const char *const freqs[] = {[ICAL_DAILY_RECURRENCE] = "DAILY", [ICAL_WEEKLY_RECURRENCE] = "WEEKLY",
                                        [ICAL_MONTHLY_RECURRENCE] = "MONTHLY", [ICAL_YEARLY_RECURRENCE] = "YEARLY"};
    static const char *const days[] = {"", "SU", "MO", "TU", "WE", "TH", "FR", "SA"};
    struct icalrecurrencetype rule = recur_rrule(&c->series.pattern, icaltime_null_time());
    char until[SYSTIME_ICAL_SIZE];
    int i;

    strbuf_printf(line, ":FREQ=%s", freqs[rule.freq]);
    if (c->series.pattern.end_type == RECUR_END_DATE)
    {
        series_until(c, until);
        strbuf_printf(line, ";UNTIL=%s", until);
    }
    else if (rule.count) strbuf_printf(line, ";COUNT=%d", rule.count);
    strbuf_printf(line, ";INTERVAL=%d", rule.interval);
    for (i = 0; rule.by_day[i] != ICAL_RECURRENCE_ARRAY_MAX; i++)
    {
        int position = icalrecurrencetype_day_position(rule.by_day[i]);

        strbuf_puts(line, i ? "," : ";BYDAY=");
        if (position) strbuf_printf(line, "%d", position);
        strbuf_puts(line, days[icalrecurrencetype_day_day_of_week(rule.by_day[i])]);
    }
    for (i = 0; rule.by_month_day[i] != ICAL_RECURRENCE_ARRAY_MAX; i++)
        strbuf_printf(line, "%s%d", i ? "," : ";BYMONTHDAY=", rule.by_month_day[i]);
    for (i = 0; rule.by_month[i] != ICAL_RECURRENCE_ARRAY_MAX; i++)
        strbuf_printf(line, "%s%d", i ? "," : ";BYMONTH=", rule.by_month[i]);
    for (i = 0; rule.by_set_pos[i] != ICAL_RECURRENCE_ARRAY_MAX; i++)
        strbuf_printf(line, "%s%d", i ? "," : ";BYSETPOS=", rule.by_set_pos[i]);
    strbuf_printf(line, ";WKST=%s", days[rule.week_start]);
}

/* One ATTENDEE line: parameters in CDO's order, CN always quoted. */
static void write_attendee(const struct conversion *c, struct strbuf *out, struct strbuf *line,
                           const struct participant *p)
{
    icalwrite_start(line, "ATTENDEE");
    if (p->type == RECIP_BCC) icalwrite_param(line, "CUTYPE", "RESOURCE");
    icalwrite_param(line, "ROLE", p->type == RECIP_CC    ? "OPT-PARTICIPANT"
                                  : p->type == RECIP_BCC ? "NON-PARTICIPANT"
                                                         : "REQ-PARTICIPANT");
    /* the answer is reset by the update (MS-OXOCAL 3.1.4.7.3.2); CDO
     * shows only when it came, as X-REPLYTIME */
    icalwrite_param(line, "PARTSTAT", "NEEDS-ACTION");
    if (p->reply_time[0]) icalwrite_param(line, "X-REPLYTIME", p->reply_time);
    icalwrite_param(line, "RSVP", c->method == ECGETMIME_REQUEST && c->response_requested ? "TRUE" : "FALSE");
    icalwrite_param_quoted(line, "CN", p->name && *p->name ? p->name : p->address);
    icalwrite_mailto(line, p->address);
    icalwrite_end(out, line);
}

/* The meeting's status names: CdoBusyStatus as CDO writes it. */
static const char *busy_name(LONG status)
{
    static const char *const names[] = {"FREE", "TENTATIVE", "BUSY", "OOF"};

    return status >= 0 && status < (LONG)ARRAYSIZE(names) ? names[status] : "BUSY";
}

/* One VEVENT in CDO's order (DESIGN.md §4).  INSTTYPE: 0 a single meeting,
 * 1 a series' master (with its RRULE and EXDATEs), 3 an exception,
 * replacing the instance at RECURRENCE_ID. */
static void write_event(const struct conversion *c, struct strbuf *out, int insttype, const char *start,
                        const char *end, const char *recurrence_id, const char *subject, const char *location,
                        const struct participant *attendees, ULONG attendee_count)
{
    struct strbuf line = {0};
    char number[32];
    ULONG i;

    icalwrite_simple(out, &line, "BEGIN", "VEVENT");
    icalwrite_simple(out, &line, "DTSTAMP", c->dtstamp);
    write_time(c, out, &line, "DTSTART", start);
    icalwrite_start(&line, "SUMMARY");
    icalwrite_text(&line, subject);
    icalwrite_end(out, &line);
    icalwrite_simple(out, &line, "UID", c->uid);
    for (i = 0; i < attendee_count; i++) write_attendee(c, out, &line, &attendees[i]);
    icalwrite_start(&line, "ORGANIZER");
    icalwrite_param_quoted(&line, "CN", c->organizer.name && *c->organizer.name ? c->organizer.name
                                                                                  : c->organizer.address);
    icalwrite_mailto(&line, c->organizer.address);
    icalwrite_end(out, &line);
    icalwrite_start(&line, "LOCATION");
    icalwrite_text(&line, location);
    icalwrite_end(out, &line);
    write_time(c, out, &line, "DTEND", end);
    if (recurrence_id) write_time(c, out, &line, "RECURRENCE-ID", recurrence_id);
    if (insttype == CDO_INSTANCE_MASTER)
    {
        icalwrite_start(&line, "RRULE");
        write_rrule(c, &line);
        icalwrite_end(out, &line);
        for (i = 0; i < c->series.pattern.deleted_count; i++)
        {
            char date[SYSTIME_ICAL_SIZE];

            if (!recur_is_deleted(&c->series.pattern, c->series.pattern.deleted[i])) continue;
            series_time(c, c->series.pattern.deleted[i] + c->series.pattern.start_offset, date);
            write_time(c, out, &line, "EXDATE", date);
        }
    }
    icalwrite_start(&line, "DESCRIPTION");
    /* an empty body is one line end, as Outlook leaves it */
    icalwrite_text(&line, c->body && *c->body ? c->body : "\n");
    icalwrite_end(out, &line);
    /* SP2 does not raise SEQUENCE (KB 913579): the count is in APPT-SEQUENCE */
    icalwrite_simple(out, &line, "SEQUENCE", "0");
    icalwrite_simple(out, &line, "PRIORITY", c->importance == 2 ? "1" : c->importance == 0 ? "9" : "5");
    icalwrite_simple(out, &line, "CLASS", c->sensitivity == 1   ? "PERSONAL"
                                          : c->sensitivity == 2 ? "PRIVATE"
                                          : c->sensitivity == 3 ? "CONFIDENTIAL"
                                                                : "");
    if (c->created[0]) icalwrite_simple(out, &line, "CREATED", c->created);
    if (c->modified[0]) icalwrite_simple(out, &line, "LAST-MODIFIED", c->modified);
    icalwrite_simple(out, &line, "STATUS", c->method == ECGETMIME_CANCEL ? "CANCELLED" : "CONFIRMED");
    icalwrite_simple(out, &line, "TRANSP", c->busy == 0 ? "TRANSPARENT" : "OPAQUE");
    icalwrite_simple(out, &line, "X-MICROSOFT-CDO-BUSYSTATUS", busy_name(c->busy));
    snprintf(number, sizeof(number), "%d", insttype);
    icalwrite_simple(out, &line, "X-MICROSOFT-CDO-INSTTYPE", number);
    icalwrite_simple(out, &line, "X-MICROSOFT-CDO-INTENDEDSTATUS", busy_name(c->intended));
    icalwrite_simple(out, &line, "X-MICROSOFT-CDO-ALLDAYEVENT", c->all_day ? "TRUE" : "FALSE");
    snprintf(number, sizeof(number), "%d", c->importance);
    icalwrite_simple(out, &line, "X-MICROSOFT-CDO-IMPORTANCE", number);
    if (c->has_owner_appt_id)
    {
        snprintf(number, sizeof(number), "%d", c->owner_appt_id);
        icalwrite_simple(out, &line, "X-MICROSOFT-CDO-OWNERAPPTID", number);
    }
    snprintf(number, sizeof(number), "%d", c->sequence);
    icalwrite_simple(out, &line, "X-MICROSOFT-CDO-APPT-SEQUENCE", number);
    if (c->attendee_change[0]) icalwrite_simple(out, &line, "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE", c->attendee_change);
    if (c->owner_change[0]) icalwrite_simple(out, &line, "X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE", c->owner_change);
    if (c->reminder_set && c->method == ECGETMIME_REQUEST)
    {
        icalwrite_simple(out, &line, "BEGIN", "VALARM");
        icalwrite_simple(out, &line, "ACTION", "DISPLAY");
        icalwrite_simple(out, &line, "DESCRIPTION", "REMINDER");
        icalwrite_start(&line, "TRIGGER");
        icalwrite_param(&line, "RELATED", "START");
        snprintf(number, sizeof(number), "-PT%02dH%02dM00S", c->reminder_delta / 60, c->reminder_delta % 60);
        icalwrite_value(&line, number);
        icalwrite_end(out, &line);
        icalwrite_simple(out, &line, "END", "VALARM");
    }
    icalwrite_simple(out, &line, "END", "VEVENT");
    if (line.failed) out->failed = TRUE;
    strbuf_free(&line);
}

/* The series' master VEVENT and one VEVENT per exception, in local time
 * (MS-OXCICAL 2.1.3.1.1.20). */
static void write_series(const struct conversion *c, struct strbuf *out)
{
    const struct recur_pattern *p = &c->series.pattern;
    ULONG first = recur_first_start(p), i;
    char start[SYSTIME_ICAL_SIZE], end[SYSTIME_ICAL_SIZE], original[SYSTIME_ICAL_SIZE];

    series_time(c, first, start);
    series_time(c, first + p->end_offset - p->start_offset, end);
    write_event(c, out, CDO_INSTANCE_MASTER, start, end, NULL, c->summary, c->location, c->attendees,
                c->attendee_count);
    for (i = 0; i < p->exception_count; i++)
    {
        const struct recur_exception *e = &p->exceptions[i];
        const struct attendee_list *own = c->exception_rows && c->exception_rows[i].present ? &c->exception_rows[i] : NULL;

        series_time(c, e->start, start);
        series_time(c, e->end, end);
        series_time(c, e->original_start, original);
        write_event(c, out, CDO_INSTANCE_EXCEPTION, start, end, original,
                    e->flags & RECUR_ARO_SUBJECT ? e->subject : c->summary,
                    e->flags & RECUR_ARO_LOCATION ? e->location : c->location, own ? own->attendees : c->attendees,
                    own ? own->count : c->attendee_count);
    }
}

/* The VCALENDAR in CDO's form (DESIGN.md §4): CRLF lines folded at 75
 * octets; caller frees, NULL out of memory. */
static char *build_calendar(struct conversion *c)
{
    struct strbuf out = {0}, line = {0};

    icalwrite_simple(&out, &line, "BEGIN", "VCALENDAR");
    icalwrite_simple(&out, &line, "METHOD", c->method == ECGETMIME_CANCEL ? "CANCEL" : "REQUEST");
    icalwrite_simple(&out, &line, "PRODID", PRODID);
    icalwrite_simple(&out, &line, "VERSION", "2.0");
    if (c->series.has_zone) tzdef_write_vtimezone(&out, &c->series.zone);
    if (c->series.recurring) write_series(c, &out);
    else
    {
        char start[SYSTIME_ICAL_SIZE], end[SYSTIME_ICAL_SIZE];

        single_time(c, c->start, start);
        single_time(c, c->end, end);
        write_event(c, &out, CDO_INSTANCE_SINGLE, start, end, NULL, c->summary, c->location, c->attendees,
                    c->attendee_count);
    }
    icalwrite_simple(&out, &line, "END", "VCALENDAR");
    if (line.failed) out.failed = TRUE;
    strbuf_free(&line);
    return strbuf_detach(&out);
}

/* FNV-1a: a short stable fingerprint for ids. */
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

/* An unstructured header NAME: TEXT, none when TEXT is empty. */
static void add_text_header(struct strbuf *out, const char *name, const char *text)
{
    if (!text || !*text) return;
    strbuf_printf(out, "%s: ", name);
    mimeenc_header_text(out, strlen(name) + 2, text);
    strbuf_puts(out, "\r\n");
}

/* Thread-Index: PR_CONVERSATION_INDEX, else a header block made as
 * MS-OXOMSG 2.2.1.3 makes one: 0x01, the top five bytes of the clock,
 * and 16 bytes of a GUID, here taken from the meeting's UID. */
static void add_thread_index(struct strbuf *out, const struct conversion *c)
{
    const struct mapi_prop *index = mapi_propset_find(&c->message->props, PR_CONVERSATION_INDEX);
    BYTE made[22];
    int i;

    strbuf_puts(out, "Thread-Index: ");
    if (index && index->count && index->values[0].size)
        mimeenc_base64(out, index->values[0].data, index->values[0].size);
    else
    {
        made[0] = 0x01;
        for (i = 0; i < 5; i++) made[1 + i] = (BYTE)(c->options->now >> (56 - 8 * i));
        for (i = 0; i < 4; i++)
        {
            ULONG part = fingerprint(c->uid, i);
            memcpy(made + 6 + 4 * i, &part, 4);
        }
        mimeenc_base64(out, made, sizeof(made));
    }
    strbuf_puts(out, "\r\n");
}

/* The message as Exchange 2003 writes it: its headers in that order, a
 * multipart/alternative of the body and the calendar. */
static HRESULT build_mime(struct conversion *c, char **mime)
{
    const char *method = c->method == ECGETMIME_CANCEL ? "CANCEL" : "REQUEST";
    const char *domain = strchr(c->organizer.address, '@');
    ULONG now_high = (ULONG)(c->options->now >> 32), now_low = (ULONG)c->options->now;
    struct strbuf out = {0};
    char boundary[64], *calendar;
    int i;

    if (!(calendar = build_calendar(c))) return errmsg_about(c->error, E_OUTOFMEMORY, c->name, ERRMSG_OOM);
    /* Exchange's boundary: "NextPart_001_" and the sending time's FILETIME */
    snprintf(boundary, sizeof(boundary), "----_=_NextPart_001_%08X.%08X", now_high, now_low);
    strbuf_puts(&out, "X-MimeOLE: Produced By Microsoft Exchange V6.5\r\n"
                      "Content-class: urn:content-classes:calendarmessage\r\n"
                      "MIME-Version: 1.0\r\n");
    strbuf_printf(&out, "Content-Type: multipart/alternative;\r\n\tboundary=\"%s\"\r\n", boundary);
    add_text_header(&out, "Subject", c->summary);
    strbuf_puts(&out, "Date: ");
    if (!mimeenc_date(&out, c->options->now))
    {
        strbuf_free(&out);
        free(calendar);
        return errmsg_about(c->error, E_FAIL, c->name, "the current time cannot be converted");
    }
    /* Exchange's Message-ID: 38 hex digits at the host; ours are a hash of
     * the meeting and the conversion, then the run's serial.  A long host
     * puts the id on a line of its own (RFC 5322 2.1.1's 78) */
    if (!domain) domain = "@trackfix.invalid";
    strbuf_puts(&out, strlen("Message-ID: <>") + MESSAGE_ID_DIGITS + strlen(domain) > 78 ? "\r\nMessage-ID:\r\n <"
                                                                                          : "\r\nMessage-ID: <");
    for (i = 0; i < 4; i++)
        strbuf_printf(&out, "%08X", fingerprint(c->uid, c->options->now + (ULONGLONG)i * 0x9E3779B97F4A7C15ULL +
                                                            ((ULONGLONG)c->options->serial << 32) + c->sequence));
    strbuf_printf(&out, "%06X%s>\r\n", c->options->serial & 0xFFFFFF, domain);
    strbuf_puts(&out, "X-MS-Has-Attach: \r\nX-MS-TNEF-Correlator: \r\n");
    add_text_header(&out, "Thread-Topic", c->topic);
    add_thread_index(&out, c);
    strbuf_puts(&out, "From: ");
    mimeenc_mailbox(&out, strlen("From: "), c->organizer.name, c->organizer.address);
    strbuf_puts(&out, "\r\n");
    add_recipient_header(&out, c, "To: ", RECIP_TO);
    add_recipient_header(&out, c, "Cc: ", RECIP_CC);
    strbuf_puts(&out, "\r\n");

    strbuf_printf(&out, "--%s\r\nContent-Type: text/plain;\r\n\tcharset=\"utf-8\"\r\n"
                        "Content-Transfer-Encoding: quoted-printable\r\n\r\n", boundary);
    mimeenc_quoted_printable(&out, c->body ? c->body : "");
    strbuf_printf(&out, "\r\n\r\n--%s\r\nContent-class: urn:content-classes:calendarmessage\r\n"
                        "Content-Type: text/calendar;\r\n\tmethod=%s;\r\n\tcharset=\"utf-8\"\r\n"
                        "Content-Transfer-Encoding: 8bit\r\n\r\n", boundary, method);
    strbuf_puts(&out, calendar);
    strbuf_printf(&out, "\r\n--%s--\r\n", boundary);
    free(calendar);
    if (!(*mime = strbuf_detach(&out))) return errmsg_about(c->error, E_OUTOFMEMORY, c->name, ERRMSG_OOM);
    return S_OK;
}

/* A PT_BOOLEAN property's value, DEFAULT_VALUE when absent. */
static BOOL get_bool(const struct mapi_prop *prop, BOOL default_value)
{
    return prop && PROP_TYPE(prop->tag) == PT_BOOLEAN ? prop->fixed[0] != 0 : default_value;
}

/* What the calendar says besides the times and the people: subject,
 * body, status, importance, reminder, ids (DESIGN.md §4). */
static HRESULT read_details(struct conversion *c)
{
    const struct mapi_propset *props = &c->message->props;
    char *prefix;
    ULONGLONG t;
    HRESULT hr;

    if (FAILED(meeting_read_string(props, PR_SUBJECT, &c->subject)) ||
        FAILED(meeting_read_string(props, PR_BODY, &c->body)) ||
        FAILED(mapi_prop_read_utf8(mapi_propset_find_lid(props, LID_LOCATION), &c->location)))
        return errmsg_about(c->error, E_OUTOFMEMORY, c->name, ERRMSG_OOM);
    mapi_prop_get_long(mapi_propset_find_lid(props, LID_APPOINTMENT_SEQUENCE), &c->sequence);
    c->importance = 1;
    mapi_prop_get_long(mapi_propset_find(props, PR_IMPORTANCE), &c->importance);
    if (c->importance < 0 || c->importance > 2) c->importance = 1;
    mapi_prop_get_long(mapi_propset_find(props, PR_SENSITIVITY), &c->sensitivity);
    c->has_owner_appt_id = mapi_prop_get_long(mapi_propset_find(props, PR_OWNER_APPT_ID), &c->owner_appt_id);
    c->response_requested = get_bool(mapi_propset_find(props, PR_RESPONSE_REQUESTED), TRUE);
    c->busy = 2;
    mapi_prop_get_long(mapi_propset_find_lid(props, LID_BUSY_STATUS), &c->busy);
    c->intended = -1;
    mapi_prop_get_long(mapi_propset_find_lid(props, LID_INTENDED_BUSY_STATUS), &c->intended);
    if (c->intended < 0 || c->intended > 3) c->intended = c->busy;
    c->all_day = get_bool(mapi_propset_find_lid(props, LID_APPOINTMENT_SUB_TYPE), FALSE);
    c->reminder_set = get_bool(mapi_propset_find_lid(props, LID_REMINDER_SET), FALSE);
    c->reminder_delta = 15;
    mapi_prop_get_long(mapi_propset_find_lid(props, LID_REMINDER_DELTA), &c->reminder_delta);
    if (c->reminder_delta < 0) c->reminder_delta = 15;
    if (c->canceled_by_option)
    {
        /* the cancellation Outlook sends (MS-OXOCAL 3.1.4.9.1): prefixed,
         * the sequence raised, the time freed */
        c->sequence++;
        c->busy = c->intended = 0;
    }
    if (mapi_prop_get_systime(mapi_propset_find(props, PR_CREATION_TIME), &t) &&
        FAILED(hr = convert_time(c, t, SYSTIME_PATH_LEGACY, "PR_CREATION_TIME", c->created)))
        return hr;
    if (mapi_prop_get_systime(mapi_propset_find(props, PR_LAST_MODIFICATION_TIME), &t) &&
        FAILED(hr = convert_time(c, t, SYSTIME_PATH_LEGACY, "PR_LAST_MODIFICATION_TIME", c->modified)))
        return hr;

    c->summary = malloc(strlen("Canceled: ") + (c->subject ? strlen(c->subject) : 0) + 1);
    if (!c->summary) return errmsg_about(c->error, E_OUTOFMEMORY, c->name, ERRMSG_OOM);
    sprintf(c->summary, "%s%s", c->canceled_by_option ? "Canceled: " : "", c->subject ? c->subject : "");
    /* Thread-Topic: the conversation's topic, else the subject without its prefix */
    if (FAILED(meeting_read_string(props, PR_CONVERSATION_TOPIC, &c->topic)) ||
        FAILED(meeting_read_string(props, PR_SUBJECT_PREFIX, &prefix)))
        return errmsg_about(c->error, E_OUTOFMEMORY, c->name, ERRMSG_OOM);
    if (c->topic)
    {
        free(prefix);
        return S_OK;
    }
    c->topic = strdup(c->subject && prefix && !strncmp(c->subject, prefix, strlen(prefix)) ? c->subject + strlen(prefix)
                      : c->subject                                                          ? c->subject
                                                                                            : "");
    free(prefix);
    return c->topic ? S_OK : errmsg_about(c->error, E_OUTOFMEMORY, c->name, ERRMSG_OOM);
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

    if (FAILED(hr = read_class(&c)) || FAILED(hr = check_addresses(&c)) || FAILED(hr = read_recipients(&c)) || FAILED(hr = read_uid(&c)) ||
        FAILED(hr = read_times(&c)) || FAILED(hr = read_series(&c)) ||
        FAILED(hr = read_details(&c)) ||
        FAILED(hr = build_mime(&c, &result->mime)))
        goto done;
    result->method = c.method;
    result->attendees = c.attendee_count;
    result->uid_generated = c.uid_generated;
    WINE_TRACE("%s: converted, %u attendees\n", name, c.attendee_count);
done:
    clear_participant(&c.organizer);
    for (i = 0; i < c.attendee_count; i++) clear_participant(&c.attendees[i]);
    free(c.attendees);
    free(c.subject);
    free(c.summary);
    free(c.topic);
    free(c.body);
    free(c.location);
    free(c.uid);
    for (i = 0; c.exception_rows && i < c.series.pattern.exception_count; i++)
    {
        ULONG j;
        for (j = 0; j < c.exception_rows[i].count; j++) clear_participant(&c.exception_rows[i].attendees[j]);
        free(c.exception_rows[i].attendees);
    }
    free(c.exception_rows);
    series_free(&c.series);
    return hr;
}
