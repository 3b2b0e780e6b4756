/*
 * Faults at every call, as SQLite tests out-of-memory and I/O errors
 * (faults.h: the N-th allocation, file write, read or registry call of
 * trackfix's own code fails, for every N a whole operation makes).
 * The operations: a conversion of a series with exceptions, a reply
 * applied to one instance (the exception made), a .msg written and read
 * back, the queue's submit and an hour of run (through the gate, for the
 * registry).  Each run ends in success with the output of the run without
 * the fault, or in an error that is said (E_OUTOFMEMORY saying "out of
 * memory"), never a crash; a file written is whole or untouched; the
 * queue's accounting holds (a clean run then delivers every message once,
 * whole); and under the memory check (make check) nothing leaks.

 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <windows.h>

#include "cmocka_wine.h"
#include "faults.h"
#include "ecgetmime.h"
#include "imipreply.h"
#include "msgfile.h"
#include "msgtext.h"
#include "queue.h"
#include "queuereport.h"
#include "scanpage.h"
#include "strbuf.h"
#include "directory.h"
#include "gate.h"
#include "hostfs.h"
#include "server.h"
#include "systime.h"
#include "recur.h"
#include "sample_text.h"
#include "scan.h"
#include "scenario.h"

/* A weekly series in Tokyo time with a moved exception, Adam's 1601 row. */
static const char series_text[] =
    "[message]\n"
    "PR_MESSAGE_CLASS = \"IPM.Appointment\"\n"
    "PR_SUBJECT = \"Friday Lunch\"\n"
    "PR_SENDER_NAME = \"Olivia\"\n"
    "PR_SENDER_ADDRTYPE = \"SMTP\"\n"
    "PR_SENDER_EMAIL_ADDRESS = \"olivia@contoso.example\"\n"
    "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e00800000000404f1ac33622d901000000000000000010000000417b5effcf8af14db668b9ba15609337\n"
    "PidLidAppointmentSequence = 0\n"
    "PidLidAppointmentStartWhole = 2023-01-06T03:00:00Z\n"
    "PidLidAppointmentEndWhole = 2023-01-06T04:00:00Z\n"
    "PidLidLocation = \"Room 2\"\n"
    "PidLidTimeZoneDescription = \"(GMT+09.00) Osaka, Sapporo, Tokyo\"\n"
    "PidLidTimeZoneStruct = e4fdffff0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000\n"
    "PidLidRecurring = true\n"
    "PidLidAppointmentRecur = %s\n"
    "[recipient]\n"
    "PR_DISPLAY_NAME = \"Olivia\"\n"
    "PR_SMTP_ADDRESS = \"olivia@contoso.example\"\n"
    "PR_RECIPIENT_FLAGS = 3\n"
    "[recipient]\n"
    "PR_DISPLAY_NAME = \"Adam Attendee\"\n"
    "PR_SMTP_ADDRESS = \"adam@fabrikam.example\"\n"
    "PR_RECIPIENT_TYPE = 1\n"
    "PR_RECIPIENT_FLAGS = 1\n"
    "PR_RECIPIENT_TRACKSTATUS = 3\n"
    "PR_RECIPIENT_TRACKSTATUS_TIME = 1601-01-01T00:00:00Z\n";

/* Local minutes of Y-M-D h:m. */
static ULONG at(WORD y, WORD m, WORD d, WORD h, WORD min)
{
    SYSTEMTIME st = {y, m, 0, d, h, min, 0, 0};
    FILETIME ft;

    SystemTimeToFileTime(&st, &ft);
    return (ULONG)((((ULONGLONG)ft.dwHighDateTime << 32) | ft.dwLowDateTime) / 600000000ULL);
}

static void put(char **p, ULONG v, int bytes)
{
    int i;

    for (i = 0; i < bytes; i++, *p += 2) sprintf(*p, "%02x", (unsigned)(v >> (8 * i)) & 0xff);
}

/* The series' message: Fridays 12:00-13:00 from 2023-01-06, 10 of them,
 * the 13th moved to Monday the 9th, its subject "Mon". */
