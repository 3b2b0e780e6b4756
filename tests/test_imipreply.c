/*
 * Unit tests of hotfix/imipreply: iMIP replies parsed (every PARTSTAT, with
 * and without the critical change, folded lines, MIME encodings), refused
 * for the right reason, read from the third-party corpus, and applied.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cmocka_wine.h"
#include "imipreply.h"
#include "msgtext.h"

/* Unit tests run in build/; the corpus sits beside the checkout */
#define CORPUS_ICS TEST_SOURCE_DIR "/corpus/ics/"

#define UID "040000008200E00074C5B7101A82E0080000000000A1C7A3F9D3C701"

/* A reply with PARTSTAT and EXTRA lines in its VEVENT, CRLF line ends. */
static char *make_reply(const char *method, const char *attendee, const char *extra)
{
    static char text[2048];

    snprintf(text, sizeof(text),
             "BEGIN:VCALENDAR\r\n%sPRODID:Microsoft Exchange Server 2007\r\nVERSION:2.0\r\n"
             "BEGIN:VEVENT\r\n%sUID:" UID "\r\nDTSTAMP:20070801T101500Z\r\n%sEND:VEVENT\r\nEND:VCALENDAR\r\n",
             method, attendee, extra);
    return text;
}

struct parse_row
{
    int line;
    const char *method, *attendee, *extra;
    HRESULT hr;
    const char *address;   /* when S_OK */
    LONG track_status;
    BOOL critical;
    ULONGLONG track_time;
    const char *error;     /* substring, when failed */
};

/* 2007-08-01T10:15:00Z */
#define REPLY_TIME 128304369000000000ULL

