/*
 * Unit tests of hotfix/ecgetmime: MAPI meetings (built from the text form)
 * to MIME, checked by parsing the iCalendar part back with libical.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include <libical/ical.h>

#include "cmocka_wine.h"
#include "unfold.h"
#include "ecgetmime.h"
#include "msgtext.h"

/* 2007-08-03T14:05:00Z */
#define NOW 128306235000000000ULL

static const char meeting_head[] =
    "PR_MESSAGE_CLASS = \"IPM.Schedule.Meeting.Request\"\n"
    "PR_SUBJECT = \"R\xc3\xa9union \xe2\x80\x94 project review with a subject long enough to fold\"\n"
    "PR_SENDER_NAME = \"Olivia Organizer\"\n"
    "PR_SENDER_EMAIL_ADDRESS = \"olivia@contoso.example\"\n"
    "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e00800000000000000000000000000000000000000002000000076"
    "43616c2d55696401000000756964406578616d706c652e636f6d00\n"
    "PidLidAppointmentSequence = 3\n"
    "PidLidAppointmentStartWhole = 2007-08-10T14:00:00Z\n"
    "PidLidAppointmentEndWhole = 2007-08-10T15:00:00Z\n"
    "PidLidLocation = \"Room 2\"\n";

static const char rows[] =
    "[recipient]\n"
    "PR_DISPLAY_NAME = \"To Accepted\"\n"
    "PR_SMTP_ADDRESS = \"to@fabrikam.example\"\n"
    "PR_RECIPIENT_TYPE = 1\n"
    "PR_RECIPIENT_TRACKSTATUS = 3\n"
    "PR_RECIPIENT_TRACKSTATUS_TIME = %s\n"
    "[recipient]\n"
    "PR_DISPLAY_NAME = \"Cc Tentative\"\n"
    "PR_ADDRTYPE = \"SMTP\"\n"
    "PR_EMAIL_ADDRESS = \"cc@fabrikam.example\"\n"
    "PR_RECIPIENT_TYPE = 2\n"
    "PR_RECIPIENT_TRACKSTATUS = 2\n"
    "[recipient]\n"
    "PR_DISPLAY_NAME = \"Room 2\"\n"
    "PR_SMTP_ADDRESS = \"room2@contoso.example\"\n"
    "PR_RECIPIENT_TYPE = 3\n"
    "PR_RECIPIENT_TRACKSTATUS = 4\n"
    "[recipient]\n"
    "PR_DISPLAY_NAME = \"Nobody Yet\"\n"
    "PR_SMTP_ADDRESS = \"none@fabrikam.example\"\n";

/* Parses the meeting with the first attendee's track time TRACK_TIME, the
 * properties of EXTRA ("NAME = VALUE" lines) in place of the meeting's own
 * (a section holds each property once). */
static void make_meeting(struct mapi_message *message, const char *extra, const char *track_time)
{
    char text[4096], error[MSGTEXT_ERROR_SIZE], name[80];
    const char *line, *end;
    int len = snprintf(text, sizeof(text), "[message]\n%s", extra);

    for (line = meeting_head; *line; line = end + 1)
    {
        end = strchr(line, '\n');
        snprintf(name, sizeof(name), "%.*s = ", (int)strcspn(line, " "), line);
        if (!strstr(extra, name)) len += snprintf(text + len, sizeof(text) - len, "%.*s\n", (int)(end - line), line);
    }
    snprintf(text + len, sizeof(text) - len, rows, track_time);
    if (FAILED(msgtext_parse(text, "meeting", message, error))) fail_msg("%s", error);
}

static HRESULT convert(const struct mapi_message *message, enum systime_path path, BOOL cancel,
                       struct ecgetmime_result *result, char *error)
{
    struct ecgetmime_options options = {cancel, path, NOW, 1};
    return ecgetmime_convert(message, "meeting.msg", &options, result, error);
}

/* libical's X-LIC-ERRORs in CALENDAR's events but those about the empty
 * values CDO writes (CLASS: for a normal item, LOCATION: and SUMMARY:
 * when empty), which libical's parser drops as errors. */
static int count_errors_but_cdo_empty(icalcomponent *calendar)
{
    static const char *const tolerated[] = {"No value for CLASS ", "No value for LOCATION ", "No value for SUMMARY "};
    icalcomponent *event;
    icalproperty *error;
    int empty = 0;
    size_t i;

    for (event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT); event;
         event = icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT))
        for (error = icalcomponent_get_first_property(event, ICAL_XLICERROR_PROPERTY); error;
             error = icalcomponent_get_next_property(event, ICAL_XLICERROR_PROPERTY))
            for (i = 0; i < ARRAYSIZE(tolerated); i++)
                empty += !strncmp(icalproperty_get_xlicerror(error), tolerated[i], strlen(tolerated[i]));
    return icalcomponent_count_errors(calendar) - empty;
}

