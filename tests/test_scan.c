/*
 * Unit tests of hotfix/scan's report: records grouped by organizer and by
 * series, each meeting counted once and at risk once, distinct attendees
 * (an address in any case) and domains, the worst track time at the edges
 * of what the legacy path converts, and which meetings are named.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cmocka_wine.h"
#include "msgtext.h"
#include "scan.h"
#include "systime.h"

#define SAMPLE TEST_SOURCE_DIR "/data/update-1601.txt"

/* A scan_item for the report: ORGANIZER's meeting SERIES (NULL: none),
 * one instance when EXCEPTION is set, and the rows "address@time"
 * (address may be "Name" alone) of ROWS, NULL-ended. */
static void add(struct scan_report *report, const char *file, enum scan_kind kind, enum scan_status status,
                BOOL at_risk, const char *organizer, const char *series, const char *exception, const char *subject,
                const ULONGLONG *times, const char *const *addresses)
{
    struct scan_item item;
    ULONG i;

    memset(&item, 0, sizeof(item));
    item.kind = kind;
    item.status = status;
    item.organizer = organizer ? strdup(organizer) : NULL;
    item.series = series ? strdup(series) : NULL;
    item.subject = subject ? strdup(subject) : NULL;
    if (exception) snprintf(item.exception, sizeof(item.exception), "%s", exception);
    for (i = 0; addresses && addresses[i]; i++) continue;
    item.row_count = i;
    item.rows = i ? calloc(i, sizeof(*item.rows)) : NULL;
    for (i = 0; i < item.row_count; i++)
    {
        item.rows[i].row = i + 2;
        /* "" is a row with neither name nor address */
        if (strchr(addresses[i], '@')) item.rows[i].address = strdup(addresses[i]);
        else if (*addresses[i]) item.rows[i].name = strdup(addresses[i]);
        item.rows[i].time = times[i];
    }
    assert_true(scan_report_add(report, file, &item, at_risk));
    assert_null(item.rows); /* taken */
    scan_item_clear(&item);
}

#define T1601 0ULL
#define T1850 (SYSTIME_OLE_EPOCH - 49ULL * 365 * 86400 * 10000000) /* before 1899-12-30 */
#define T2007 128305152000000000ULL

static void meetings_are_grouped_and_counted_once(void **state)
{
    static const char *const adam[] = {"Adam@Fabrikam.example", NULL}, *const adam_lower[] = {"adam@fabrikam.example", NULL};
    static const char *const two[] = {"bea@tailspin.example", "Carl", NULL};
    static const ULONGLONG sentinel[] = {T1601}, early[] = {T1850, T1601}, fine[] = {T2007};
    const struct scan_record *end, *olivia_end, *meeting_end;
    struct scan_report report = {0};
    struct scan_tally total = {0}, olivia = {0};
    (void)state;

    /* Olivia: a series (master, two exceptions, one at risk) and a single meeting */
    add(&report, "s-master.msg", SCAN_APPOINTMENT, SCAN_CONVERTS, FALSE, "olivia@contoso.example", "AAA", NULL,
        "Weekly", fine, NULL);
    add(&report, "s-0113.msg", SCAN_REQUEST, SCAN_NEEDS_FIX, TRUE, "olivia@contoso.example", "AAA", "2023-01-13",
        "Weekly (moved)", sentinel, adam);
    add(&report, "s-0120.msg", SCAN_REQUEST, SCAN_NEEDS_FIX, TRUE, "olivia@contoso.example", "AAA", "2023-01-20",
        NULL, sentinel, adam_lower);
    add(&report, "single.msg", SCAN_CANCELLATION, SCAN_FAILS_BOTH, TRUE, "olivia@contoso.example", "BBB", NULL,
        "Lunch", early, two);
    /* no organizer address, no series: a meeting of its own each */
    add(&report, "x.msg", SCAN_REQUEST, SCAN_CONVERTS, FALSE, NULL, NULL, NULL, "X", NULL, NULL);
    add(&report, "y.msg", SCAN_REQUEST, SCAN_CONVERTS, FALSE, NULL, NULL, NULL, "Y", NULL, NULL);
    scan_report_sort(&report);
    end = report.records + report.count;

    assert_string_equal(report.records[0].organizer, "(no organizer address)");
    assert_string_equal(report.records[0].series, "x.msg");
    assert_ptr_equal(scan_group_end(report.records, end, TRUE), report.records + 1);
    olivia_end = scan_group_end(report.records + 2, end, FALSE);
    assert_ptr_equal(olivia_end, end);
    /* the series sorts by exception date, its master first */
    assert_string_equal(report.records[2].file, "s-master.msg");
    assert_string_equal(report.records[3].exception, "2023-01-13");
    meeting_end = scan_group_end(report.records + 2, olivia_end, TRUE);
    assert_ptr_equal(meeting_end, report.records + 5);
    assert_string_equal(scan_meeting_subject(report.records + 2, meeting_end), "Weekly");
    assert_true(scan_worth_naming(report.records + 2, meeting_end));
    assert_false(scan_worth_naming(report.records, report.records + 1));

    assert_true(scan_tally_meeting(&olivia, report.records + 2, meeting_end));
    assert_true(scan_tally_meeting(&olivia, meeting_end, olivia_end));
    assert_int_equal(olivia.meetings, 2);
    assert_int_equal(olivia.at_risk, 2);     /* the series once, for two exceptions */
    assert_int_equal(olivia.attendees.count, 3); /* Adam once in any case, Bea, Carl by name */
    assert_string_equal(olivia.attendees.names[0], "Carl");
    assert_string_equal(olivia.attendees.names[1], "adam@fabrikam.example");
    assert_int_equal(olivia.domains.count, 2); /* in any case, one domain */
    assert_string_equal(olivia.domains.names[0], "fabrikam.example");
    assert_true(olivia.has_worst);
    assert_int_equal(olivia.worst, T1601);   /* farther out than 1850 */

    assert_true(scan_report_total(&report, &total));
    assert_int_equal(total.meetings, 4);
    assert_int_equal(total.at_risk, 2);
    scan_tally_free(&olivia);
    scan_tally_free(&total);
    scan_report_free(&report);
}