static const struct parse_row parse_rows[] = {
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:adam@fabrikam.example\r\n", "", S_OK,
     "adam@fabrikam.example", 3, FALSE, 0, ""},
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=TENTATIVE;CN=Adam:MAILTO:Adam@Fabrikam.Example\r\n", "", S_OK,
     "Adam@Fabrikam.Example", 2, FALSE, 0, ""},
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=DECLINED:mailto:adam@fabrikam.example\r\n",
     "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20070801T101500Z\r\n", S_OK, "adam@fabrikam.example", 4, TRUE,
     REPLY_TIME, ""},
    /* a folded ATTENDEE line and a folded critical change */
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED;CN=\"Adam Attendee\":mailto:adam@fab\r\n rikam.example\r\n",
     "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20070801\r\n\tT101500Z\r\n", S_OK, "adam@fabrikam.example", 3, TRUE,
     REPLY_TIME, ""},
    {__LINE__, "METHOD:REQUEST\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n", "", IMIPREPLY_E_UNUSABLE, NULL, 0, FALSE,
     0, "METHOD is REQUEST, not REPLY"},
    {__LINE__, "", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n", "", IMIPREPLY_E_UNUSABLE, NULL, 0, FALSE, 0, "no METHOD"},
    {__LINE__, "METHOD:REPLY\r\n", "", "", IMIPREPLY_E_UNUSABLE, NULL, 0, FALSE, 0, "the VEVENT has no ATTENDEE"},
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\nATTENDEE;PARTSTAT=ACCEPTED:mailto:b@x\r\n",
     "", IMIPREPLY_E_UNUSABLE, NULL, 0, FALSE, 0, "2 ATTENDEEs"},
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE:mailto:a@x\r\n", "", IMIPREPLY_E_UNUSABLE, NULL, 0, FALSE, 0, "has no PARTSTAT"},
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:a@x\r\n", "", IMIPREPLY_E_UNUSABLE, NULL, 0, FALSE,
     0, "PARTSTAT NEEDS-ACTION of a@x is no answer"},
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n",
     "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:yesterday\r\n", IMIPREPLY_E_UNUSABLE, NULL, 0, FALSE, 0,
     "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE 'yesterday' is not a UTC DATE-TIME"},
    /* libical's errors about what a reply does not need are passed over:
     * a date it does not read, the empty values Google writes */
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n", "DTSTART:NOT-A-DATE\r\n", S_OK,
     "a@x", 3, FALSE, 0, ""},
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n", "DESCRIPTION:\r\nLOCATION:\r\n", S_OK,
     "a@x", 3, FALSE, 0, ""},
    /* ... but not about what it needs, nor a line that is no property */
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\nORGANIZER:\r\n", "", IMIPREPLY_E_UNUSABLE,
     NULL, 0, FALSE, 0, "not valid iCalendar: No value for ORGANIZER property"},
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n", "B@D LINE\r\n", E_INVALIDARG, NULL,
     0, FALSE, 0, "not valid iCalendar: Got a data line"},
    /* the addresses a reply names must be mailboxes */
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:\r\n", "", IMIPREPLY_E_UNUSABLE, NULL, 0, FALSE,
     0, "the ATTENDEE has no address"},
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n", "ORGANIZER:mailto:not a mailbox\r\n",
     IMIPREPLY_E_UNUSABLE, NULL, 0, FALSE, 0, "the ORGANIZER address 'not a mailbox' is not an RFC 5321 mailbox"},
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n", "ORGANIZER:mailto:olivia@contoso.example\r\n",
     S_OK, "a@x", 3, FALSE, 0, ""},
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED;DELEGATED-FROM=\"mailto:a b\":mailto:d@x\r\n", "",
     IMIPREPLY_E_UNUSABLE, NULL, 0, FALSE, 0, "the DELEGATED-FROM address 'a b' is not an RFC 5321 mailbox"},
    {__LINE__, "METHOD:REPLY\r\n",
     "ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO=\"mailto:d x\":mailto:a@x\r\nATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:d x\r\n", "",
     IMIPREPLY_E_UNUSABLE, NULL, 0, FALSE, 0, "the delegate's ATTENDEE address 'd x' is not an RFC 5321 mailbox"},
    /* the delegate first, the delegator second: read the same */
    {__LINE__, "METHOD:REPLY\r\n",
     "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:d@x\r\nATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO=\"mailto:d@x\":mailto:a@x\r\n", "",
     S_OK, "a@x", 0, FALSE, 0, ""},
    /* the first critical change counts; the organizer's is read too */
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n",
     "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20070801T101500Z\r\nX-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:nonsense\r\n"
     "X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE:20070801T090000Z\r\nX-OTHER:1\r\n", S_OK, "a@x", 3, TRUE, REPLY_TIME, ""},
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n",
     "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE:20070801T101500\r\n", IMIPREPLY_E_UNUSABLE, NULL, 0, FALSE, 0,
     "'20070801T101500' is not a UTC DATE-TIME"},
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n",
     "X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE:2007-08-01\r\n", IMIPREPLY_E_UNUSABLE, NULL, 0, FALSE, 0,
     "X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE '2007-08-01' is not a UTC DATE-TIME"},
    /* RECURRENCE-ID: a date, a floating time, a time out of FILETIME's range */
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n", "RECURRENCE-ID;VALUE=DATE:20070810\r\n",
     S_OK, "a@x", 3, FALSE, 0, ""},
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n", "RECURRENCE-ID:20070810T140000\r\n",
     S_OK, "a@x", 3, FALSE, 0, ""},
    {__LINE__, "METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n", "RECURRENCE-ID:15000810T140000Z\r\n",
     IMIPREPLY_E_UNUSABLE, NULL, 0, FALSE, 0, "RECURRENCE-ID '15000810T140000Z' is out of range"},
};

static void parses_replies_and_refuses_with_the_reason(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(parse_rows); i++)
    {
        const struct parse_row *row = &parse_rows[i];
        const char *text = make_reply(row->method, row->attendee, row->extra);
        struct imip_reply reply;
        char error[IMIPREPLY_ERROR_SIZE] = "";
        HRESULT hr = imipreply_parse(text, strlen(text), "r.ics", &reply, error);

        if (hr != row->hr) print_error("hr %#x: %s\n", (unsigned)hr, error);
        _assert_int_equal(hr, row->hr, __FILE__, row->line);
        if (FAILED(hr))
        {
            if (!strstr(error, row->error) || strncmp(error, "'r.ics': ", 9))
                print_error("error '%s'\n", error), _fail(__FILE__, row->line);
            _assert_true(reply.uid == NULL, "reply empty on failure", __FILE__, row->line);
            continue;
        }
        _assert_string_equal(reply.uid, UID, __FILE__, row->line);
        _assert_string_equal(reply.attendee, row->address, __FILE__, row->line);
        _assert_int_equal(reply.track_status, row->track_status, __FILE__, row->line);
        _assert_int_equal(reply.has_critical_change, row->critical, __FILE__, row->line);
        _assert_int_equal(reply.track_time, row->track_time, __FILE__, row->line);
        imipreply_clear(&reply);
    }
}

