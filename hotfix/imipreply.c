/*
 * imipreply: read an iMIP reply (.ics or .eml) with libical and apply it.
 */
#include <errno.h>
#include <iconv.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <wine/debug.h>

#include <libical/ical.h>

#include "address.h"
#include "errmsg.h"
#include "hostfs.h"
#include "imipreply.h"
#include "meeting.h"
#include "series.h"
#include "mimeenc.h"
#include "strbuf.h"
#include "systime.h"

WINE_DEFAULT_DEBUG_CHANNEL(trackfix);


/* A reply larger than this is refused, not read */
#define REPLY_MAX (16 * 1024 * 1024)
/* multipart nesting deeper than this is refused */
#define MIME_DEPTH_MAX 8
#define CRITICAL_CHANGE "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE"
#define OWNER_CRITICAL_CHANGE "X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE"

/* PARTSTAT to PR_RECIPIENT_TRACKSTATUS: the answers a reply can carry. */
static const struct
{
    const char *partstat;
    LONG track_status;
} answers[] = {
    {"TENTATIVE", RESP_TENTATIVE},
    {"ACCEPTED", RESP_ACCEPTED},
    {"DECLINED", RESP_DECLINED},
};


void imipreply_clear(struct imip_reply *reply)
{
    free(reply->uid);
    free(reply->attendee);
    free(reply->partstat);
    free(reply->passed_over);
    free(reply->delegate);
    free(reply->delegated_from);
    free(reply->name);
    memset(reply, 0, sizeof(*reply));
}

/* What a reply needs (DESIGN.md §1.1): an error of libical's that names
 * one of these properties makes the reply unusable. */
static const char *const needed_properties[] = {"METHOD", "UID", "ATTENDEE", "ORGANIZER", "PARTSTAT"};

/* Judges each X-LIC-ERROR libical left in COMP or below it (DESIGN.md
 * §1.1): a broken structure (COMPONENT-PARSE-ERROR, MIME-PARSE-ERROR:
 * *BROKEN) or an error about a property the reply needs makes it unusable
 * (FALSE, the error's text in *FATAL); any other (an empty DESCRIPTION or LOCATION as
 * Google writes them, a date the reply does not read) is passed over and
 * its text added to PASSED_OVER, one a line. */
static BOOL judge_errors(icalcomponent *comp, struct strbuf *passed_over, const char **fatal, BOOL *broken)
{
    icalproperty *prop;
    icalcomponent *child;
    size_t i;

    for (prop = icalcomponent_get_first_property(comp, ICAL_XLICERROR_PROPERTY); prop;
         prop = icalcomponent_get_next_property(comp, ICAL_XLICERROR_PROPERTY))
    {
        icalparameter *type = icalproperty_get_first_parameter(prop, ICAL_XLICERRORTYPE_PARAMETER);
        icalparameter_xlicerrortype kind = type ? icalparameter_get_xlicerrortype(type) : ICAL_XLICERRORTYPE_X;
        const char *text = icalproperty_get_xlicerror(prop);
        BOOL unusable = kind == ICAL_XLICERRORTYPE_COMPONENTPARSEERROR || kind == ICAL_XLICERRORTYPE_MIMEPARSEERROR;

        if (!text) text = "";
        for (i = 0; i < ARRAYSIZE(needed_properties) && !unusable; i++)
        {
            char words[64];
            snprintf(words, sizeof(words), "%s property", needed_properties[i]);
            unusable = strstr(text, words) || strstr(text, needed_properties[i]) == text;
        }
        if (unusable)
        {
            *fatal = text;
            *broken = kind == ICAL_XLICERRORTYPE_COMPONENTPARSEERROR || kind == ICAL_XLICERRORTYPE_MIMEPARSEERROR;
            return FALSE;
        }
        strbuf_printf(passed_over, "%s%s", passed_over->size ? "\n" : "", text);
    }
    for (child = icalcomponent_get_first_component(comp, ICAL_ANY_COMPONENT); child;
         child = icalcomponent_get_next_component(comp, ICAL_ANY_COMPONENT))
        if (!judge_errors(child, passed_over, fatal, broken)) return FALSE;
    return TRUE;
}

/* Parses "YYYYMMDDTHHMMSSZ" into a FILETIME. */
static BOOL parse_utc_datetime(const char *text, ULONGLONG *t)
{
    char iso[32];

    if (strlen(text) != 16 || text[8] != 'T' || text[15] != 'Z') return FALSE;
    snprintf(iso, sizeof(iso), "%.4s-%.2s-%.2sT%.2s:%.2s:%.2sZ", text, text + 4, text + 6, text + 9, text + 11,
             text + 13);
    return SUCCEEDED(systime_parse(iso, t));
}

/* S_OK when ADDRESS, the value of the reply's property NAME, is an RFC
 * 5321 mailbox; else E_INVALIDARG with ERROR naming it. */