/* The worst time is the one farthest outside what the legacy path takes:
 * each edge, a tick inside and a tick outside. */
static void the_worst_time_is_the_farthest_out(void **state)
{
    static const struct
    {
        int line;
        ULONGLONG a, b, worst;
    } rows[] = {
        {__LINE__, T2007, T1601, T1601},
        {__LINE__, SYSTIME_OLE_EPOCH, SYSTIME_OLE_EPOCH - 1, SYSTIME_OLE_EPOCH - 1},
        {__LINE__, SYSTIME_OLE_EPOCH - 2, SYSTIME_OLE_EPOCH - 1, SYSTIME_OLE_EPOCH - 2},
        {__LINE__, T1601 + 1, T1601, T1601},
        {__LINE__, ~0ULL, T1601, ~0ULL},
    };
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(rows); i++)
    {
        static const char *const people[] = {"a@x.example", "b@y.example", NULL};
        ULONGLONG times[2] = {rows[i].a, rows[i].b};
        struct scan_report report = {0};
        struct scan_tally t = {0};

        add(&report, "m.msg", SCAN_REQUEST, SCAN_NEEDS_FIX, TRUE, "o@x.example", "S", NULL, "M", times, people);
        assert_true(scan_report_total(&report, &t));
        _assert_int_equal(t.worst, rows[i].worst, __FILE__, rows[i].line);
        scan_tally_free(&t);
        scan_report_free(&report);
    }
}

/* The sample update (Olivia to Adam, track time 1601) with each line of
 * EDITS[2k] replaced by EDITS[2k+1] (NULL: removed), as MESSAGE. */
static void parse_edited(const char *const *edits, size_t count, struct mapi_message *message)
{
    char text[8192], error[ERRMSG_SIZE], *at;
    FILE *in = fopen(SAMPLE, "rb");
    size_t size, k;

    assert_non_null(in);
    size = fread(text, 1, sizeof(text) - 1, in);
    fclose(in);
    text[size] = 0;
    for (k = 0; k + 1 < count; k += 2)
    {
        size_t old = strlen(edits[k]), new = edits[k + 1] ? strlen(edits[k + 1]) : 0;
        if (!(at = strstr(text, edits[k]))) fail_msg("no line '%s' in the sample", edits[k]);
        memmove(at + new, at + old, strlen(at + old) + 1);
        if (new) memcpy(at, edits[k + 1], new);
    }
    if (FAILED(msgtext_parse(text, "edited", message, error))) fail_msg("%s", error);
}