static void a_reply_without_vevent_or_uid_is_refused_saying_which(void **state)
{
    static const struct
    {
        int line;
        const char *text, *error;
    } rows[] = {
        {__LINE__, "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nVERSION:2.0\r\nPRODID:x\r\nEND:VCALENDAR\r\n",
         "no VEVENT in the VCALENDAR"},
        {__LINE__,
         "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\n"
         "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\nDTSTAMP:20070801T101500Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
         "the VEVENT has no UID"},
        {__LINE__, "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nBEGIN:VTODO\r\nUID:x\r\nEND:VTODO\r\nEND:VCALENDAR\r\n",
         "no VEVENT in the VCALENDAR"},
        {__LINE__,
         "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\n"
         "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\nUID:\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
         "not valid iCalendar: No value for UID property"},
    };
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(rows); i++)
    {
        struct imip_reply reply;
        char error[IMIPREPLY_ERROR_SIZE] = "";

        _assert_int_equal(imipreply_parse(rows[i].text, strlen(rows[i].text), "r.ics", &reply, error), IMIPREPLY_E_UNUSABLE,
                          __FILE__, rows[i].line);
        if (!strstr(error, rows[i].error)) print_error("error '%s'\n", error), _fail(__FILE__, rows[i].line);
    }
}

/* What was passed over is kept, a line each, for reply --verbose. */
static void what_libical_passed_over_is_kept(void **state)
{
    const char *text = make_reply("METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n",
                                  "DESCRIPTION:\r\nLOCATION:\r\n");
    struct imip_reply reply;
    char error[IMIPREPLY_ERROR_SIZE] = "";
    (void)state;

    assert_int_equal(imipreply_parse(text, strlen(text), "google.ics", &reply, error), S_OK);
    assert_non_null(reply.passed_over);
    assert_string_equal(reply.passed_over, "No value for DESCRIPTION property. Removing entire property:\n"
                                           "No value for LOCATION property. Removing entire property:");
    imipreply_clear(&reply);
    text = make_reply("METHOD:REPLY\r\n", "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\n", "");
    assert_int_equal(imipreply_parse(text, strlen(text), "plain.ics", &reply, error), S_OK);
    assert_null(reply.passed_over);
    imipreply_clear(&reply);
}

/* A delegation is read as such, the delegate named; two ATTENDEEs that
 * are no delegation are no reply; a delegate's answer names its delegator. */
static void delegations_and_delegates_answers_are_read(void **state)
{
    const char *text = make_reply("METHOD:REPLY\r\n",
                                  "ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO=\"mailto:dora@x.example\":mailto:a@x\r\n"
                                  "ATTENDEE;PARTSTAT=NEEDS-ACTION;CN=Dora:mailto:dora@x.example\r\n", "");
    struct imip_reply reply;
    char error[IMIPREPLY_ERROR_SIZE] = "";
    (void)state;

    assert_int_equal(imipreply_parse(text, strlen(text), "d.ics", &reply, error), S_OK);
    assert_string_equal(reply.attendee, "a@x");
    assert_string_equal(reply.delegate, "dora@x.example");
    assert_string_equal(reply.name, "Dora");
    imipreply_clear(&reply);
    text = make_reply("METHOD:REPLY\r\n",
                      "ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO=\"mailto:eve@x.example\":mailto:a@x\r\n"
                      "ATTENDEE;PARTSTAT=NEEDS-ACTION:mailto:dora@x.example\r\n", "");
    assert_int_equal(imipreply_parse(text, strlen(text), "e.ics", &reply, error), IMIPREPLY_E_UNUSABLE);
    assert_non_null(strstr(error, "the VEVENT has 2 ATTENDEEs; a reply answers for one"));
    text = make_reply("METHOD:REPLY\r\n",
                      "ATTENDEE;PARTSTAT=ACCEPTED;DELEGATED-FROM=\"mailto:a@x\":mailto:dora@x.example\r\n", "");
    assert_int_equal(imipreply_parse(text, strlen(text), "f.ics", &reply, error), S_OK);
    assert_string_equal(reply.delegated_from, "a@x");
    assert_int_equal(reply.track_status, 3);
    imipreply_clear(&reply);
}