/* The text/calendar part of MIME parsed with libical; caller frees. */
static icalcomponent *parse_calendar(const char *mime, char **text_out)
{
    const char *start = strstr(mime, "BEGIN:VCALENDAR"), *end = strstr(mime, "END:VCALENDAR\r\n");
    icalcomponent *calendar;
    char *text;

    assert_non_null(start);
    assert_non_null(end);
    end += strlen("END:VCALENDAR\r\n");
    text = strndup(start, end - start);
    calendar = icalparser_parse_string(text);
    assert_non_null(calendar);
    if (count_errors_but_cdo_empty(calendar)) fail_msg("libical errors in:\n%s", text);
    *text_out = text;
    return calendar;
}

static icalproperty *find_attendee(icalcomponent *event, const char *mailto)
{
    icalproperty *p;

    for (p = icalcomponent_get_first_property(event, ICAL_ATTENDEE_PROPERTY); p;
         p = icalcomponent_get_next_property(event, ICAL_ATTENDEE_PROPERTY))
        if (!strcmp(icalproperty_get_attendee(p), mailto)) return p;
    fail_msg("no ATTENDEE %s", mailto);
    return NULL;
}

static const char *x_param(icalproperty *prop, const char *name)
{
    icalparameter *param;

    for (param = icalproperty_get_first_parameter(prop, ICAL_X_PARAMETER); param;
         param = icalproperty_get_next_parameter(prop, ICAL_X_PARAMETER))
        if (!strcmp(icalparameter_get_xname(param), name)) return icalparameter_get_xvalue(param);
    return NULL;
}

struct attendee_row
{
    int line;
    const char *mailto;
    icalparameter_role role;
    icalparameter_partstat partstat;
    BOOL resource;
};

static const struct attendee_row attendee_rows[] = {
    /* CDO resets every answer in a REQUEST: the time shows it was given */
    {__LINE__, "MAILTO:to@fabrikam.example", ICAL_ROLE_REQPARTICIPANT, ICAL_PARTSTAT_NEEDSACTION, FALSE},
    {__LINE__, "MAILTO:cc@fabrikam.example", ICAL_ROLE_OPTPARTICIPANT, ICAL_PARTSTAT_NEEDSACTION, FALSE},
    {__LINE__, "MAILTO:room2@contoso.example", ICAL_ROLE_NONPARTICIPANT, ICAL_PARTSTAT_NEEDSACTION, TRUE},
    {__LINE__, "MAILTO:none@fabrikam.example", ICAL_ROLE_REQPARTICIPANT, ICAL_PARTSTAT_NEEDSACTION, FALSE},
};

static void request_parses_back_with_every_attendee_mapped(void **state)
{
    struct mapi_message message;
    struct ecgetmime_result result;
    char error[ECGETMIME_ERROR_SIZE], *text;
    icalcomponent *calendar, *event;
    size_t i;
    (void)state;

    make_meeting(&message, "", "2007-08-01T10:15:00Z");
    assert_int_equal(convert(&message, SYSTIME_PATH_LEGACY, FALSE, &result, error), S_OK);
    assert_int_equal(result.method, ECGETMIME_REQUEST);
    assert_int_equal(result.attendees, 4);
    calendar = parse_calendar(result.mime, &text);
    assert_int_equal(icalcomponent_get_method(calendar), ICAL_METHOD_REQUEST);
    event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
    assert_string_equal(icalcomponent_get_uid(event), "uid@example.com"); /* the vCal-Uid form */
    /* SP2's CDO leaves SEQUENCE at 0 (KB 913579); the count is its own */
    assert_int_equal(icalcomponent_get_sequence(event), 0);
    assert_non_null(strstr(text, "\r\nX-MICROSOFT-CDO-APPT-SEQUENCE:3\r\n"));
    assert_string_equal(icaltime_as_ical_string(icalcomponent_get_dtstart(event)), "20070810T140000Z");
    assert_string_equal(icaltime_as_ical_string(icalcomponent_get_dtstamp(event)), "20070803T140500Z"); /* now */
    assert_string_equal(icalcomponent_get_location(event), "Room 2");
    assert_string_equal(icalproperty_get_organizer(icalcomponent_get_first_property(event, ICAL_ORGANIZER_PROPERTY)),
                        "MAILTO:olivia@contoso.example");
    for (i = 0; i < ARRAYSIZE(attendee_rows); i++)
    {
        const struct attendee_row *row = &attendee_rows[i];
        icalproperty *attendee = find_attendee(event, row->mailto);
        icalparameter *cutype = icalproperty_get_first_parameter(attendee, ICAL_CUTYPE_PARAMETER);

        _assert_int_equal(icalparameter_get_role(icalproperty_get_first_parameter(attendee, ICAL_ROLE_PARAMETER)),
                          row->role, __FILE__, row->line);
        _assert_int_equal(icalparameter_get_partstat(icalproperty_get_first_parameter(attendee, ICAL_PARTSTAT_PARAMETER)),
                          row->partstat, __FILE__, row->line);
        _assert_int_equal(cutype && icalparameter_get_cutype(cutype) == ICAL_CUTYPE_RESOURCE, row->resource, __FILE__,
                          row->line);
    }
    assert_string_equal(x_param(find_attendee(event, "MAILTO:to@fabrikam.example"), "X-REPLYTIME"),
                        "20070801T101500Z");
    assert_null(x_param(find_attendee(event, "MAILTO:cc@fabrikam.example"), "X-REPLYTIME"));
    /* headers: Cc from the table, Bcc not shown, non-ASCII subject as RFC 2047 */
    assert_non_null(strstr(result.mime, "\r\nCc: \"Cc Tentative\" <cc@fabrikam.example>\r\n"));
    assert_null(strstr(result.mime, "room2@contoso.example>"));
    assert_non_null(strstr(result.mime, "\r\nSubject: =?utf-8?B?"));
    assert_non_null(strstr(result.mime, "Content-class: urn:content-classes:calendarmessage\r\n"));
    free(text);
    icalcomponent_free(calendar);
    free(result.mime);
    mapi_message_clear(&message);
}