static HRESULT check_mailbox(const char *address, const char *name, const char *source, char *error)
{
    const char *why;

    if (address_is_mailbox(address, &why)) return S_OK;
    return errmsg_about(error, IMIPREPLY_E_UNUSABLE, source, "the %s address '%s' is not an RFC 5321 mailbox: %s", name, address, why);
}

/* VALUE without its "mailto:" (any case), or NULL. */
static const char *mailto_address(const char *value)
{
    if (value && !strncasecmp(value, "mailto:", 7)) value += 7;
    return value;
}

/* Whether TEXT holds WORD, in any case. */
static BOOL contains_nocase(const char *text, const char *word)
{
    size_t len = strlen(word);

    for (; text && *text; text++)
        if (!strncasecmp(text, word, len)) return TRUE;
    return FALSE;
}

/* A delegation (RFC 5546 3.2.2.3): of EVENT's two ATTENDEEs, one has
 * PARTSTAT=DELEGATED and names the other in DELEGATED-TO.  Sets
 * REPLY->delegate and ->name (the delegate's) and *ATTENDEE to the
 * delegator; S_OK, and S_FALSE (nothing set) when the two are no
 * delegation; IMIPREPLY_E_UNUSABLE for a delegate that is no mailbox. */
static HRESULT read_delegation(icalcomponent *event, const char *source, struct imip_reply *reply,
                               icalproperty **attendee, char *error)
{
    icalproperty *first = icalcomponent_get_first_property(event, ICAL_ATTENDEE_PROPERTY);
    icalproperty *second = icalcomponent_get_next_property(event, ICAL_ATTENDEE_PROPERTY), *delegator, *delegate;
    icalparameter *state = icalproperty_get_first_parameter(first, ICAL_PARTSTAT_PARAMETER), *to, *cn;
    const char *address;

    delegator = state && icalparameter_get_partstat(state) == ICAL_PARTSTAT_DELEGATED ? first : second;
    delegate = delegator == first ? second : first;
    state = icalproperty_get_first_parameter(delegator, ICAL_PARTSTAT_PARAMETER);
    to = icalproperty_get_first_parameter(delegator, ICAL_DELEGATEDTO_PARAMETER);
    address = mailto_address(icalproperty_get_attendee(delegate));
    if (!state || icalparameter_get_partstat(state) != ICAL_PARTSTAT_DELEGATED || !to || !address || !*address ||
        !contains_nocase(icalparameter_get_delegatedto(to), address))
        return S_FALSE;
    if (FAILED(check_mailbox(address, "delegate's ATTENDEE", source, error))) return IMIPREPLY_E_UNUSABLE;
    cn = icalproperty_get_first_parameter(delegate, ICAL_CN_PARAMETER);
    if (!(reply->delegate = strdup(address)) || (cn && !(reply->name = strdup(icalparameter_get_cn(cn)))))
        return errmsg_about(error, E_OUTOFMEMORY, source, ERRMSG_OOM);
    *attendee = delegator;
    return S_OK;
}

/* RECURRENCE-ID (RFC 5545 3.8.4.4): in UTC when it is UTC or its TZID is
 * known (the reply's VTIMEZONE, or libical's own zones); else local. */
static HRESULT read_recurrence_id(icalproperty *prop, icalcomponent *event, const char *source,
                                  struct imip_reply *reply, char *error)
{
    struct icaltimetype t = icalproperty_get_datetime_with_component(prop, event);
    SYSTEMTIME st = {0};
    FILETIME ft;