static void reads_calendar_parts_of_messages_in_every_encoding(void **state)
{
    static const char base64_eml[] =
        "From: a@x\r\nContent-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
        "--outer\r\nContent-Type: multipart/alternative;\r\n boundary=inner\r\n\r\n"
        "--inner\r\nContent-Type: text/plain\r\n\r\nhello\r\n"
        "--inner\r\nContent-Type: text/calendar; method=REPLY\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        "QkVHSU46VkNBTEVOREFSDQpNRVRIT0Q6UkVQTFkNClZFUlNJT046Mi4wDQpQUk9ESUQ6eA0KQkVH\r\n"
        "SU46VkVWRU5UDQpBVFRFTkRFRTtQQVJUU1RBVD1BQ0NFUFRFRDptYWlsdG86YUB4DQpVSUQ6dTEN\r\n"
        "CkRUU1RBTVA6MjAwNzA4MDFUMTAxNTAwWg0KRU5EOlZFVkVOVA0KRU5EOlZDQUxFTkRBUg0K\r\n"
        "--inner--\r\n--outer--\r\n";
    /* quoted-printable, ISO-8859-1: CN=Ad\xe1m with a soft line break */
    static const char qp_eml[] =
        "Content-Type: text/calendar; charset=iso-8859-1; method=REPLY\n"
        "Content-Transfer-Encoding: quoted-printable\n\n"
        "BEGIN:VCALENDAR\nMETHOD:REPLY\nVERSION:2.0\nPRODID:x\nBEGIN:VEVENT\n"
        "ATTENDEE;PARTSTAT=3DDECLINED;CN=3DAd=E1m:mailto:=\nb@x\nUID:u2\nDTSTAMP:20070801T101500Z\n"
        "END:VEVENT\nEND:VCALENDAR\n";
    static const char plain_eml[] = "Subject: no calendar\r\n\r\nJust text.\r\n";
    static const char bad_charset[] =
        "Content-Type: text/calendar; charset=x-nonesuch\r\n\r\nBEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n";
    struct imip_reply reply;
    char error[IMIPREPLY_ERROR_SIZE];
    (void)state;

    assert_int_equal(imipreply_parse(base64_eml, strlen(base64_eml), "b.eml", &reply, error), S_OK);
    assert_string_equal(reply.uid, "u1");
    assert_string_equal(reply.attendee, "a@x");
    assert_int_equal(reply.track_status, 3);
    imipreply_clear(&reply);
    if (FAILED(imipreply_parse(qp_eml, strlen(qp_eml), "q.eml", &reply, error))) fail_msg("%s", error);
    assert_string_equal(reply.attendee, "b@x");
    assert_int_equal(reply.track_status, 4);
    imipreply_clear(&reply);
    assert_int_equal(imipreply_parse(plain_eml, strlen(plain_eml), "p.eml", &reply, error), E_INVALIDARG);
    assert_non_null(strstr(error, "neither iCalendar nor a message with a text/calendar part"));
    assert_int_equal(imipreply_parse(bad_charset, strlen(bad_charset), "c.eml", &reply, error), E_INVALIDARG);
    assert_non_null(strstr(error, "charset 'x-nonesuch', which is unknown"));
}

/* MIME shapes at their edges: a byte order mark, nesting past the limit,
 * boundaries that cannot be, a charset alias, text that is not in its
 * charset. */