/* The edited sample evaluated into ITEM. */
static void evaluate_edited(const char *const *edits, size_t count, struct scan_item *item)
{
    struct mapi_message message;

    parse_edited(edits, count, &message);
    assert_int_equal(scan_item_evaluate(&message, "edited.msg", T2007, item), S_OK);
    mapi_message_clear(&message);
}

#define GOID_LINE "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e00800000000"

static void an_item_is_judged_from_its_id_rows_and_organizer(void **state)
{
    static const struct
    {
        int line;
        const char *date;      /* the GOID's instance date bytes */
        const char *exception; /* as the item names it */
    } dates[] = {
        {__LINE__, "00000000", ""},
        {__LINE__, "07d7080a", "2007-08-10"},
        {__LINE__, "00ff0000", "0255-00-00"},
        {__LINE__, "00000800", "0000-08-00"},
        {__LINE__, "00000001", "0000-00-01"},
    };
    struct scan_item item, whole;
    char line[128];
    size_t i;
    (void)state;

    /* the instance date names the exception; the series id is the same */
    evaluate_edited(NULL, 0, &whole);
    assert_int_equal(whole.status, SCAN_NEEDS_FIX);
    assert_int_equal(whole.row_count, 1);
    assert_string_equal(whole.organizer, "olivia@contoso.example");
    for (i = 0; i < ARRAYSIZE(dates); i++)
    {
        const char *edit[2] = {GOID_LINE, line};
        snprintf(line, sizeof(line), "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e008%s", dates[i].date);
        evaluate_edited(edit, 2, &item);
        _assert_string_equal(item.exception, dates[i].exception, __FILE__, dates[i].line);
        _assert_string_equal(item.series, whole.series, __FILE__, dates[i].line);
        scan_item_clear(&item);
    }
    /* a GOID too short for an instance date is its own id; none: no id */
    {
        static const char *const short_id[] = {
            "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e0080000000000a1c7a3f9d3c7010000000000000000100000009d1f7a5e3c2b4a1d8e6f0a1b2c3d4e5f",
            "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e0"};
        const char *no_id[] = {
            "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e0080000000000a1c7a3f9d3c7010000000000000000100000009d1f7a5e3c2b4a1d8e6f0a1b2c3d4e5f\n",
            NULL};
        evaluate_edited(short_id, 2, &item);
        assert_non_null(item.series);
        assert_string_equal(item.exception, "");
        scan_item_clear(&item);
        evaluate_edited(no_id, 2, &item);
        assert_null(item.series);
        scan_item_clear(&item);
        no_id[1] = "PidLidGlobalObjectId = \n";
        evaluate_edited(no_id, 2, &item);
        assert_null(item.series);
        scan_item_clear(&item);
    }
    /* an id with no value at all: none */
    {
        static const char *const no_id[] = {
            "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e0080000000000a1c7a3f9d3c7010000000000000000100000009d1f7a5e3c2b4a1d8e6f0a1b2c3d4e5f\n",
            NULL};
        struct mapi_message message;

        parse_edited(no_id, 2, &message);
        assert_non_null(mapi_propset_obtain_lid(&message.props, LID_GLOBAL_OBJECT_ID));
        assert_int_equal(scan_item_evaluate(&message, "no-id.msg", T2007, &item), S_OK);
        assert_null(item.series);
        scan_item_clear(&item);
        mapi_message_clear(&message);
    }
    /* a track time without a track status is no reply, nor a status
     * without a time: not at risk */
    {
        static const char *const no_status[] = {"PR_RECIPIENT_TRACKSTATUS = 3\n", NULL};
        static const char *const no_time[] = {"PR_RECIPIENT_TRACKSTATUS_TIME = 1601-01-01T00:00:00Z\n", NULL};
        evaluate_edited(no_status, 2, &item);
        assert_int_equal(item.row_count, 0);
        scan_item_clear(&item);
        evaluate_edited(no_time, 2, &item);
        assert_int_equal(item.row_count, 0);
        scan_item_clear(&item);
    }
    /* no row flagged the organizer's: the sender is, and every row an attendee */
    {
        static const char *const no_organizer[] = {"PR_RECIPIENT_FLAGS = 3", "PR_RECIPIENT_FLAGS = 1"};
        evaluate_edited(no_organizer, 2, &item);
        assert_string_equal(item.organizer, "olivia@contoso.example");
        assert_int_equal(item.attendees, 2);
        scan_item_clear(&item);
    }
    /* an organizer row without an SMTP address: the sender's */
    {
        static const char *const ex_organizer[] = {
            "PR_ADDRTYPE = \"SMTP\"\nPR_EMAIL_ADDRESS = \"olivia@contoso.example\"\nPR_SMTP_ADDRESS = \"olivia@contoso.example\"\n",
            "PR_ADDRTYPE = \"EX\"\nPR_EMAIL_ADDRESS = \"/o=Contoso/cn=olivia\"\n",
            "PR_SENDER_EMAIL_ADDRESS = \"olivia@contoso.example\"", "PR_SENDER_EMAIL_ADDRESS = \"sender@contoso.example\"",
            "PR_SENT_REPRESENTING_EMAIL_ADDRESS = \"olivia@contoso.example\"",
            "PR_SENT_REPRESENTING_EMAIL_ADDRESS = \"sender@contoso.example\""};
        evaluate_edited(ex_organizer, 6, &item);
        assert_string_equal(item.organizer, "sender@contoso.example");
        scan_item_clear(&item);
    }
    scan_item_clear(&whole);
}