static void make_series(struct mapi_message *message)
{
    ULONG day = 1440, start = at(2023, 1, 6, 0, 0);
    char hex[768], *p = hex, text[sizeof(series_text) + sizeof(hex)], error[ERRMSG_SIZE];

    put(&p, 0x3004, 2), put(&p, 0x3004, 2), put(&p, RECUR_FREQ_WEEKLY, 2), put(&p, RECUR_PATTERN_WEEK, 2), put(&p, 0, 2);
    put(&p, 0, 4), put(&p, 1, 4), put(&p, 0, 4), put(&p, 0x20, 4);
    put(&p, RECUR_END_COUNT, 4), put(&p, 10, 4), put(&p, 0, 4);
    put(&p, 1, 4), put(&p, start + 7 * day, 4);
    put(&p, 1, 4), put(&p, start + 3 * day, 4);
    put(&p, start, 4), put(&p, start + 63 * day, 4);
    put(&p, 0x3006, 4), put(&p, 0x3009, 4), put(&p, 720, 4), put(&p, 780, 4);
    put(&p, 1, 2);
    /* the exception's subject overridden, ANSI and Unicode */
    put(&p, start + 3 * day + 720, 4), put(&p, start + 3 * day + 780, 4), put(&p, start + 7 * day + 720, 4);
    put(&p, RECUR_ARO_SUBJECT, 2), put(&p, 4, 2), put(&p, 3, 2), put(&p, 'M', 1), put(&p, 'o', 1), put(&p, 'n', 1);
    put(&p, 0, 4);
    put(&p, 4, 4), put(&p, 0, 4), put(&p, 0, 4);
    put(&p, start + 3 * day + 720, 4), put(&p, start + 3 * day + 780, 4), put(&p, start + 7 * day + 720, 4);
    put(&p, 3, 2), put(&p, 'M', 2), put(&p, 'o', 2), put(&p, 'n', 2), put(&p, 0, 4);
    put(&p, 0, 4);
    snprintf(text, sizeof(text), series_text, hex);
    if (FAILED(msgtext_parse(text, "series", message, error))) fail_msg("%s", error);
}

struct convert_case
{
    struct mapi_message message;
    enum systime_path path;
};

static HRESULT convert(void *ctx, char *error, char **output)
{
    struct convert_case *c = ctx;
    struct ecgetmime_options options = {0};
    struct ecgetmime_result result = {0};
    HRESULT hr;

    options.now = 133180848000000000ULL;
    options.track_path = c->path;
    options.serial = 1;
    hr = ecgetmime_convert(&c->message, "series.msg", &options, &result, error);
    *output = result.mime;
    return hr;
}

static void conversion_survives_every_failed_allocation(void **state)
{
    struct convert_case c;
    (void)state;

    make_series(&c.message);
    c.path = SYSTIME_PATH_CLAMPED;
    every_call_fails_once(FAULT_ALLOCATION, "convert, clamped", convert, &c);
    mapi_message_clear(&c.message);
}

/* A request with an id too short for an instance date and two attendees
 * at risk, the later name first: Zed an Exchange (EX) row that the
 * directory resolves. */
#define ZED_DN "/o=Tailspin/ou=Exchange Administrative Group/cn=Recipients/cn=zed"
static const char short_id_request[] =
    "[message]\n"
    "PR_MESSAGE_CLASS = \"IPM.Schedule.Meeting.Request\"\n"
    "PR_SUBJECT = \"Board\"\n"
    "PR_SENDER_EMAIL_ADDRESS = \"olivia@contoso.example\"\n"
    "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e008\n"
    "PidLidAppointmentStartWhole = 2023-01-06T03:00:00Z\n"
    "PidLidAppointmentEndWhole = 2023-01-06T04:00:00Z\n"
    "[recipient]\n"
    "PR_ADDRTYPE = \"EX\"\n"
    "PR_EMAIL_ADDRESS = \"" ZED_DN "\"\n"
    "PR_RECIPIENT_TRACKSTATUS = 3\n"
    "PR_RECIPIENT_TRACKSTATUS_TIME = 1601-01-01T00:00:00Z\n"
    "[recipient]\n"
    "PR_SMTP_ADDRESS = \"adam@fabrikam.example\"\n"
    "PR_RECIPIENT_TRACKSTATUS = 3\n"
    "PR_RECIPIENT_TRACKSTATUS_TIME = 1601-01-01T00:00:00Z\n";

/* The impact scan of the series twice (two files of one meeting) and of
 * the request: judged, kept in the report, sorted and added up. */
static HRESULT scan_three(void *ctx, char *error, char **output)
{
    const struct mapi_message *messages = ctx;
    struct scan_report report = {0};
    struct scan_tally total = {0};
    struct strbuf out = {0};
    HRESULT hr = S_OK;
    int i;

    for (i = 0; i < 3 && SUCCEEDED(hr); i++)
    {
        static const char *const files[] = {"a.msg", "b.msg", "c.msg"};
        struct scan_item item;
        if (FAILED(hr = scan_item_evaluate(&messages[i / 2], files[i], 133180848000000000ULL, &item))) break;
        if (!scan_report_add(&report, files[i], &item, TRUE)) hr = E_OUTOFMEMORY;
        scan_item_clear(&item);
    }
    scan_report_sort(&report);
    if (SUCCEEDED(hr) && !scan_report_total(&report, &total)) hr = E_OUTOFMEMORY;
    if (SUCCEEDED(hr))
    {
        strbuf_printf(&out, "%u meetings, %u at risk, %u attendees, %u domains, worst %llu, %s by %s: %s\n",
                      total.meetings, total.at_risk, total.attendees.count, total.domains.count,
                      (unsigned long long)total.worst, report.records[0].series, report.records[0].organizer,
                      scan_meeting_subject(report.records, report.records + report.count));
        if (!(*output = strbuf_detach(&out))) hr = E_OUTOFMEMORY;
    }
    if (hr == E_OUTOFMEMORY) errmsg_format(error, hr, "scan: " ERRMSG_OOM);
    strbuf_free(&out);
    scan_tally_free(&total);
    scan_report_free(&report);
    return hr;
}