static void mime_edges_are_read_or_refused_saying_why(void **state)
{
#define CAL "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nVERSION:2.0\r\nPRODID:x\r\nBEGIN:VEVENT\r\n" \
            "ATTENDEE;PARTSTAT=ACCEPTED:mailto:a@x\r\nUID:u1\r\nDTSTAMP:20070801T101500Z\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
#define NEST(b, inner) "Content-Type: multipart/mixed; boundary=" b "\r\n\r\n--" b "\r\n" inner "\r\n--" b "--\r\n"
    static const struct
    {
        int line;
        const char *text;
        HRESULT hr;
        const char *error;
    } rows[] = {
        {__LINE__, "\xef\xbb\xbf" CAL, S_OK, ""},
        {__LINE__, "Content-Type: text/calendar;\r\n\tcharset=utf8;\r\n method=REPLY\r\n\r\n" CAL, S_OK, ""},
        /* the calendar at depth 8, then 9 */
        {__LINE__, NEST("b1", NEST("b2", NEST("b3", NEST("b4", NEST("b5", NEST("b6", NEST("b7", NEST("b8",
             "Content-Type: text/calendar\r\n\r\n" CAL)))))))), S_OK, ""},
        {__LINE__, NEST("b1", NEST("b2", NEST("b3", NEST("b4", NEST("b5", NEST("b6", NEST("b7", NEST("b8", NEST("b9",
             "Content-Type: text/calendar\r\n\r\n" CAL))))))))), E_INVALIDARG, "MIME parts nested too deep"},
        {__LINE__, "Content-Type: multipart/mixed; boundary=\"\"\r\n\r\n--\r\n", E_INVALIDARG,
         "a multipart part without a usable boundary"},
        {__LINE__, "Content-Type: multipart/mixed\r\n\r\n--b\r\n", E_INVALIDARG, "a multipart part without a usable boundary"},
        {__LINE__,
         "Content-Type: multipart/mixed; boundary=0123456789012345678901234567890123456789012345678901234567890123456789"
         "0123456789012345678901234567890123456789012345678901234567890123456789012345678901234567890123456789"
         "0123456789012345678901234567890123456789\r\n\r\n", E_INVALIDARG, "a multipart part without a usable boundary"},
        /* a part that never closes still counts */
        {__LINE__, "Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/calendar\n\n" CAL "--b\n", S_OK, ""},
        {__LINE__, "Content-Type: text/calendar; charset=utf-16le\r\n\r\nB", E_INVALIDARG,
         "the text/calendar part is not valid utf-16le"},
    };
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(rows); i++)
    {
        struct imip_reply reply;
        char error[IMIPREPLY_ERROR_SIZE] = "";
        HRESULT hr = imipreply_parse(rows[i].text, strlen(rows[i].text), "m.eml", &reply, error);

        if (hr != rows[i].hr) print_error("hr %#x: %s\n", (unsigned)hr, error);
        _assert_int_equal(hr, rows[i].hr, __FILE__, rows[i].line);
        if (FAILED(hr) && !strstr(error, rows[i].error)) print_error("error '%s'\n", error), _fail(__FILE__, rows[i].line);
        if (SUCCEEDED(hr)) _assert_string_equal(reply.uid, "u1", __FILE__, rows[i].line);
        imipreply_clear(&reply);
    }
#undef NEST
#undef CAL
}

/* What imipreply_read says of a file it cannot read whole. */
static void unreadable_reply_files_are_refused_saying_why(void **state)
{
    struct imip_reply reply;
    char error[IMIPREPLY_ERROR_SIZE] = "";
    (void)state;

    assert_true(FAILED(imipreply_read("test_imipreply-none.ics", &reply, error)));
    assert_non_null(strstr(error, "'test_imipreply-none.ics': cannot open"));
    assert_int_equal(CreateDirectoryA("test_imipreply-folder.ics", NULL), TRUE);
    assert_true(FAILED(imipreply_read("test_imipreply-folder.ics", &reply, error)));
    assert_non_null(strstr(error, "'test_imipreply-folder.ics': "));
    RemoveDirectoryA("test_imipreply-folder.ics");
}