static void every_line_is_crlf_and_at_most_75_octets_in_the_calendar(void **state)
{
    struct mapi_message message;
    struct ecgetmime_result result;
    char error[ECGETMIME_ERROR_SIZE], *text, *line, *next;
    icalcomponent *calendar;
    (void)state;

    make_meeting(&message, "", "2007-08-01T10:15:00Z");
    assert_int_equal(convert(&message, SYSTIME_PATH_CLAMPED, TRUE, &result, error), S_OK);
    calendar = parse_calendar(result.mime, &text);
    for (line = text; *line; line = next + 2)
    {
        next = strstr(line, "\r\n");
        assert_non_null(next);
        if ((size_t)(next - line) > 75) fail_msg("line of %d octets: %.*s", (int)(next - line), (int)(next - line), line);
        assert_null(memchr(line, '\n', next - line));
    }
    assert_int_equal(icalcomponent_get_method(calendar), ICAL_METHOD_CANCEL);
    assert_int_equal(icalcomponent_get_status(icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT)),
                     ICAL_STATUS_CANCELLED);
    free(text);
    icalcomponent_free(calendar);
    free(result.mime);
    mapi_message_clear(&message);
}

/* CDO writes LOCATION and DESCRIPTION even when empty. */
static void an_empty_location_is_written_empty_as_cdo_writes_it(void **state)
{
    struct mapi_message message;
    struct ecgetmime_result result;
    char error[ECGETMIME_ERROR_SIZE], *text;
    icalcomponent *calendar, *event;
    (void)state;

    make_meeting(&message, "PidLidLocation = \"\"\n", "2007-08-01T10:15:00Z");
    assert_int_equal(convert(&message, SYSTIME_PATH_CLAMPED, FALSE, &result, error), S_OK);
    calendar = parse_calendar(result.mime, &text);
    event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
    assert_non_null(event);
    assert_non_null(strstr(text, "\r\nLOCATION:\r\nDTEND:"));
    /* no body: one line end, as Outlook leaves an empty body */
    assert_non_null(strstr(text, "\r\nDESCRIPTION:\\N\r\n"));
    free(text);
    icalcomponent_free(calendar);
    free(result.mime);
    mapi_message_clear(&message);
}

struct failure_row
{
    int line;
    const char *extra;      /* more message properties */
    const char *track_time; /* the first attendee's */
    enum systime_path path;
    HRESULT hr;
    const char *error;      /* substring */
};