static void the_scan_survives_every_failed_allocation(void **state)
{
    struct mapi_message messages[2];
    char error[ERRMSG_SIZE];
    (void)state;

    make_series(&messages[0]);
    if (FAILED(msgtext_parse(short_id_request, "request", &messages[1], error))) fail_msg("%s", error);
    assert_int_equal(directory_add(ZED_DN, "zed@tailspin.example", error), S_OK);
    every_call_fails_once(FAULT_ALLOCATION, "scan of three items", scan_three, messages);
    RegDeleteKeyValueW(HKEY_LOCAL_MACHINE, L"" DIRECTORY_KEY, L"" ZED_DN);
    mapi_message_clear(&messages[0]);
    mapi_message_clear(&messages[1]);
}

static const char instance_reply[] =
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
    "UID:040000008200E00074C5B7101A82E00800000000404F1AC33622D901000000000000000010000000417B5EFFCF8AF14DB668B9BA15609337\r\n"
    "RECURRENCE-ID;TZID=Asia/Tokyo:20230127T120000\r\nSEQUENCE:0\r\n"
    "ATTENDEE;PARTSTAT=DECLINED;CN=Adam:mailto:adam@fabrikam.example\r\n"
    "DESCRIPTION:\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n";

/* Reads the reply and applies it to a fresh copy of the series: the
 * exception is made (pattern and attachment); then converts the result. */
static HRESULT reply(void *ctx, char *error, char **output)
{
    struct imip_reply r;
    struct imip_change change;
    struct mapi_message series;
    struct convert_case c;
    struct fault_pause paused;
    HRESULT hr;

    (void)ctx;
    fault_pause(&paused); /* the copy of the series is not under test */
    make_series(&series);
    fault_resume(&paused);
    hr = imipreply_parse(instance_reply, strlen(instance_reply), "instance.ics", &r, error);
    if (SUCCEEDED(hr))
    {
        hr = imipreply_apply(&series, &r, &change, error);
        /* not applied, for a failed allocation, would be a wrong answer */
        if (hr == S_FALSE) hr = errmsg_format(error, E_FAIL, "not applied: %s", error);
        if (hr == S_OK && !change.exception_made) hr = errmsg_format(error, E_FAIL, "no exception made");
        imipreply_clear(&r);
    }
    if (hr == S_OK)
    {
        c.message = series;
        c.path = SYSTIME_PATH_CLAMPED;
        hr = convert(&c, error, output);
    }
    mapi_message_clear(&series);
    return hr;
}

static void a_reply_to_one_instance_survives_every_failed_allocation(void **state)
{
    (void)state;
    every_call_fails_once(FAULT_ALLOCATION, "reply to one instance, then convert", reply, NULL);
}

/* The series' attendee Adam delegates to Dora by mail (S_FALSE: MAPI
 * keeps no delegated status), then Dora accepts, her name in ISO-8859-1
 * quoted-printable inside a multipart message: her row is added. */
#define DELEGATION_EML "test_faults-delegation.eml"
#define DELEGATE_EML "test_faults-delegate.eml"
#define SERIES_UID "040000008200E00074C5B7101A82E00800000000404F1AC33622D901000000000000000010000000417B5EFFCF8AF14DB668B9BA15609337"
static const char delegation_eml[] =
    "From: Adam Attendee <adam@fabrikam.example>\r\nSubject: Delegated: Friday Lunch\r\n"
    "Content-Type: multipart/mixed; boundary=\"outer\"\r\n\r\n"
    "--outer\r\nContent-Type: multipart/alternative;\r\n boundary=inner\r\n\r\n"
    "--inner\r\nContent-Type: text/plain\r\n\r\nDora will go.\r\n"
    "--inner\r\nContent-Type: text/calendar; method=REPLY; charset=utf-8\r\n\r\n"
    "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nPRODID:x\r\nMETHOD:REPLY\r\nBEGIN:VEVENT\r\n"
    "UID:" SERIES_UID "\r\nSEQUENCE:0\r\nDTSTAMP:20230105T101500Z\r\n"
    "ATTENDEE;PARTSTAT=DELEGATED;DELEGATED-TO=\"mailto:dora@fabrikam.example\":mailto:adam@fabrikam.example\r\n"
    "ATTENDEE;PARTSTAT=NEEDS-ACTION;CN=Dora:mailto:dora@fabrikam.example\r\n"
    "END:VEVENT\r\nEND:VCALENDAR\r\n--inner--\r\n--outer--\r\n";