struct corpus_row
{
    int line;
    const char *file;
    HRESULT hr;         /* E_INVALIDARG: not read at all; IMIPREPLY_E_UNUSABLE: read, no reply */
    const char *reason;
};
static const struct corpus_row corpus_rows[] = {
    {__LINE__, "big_bad_calendar.ics", E_INVALIDARG, "not iCalendar"},
    {__LINE__, "bom_calendar.ics", IMIPREPLY_E_UNUSABLE, "no METHOD"},
    /* its DTSTART, which a reply does not need, passed over: no METHOD */
    {__LINE__, "broken_dtstart.ics", IMIPREPLY_E_UNUSABLE, "no METHOD"},
    {__LINE__, "broken_ical.ics", IMIPREPLY_E_UNUSABLE, "no METHOD"},
    {__LINE__, "fuzz_testcase_0_char_in_component_name.ics", E_INVALIDARG, "neither iCalendar nor a message"},
    {__LINE__, "fuzz_testcase_invalid_month.ics", E_INVALIDARG, "neither iCalendar nor a message"},
    {__LINE__, "fuzz_testcase_vtimezone_lone_cr.ics", E_INVALIDARG, "neither iCalendar nor a message"},
    {__LINE__, "issue_165_missing_event.ics", IMIPREPLY_E_UNUSABLE, "METHOD is REQUEST, not REPLY"},
    {__LINE__, "issue_350.ics", IMIPREPLY_E_UNUSABLE, "METHOD is REQUEST, not REPLY"},
    {__LINE__, "issue_836_do_not_quote_tzid.ics", IMIPREPLY_E_UNUSABLE, "METHOD is PUBLISH, not REPLY"},
    {__LINE__, "property_params.ics", IMIPREPLY_E_UNUSABLE, "METHOD is REQUEST, not REPLY"},
    {__LINE__, "timezone_same_start.ics", IMIPREPLY_E_UNUSABLE, "METHOD is REQUEST, not REPLY"},
    {__LINE__, "timezone_same_start_and_offset.ics", IMIPREPLY_E_UNUSABLE, "no METHOD"},
};

static void corpus_calendars_are_refused_with_their_reason(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(corpus_rows); i++)
    {
        struct imip_reply reply;
        char path[256], error[IMIPREPLY_ERROR_SIZE] = "";

        snprintf(path, sizeof(path), CORPUS_ICS "%s", corpus_rows[i].file);
        _assert_int_equal(imipreply_read(path, &reply, error), corpus_rows[i].hr, __FILE__, corpus_rows[i].line);
        if (!strstr(error, corpus_rows[i].reason) || !strstr(error, corpus_rows[i].file))
            print_error("error '%s'\n", error), _fail(__FILE__, corpus_rows[i].line);
    }
}

static const char meeting_text[] =
    "[message]\n"
    "PR_MESSAGE_CLASS = \"IPM.Appointment\"\n"
    "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e0080000000000a1c7a3f9d3c701\n"
    "[recipient]\n"
    "PR_SMTP_ADDRESS = \"olivia@contoso.example\"\n"
    "PR_RECIPIENT_FLAGS = 3\n"
    "[recipient]\n"
    "PR_ADDRTYPE = \"SMTP\"\n"
    "PR_EMAIL_ADDRESS = \"adam@fabrikam.example\"\n"
    "PR_RECIPIENT_TRACKSTATUS = 5\n"
    "PR_RECIPIENT_TRACKSTATUS_TIME = 2007-07-01T00:00:00Z\n";

static void applies_to_the_attendee_row_and_only_to_this_meeting(void **state)
{
    struct mapi_message meeting;
    struct imip_reply reply = {0};
    struct imip_change change;
    char error[IMIPREPLY_ERROR_SIZE];
    LONG status;
    ULONGLONG t;
    (void)state;

    if (FAILED(msgtext_parse(meeting_text, "meeting", &meeting, error))) fail_msg("%s", error);
    reply.uid = strdup(UID);
    reply.attendee = strdup("ADAM@fabrikam.example");
    reply.partstat = strdup("ACCEPTED");
    reply.track_status = 3;
    reply.track_time = 0; /* no critical change: 1601-01-01 */
    assert_int_equal(imipreply_apply(&meeting, &reply, &change, error), S_OK);
    assert_int_equal(change.row, 2);
    assert_true(change.had_status);
    assert_int_equal(change.old_status, 5);
    assert_true(mapi_prop_get_long(mapi_propset_find(&meeting.recipients[1], PR_RECIPIENT_TRACKSTATUS), &status));
    assert_int_equal(status, 3);
    assert_true(mapi_prop_get_systime(mapi_propset_find(&meeting.recipients[1], PR_RECIPIENT_TRACKSTATUS_TIME), &t));
    assert_int_equal(t, 0);
    assert_null(mapi_propset_find(&meeting.recipients[0], PR_RECIPIENT_TRACKSTATUS));

    free(reply.attendee);
    reply.attendee = strdup("eve@fabrikam.example");
    assert_int_equal(imipreply_apply(&meeting, &reply, &change, error), S_FALSE);
    assert_non_null(strstr(error, "no recipient of the meeting has the address eve@fabrikam.example"));
    free(reply.uid);
    reply.uid = strdup("other-uid");
    assert_int_equal(imipreply_apply(&meeting, &reply, &change, error), S_FALSE);
    assert_non_null(strstr(error, "the reply's UID other-uid is not this meeting's"));
    imipreply_clear(&reply);
    mapi_message_clear(&meeting);
}