static const struct failure_row failure_rows[] = {
    {__LINE__, "", "1601-01-01T00:00:00Z", SYSTIME_PATH_LEGACY, E_FAIL,
     "'meeting.msg': recipient 1 'To Accepted' <to@fabrikam.example>: PR_RECIPIENT_TRACKSTATUS_TIME "
     "0x0000000000000000 (1601-01-01T00:00:00Z) cannot be converted"},
    {__LINE__, "", "1601-01-01T00:00:00Z", SYSTIME_PATH_CLAMPED, S_OK, ""},
    {__LINE__, "", "1899-12-29T23:59:59Z", SYSTIME_PATH_LEGACY, E_FAIL, "(1899-12-29T23:59:59Z) cannot be converted"},
    {__LINE__, "", "1899-12-30T00:00:00Z", SYSTIME_PATH_LEGACY, S_OK, ""},
    /* the fix is narrow: critical-change times keep the legacy path */
    {__LINE__, "PidLidOwnerCriticalChange = 1601-01-01T00:00:00Z\n", "2007-08-01T10:15:00Z", SYSTIME_PATH_CLAMPED,
     E_FAIL, "PidLidOwnerCriticalChange 0x0000000000000000"},
    {__LINE__, "PidLidAttendeeCriticalChange = 1601-01-01T00:00:00Z\n", "2007-08-01T10:15:00Z", SYSTIME_PATH_CLAMPED,
     E_FAIL, "PidLidAttendeeCriticalChange 0x0000000000000000"},
    /* a meeting dated 1850 fails with the fix on as well */
    {__LINE__, "PidLidAppointmentStartWhole = 1850-08-10T14:00:00Z\n", "1601-01-01T00:00:00Z", SYSTIME_PATH_CLAMPED,
     E_FAIL, "PidLidAppointmentStartWhole 0x0117D70360223000 (1850-08-10T14:00:00Z) cannot be converted"},
    /* so does every other time of the meeting EcGetMime converts: its end,
     * its creation and its last change */
    {__LINE__, "PidLidAppointmentEndWhole = 1850-08-10T15:00:00Z\n", "2007-08-01T10:15:00Z", SYSTIME_PATH_CLAMPED,
     E_FAIL, "PidLidAppointmentEndWhole 0x"},
    {__LINE__, "PidTagCreationTime = 1850-08-01T08:00:00Z\n", "2007-08-01T10:15:00Z", SYSTIME_PATH_CLAMPED, E_FAIL,
     "PR_CREATION_TIME 0x"},
    {__LINE__, "PidTagLastModificationTime = 1601-01-01T00:00:00Z\n", "2007-08-01T10:15:00Z", SYSTIME_PATH_CLAMPED,
     E_FAIL, "PR_LAST_MODIFICATION_TIME 0x0000000000000000"},
};

static void failures_name_message_recipient_and_raw_value(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(failure_rows); i++)
    {
        const struct failure_row *row = &failure_rows[i];
        struct mapi_message message;
        struct ecgetmime_result result;
        char error[ECGETMIME_ERROR_SIZE] = "";
        HRESULT hr;

        make_meeting(&message, row->extra, row->track_time);
        hr = convert(&message, row->path, FALSE, &result, error);
        if (hr != row->hr) print_error("hr %#x: %s\n", (unsigned)hr, error);
        _assert_int_equal(hr, row->hr, __FILE__, row->line);
        if (!strstr(error, row->error)) print_error("error '%s'\n", error), _fail(__FILE__, row->line);
        if (FAILED(hr)) _assert_true(result.mime == NULL, "no output on failure", __FILE__, row->line);
        free(result.mime);
        mapi_message_clear(&message);
    }
}

struct incomplete_row
{
    int line;
    const char *text;
    const char *error;
};

static const struct incomplete_row incomplete_rows[] = {
    {__LINE__, "[message]\nPR_SUBJECT = \"x\"\n", "PR_MESSAGE_CLASS missing"},
    {__LINE__, "[message]\nPR_MESSAGE_CLASS = \"IPM.Note\"\n", "message class 'IPM.Note' is not a meeting"},
    {__LINE__, "[message]\nPR_MESSAGE_CLASS = \"IPM.Appointment\"\n", "no attendees: the recipient table is empty"},
    {__LINE__,
     "[message]\nPR_MESSAGE_CLASS = \"IPM.Appointment\"\n[recipient]\nPR_RECIPIENT_FLAGS = 3\n"
     "PR_SMTP_ADDRESS = \"o@x.example\"\n",
     "no attendees: the only recipient row is the organizer's"},
    {__LINE__,
     "[message]\nPR_MESSAGE_CLASS = \"IPM.Appointment\"\n[recipient]\nPR_DISPLAY_NAME = \"Unknown\"\n"
     "PR_ADDRTYPE = \"EX\"\nPR_EMAIL_ADDRESS = \"/o=Org/cn=x\"\n",
     "recipient 1 'Unknown' has no SMTP address: its EX address '/o=Org/cn=x' resolves to none in the file"},
    {__LINE__, "[message]\nPR_MESSAGE_CLASS = \"IPM.Appointment\"\n[recipient]\nPR_SMTP_ADDRESS = \"a@x.example\"\n",
     "no organizer address"},
    {__LINE__,
     "[message]\nPR_MESSAGE_CLASS = \"IPM.Appointment\"\nPR_SENDER_EMAIL_ADDRESS = \"o@x.example\"\n"
     "[recipient]\nPR_SMTP_ADDRESS = \"a@x.example\"\n",
     "PidLidAppointmentStartWhole missing"}, /* no PidLidGlobalObjectId: one is generated */
    {__LINE__,
     "[message]\nPR_MESSAGE_CLASS = \"IPM.Appointment\"\nPR_SENDER_EMAIL_ADDRESS = \"o@x.example\"\n"
     "PidLidGlobalObjectId = 01\n[recipient]\nPR_SMTP_ADDRESS = \"a@x.example\"\n",
     "PidLidAppointmentStartWhole missing"},
    {__LINE__,
     "[message]\nPR_MESSAGE_CLASS = \"IPM.Appointment\"\nPR_SENDER_EMAIL_ADDRESS = \"o@x.example\"\n"
     "PidLidGlobalObjectId = 01\nPidLidAppointmentStartWhole = 2007-08-10T14:00:00Z\n"
     "[recipient]\nPR_SMTP_ADDRESS = \"a@x.example\"\n",
     "PidLidAppointmentEndWhole missing"},
};