static const char delegate_eml[] =
    "From: dora@fabrikam.example\nContent-Type: multipart/mixed; boundary=b1\n\n"
    "--b1\nContent-Type: text/calendar; charset=iso-8859-1; method=REPLY\n"
    "Content-Transfer-Encoding: quoted-printable\n\n"
    "BEGIN:VCALENDAR\nVERSION:2.0\nPRODID:x\nMETHOD:REPLY\nBEGIN:VEVENT\nUID:" SERIES_UID "\nSEQUENCE:0\n"
    "DTSTAMP:20230105T111500Z\nATTENDEE;PARTSTAT=3DACCEPTED;CN=3DDor=E1 Delegate;DELEGATED-FROM=3D\"mailto:adam@fab=\n"
    "rikam.example\":mailto:dora@fabrikam.example\nEND:VEVENT\nEND:VCALENDAR\n--b1--\n";

/* Reads the delegation and the delegate's answer from their files and
 * applies them to a fresh copy of the series, then converts it; the
 * delegation's message is part of the output. */
static HRESULT delegation(void *ctx, char *error, char **output)
{
    struct imip_reply r;
    struct imip_change change;
    struct mapi_message series;
    struct convert_case c;
    char said[ERRMSG_SIZE] = "";
    struct fault_pause paused;
    HRESULT hr;

    (void)ctx;
    fault_pause(&paused); /* the copy of the series is not under test */
    make_series(&series);
    fault_resume(&paused);
    if (SUCCEEDED(hr = imipreply_read(DELEGATION_EML, &r, error)))
    {
        hr = imipreply_apply(&series, &r, &change, error);
        if (hr == S_OK) hr = errmsg_format(error, E_FAIL, "a delegation recorded");
        if (hr == S_FALSE) strcpy(said, error);
        imipreply_clear(&r);
    }
    if (hr == S_FALSE && SUCCEEDED(hr = imipreply_read(DELEGATE_EML, &r, error)))
    {
        hr = imipreply_apply(&series, &r, &change, error);
        if (hr == S_FALSE) hr = errmsg_format(error, E_FAIL, "not applied: %s", error);
        if (hr == S_OK && !change.added) hr = errmsg_format(error, E_FAIL, "no row added");
        imipreply_clear(&r);
    }
    if (hr == S_OK)
    {
        struct strbuf out = {0};
        char *mime = NULL;
        c.message = series;
        c.path = SYSTIME_PATH_CLAMPED;
        if (SUCCEEDED(hr = convert(&c, error, &mime)) &&
            (strbuf_printf(&out, "%s\n%s", said, mime), !(*output = strbuf_detach(&out))))
            hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
        strbuf_free(&out);
        free(mime);
    }
    mapi_message_clear(&series);
    return hr;
}

static void a_delegation_by_mail_survives_every_fault(void **state)
{
    (void)state;

    assert_int_equal(hostfs_write_file(DELEGATION_EML, delegation_eml, strlen(delegation_eml)), S_OK);
    assert_int_equal(hostfs_write_file(DELEGATE_EML, delegate_eml, strlen(delegate_eml)), S_OK);
    every_call_fails_once(FAULT_ALLOCATION, "a delegation and the delegate's answer by mail, then convert", delegation,
                          NULL);
    every_call_fails_once(FAULT_READ, "a delegation and the delegate's answer by mail, then convert", delegation, NULL);
    DeleteFileA(DELEGATION_EML);
    DeleteFileA(DELEGATE_EML);
}

#define FAULT_MSG "test_faults.msg"

/* Writes the series (with an exception attachment) over FAULT_MSG and
 * reads it back: the file is the old one or the new one, never half. */
static HRESULT write_and_read(void *ctx, char *error, char **output)
{
    const struct mapi_message *message = ctx;
    struct mapi_message back;
    HRESULT hr = msgfile_write(FAULT_MSG, message, error);
    char read_error[MSGFILE_ERROR_SIZE];
    struct fault_pause paused;

    /* whatever happened, the file on disk reads whole (the check neither
     * failed nor counted) */
    fault_pause(&paused);
    if (FAILED(msgfile_read(FAULT_MSG, &back, read_error)))
        return errmsg_format(error, E_FAIL, "the file is not whole after '%s': %s", error, read_error);
    mapi_message_clear(&back);
    fault_resume(&paused);
    if (SUCCEEDED(hr))
    {
        hr = msgfile_read(FAULT_MSG, &back, error);
        if (SUCCEEDED(hr))
        {
            /* what was read, as text (the attachments counted) */
            FILE *out = open_memstream(output, &(size_t){0});
            if (!out || msgtext_write(out, &back) == E_OUTOFMEMORY)
                hr = errmsg_format(error, E_OUTOFMEMORY, "msg dump: " ERRMSG_OOM);
            if (out) fclose(out);
            mapi_message_clear(&back);
        }
    }
    return hr;
}

/* The sample of every value type read from its text, then written and
 * read back as write_and_read does. */
static HRESULT text_written_and_read(void *ctx, char *error, char **output)
{
    struct mapi_message message;
    HRESULT hr = msgtext_parse(sample_text, "sample", &message, error);

    (void)ctx;
    if (FAILED(hr)) return hr;
    hr = write_and_read(&message, error, output);
    mapi_message_clear(&message);
    return hr;
}