/* MS-OXOCAL 3.1.5.2 at each bound: the meeting is at sequence 2, sent at
 * 2007-08-03T14:00:00Z (PidLidAppointmentSequenceTime), and Adam's row
 * records a reply of 2007-08-02T08:00:00Z.  A tick is 100 ns. */
static const char sequenced_meeting_text[] =
    "[message]\n"
    "PR_MESSAGE_CLASS = \"IPM.Appointment\"\n"
    "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e0080000000000a1c7a3f9d3c701\n"
    "PidLidAppointmentSequence = 2\n"
    "PidLidAppointmentSequenceTime = 2007-08-03T14:00:00Z\n"
    "PidLidOwnerCriticalChange = 2007-08-01T00:00:00Z\n"
    "[recipient]\n"
    "PR_SMTP_ADDRESS = \"adam@fabrikam.example\"\n"
    "PR_RECIPIENT_TRACKSTATUS = 3\n"
    "PR_RECIPIENT_TRACKSTATUS_TIME = 2007-08-02T08:00:00Z\n";

/* The same meeting without PidLidAppointmentSequenceTime: the owner
 * critical change (2007-08-01T00:00:00Z) stands for the request's time;
 * and without either, its row without a track time: the rules that need a
 * time the meeting lacks do not apply. */
static const char owner_only_meeting_text[] =
    "[message]\n"
    "PR_MESSAGE_CLASS = \"IPM.Appointment\"\n"
    "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e0080000000000a1c7a3f9d3c701\n"
    "PidLidAppointmentSequence = 2\n"
    "PidLidOwnerCriticalChange = 2007-08-01T00:00:00Z\n"
    "[recipient]\n"
    "PR_SMTP_ADDRESS = \"adam@fabrikam.example\"\n"
    "PR_RECIPIENT_TRACKSTATUS = 3\n"
    "PR_RECIPIENT_TRACKSTATUS_TIME = 2007-08-02T08:00:00Z\n";
static const char bare_meeting_text[] =
    "[message]\n"
    "PR_MESSAGE_CLASS = \"IPM.Appointment\"\n"
    "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e0080000000000a1c7a3f9d3c701\n"
    "PidLidAppointmentSequence = 2\n"
    "[recipient]\n"
    "PR_SMTP_ADDRESS = \"adam@fabrikam.example\"\n"
    "PR_RECIPIENT_TRACKSTATUS = 3\n";
static const char *const meeting_texts[] = {sequenced_meeting_text, owner_only_meeting_text, bare_meeting_text};

#define T_SENT 128306232000000000ULL     /* 2007-08-03T14:00:00Z */
#define T_OWNER 128304000000000000ULL    /* 2007-08-01T00:00:00Z */
#define T_RECORDED 128305152000000000ULL /* 2007-08-02T08:00:00Z */