    if (icaltime_is_null_time(t) || !icaltime_is_valid_time(t))
        return errmsg_about(error, IMIPREPLY_E_UNUSABLE, source, "RECURRENCE-ID '%s' is no DATE or DATE-TIME",
                    icalproperty_get_value_as_string(prop) ? icalproperty_get_value_as_string(prop) : "");
    reply->recurrence_date = t.is_date;
    reply->recurrence_local = t.is_date || (!icaltime_is_utc(t) && !t.zone);
    if (!reply->recurrence_local) t = icaltime_convert_to_zone(t, icaltimezone_get_utc_timezone());
    st.wYear = (WORD)t.year;
    st.wMonth = (WORD)t.month;
    st.wDay = (WORD)t.day;
    st.wHour = (WORD)(t.is_date ? 0 : t.hour);
    st.wMinute = (WORD)(t.is_date ? 0 : t.minute);
    st.wSecond = (WORD)(t.is_date ? 0 : t.second);
    if (!SystemTimeToFileTime(&st, &ft))
        return errmsg_about(error, IMIPREPLY_E_UNUSABLE, source, "RECURRENCE-ID '%s' is out of range",
                    icaltime_as_ical_string(t));
    reply->recurrence_id = (ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
    reply->has_recurrence_id = TRUE;
    return S_OK;
}

/* Reads the reply's parts out of the VCALENDAR CAL. */
static HRESULT read_calendar(icalcomponent *cal, const char *source, struct imip_reply *reply, char *error)
{
    icalproperty *method = icalcomponent_get_first_property(cal, ICAL_METHOD_PROPERTY), *attendee, *prop;
    icalcomponent *event = icalcomponent_get_first_component(cal, ICAL_VEVENT_COMPONENT);
    icalparameter *partstat, *param, *cn;
    const char *address, *uid, *state, *from;
    HRESULT hr;
    int count = 0;
    size_t i;

    if (!method) return errmsg_about(error, IMIPREPLY_E_UNUSABLE, source, "no METHOD: an iMIP reply has METHOD:REPLY");
    if (icalproperty_get_method(method) != ICAL_METHOD_REPLY)
        return errmsg_about(error, IMIPREPLY_E_UNUSABLE, source, "METHOD is %s, not REPLY",
                    icalproperty_method_to_string(icalproperty_get_method(method)));
    if (!event) return errmsg_about(error, IMIPREPLY_E_UNUSABLE, source, "no VEVENT in the VCALENDAR");
    if (!(uid = icalcomponent_get_uid(event)) || !*uid) return errmsg_about(error, IMIPREPLY_E_UNUSABLE, source, "the VEVENT has no UID");
    for (prop = icalcomponent_get_first_property(event, ICAL_ATTENDEE_PROPERTY); prop;
         prop = icalcomponent_get_next_property(event, ICAL_ATTENDEE_PROPERTY))
        count++;
    if (!count) return errmsg_about(error, IMIPREPLY_E_UNUSABLE, source, "the VEVENT has no ATTENDEE");
    attendee = icalcomponent_get_first_property(event, ICAL_ATTENDEE_PROPERTY);
    if (count == 2 && FAILED(hr = read_delegation(event, source, reply, &attendee, error))) return hr;
    if (count > 1 && !reply->delegate)
        return errmsg_about(error, IMIPREPLY_E_UNUSABLE, source, "the VEVENT has %d ATTENDEEs; a reply answers for one", count);
    address = mailto_address(icalproperty_get_attendee(attendee));
    if (!address || !*address) return errmsg_about(error, IMIPREPLY_E_UNUSABLE, source, "the ATTENDEE has no address");
    if (FAILED(check_mailbox(address, "ATTENDEE", source, error))) return IMIPREPLY_E_UNUSABLE;
    if ((prop = icalcomponent_get_first_property(event, ICAL_ORGANIZER_PROPERTY)))
    {
        const char *organizer = icalproperty_get_organizer(prop);
        if (organizer && !strncasecmp(organizer, "mailto:", 7)) organizer += 7;
        if (FAILED(check_mailbox(organizer ? organizer : "", "ORGANIZER", source, error))) return IMIPREPLY_E_UNUSABLE;
    }
    if (!(partstat = icalproperty_get_first_parameter(attendee, ICAL_PARTSTAT_PARAMETER)))
        return errmsg_about(error, IMIPREPLY_E_UNUSABLE, source, "the ATTENDEE %s has no PARTSTAT", address);
    state = icalparameter_enum_to_string(icalparameter_get_partstat(partstat));
    for (i = 0; i < ARRAYSIZE(answers); i++)
        if (state && !strcmp(state, answers[i].partstat)) break;
    if (i == ARRAYSIZE(answers) && !reply->delegate)
        return errmsg_about(error, IMIPREPLY_E_UNUSABLE, source, "PARTSTAT %s of %s is no answer (ACCEPTED, TENTATIVE or DECLINED)",
                    state ? state : "(unknown)", address);
    if (i < ARRAYSIZE(answers)) reply->track_status = answers[i].track_status;
    /* a delegate's own answer names whom it stands for (RFC 5545 3.2.4) */
    if ((param = icalproperty_get_first_parameter(attendee, ICAL_DELEGATEDFROM_PARAMETER)) &&
        (from = mailto_address(icalparameter_get_delegatedfrom(param))) && *from)
    {
        if (FAILED(check_mailbox(from, "DELEGATED-FROM", source, error))) return IMIPREPLY_E_UNUSABLE;
        if (!(reply->delegated_from = strdup(from))) return errmsg_about(error, E_OUTOFMEMORY, source, ERRMSG_OOM);
        if ((cn = icalproperty_get_first_parameter(attendee, ICAL_CN_PARAMETER)) &&
            !(reply->name = strdup(icalparameter_get_cn(cn))))
            return errmsg_about(error, E_OUTOFMEMORY, source, ERRMSG_OOM);
    }

    for (prop = icalcomponent_get_first_property(event, ICAL_X_PROPERTY); prop;
         prop = icalcomponent_get_next_property(event, ICAL_X_PROPERTY))
    {
        const char *name = icalproperty_get_x_name(prop), *value = icalproperty_get_x(prop);
        BOOL *has;
        ULONGLONG *t;

        if (name && !strcasecmp(name, CRITICAL_CHANGE)) has = &reply->has_critical_change, t = &reply->track_time;
        else if (name && !strcasecmp(name, OWNER_CRITICAL_CHANGE))
            has = &reply->has_owner_critical_change, t = &reply->owner_critical_change;
        else continue;
        if (*has) continue;
        if (!value || !parse_utc_datetime(value, t))
            return errmsg_about(error, IMIPREPLY_E_UNUSABLE, source, "%s '%s' is not a UTC DATE-TIME", name, value ? value : "");
        *has = TRUE;
    }
    reply->sequence = icalcomponent_get_sequence(event);
    if ((prop = icalcomponent_get_first_property(event, ICAL_RECURRENCEID_PROPERTY)) &&
        FAILED(hr = read_recurrence_id(prop, event, source, reply, error)))
        return hr;
    /* Outlook's value when the critical change is missing: 1601-01-01 */
    if (!reply->has_critical_change) reply->track_time = 0;
    if (!(reply->uid = strdup(uid)) || !(reply->attendee = strdup(address)) || !(reply->partstat = strdup(state)))
        return errmsg_about(error, E_OUTOFMEMORY, source, ERRMSG_OOM);
    return S_OK;
}

static HRESULT parse_ics(const char *text, size_t size, const char *source, struct imip_reply *reply, char *error)
{
    struct strbuf passed_over = {0};
    icalcomponent *root = NULL, *cal;
    const char *problem;
    BOOL broken;
    char *copy;
    HRESULT hr;

    if (size >= 3 && !memcmp(text, "\xef\xbb\xbf", 3)) /* a UTF-8 byte-order mark */
    {
        text += 3;
        size -= 3;
    }
    if (memchr(text, 0, size)) return errmsg_about(error, E_INVALIDARG, source, "not iCalendar: it contains a NUL byte");
    if (!(copy = strndup(text, size))) return errmsg_about(error, E_OUTOFMEMORY, source, ERRMSG_OOM);
    root = icalparser_parse_string(copy);
    free(copy);
    if (!root) return errmsg_about(error, E_INVALIDARG, source, "not iCalendar: libical found no component");
    cal = icalcomponent_isa(root) == ICAL_VCALENDAR_COMPONENT
              ? root
              : icalcomponent_get_first_component(root, ICAL_VCALENDAR_COMPONENT);
    if (!judge_errors(root, &passed_over, &problem, &broken))
        hr = errmsg_about(error, broken ? E_INVALIDARG : IMIPREPLY_E_UNUSABLE, source, "not valid iCalendar: %s", problem);
    else if (passed_over.failed)
        hr = errmsg_about(error, E_OUTOFMEMORY, source, ERRMSG_OOM);
    else if (!cal)
        hr = errmsg_about(error, IMIPREPLY_E_UNUSABLE, source, "no VCALENDAR");
    else if (SUCCEEDED(hr = read_calendar(cal, source, reply, error)) && passed_over.size)
        reply->passed_over = strbuf_detach(&passed_over);
    strbuf_free(&passed_over);
    icalcomponent_free(root);
    return hr;
}

/* MIME, as much as a reply needs. */

/* Splits TEXT into the header block and the body. */
static void split_part(const char *text, size_t size, size_t *header_size, const char **body, size_t *body_size)
{
    size_t i;

    /* no blank line: all header */
    *header_size = size;
    *body = text + size;
    for (i = 0; i < size; i++)
    {
        if (text[i] != '\n') continue;
        if (i + 1 < size && text[i + 1] == '\n') { *header_size = i + 1; *body = text + i + 2; break; }
        if (i + 2 < size && text[i + 1] == '\r' && text[i + 2] == '\n') { *header_size = i + 1; *body = text + i + 3; break; }
    }
    *body_size = (size_t)(text + size - *body);
}

/* The unfolded value of header NAME in HEADERS into OUT; FALSE if absent. */
static BOOL get_header(const char *headers, size_t size, const char *name, struct strbuf *out)
{
    size_t len = strlen(name), i = 0;

    while (i < size)
    {
        size_t end = i;
        while (end < size && headers[end] != '\n') end++;
        if (end - i > len && !strncasecmp(headers + i, name, len) && headers[i + len] == ':')
        {
            size_t j = i + len + 1;
            while (j < end && (headers[j] == ' ' || headers[j] == '\t')) j++;
            for (;;)
            {
                for (; j < end; j++)
                    if (headers[j] != '\r') strbuf_add(out, headers + j, 1);
                /* continuation lines start with a space or a tab */
                if (end + 1 >= size || (headers[end + 1] != ' ' && headers[end + 1] != '\t')) break;
                j = end + 1;
                for (end = j; end < size && headers[end] != '\n'; end++) {}
            }
            return TRUE;
        }
        i = end + 1;
    }
    return FALSE;
}

/* The value of parameter NAME in header VALUE ("text/calendar; charset=x"),
 * unquoted, into OUT; FALSE if absent. */
static BOOL get_param(const char *value, const char *name, struct strbuf *out)
{
    size_t len = strlen(name);
    const char *p = strchr(value, ';');

    while (p)
    {
        for (p++; *p == ' ' || *p == '\t'; p++) {}
        if (!strncasecmp(p, name, len) && p[len] == '=')
        {
            p += len + 1;
            if (*p == '"')
            {
                for (p++; *p && *p != '"'; p++) strbuf_add(out, p, 1);
            }
            else
                strbuf_add(out, p, strcspn(p, "; \t"));
            return TRUE;
        }
        p = strchr(p, ';');
    }
    return FALSE;
}

/* Converts IN from CHARSET to UTF-8 into OUT. */
static HRESULT to_utf8(const char *charset, const struct strbuf *in, struct strbuf *out, const char *source,
                       char *error)
{
    iconv_t cd;
    char *inp = in->data, buffer[4096];
    size_t inleft = in->size;

    if (!strcasecmp(charset, "utf-8") || !strcasecmp(charset, "us-ascii") || !strcasecmp(charset, "utf8"))
    {
        strbuf_add(out, in->data, in->size);
        return S_OK;
    }
    if ((cd = iconv_open("UTF-8", charset)) == (iconv_t)-1)
        return errmsg_about(error, E_INVALIDARG, source, "the text/calendar part has charset '%s', which is unknown", charset);
    while (inleft)
    {
        char *outp = buffer;
        size_t outleft = sizeof(buffer);
        if (iconv(cd, &inp, &inleft, &outp, &outleft) == (size_t)-1 && errno != E2BIG)
        {
            iconv_close(cd);
            return errmsg_about(error, E_INVALIDARG, source, "the text/calendar part is not valid %s", charset);
        }
        strbuf_add(out, buffer, sizeof(buffer) - outleft);
    }
    iconv_close(cd);
    return S_OK;
}

/* Finds the text/calendar part in the MIME entity TEXT and parses it. */
static HRESULT parse_mime(const char *text, size_t size, int depth, const char *source, struct imip_reply *reply,
                          char *error)
{
    struct strbuf type = {0}, param = {0}, encoding = {0}, raw = {0}, utf8 = {0};
    size_t header_size, body_size;
    const char *body;
    HRESULT hr = S_FALSE; /* no calendar here */

    if (depth > MIME_DEPTH_MAX) return errmsg_about(error, E_INVALIDARG, source, "MIME parts nested too deep");
    split_part(text, size, &header_size, &body, &body_size);
    /* an absent or empty Content-Type means text/plain (RFC 2045 5.2) */
    if ((!get_header(text, header_size, "Content-Type", &type) || !type.size) && !type.failed)
    {
        strbuf_free(&type);
        strbuf_puts(&type, "text/plain");
    }
    if (type.failed) { hr = E_OUTOFMEMORY; goto done; }

    if (!strncasecmp(type.data, "multipart/", 10))
    {
        char delimiter[256];
        const char *p, *end = body + body_size, *part = NULL;

        if (get_param(type.data, "boundary", &param) && param.failed)
        {
            hr = E_OUTOFMEMORY;
            goto done;
        }
        if (!param.size || param.size > 200)
        {
            hr = errmsg_about(error, E_INVALIDARG, source, "a multipart part without a usable boundary");
            goto done;
        }
        snprintf(delimiter, sizeof(delimiter), "--%s", param.data);
        /* each part runs from after a delimiter line to before the next */
        for (p = body; p < end && hr == S_FALSE; p++)
        {
            if ((p == body || p[-1] == '\n') && (size_t)(end - p) >= strlen(delimiter) &&
                !memcmp(p, delimiter, strlen(delimiter)))
            {
                if (part)
                {
                    const char *part_end = p;
                    if (part_end > part && part_end[-1] == '\n') part_end--;
                    if (part_end > part && part_end[-1] == '\r') part_end--;
                    hr = parse_mime(part, (size_t)(part_end - part), depth + 1, source, reply, error);
                }
                p += strlen(delimiter);
                if (p + 1 < end && p[0] == '-' && p[1] == '-') break; /* the closing delimiter */
                while (p < end && *p != '\n') p++;
                part = p + 1;
            }
        }
        goto done;
    }
    if (strncasecmp(type.data, "text/calendar", 13)) goto done;

    get_header(text, header_size, "Content-Transfer-Encoding", &encoding);
    if (encoding.failed) { hr = E_OUTOFMEMORY; goto done; }
    if (encoding.size && !strncasecmp(encoding.data, "base64", 6)) mimeenc_decode_base64(body, body_size, &raw);
    else if (encoding.size && !strncasecmp(encoding.data, "quoted-printable", 16))
        mimeenc_decode_quoted_printable(body, body_size, &raw);
    else
        strbuf_add(&raw, body, body_size);
    /* none given: UTF-8; one that could not be copied is not "none" */
    if ((!get_param(type.data, "charset", &param) || !param.size) && !param.failed)
    {
        strbuf_free(&param);
        strbuf_puts(&param, "utf-8");
    }
    if (raw.failed || param.failed) { hr = E_OUTOFMEMORY; goto done; }
    if (FAILED(hr = to_utf8(param.data, &raw, &utf8, source, error))) goto done;
    if (utf8.failed) { hr = E_OUTOFMEMORY; goto done; }
    hr = parse_ics(utf8.data ? utf8.data : "", utf8.size, source, reply, error);
done:
    strbuf_free(&type);
    strbuf_free(&param);
    strbuf_free(&encoding);
    strbuf_free(&raw);
    strbuf_free(&utf8);
    if (hr == E_OUTOFMEMORY) errmsg_about(error, hr, source, ERRMSG_OOM);
    return hr;
}

HRESULT imipreply_parse(const char *text, size_t size, const char *source, struct imip_reply *reply,
                        char error[IMIPREPLY_ERROR_SIZE])
{
    const char *start = text;
    HRESULT hr;

    memset(reply, 0, sizeof(*reply));
    if (size >= 3 && !memcmp(start, "\xef\xbb\xbf", 3)) start += 3;
    if ((size_t)(text + size - start) >= 15 && !strncasecmp(start, "BEGIN:VCALENDAR", 15))
        hr = parse_ics(text, size, source, reply, error);
    else
    {
        hr = parse_mime(text, size, 0, source, reply, error);
        if (hr == S_FALSE) hr = errmsg_about(error, E_INVALIDARG, source, "neither iCalendar nor a message with a text/calendar part");
    }
    if (FAILED(hr)) imipreply_clear(reply);
    return hr;
}

HRESULT imipreply_read(const char *path, struct imip_reply *reply, char error[IMIPREPLY_ERROR_SIZE])
{
    WCHAR wpath[MAX_PATH];
    LARGE_INTEGER size;
    HANDLE file;
    DWORD got = 0;
    char *text;
    HRESULT hr;

    memset(reply, 0, sizeof(*reply));
    hostfs_widen(path, wpath, MAX_PATH);
    file = CreateFileW(wpath, GENERIC_READ, FILE_SHARE_READ, NULL, OPEN_EXISTING, 0, NULL);
    if (file == INVALID_HANDLE_VALUE)
    {
        DWORD why = GetLastError();
        return errmsg_about(error, HRESULT_FROM_WIN32(why), path, "cannot open (error %u)", why);
    }
    if (!GetFileSizeEx(file, &size))
    {
        DWORD why = GetLastError();
        CloseHandle(file);
        return errmsg_about(error, HRESULT_FROM_WIN32(why), path, "cannot read its size (error %u)", why);
    }
    if (size.QuadPart > REPLY_MAX)
    {
        CloseHandle(file);
        return errmsg_about(error, E_INVALIDARG, path, "larger than %u bytes", REPLY_MAX);
    }
    if (!(text = malloc((size_t)size.QuadPart + 1)))
    {
        CloseHandle(file);
        return errmsg_about(error, E_OUTOFMEMORY, path, ERRMSG_OOM);
    }
    if (!ReadFile(file, text, (DWORD)size.QuadPart, &got, NULL) || got != (DWORD)size.QuadPart)
        hr = errmsg_about(error, HRESULT_FROM_WIN32(ERROR_READ_FAULT), path, "short read");
    else
        hr = imipreply_parse(text, got, path, reply, error);
    CloseHandle(file);
    free(text);
    return hr;
}

/* The 0-based row of MEETING whose address is ADDRESS, -1 for none, or
 * -2 when a row's address could not be read (*FAILURE says why: out of
 * memory, a directory that would not answer). */
static LONG row_of(const struct mapi_message *meeting, const char *address, HRESULT *failure)
{
    ULONG i;

    for (i = 0; i < meeting->recipient_count; i++)
    {
        const char *field;
        char *row_address;
        BOOL match;

        if (FAILED(*failure = meeting_read_smtp_address(&meeting->recipients[i], &row_address, &field))) return -2;
        match = row_address && !strcasecmp(row_address, address);
        free(row_address);
        if (match) return (LONG)i;
    }
    return -1;
}

/* Adds REPLY's attendee, a delegate, to MEETING as an optional attendee
 * (MS-OXOCAL 2.2.4.10.7: recipient type 2, sendable), its name the CN. */
static HRESULT add_delegate_row(struct mapi_message *meeting, const struct imip_reply *reply)
{
    const struct mapi_put puts[] = {
        {PR_ROWID, 0, meeting->recipient_count, NULL},
        {PR_DISPLAY_NAME, 0, 0, reply->name ? reply->name : reply->attendee},
        {PR_ADDRTYPE, 0, 0, "SMTP"},
        {PR_EMAIL_ADDRESS, 0, 0, reply->attendee},
        {PR_SMTP_ADDRESS, 0, 0, reply->attendee},
        {PR_RECIPIENT_TYPE, 0, RECIP_CC, NULL},
        {PR_RECIPIENT_FLAGS, 0, RECIP_SENDABLE, NULL},
    };
    struct mapi_propset *row = mapi_message_add_recipient(meeting);

    return row ? mapi_propset_put(row, puts, ARRAYSIZE(puts)) : E_OUTOFMEMORY;
}

/* Whether REPLY answers an older version of MEETING than the one ROW has
 * (MS-OXOCAL 3.1.5.2), ERROR saying why: a lower sequence; the same
 * sequence with an owner critical change before the meeting's request time
 * (PidLidAppointmentSequenceTime, else PidLidOwnerCriticalChange); or an
 * attendee critical change older than the track time ROW records.  A reply
 * without the owner critical change (every client but CDO) is judged by its
 * sequence; one without the attendee critical change is never older than
 * the row: Exchange 2003 records it as 1601-01-01 (KB 938650). */
static BOOL out_of_date(const struct mapi_message *meeting, const struct mapi_propset *row,
                        const struct imip_reply *reply, char *error)
{
    char when[SYSTIME_ISO_SIZE], than[SYSTIME_ISO_SIZE];
    ULONGLONG request_time, recorded;
    LONG sequence = 0;

    mapi_prop_get_long(mapi_propset_find_lid(&meeting->props, LID_APPOINTMENT_SEQUENCE), &sequence);
    if (reply->sequence < sequence)
    {
        errmsg_format(error, S_FALSE, "out of date: the reply answers sequence %d, the meeting is at %d", reply->sequence,
                      sequence);
        return TRUE;
    }
    if (reply->sequence == sequence && reply->has_owner_critical_change &&
        (mapi_prop_get_systime(mapi_propset_find_lid(&meeting->props, LID_APPOINTMENT_SEQUENCE_TIME), &request_time) ||
         mapi_prop_get_systime(mapi_propset_find_lid(&meeting->props, LID_OWNER_CRITICAL_CHANGE), &request_time)) &&
        reply->owner_critical_change < request_time)
    {
        systime_format_iso(reply->owner_critical_change, when);
        systime_format_iso(request_time, than);
        errmsg_format(error, S_FALSE, "out of date: the reply answers the request of %s (" OWNER_CRITICAL_CHANGE
                      "), the meeting's of sequence %d was sent at %s", when, sequence, than);
        return TRUE;
    }
    if (reply->has_critical_change &&
        mapi_prop_get_systime(mapi_propset_find(row, PR_RECIPIENT_TRACKSTATUS_TIME), &recorded) &&
        reply->track_time < recorded)
    {
        systime_format_iso(reply->track_time, when);
        systime_format_iso(recorded, than);
        errmsg_format(error, S_FALSE, "out of date: the reply was sent at %s (" CRITICAL_CHANGE
                      "), the row records a reply of %s", when, than);
        return TRUE;
    }
    return FALSE;
}

/* The recipient table REPLY is recorded in: MEETING's own; or, for a
 * reply to one instance, that instance's exception, made when it is none
 * yet (MS-OXOCAL 3.1.4.8.5.2).  S_FALSE with ERROR when the reply names no
 * instance of the series, a deleted one, or the meeting is no series. */
static HRESULT target_of(struct mapi_message *meeting, const struct imip_reply *reply, struct mapi_message **target,
                         struct imip_change *change, char *error)
{
    char why[SERIES_ERROR_SIZE], when[RECUR_LOCAL_SIZE];
    struct recur_instance *list = NULL;
    struct series series;
    ULONG minutes, count, i;
    HRESULT hr, failure;
    LONG row;