static void incomplete_meetings_name_what_is_missing(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(incomplete_rows); i++)
    {
        const struct incomplete_row *row = &incomplete_rows[i];
        struct mapi_message message;
        struct ecgetmime_result result;
        char error[ECGETMIME_ERROR_SIZE] = "";

        if (FAILED(msgtext_parse(row->text, "row", &message, error))) fail_msg("%s", error);
        _assert_int_equal(convert(&message, SYSTIME_PATH_CLAMPED, FALSE, &result, error), E_INVALIDARG, __FILE__,
                          row->line);
        if (!strstr(error, row->error)) print_error("error '%s'\n", error), _fail(__FILE__, row->line);
        _assert_true(result.mime == NULL, "no output", __FILE__, row->line);
        mapi_message_clear(&message);
    }
}

static void sender_is_the_organizer_without_an_organizer_row_and_hex_uid(void **state)
{
    static const char text[] =
        "[message]\nPR_MESSAGE_CLASS = \"IPM.Appointment\"\nPR_SENT_REPRESENTING_NAME = \"Olivia\"\n"
        "PR_SUBJECT = \"s\"\nPR_SENDER_EMAIL_ADDRESS = \"olivia@contoso.example\"\nPidLidGlobalObjectId = 0400ab\n"
        "PidLidAppointmentStartWhole = 2007-08-10T14:00:00Z\nPidLidAppointmentEndWhole = 2007-08-10T15:00:00Z\n"
        "PidLidOwnerCriticalChange = 2007-08-02T08:00:00Z\n"
        "[recipient]\nPR_SMTP_ADDRESS = \"a@x.example\"\n";
    struct mapi_message message;
    struct ecgetmime_result result;
    char error[ECGETMIME_ERROR_SIZE], *calendar_text;
    icalcomponent *calendar, *event;
    (void)state;

    if (FAILED(msgtext_parse(text, "t", &message, error))) fail_msg("%s", error);
    assert_int_equal(convert(&message, SYSTIME_PATH_LEGACY, FALSE, &result, error), S_OK);
    calendar = parse_calendar(result.mime, &calendar_text);
    event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
    assert_string_equal(icalcomponent_get_uid(event), "0400AB");
    assert_string_equal(icaltime_as_ical_string(icalcomponent_get_dtstamp(event)), "20070802T080000Z");
    assert_non_null(strstr(result.mime, "\r\nFrom: \"Olivia\" <olivia@contoso.example>\r\n"));
    assert_non_null(strstr(result.mime, "\r\nDate: Fri, 03 Aug 2007 14:05:00 +0000\r\n"));
    free(calendar_text);
    icalcomponent_free(calendar);
    free(result.mime);
    mapi_message_clear(&message);
}

/* No subject: no Subject header, and the SUMMARY RFC 5546 requires, null. */
static void an_empty_subject_gives_no_subject_header_and_a_null_summary(void **state)
{
    static const char text[] =
        "[message]\nPR_MESSAGE_CLASS = \"IPM.Schedule.Meeting.Request\"\nPR_SUBJECT = \"\"\n"
        "PR_SENDER_EMAIL_ADDRESS = \"olivia@contoso.example\"\nPidLidGlobalObjectId = 0400ab\n"
        "PidLidAppointmentStartWhole = 2007-08-10T14:00:00Z\nPidLidAppointmentEndWhole = 2007-08-10T15:00:00Z\n"
        "PidLidLocation = \"\"\n[recipient]\nPR_SMTP_ADDRESS = \"a@x.example\"\n";
    struct mapi_message message;
    struct ecgetmime_result result;
    char error[ECGETMIME_ERROR_SIZE];
    (void)state;

    if (FAILED(msgtext_parse(text, "t", &message, error))) fail_msg("%s", error);
    assert_int_equal(convert(&message, SYSTIME_PATH_LEGACY, FALSE, &result, error), S_OK);
    assert_null(strstr(result.mime, "\r\nSubject:"));
    assert_non_null(strstr(result.mime, "\r\nSUMMARY:\r\n"));
    assert_non_null(strstr(result.mime, "\r\nLOCATION:\r\n"));
    free(result.mime);
    mapi_message_clear(&message);
}