static void a_msg_written_and_read_survives_every_fault(void **state)
{
    struct mapi_message series;
    struct imip_reply r;
    struct imip_change change;
    char error[ERRMSG_SIZE];
    (void)state;

    make_series(&series);
    assert_int_equal(imipreply_parse(instance_reply, strlen(instance_reply), "i.ics", &r, error), S_OK);
    assert_int_equal(imipreply_apply(&series, &r, &change, error), S_OK);
    imipreply_clear(&r);
    assert_int_equal(msgfile_write(FAULT_MSG, &series, error), S_OK);
    every_call_fails_once(FAULT_ALLOCATION, "msg write and read", write_and_read, &series);
    every_call_fails_once(FAULT_IO, "msg write and read", write_and_read, &series);
    every_call_fails_once(FAULT_INTERRUPT, "msg write and read", write_and_read, &series);
    every_call_fails_once(FAULT_READ, "msg write and read", write_and_read, &series);
    mapi_message_clear(&series);
    every_call_fails_once(FAULT_ALLOCATION, "text of every type, then msg write and read", text_written_and_read, NULL);
    every_call_fails_once(FAULT_IO, "text of every type, then msg write and read", text_written_and_read, NULL);
    DeleteFileA(FAULT_MSG);
}

/* The server folder of the queue tests: in memory (/dev/shm) where the
 * machine has it, since each of the thousands of runs flushes to disk
 * (what a run writes and how is the same there: only fsync is free), else
 * beside the test. */
static char fault_server[64], fault_queue[96], fault_drop[128], fault_ndr[160], fault_delay[160];

static void choose_fault_server(void)
{
    if (GetFileAttributesA("Z:\\dev\\shm") & FILE_ATTRIBUTE_DIRECTORY &&
        GetFileAttributesA("Z:\\dev\\shm") != INVALID_FILE_ATTRIBUTES)
        /* the host's process id: Wine's are a wineserver's own, and two
         * runs of the tests on one machine (two lanes, two checkouts)
         * would share a folder and its lock */
        snprintf(fault_server, sizeof(fault_server), "/dev/shm/trackfix-faults-%08u", (unsigned)getpid());
    else
        snprintf(fault_server, sizeof(fault_server), "test_faults-server");
    snprintf(fault_queue, sizeof(fault_queue), "%s/queue", fault_server);
    snprintf(fault_drop, sizeof(fault_drop), "%s/drop/00000001.eml", fault_server);
    snprintf(fault_delay, sizeof(fault_delay), "%s/mailboxes/olivia@contoso.example/00000001.delay.eml", fault_server);
    snprintf(fault_ndr, sizeof(fault_ndr), "%s/mailboxes/olivia@contoso.example/00000001.ndr.eml", fault_server);
}
#define T_SUBMIT 128306232000000000ULL /* 2007-08-03T14:00:00Z */

static void ignore_line(void *ctx, ULONGLONG when, const struct queue_entry *entry, const char *what)
{
    (void)ctx, (void)when, (void)entry, (void)what;
}

/* Says in OUT whether the message file PATH (WHAT names it) is whole: it
 * ends with its closing MIME boundary. */
static void say_whole(FILE *out, const char *what, const char *path)
{
    char tail[64] = "";
    size_t got;
    FILE *in = hostfs_fopen_read(path);

    if (!in) return;
    fseek(in, -(long)(sizeof(tail) - 1), SEEK_END);
    got = fread(tail, 1, sizeof(tail) - 1, in);
    tail[got] = 0;
    fprintf(out, "%s: %s\n", what, strstr(tail, "--\r\n") && got == sizeof(tail) - 1 ? "a whole message" : "cut");
    fclose(in);
}

/* What the queue holds: each message's id and state, and whether the
 * drop file, the delay notice and the NDR are whole messages (not their
 * text, nor the attempts: a conversion that ran out of memory is an
 * attempt that failed, retried as any other, and the retry's Date and
 * DTSTAMP are its own). */
static char *queue_picture(void)
{
    struct queue queue;
    struct queue_entry *entries = NULL;
    char error[QUEUE_ERROR_SIZE], *text = NULL, line[64];
    size_t size = 0;
    ULONG count = 0, i;
    FILE *out = open_memstream(&text, &size);

    assert_int_equal(queue_open(fault_queue, TRUE, &queue, error), S_OK);
    assert_int_equal(queue_list(&queue, &entries, &count, error), S_OK);
    for (i = 0; i < count; i++)
    {
        snprintf(line, sizeof(line), "%s %s\n", entries[i].id, queue_state_name(entries[i].state));
        fputs(line, out);
    }
    queue_entries_free(entries, count);
    queue_close(&queue);
    say_whole(out, "drop", fault_drop);
    say_whole(out, "delay notice", fault_delay);
    say_whole(out, "NDR", fault_ndr);
    fclose(out);
    return text;
}

/* How a queue test runs: the policy's fix (1 on, 0 off, -1 the gate), its
 * retry, delay and expiry minutes (0: Exchange's), for how many hours. */
struct queue_case
{
    int fix;
    ULONG retry, delay, expire, hours;
};