/* A meeting without a subject anywhere is named by ""; an attendee with
 * neither name nor address is one attendee, named by "". */
static void a_meeting_without_subject_or_names_is_still_counted(void **state)
{
    static const char *const nobody[] = {"", NULL};
    static const ULONGLONG sentinel[] = {T1601};
    const struct scan_record *end;
    struct scan_report report = {0};
    struct scan_tally t = {0};
    (void)state;

    add(&report, "a.msg", SCAN_REQUEST, SCAN_NEEDS_FIX, TRUE, "o@x.example", "S", NULL, NULL, sentinel, nobody);
    add(&report, "b.msg", SCAN_CANCELLATION, SCAN_FAILS_BOTH, FALSE, "o@x.example", "S", NULL, NULL, NULL, NULL);
    /* converts, not at risk, but a row the legacy path refuses: named */
    add(&report, "c.msg", SCAN_REQUEST, SCAN_CONVERTS, FALSE, "p@x.example", "T", NULL, "Request", sentinel, nobody);
    /* of two subjects the request's names the meeting, not the later cancellation's */
    add(&report, "d.msg", SCAN_CANCELLATION, SCAN_CONVERTS, FALSE, "p@x.example", "T", NULL, "Canceled", NULL, NULL);
    /* a later item's subject where the first has none */
    add(&report, "e.msg", SCAN_REQUEST, SCAN_CONVERTS, FALSE, "q@x.example", "U", NULL, NULL, NULL, NULL);
    add(&report, "f.msg", SCAN_CANCELLATION, SCAN_CONVERTS, FALSE, "q@x.example", "U", NULL, "Late", NULL, NULL);
    scan_report_sort(&report);
    end = report.records + 2;
    assert_string_equal(scan_meeting_subject(report.records, end), "");
    assert_true(scan_worth_naming(report.records + 1, end));
    assert_true(scan_worth_naming(report.records + 2, report.records + 3));
    assert_false(scan_worth_naming(report.records + 3, report.records + 4));
    assert_string_equal(scan_meeting_subject(report.records + 2, report.records + 4), "Request");
    assert_string_equal(scan_meeting_subject(report.records + 4, report.records + 6), "Late");
    assert_true(scan_report_total(&report, &t));
    assert_int_equal(t.meetings, 3);
    assert_int_equal(t.attendees.count, 1);
    assert_string_equal(t.attendees.names[0], "");
    assert_int_equal(t.domains.count, 0);
    scan_tally_free(&t);
    scan_report_free(&report);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(meetings_are_grouped_and_counted_once),
        cmocka_unit_test(the_worst_time_is_the_farthest_out),
        cmocka_unit_test(an_item_is_judged_from_its_id_rows_and_organizer),
        cmocka_unit_test(a_meeting_without_subject_or_names_is_still_counted),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("scan", tests, NULL, NULL));
}