/* Exchange-made items: an EX sender found through
 * PR_SENT_REPRESENTING_SMTP_ADDRESS or PidTagPrimarySendAccount; no
 * PidLidGlobalObjectId: one generated as Outlook forms it, the same for the
 * same item, another for another. */
static void exchange_items_convert_with_their_smtp_addresses_and_a_generated_uid(void **state)
{
    static const char *const senders[] = {
        "PR_SENT_REPRESENTING_SMTP_ADDRESS = \"olivia@contoso.example\"\n",
        "PR_PRIMARY_SEND_ACCOUNT = \"00000002\\x01olivia@contoso.example\\x01olivia@contoso.example\"\n",
    };
    static const char body[] =
        "PR_SENDER_ADDRTYPE = \"EX\"\nPR_SENDER_EMAIL_ADDRESS = \"/o=Contoso/cn=Recipients/cn=olivia\"\n"
        "PR_CREATION_TIME = 2007-08-01T09:00:00Z\n"
        "PidLidAppointmentStartWhole = 2007-08-10T14:00:00Z\nPidLidAppointmentEndWhole = 2007-08-10T15:00:00Z\n"
        "[recipient]\nPR_DISPLAY_NAME = \"Adam\"\nPR_ADDRTYPE = \"EX\"\n"
        "PR_EMAIL_ADDRESS = \"/o=Fabrikam/cn=Recipients/cn=adam\"\nPR_SMTP_ADDRESS = \"adam@fabrikam.example\"\n";
    char text[2048], first_uid[256] = "", error[ECGETMIME_ERROR_SIZE];
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(senders) * 2; i++)
    {
        struct mapi_message message;
        struct ecgetmime_result result;
        const char *uid;
        char unfolded[256], *whole;
        size_t n = 0;

        /* the second round: another subject, so another meeting */
        snprintf(text, sizeof(text), "[message]\nPR_MESSAGE_CLASS = \"IPM.Appointment\"\nPR_SUBJECT = \"%s\"\n%s%s",
                 i < ARRAYSIZE(senders) ? "Review" : "Other", senders[i % ARRAYSIZE(senders)], body);
        if (FAILED(msgtext_parse(text, "t", &message, error))) fail_msg("%s", error);
        if (FAILED(convert(&message, SYSTIME_PATH_LEGACY, FALSE, &result, error))) fail_msg("%zu: %s", i, error);
        assert_true(result.uid_generated);
        assert_non_null(strstr(result.mime, "\r\nFrom: <olivia@contoso.example>\r\n"));
        whole = unfold(result.mime);
        assert_non_null(strstr(whole, ":MAILTO:adam@fabrikam.example\r\n"));
        free(whole);
        /* the fixed class id, no instance date, the creation time */
        assert_non_null(uid = strstr(result.mime, "\r\nUID:"));
        /* the UID's value, unfolded */
        for (uid += 6; *uid; uid++)
        {
            if (!strncmp(uid, "\r\n ", 3)) uid += 2;
            else if (!strncmp(uid, "\r\n", 2)) break;
            else if (n + 1 < sizeof(unfolded)) unfolded[n++] = *uid;
        }
        unfolded[n] = 0;
        /* 56 bytes: the class id, no instance date, the creation time, 16 data bytes */
        assert_int_equal(strlen(unfolded), 112);
        assert_int_equal(strncmp(unfolded, "040000008200E00074C5B7101A82E008" "00000000" "00A82A571AD4C701", 56), 0);
        if (i == 0) strcpy(first_uid, unfolded);
        else if (i < ARRAYSIZE(senders)) assert_string_equal(first_uid, unfolded);
        else assert_string_not_equal(first_uid, unfolded);
        free(result.mime);
        mapi_message_clear(&message);
    }
}

/* convert --cancel of an organizer's appointment: the cancellation Outlook
 * sends (MS-OXOCAL 3.1.4.9.1): "Canceled: " in Subject and SUMMARY, the
 * sequence raised, the time free, no reminder. */