static void case_policy(const struct queue_case *c, struct queue_policy *policy)
{
    queue_policy_default(policy);
    /* one thread: the calls are counted without a lock (faults.h) */
    policy->convert_ahead = FALSE;
    policy->fix = c->fix;
    if (c->retry) policy->retry_minutes[0] = c->retry, policy->retry_count = 1;
    if (c->delay) policy->delay_minutes = c->delay;
    if (c->expire) policy->expire_minutes = c->expire;
}

/* Submits the series' .msg to a fresh queue and runs it as the case CTX
 * says.  Its output: what the queue then holds, after a clean run that
 * finishes what the faulted one left: a message whose submission failed
 * is not there, any other is delivered once, whole. */
static HRESULT submit_and_run(void *ctx, char *error, char **output)
{
    const struct queue_case *c = ctx;
    const ULONGLONG until = T_SUBMIT + c->hours * 60 * SYSTIME_TICKS_PER_MINUTE;
    struct queue_policy policy;
    struct queue queue;
    char id[QUEUE_ID_SIZE];
    struct fault_pause paused;
    HRESULT hr;

    /* the test's own clearing, neither failed nor counted */
    fault_pause(&paused);
    hostfs_remove_tree(fault_server);
    fault_resume(&paused);
    case_policy(c, &policy);
    if (SUCCEEDED(hr = queue_open(fault_queue, TRUE, &queue, error)))
    {
        if (SUCCEEDED(hr = queue_submit(&queue, FAULT_MSG, T_SUBMIT, id, error)))
            hr = queue_run(&queue, &policy, T_SUBMIT, until, ignore_line, NULL, error);
        queue_close(&queue);
    }
    /* the accounting after the fault: a clean run finishes the job (its
     * calls not counted) */
    fault_pause(&paused);
    {
        struct queue again;
        char again_error[QUEUE_ERROR_SIZE];
        assert_int_equal(queue_open(fault_queue, TRUE, &again, again_error), S_OK);
        if (queue_run(&again, &policy, T_SUBMIT, until, ignore_line, NULL, again_error) != S_OK)
            fail_msg("the clean run after call %d failed: %s (the faulted run: %#x %s)", paused.fail_at, again_error,
                     (unsigned)hr, error);
        queue_close(&again);
    }
    *output = queue_picture();
    fault_resume(&paused);
    /* a submission that failed leaves nothing; one that went in is delivered */
    if (FAILED(hr) && strstr(*output, "queued")) fail_msg("a message stayed queued after the clean run:\n%s", *output);
    return hr;
}

/* The page of the queue left in the fault folder.  A history that cannot
 * be read is said on the page, in the message's row ("no history: ..."),
 * and the rest drawn: that counts as the error said. */
static HRESULT report_page(void *ctx, char *error, char **output)
{
    struct queuereport_figures figures;
    struct strbuf page = {0};
    struct queue queue;
    const char *said;
    HRESULT hr;

    (void)ctx;
    if (FAILED(hr = queue_open(fault_queue, FALSE, &queue, error))) return hr;
    if (SUCCEEDED(hr = queuereport_build(&queue, &page, &figures, error)) && !(*output = strbuf_detach(&page)))
        hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    if (SUCCEEDED(hr) && (said = strstr(*output, "no history: cannot read the history")))
    {
        hr = errmsg_format(error, HRESULT_FROM_WIN32(ERROR_READ_FAULT), "the page says: %.120s", said);
        free(*output);
        *output = NULL;
    }
    strbuf_free(&page);
    queue_close(&queue);
    return hr;
}

/* The scan's page of the report CTX. */
static HRESULT scan_page(void *ctx, char *error, char **output)
{
    static const struct scanpage_counts counts = {3, 1, 0, SYSTIME_PATH_LEGACY};
    struct strbuf page = {0};
    HRESULT hr = scanpage_build(ctx, &counts, &page);

    if (SUCCEEDED(hr) && !(*output = strbuf_detach(&page))) hr = E_OUTOFMEMORY;
    if (FAILED(hr)) errmsg_format(error, hr, "scan page: " ERRMSG_OOM);
    strbuf_free(&page);
    return hr;
}

static void the_pages_survive_every_failed_allocation(void **state)
{
    static struct queue_case toggled = {0, 60, 60, 120, 3};
    struct mapi_message messages[2];
    struct scan_report report = {0};
    char error[ERRMSG_SIZE], *output = NULL;
    int i;
    (void)state;

    /* a queue that went to the NDR, its history whole */
    choose_fault_server();
    make_series(&messages[0]);
    assert_int_equal(msgfile_write(FAULT_MSG, &messages[0], error), S_OK);
    assert_int_equal(submit_and_run(&toggled, error, &output), S_OK);
    free(output);
    every_call_fails_once(FAULT_ALLOCATION, "queue report", report_page, NULL);
    every_call_fails_once(FAULT_READ, "queue report", report_page, NULL);
    hostfs_remove_tree(fault_server);
    DeleteFileA(FAULT_MSG);

    if (FAILED(msgtext_parse(short_id_request, "request", &messages[1], error))) fail_msg("%s", error);
    for (i = 0; i < 2; i++)
    {
        struct scan_item item;
        assert_int_equal(scan_item_evaluate(&messages[i], i ? "b.msg" : "a.msg", 133180848000000000ULL, &item), S_OK);
        assert_true(scan_report_add(&report, i ? "b.msg" : "a.msg", &item, TRUE));
        scan_item_clear(&item);
    }
    scan_report_sort(&report);
    every_call_fails_once(FAULT_ALLOCATION, "scan page", scan_page, &report);
    scan_report_free(&report);
    mapi_message_clear(&messages[0]);
    mapi_message_clear(&messages[1]);
}