static const struct
{
    int line;
    int meeting; /* of meeting_texts */
    LONG sequence;
    BOOL has_owner; ULONGLONG owner;
    BOOL has_attendee; ULONGLONG attendee;
    BOOL out_of_date;
    const char *reason;
} date_rows[] = {
    {__LINE__, 0, 1, FALSE, 0, FALSE, 0, TRUE, "answers sequence 1, the meeting is at 2"},
    {__LINE__, 0, 2, FALSE, 0, FALSE, 0, FALSE, NULL},
    {__LINE__, 0, 3, FALSE, 0, FALSE, 0, FALSE, NULL},
    {__LINE__, 0, -1, FALSE, 0, FALSE, 0, TRUE, "answers sequence -1"},
    {__LINE__, 0, 2, TRUE, T_SENT - 1, FALSE, 0, TRUE, "the request of 2007-08-03T13:59:59.9999999Z"},
    {__LINE__, 0, 2, TRUE, T_SENT, FALSE, 0, FALSE, NULL},
    {__LINE__, 0, 2, TRUE, T_SENT + 1, FALSE, 0, FALSE, NULL},
    /* an older owner critical change with a newer sequence: the sequence decides */
    {__LINE__, 0, 3, TRUE, 0, FALSE, 0, FALSE, NULL},
    {__LINE__, 0, 2, FALSE, 0, TRUE, T_RECORDED - 1, TRUE, "the row records a reply of 2007-08-02T08:00:00Z"},
    {__LINE__, 0, 2, FALSE, 0, TRUE, T_RECORDED, FALSE, NULL},
    {__LINE__, 0, 2, FALSE, 0, TRUE, T_RECORDED + 1, FALSE, NULL},
    /* no attendee critical change (1601-01-01): never older than the row */
    {__LINE__, 0, 2, FALSE, 0, FALSE, 0, FALSE, NULL},
    /* the owner critical change for the request's time, at its bound */
    {__LINE__, 1, 2, TRUE, T_OWNER - 1, FALSE, 0, TRUE, "was sent at 2007-08-01T00:00:00Z"},
    {__LINE__, 1, 2, TRUE, T_OWNER, FALSE, 0, FALSE, NULL},
    /* no request time, no recorded time: only the sequence judges */
    {__LINE__, 2, 2, TRUE, 0, FALSE, 0, FALSE, NULL},
    {__LINE__, 2, 2, FALSE, 0, TRUE, 1, FALSE, NULL},
    {__LINE__, 2, 1, TRUE, T_SENT, TRUE, T_SENT, TRUE, "answers sequence 1"},
};

static void out_of_date_replies_are_not_recorded(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(date_rows); i++)
    {
        struct mapi_message meeting;
        struct imip_reply reply = {0};
        struct imip_change change;
        char error[IMIPREPLY_ERROR_SIZE] = "";
        ULONGLONG t = ~0ULL;
        HRESULT hr;

        if (FAILED(msgtext_parse(meeting_texts[date_rows[i].meeting], "meeting", &meeting, error))) fail_msg("%s", error);
        reply.uid = strdup(UID);
        reply.attendee = strdup("adam@fabrikam.example");
        reply.partstat = strdup("DECLINED");
        reply.track_status = 4;
        reply.sequence = date_rows[i].sequence;
        reply.has_owner_critical_change = date_rows[i].has_owner;
        reply.owner_critical_change = date_rows[i].owner;
        reply.has_critical_change = date_rows[i].has_attendee;
        reply.track_time = date_rows[i].attendee;
        hr = imipreply_apply(&meeting, &reply, &change, error);
        if (hr != (date_rows[i].out_of_date ? S_FALSE : S_OK)) print_error("%#x: %s\n", (unsigned)hr, error);
        _assert_int_equal(hr, date_rows[i].out_of_date ? S_FALSE : S_OK, __FILE__, date_rows[i].line);
        _assert_int_equal(change.out_of_date, date_rows[i].out_of_date, __FILE__, date_rows[i].line);
        mapi_prop_get_systime(mapi_propset_find(&meeting.recipients[0], PR_RECIPIENT_TRACKSTATUS_TIME), &t);
        _assert_int_equal(t, date_rows[i].out_of_date ? (date_rows[i].meeting == 2 ? ~0ULL : T_RECORDED)
                                                       : date_rows[i].attendee, __FILE__, date_rows[i].line);
        if (date_rows[i].reason && !strstr(error, date_rows[i].reason))
            print_error("error '%s'\n", error), _fail(__FILE__, date_rows[i].line);
        imipreply_clear(&reply);
        mapi_message_clear(&meeting);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(parses_replies_and_refuses_with_the_reason),
        cmocka_unit_test(a_reply_without_vevent_or_uid_is_refused_saying_which),
        cmocka_unit_test(what_libical_passed_over_is_kept),
        cmocka_unit_test(delegations_and_delegates_answers_are_read),
        cmocka_unit_test(reads_calendar_parts_of_messages_in_every_encoding),
        cmocka_unit_test(mime_edges_are_read_or_refused_saying_why),
        cmocka_unit_test(unreadable_reply_files_are_refused_saying_why),
        cmocka_unit_test(corpus_calendars_are_refused_with_their_reason),
        cmocka_unit_test(applies_to_the_attendee_row_and_only_to_this_meeting),
        cmocka_unit_test(out_of_date_replies_are_not_recorded),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("imipreply", tests, NULL, NULL));
}