    *target = meeting;
    if (!reply->has_recurrence_id) return S_OK;
    if (FAILED(hr = series_read(meeting, &series, why)))
        return hr == E_OUTOFMEMORY ? errmsg_format(error, hr, ERRMSG_OOM)
                                   : errmsg_format(error, S_FALSE, "the reply answers one instance (RECURRENCE-ID), but "
                                                   "the series cannot be read: %s", why);
    hr = S_FALSE;
    minutes = (ULONG)(reply->recurrence_local ? reply->recurrence_id / 600000000ULL
                                              : series_to_local(&series, reply->recurrence_id));
    recur_format_local(minutes, when);
    if (!series.recurring)
    {
        errmsg_format(error, S_FALSE, "the reply answers the instance of %s (RECURRENCE-ID), but the meeting is no "
                      "series: nothing recorded", when);
        goto done;
    }
    if (!(list = malloc(RECUR_LISTED_MAX * sizeof(*list))))
    {
        hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
        goto done;
    }
    count = recur_instances(&series.pattern, RECUR_LISTED_MAX, list);
    for (i = 0; i < count; i++)
        if (reply->recurrence_date ? list[i].original_start / RECUR_MINUTES_PER_DAY == minutes / RECUR_MINUTES_PER_DAY
                                   : list[i].original_start == minutes)
            break;
    if (i == count)
    {
        if (recur_is_deleted(&series.pattern, minutes - minutes % RECUR_MINUTES_PER_DAY))
            errmsg_format(error, S_FALSE, "the instance of %s was deleted from the series: the reply is discarded, as "
                          "Outlook discards it", when);
        else
            errmsg_format(error, S_FALSE, "no instance of the series starts at %s (RECURRENCE-ID, local time of the "
                          "meeting)", when);
        goto done;
    }
    change->instance = TRUE;
    change->instance_start = list[i].original_start;
    if ((*target = series_exception(meeting, series_to_utc(&series, list[i].original_start))))
        hr = S_OK;
    else if ((row = row_of(meeting, reply->attendee, &failure)) == -2)
        hr = errmsg_format(error, failure, "a recipient: %s", meeting_address_failure(failure));
    else if (row < 0)
        errmsg_format(error, S_FALSE, "no recipient of the meeting has the address %s", reply->attendee);
    else if (reply->delegate)
        errmsg_format(error, S_FALSE, "%s delegated the instance of %s to <%s>: MAPI has no delegated track status, "
                      "so nothing is recorded (DESIGN.md 1.1)", reply->attendee, when, reply->delegate);
    else if (out_of_date(meeting, &meeting->recipients[row], reply, error))
        change->out_of_date = TRUE;
    else if (FAILED(hr = series_make_exception(meeting, &series, list[i].original_start, target, why)))
        errmsg_format(error, hr, "%s", why);
    else
        change->exception_made = TRUE;
done:
    free(list);
    series_free(&series);
    return hr;
}

HRESULT imipreply_apply(struct mapi_message *meeting, const struct imip_reply *reply, struct imip_change *change,
                        char error[IMIPREPLY_ERROR_SIZE])
{
    const struct mapi_prop *goid = mapi_propset_find_lid(&meeting->props, LID_GLOBAL_OBJECT_ID);
    const struct mapi_prop *clean_goid = mapi_propset_find_lid(&meeting->props, LID_CLEAN_GLOBAL_OBJECT_ID);
    char *uid = meeting_uid(goid), *clean = meeting_uid(clean_goid);
    BOOL same = (uid && !strcasecmp(uid, reply->uid)) || (clean && !strcasecmp(clean, reply->uid));
    const struct mapi_put track[] = {
        {PR_RECIPIENT_TRACKSTATUS, 0, (ULONG)reply->track_status, NULL},
        {PR_RECIPIENT_TRACKSTATUS_TIME, 0, reply->track_time, NULL},
    };
    struct mapi_message *rows;
    HRESULT hr, failure;
    LONG found, delegator = -1;
    ULONG i;

    memset(change, 0, sizeof(*change));
    /* an id that is there but not read: out of memory, not another meeting */
    if ((!uid && goid && goid->count && goid->values[0].size) ||
        (!clean && clean_goid && clean_goid->count && clean_goid->values[0].size))
    {
        free(uid);
        free(clean);
        return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    }
    if (!same)
    {
        errmsg_format(error, S_FALSE, "the reply's UID %s is not this meeting's (%s)", reply->uid,
                 uid ? uid : "no PidLidGlobalObjectId");
        free(uid);
        free(clean);
        return S_FALSE;
    }
    free(uid);
    free(clean);
    if ((hr = target_of(meeting, reply, &rows, change, error)) != S_OK) return hr;
    found = row_of(rows, reply->attendee, &failure);
    if (found == -2 ||
        (found == -1 && reply->delegated_from && (delegator = row_of(rows, reply->delegated_from, &failure)) == -2))
        return errmsg_format(error, failure, "a recipient: %s", meeting_address_failure(failure));
    i = found < 0 ? rows->recipient_count : (ULONG)found;
    if (i < rows->recipient_count && reply->delegate)
    {
        errmsg_format(error, S_FALSE,
                      "%s delegated to %s%s%s<%s>: MAPI has no delegated track status, so row %u is left as it is; "
                      "the delegate becomes a row of the meeting when their own answer comes (DESIGN.md 1.1)",
                      reply->attendee, reply->name ? "\"" : "", reply->name ? reply->name : "", reply->name ? "\" " : "",
                      reply->delegate, i + 1);
        return S_FALSE;
    }
    if (i == rows->recipient_count && reply->delegated_from && delegator >= 0)
    {
        /* as CDO adds an invitee an attendee forwarded to, once they answer */
        if (FAILED(hr = add_delegate_row(rows, reply)))
            return errmsg_format(error, hr, ERRMSG_OOM);
        change->added = TRUE;
    }
    else if (i == rows->recipient_count)
    {
        errmsg_format(error, S_FALSE, "no recipient of the meeting has the address %s", reply->attendee);
        return S_FALSE;
    }
    change->row = i + 1;
    if (out_of_date(meeting, &rows->recipients[i], reply, error))
    {
        change->out_of_date = TRUE;
        return S_FALSE;
    }
    change->had_status =
        mapi_prop_get_long(mapi_propset_find(&rows->recipients[i], PR_RECIPIENT_TRACKSTATUS), &change->old_status);
    change->had_time = mapi_prop_get_systime(mapi_propset_find(&rows->recipients[i], PR_RECIPIENT_TRACKSTATUS_TIME),
                                             &change->old_time);
    if (FAILED(mapi_propset_put(&rows->recipients[i], track, ARRAYSIZE(track))))
        return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    WINE_TRACE("row %u: track status %d, time %s\n", change->row, reply->track_status,
               wine_dbgstr_longlong(reply->track_time));
    return S_OK;
}