static void the_queue_survives_every_fault(void **state)
{
    /* an hour with the fix on; the same through the gate; the fix off
     * until the NDR: retries every 60 minutes, the delay notice at 60,
     * expiry at 120, each failure logged as event 327 */
    static struct queue_case on = {1, 0, 0, 0, 1}, gate = {-1, 0, 0, 0, 1}, off = {0, 60, 60, 120, 3};
    struct mapi_message series;
    char error[ERRMSG_SIZE], server_error[SERVER_TEXT_SIZE];
    (void)state;

    choose_fault_server();
    make_series(&series);
    assert_int_equal(msgfile_write(FAULT_MSG, &series, error), S_OK);
    mapi_message_clear(&series);
    every_call_fails_once(FAULT_ALLOCATION, "queue submit and run", submit_and_run, &on);
    every_call_fails_once(FAULT_IO, "queue submit and run", submit_and_run, &on);
    every_call_fails_once(FAULT_INTERRUPT, "queue submit and run", submit_and_run, &on);
    every_call_fails_once(FAULT_READ, "queue submit and run", submit_and_run, &on);
    /* through the gate: the registry says the fix is on, but for the call
     * that fails, which reads as off (a failed attempt, retried) */
    assert_int_equal(server_init(7638, 5, server_error), S_OK);
    assert_int_equal(server_install_hotfix(gate_reader_registry(), "20070801", server_error), S_OK);
    assert_int_equal(server_set_fix_value(1, server_error), S_OK);
    every_call_fails_once(FAULT_REGISTRY, "queue submit and run through the gate", submit_and_run, &gate);
    every_call_fails_once(FAULT_ALLOCATION, "queue submit and run to the NDR", submit_and_run, &off);
    every_call_fails_once(FAULT_IO, "queue submit and run to the NDR", submit_and_run, &off);
    every_call_fails_once(FAULT_READ, "queue submit and run to the NDR", submit_and_run, &off);
    hostfs_remove_tree(fault_server);
    DeleteFileA(FAULT_MSG);
}

/* The KB story with the fix on, played in the fault folder: its narration
 * is the output; a story that did not end as the article says (S_FALSE)
 * for a fault is a wrong answer, not an error said.  A read that failed
 * or an allocation that failed in a delivery attempt is an attempt that
 * failed, retried as any other, and a history that cannot be read is drawn
 * without marks: the story says so, which counts as the error said. */
static void narrate(void *ctx, int step, const char *title, const char *evidence)
{
    strbuf_printf(ctx, "%d. %s\n%s", step, title, evidence);
}

static HRESULT story(void *ctx, char *error, char **output)
{
    struct strbuf told = {0};
    const char *said;
    HRESULT hr;

    (void)ctx;
    hr = scenario_play(fault_server, SCENARIO_ON, narrate, &told, error);
    if (hr == S_FALSE) hr = errmsg_format(error, E_FAIL, "not as the article says: %s", error);
    if (hr == S_OK && told.data && (said = strstr(told.data, "EcGetMime failed 0x8007000e")))
        hr = errmsg_format(error, E_OUTOFMEMORY, "the story says: out of memory: %.80s", said);
    else if (hr == S_OK && told.data &&
             ((said = strstr(told.data, "EcGetMime failed 0x8007001e")) || (said = strstr(told.data, "a history could not be read"))))
        hr = errmsg_format(error, HRESULT_FROM_WIN32(ERROR_READ_FAULT), "the story says: %.80s", said);
    if (hr == S_OK && !(*output = strbuf_detach(&told))) hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    strbuf_free(&told);
    return hr;
}

/* On a file system without renameat2's flags or folder flushes, a .msg
 * and the queue's hour (submit, run, delivery, history) come out as they
 * do elsewhere, and their writes still fail cleanly. */