static void a_cancellation_made_from_a_meeting_is_prefixed_raised_and_free(void **state)
{
    struct mapi_message message;
    struct ecgetmime_result result;
    char error[ECGETMIME_ERROR_SIZE], *text;
    icalcomponent *calendar;
    (void)state;

    make_meeting(&message,
                 "PR_SUBJECT = \"Review\"\nPidLidBusyStatus = 2\nPidLidReminderSet = true\nPidLidReminderDelta = 90\n",
                 "2007-08-01T10:15:00Z");
    assert_int_equal(convert(&message, SYSTIME_PATH_LEGACY, FALSE, &result, error), S_OK);
    calendar = parse_calendar(result.mime, &text);
    assert_non_null(strstr(text, "\r\nBEGIN:VALARM\r\nACTION:DISPLAY\r\nDESCRIPTION:REMINDER\r\n"
                                 "TRIGGER;RELATED=START:-PT01H30M00S\r\nEND:VALARM\r\nEND:VEVENT\r\n"));
    assert_non_null(strstr(text, "\r\nTRANSP:OPAQUE\r\nX-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\n"));
    free(text);
    icalcomponent_free(calendar);
    free(result.mime);

    assert_int_equal(convert(&message, SYSTIME_PATH_LEGACY, TRUE, &result, error), S_OK);
    calendar = parse_calendar(result.mime, &text);
    assert_int_equal(icalcomponent_get_method(calendar), ICAL_METHOD_CANCEL);
    assert_non_null(strstr(result.mime, "\r\nSubject: Canceled: Review\r\n"));
    assert_non_null(strstr(text, "\r\nSUMMARY:Canceled: Review\r\n"));
    assert_non_null(strstr(text, "\r\nSTATUS:CANCELLED\r\nTRANSP:TRANSPARENT\r\nX-MICROSOFT-CDO-BUSYSTATUS:FREE\r\n"));
    assert_non_null(strstr(text, "\r\nX-MICROSOFT-CDO-INTENDEDSTATUS:FREE\r\n"));
    assert_non_null(strstr(text, "\r\nX-MICROSOFT-CDO-APPT-SEQUENCE:4\r\n"));
    assert_null(strstr(text, "VALARM"));
    free(text);
    icalcomponent_free(calendar);
    free(result.mime);
    mapi_message_clear(&message);
}

/* Line ends in a subject, a name and a location stay inside their value:
 * no header, property or component of their own. */
/* The meeting's other details each to the line CDO writes for it: the
 * importance, the sensitivity, the owner's appointment id, no response
 * asked for, the intended status (one out of range: the busy status), a
 * reminder with a negative delta (15 minutes), the creation and change
 * times, and the Thread-Topic from the conversation topic or the subject
 * without its prefix. */
static const struct
{
    int line;
    const char *extra, *wanted;
} detail_rows[] = {
    {__LINE__, "PidTagImportance = 2\n", "\r\nPRIORITY:1\r\n"},
    {__LINE__, "PidTagImportance = 0\n", "\r\nPRIORITY:9\r\n"},
    {__LINE__, "PidTagImportance = 7\n", "\r\nX-MICROSOFT-CDO-IMPORTANCE:1\r\n"},
    {__LINE__, "PidTagImportance = -1\n", "\r\nX-MICROSOFT-CDO-IMPORTANCE:1\r\n"},
    {__LINE__, "PidTagSensitivity = 1\n", "\r\nCLASS:PERSONAL\r\n"},
    {__LINE__, "PidTagSensitivity = 2\n", "\r\nCLASS:PRIVATE\r\n"},
    {__LINE__, "PidTagSensitivity = 3\n", "\r\nCLASS:CONFIDENTIAL\r\n"},
    {__LINE__, "PidTagOwnerAppointmentId = 42\n", "\r\nX-MICROSOFT-CDO-OWNERAPPTID:42\r\n"},
    {__LINE__, "PidTagResponseRequested = false\n", ";RSVP=FALSE;"},
    {__LINE__, "PidLidBusyStatus = 1\nPidLidIntendedBusyStatus = 9\n", "\r\nX-MICROSOFT-CDO-INTENDEDSTATUS:TENTATIVE\r\n"},
    {__LINE__, "PidLidBusyStatus = 0\n", "\r\nTRANSP:TRANSPARENT\r\n"},
    {__LINE__, "PidLidBusyStatus = 3\n", "\r\nX-MICROSOFT-CDO-BUSYSTATUS:OOF\r\n"},
    {__LINE__, "PidLidBusyStatus = -1\n", "\r\nX-MICROSOFT-CDO-BUSYSTATUS:BUSY\r\n"},
    {__LINE__, "PidLidReminderSet = true\nPidLidReminderDelta = -5\n", "\r\nTRIGGER;RELATED=START:-PT00H15M00S\r\n"},
    {__LINE__, "PidTagCreationTime = 2007-08-01T08:00:00Z\n", "\r\nCREATED:20070801T080000Z\r\n"},
    {__LINE__, "PidTagLastModificationTime = 2007-08-01T08:30:00Z\n", "\r\nLAST-MODIFIED:20070801T083000Z\r\n"},
    {__LINE__, "PidTagConversationTopic = \"Quarterly\"\n", "\r\nThread-Topic: Quarterly\r\n"},
    {__LINE__, "PidTagSubjectPrefix = \"FW: \"\nPR_SUBJECT = \"FW: Plan\"\n", "\r\nThread-Topic: Plan\r\n"},
    {__LINE__, "PidTagSubjectPrefix = \"RE: \"\nPR_SUBJECT = \"FW: Plan\"\n", "\r\nThread-Topic: FW: Plan\r\n"},
};