static void a_plain_file_system_gives_the_same_results(void **state)
{
    static struct queue_case on = {1, 0, 0, 0, 1};
    struct mapi_message series;
    char error[ERRMSG_SIZE], *elsewhere[2] = {NULL, NULL}, *plain[2] = {NULL, NULL};
    int i;
    (void)state;

    choose_fault_server();
    make_series(&series);
    for (i = 0; i < 2; i++)
    {
        char *first = NULL;

        /* written anew, then over the old file */
        fault_plain_file_system = i == 1;
        DeleteFileA(FAULT_MSG);
        assert_int_equal(write_and_read(&series, error, &first), S_OK);
        free(first);
        assert_int_equal(write_and_read(&series, error, i ? &plain[0] : &elsewhere[0]), S_OK);
        assert_int_equal(submit_and_run(&on, error, i ? &plain[1] : &elsewhere[1]), S_OK);
    }
    assert_string_equal(plain[0], elsewhere[0]);
    assert_string_equal(plain[1], elsewhere[1]);
    every_call_fails_once(FAULT_IO, "queue submit and run, plain file system", submit_and_run, &on);
    fault_plain_file_system = FALSE;
    for (i = 0; i < 2; i++) free(plain[i]), free(elsewhere[i]);
    mapi_message_clear(&series);
    hostfs_remove_tree(fault_server);
    DeleteFileA(FAULT_MSG);
}

static void the_story_survives_every_fault(void **state)
{
    (void)state;
    choose_fault_server();
    /* its 1,944 allocations take some 15 s: make check's run; make test's
     * fails the first of each call path */
    if (getenv("TRACKFIX_FAULTS_ALL")) every_call_fails_once(FAULT_ALLOCATION, "the KB story, fix on", story, NULL);
    else first_call_of_each_path_fails(FAULT_ALLOCATION, "the KB story, fix on", story, NULL);
    every_call_fails_once(FAULT_IO, "the KB story, fix on", story, NULL);
    every_call_fails_once(FAULT_INTERRUPT, "the KB story, fix on", story, NULL);
    every_call_fails_once(FAULT_READ, "the KB story, fix on", story, NULL);
    /* not the registry: a read that fails in a run is a value seen
     * "unreadable", which the story's picture draws as a change of the
     * switch; the queue's runs through the gate are failed above */
    hostfs_remove_tree(fault_server);
}

static void count_entry(const char *dn, const char *address, void *context)
{
    (void)dn, (void)address;
    ++*(ULONG *)context;
}

/* The simulated server provisioned as `server init`, `hotfix install` and
 * `enable` and `server directory add` do it, then read back through the
 * gate and the directory: what was read is the output; a value that could
 * not be read back is said (the gate's warning). */
static HRESULT provision(void *ctx, char *error, char **output)
{
    struct gate_status gate;
    struct strbuf out = {0};
    ULONG entries = 0, visited = 0;
    char *address = NULL;
    HRESULT hr;

    (void)ctx;
    if (FAILED(hr = server_init(7638, 5, error)) ||
        FAILED(hr = server_install_hotfix(gate_reader_registry(), "20070801", error)) ||
        FAILED(hr = server_set_fix_value(1, error)) || FAILED(hr = directory_add(ZED_DN, "zed@tailspin.example", error)))
        return hr;
    gate_read(gate_reader_registry(), &gate);
    if (gate.warning[0]) return errmsg_format(error, E_FAIL, "the gate says: %s", gate.warning);
    if (FAILED(hr = directory_read(ZED_DN, &address)))
        return errmsg_format(error, hr, "the directory: %s", hr == E_OUTOFMEMORY ? ERRMSG_OOM : "cannot be read");
    if (FAILED(hr = directory_each(count_entry, &visited, &entries)))
        hr = errmsg_format(error, hr, "the directory's entries: %s", hr == E_OUTOFMEMORY ? ERRMSG_OOM : "cannot be read");
    else if (strbuf_printf(&out, "fix active %d; %s; %u entries, %u visited\n", gate.active, address ? address : "(none)",
                           entries, visited), !(*output = strbuf_detach(&out)))
        hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    strbuf_free(&out);
    free(address);
    return hr;
}

static void provisioning_survives_every_fault(void **state)
{
    char error[SERVER_TEXT_SIZE];
    (void)state;

    RegDeleteTreeA(HKEY_LOCAL_MACHINE, DIRECTORY_KEY);
    every_call_fails_once(FAULT_REGISTRY, "provisioning, read back", provision, NULL);
    every_call_fails_once(FAULT_ALLOCATION, "provisioning, read back", provision, NULL);
    RegDeleteTreeA(HKEY_LOCAL_MACHINE, DIRECTORY_KEY);
    assert_true(SUCCEEDED(server_uninstall_hotfix(error)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(conversion_survives_every_failed_allocation),
        cmocka_unit_test(the_scan_survives_every_failed_allocation),
        cmocka_unit_test(a_reply_to_one_instance_survives_every_failed_allocation),
        cmocka_unit_test(a_delegation_by_mail_survives_every_fault),
        cmocka_unit_test(a_msg_written_and_read_survives_every_fault),
        cmocka_unit_test(the_queue_survives_every_fault),
        cmocka_unit_test(the_pages_survive_every_failed_allocation),
        cmocka_unit_test(a_plain_file_system_gives_the_same_results),
        cmocka_unit_test(the_story_survives_every_fault),
        cmocka_unit_test(provisioning_survives_every_fault),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("faults", tests, NULL, NULL));
}