static void each_detail_gives_the_line_cdo_writes(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(detail_rows); i++)
    {
        struct mapi_message message;
        struct ecgetmime_result result = {0};
        char error[ECGETMIME_ERROR_SIZE], *unfolded;

        make_meeting(&message, detail_rows[i].extra, "2007-08-01T10:15:00Z");
        if (FAILED(convert(&message, SYSTIME_PATH_CLAMPED, FALSE, &result, error))) fail_msg("%s", error);
        unfolded = unfold(result.mime);
        if (!strstr(unfolded, detail_rows[i].wanted))
            print_error("no '%s' in:\n%s\n", detail_rows[i].wanted, unfolded), _fail(__FILE__, detail_rows[i].line);
        free(unfolded);
        free(result.mime);
        mapi_message_clear(&message);
    }
}

static void line_ends_in_strings_stay_inside_their_value(void **state)
{
    struct mapi_message message;
    struct ecgetmime_result result;
    char error[ECGETMIME_ERROR_SIZE], *text;
    icalcomponent *calendar, *event;
    (void)state;

    make_meeting(&message,
                 "PR_SUBJECT = \"Review\\r\\nBcc: evil@attacker.example\"\n"
                 "PidLidLocation = \"Room\\r\\nEND:VEVENT\\r\\nMETHOD:CANCEL\"\n"
                 "PR_SENT_REPRESENTING_NAME = \"Olivia\\r\\nATTENDEE:mailto:evil@attacker.example\"\n",
                 "2007-08-01T10:15:00Z");
    assert_int_equal(convert(&message, SYSTIME_PATH_LEGACY, FALSE, &result, error), S_OK);
    assert_null(strstr(result.mime, "\nBcc:"));
    calendar = parse_calendar(result.mime, &text);
    assert_null(strstr(text, "\nMETHOD:CANCEL"));
    assert_null(strstr(text, "\nATTENDEE:mailto:evil"));
    assert_non_null(strstr(text, "\r\nLOCATION:Room\\NEND:VEVENT\\NMETHOD:CANCEL\r\n"));
    assert_non_null(strstr(text, "\r\nORGANIZER;CN=\"Olivia^nATTENDEE:mailto:evil@attacker.example\":MAILTO:"));
    event = icalcomponent_get_first_component(calendar, ICAL_VEVENT_COMPONENT);
    assert_null(icalcomponent_get_next_component(calendar, ICAL_VEVENT_COMPONENT));
    assert_int_equal(icalcomponent_count_properties(event, ICAL_ATTENDEE_PROPERTY), 4);
    assert_string_equal(icalcomponent_get_location(event), "Room\nEND:VEVENT\nMETHOD:CANCEL");
    free(text);
    icalcomponent_free(calendar);
    free(result.mime);
    mapi_message_clear(&message);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(request_parses_back_with_every_attendee_mapped),
        cmocka_unit_test(every_line_is_crlf_and_at_most_75_octets_in_the_calendar),
        cmocka_unit_test(failures_name_message_recipient_and_raw_value),
        cmocka_unit_test(an_empty_location_is_written_empty_as_cdo_writes_it),
        cmocka_unit_test(incomplete_meetings_name_what_is_missing),
        cmocka_unit_test(sender_is_the_organizer_without_an_organizer_row_and_hex_uid),
        cmocka_unit_test(an_empty_subject_gives_no_subject_header_and_a_null_summary),
        cmocka_unit_test(exchange_items_convert_with_their_smtp_addresses_and_a_generated_uid),
        cmocka_unit_test(a_cancellation_made_from_a_meeting_is_prefixed_raised_and_free),
        cmocka_unit_test(line_ends_in_strings_stay_inside_their_value),
        cmocka_unit_test(each_detail_gives_the_line_cdo_writes),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("ecgetmime", tests, NULL, NULL));
}
