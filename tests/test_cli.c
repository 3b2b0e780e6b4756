/*
 * The verbs run in this process as trackfix runs them (verbrun.h), each
 * command line with its exit code and what it prints: the server verbs
 * (hotfix, server, time, eventlog), the queue's and msg's actions, the
 * story told as JSON, their refusals and usage errors.  As end-to-end
 * checks these many small cases would cost a Wine start each.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <windows.h>

#include "cmocka_wine.h"
#include "cli.h"
#include "directory.h"
#include "exitcode.h"
#include "msgfile.h"
#include "msgtext.h"
#include "server.h"
#include "textmsg.h"
#include "verbrun.h"

/* Unit tests run in build/ */
#define OUT_FILE "test_cli.out"
#define EVENT_LOG "test_cli-eventlog.log"

/* Runs VERB with the words of LINE, what it prints into *PRINTED (caller
 * frees); the exit code. */
static int run(verb_fn verb, const char *line, char **printed)
{
    return verbrun_run(verb, line, OUT_FILE, printed);
}

struct verb_row
{
    int line;
    verb_fn verb;
    const char *command;
    int status;
    const char *printed; /* a part of what it prints */
};

static void check_rows(const struct verb_row *rows, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++)
    {
        char *printed;
        int status = run(rows[i].verb, rows[i].command, &printed);

        if (status != rows[i].status || !strstr(printed, rows[i].printed))
        {
            print_error("'%s': status %d, printed:\n%s\n", rows[i].command, status, printed);
            _fail(__FILE__, rows[i].line);
        }
        free(printed);
    }
    DeleteFileA(OUT_FILE);
}

/* The hotfix's life: refused before SP2, installed, enabled, disabled,
 * uninstalled twice; its status at each step; usage errors. */
static void the_hotfix_verb_installs_enables_and_refuses(void **state)
{
    static const struct verb_row rows[] = {
        {__LINE__, cmd_server, "server init --build=6944", EXIT_OK, "build 6944) provisioned"},
        {__LINE__, cmd_hotfix, "hotfix install", EXIT_ERROR, "hotfix install refused: KB938650 requires"},
        {__LINE__, cmd_server, "server init --diagnostics=3", EXIT_OK, "build 7638) provisioned; 'Exchange Store Driver' diagnostics level 3"},
        {__LINE__, cmd_hotfix, "hotfix uninstall", EXIT_OK, "KB938650 was not installed"},
        {__LINE__, cmd_hotfix, "hotfix status", EXIT_OK, "KB938650 installed: no"},
        {__LINE__, cmd_hotfix, "hotfix install", EXIT_OK, "KB938650 installed; create FixRecipientTrackStatusTime"},
        {__LINE__, cmd_hotfix, "hotfix status", EXIT_OK, "FixRecipientTrackStatusTime: REG_DWORD 0\nfix active: no"},
        {__LINE__, cmd_hotfix, "hotfix enable", EXIT_OK, "FixRecipientTrackStatusTime = 1"},
        {__LINE__, cmd_hotfix, "hotfix status", EXIT_OK, "FixRecipientTrackStatusTime: REG_DWORD 1\nfix active: yes"},
        {__LINE__, cmd_time, "time --fix=auto 0", EXIT_OK, "0 1601-01-01T00:00:00Z clamped 18991230T000000Z"},
        {__LINE__, cmd_hotfix, "hotfix disable", EXIT_OK, "FixRecipientTrackStatusTime = 0"},
        {__LINE__, cmd_time, "time --fix=auto 0", EXIT_CONVERT, "0 1601-01-01T00:00:00Z legacy 0x80004005"},
        {__LINE__, cmd_hotfix, "hotfix uninstall", EXIT_OK, "KB938650 uninstalled"},
        {__LINE__, cmd_hotfix, "hotfix", EXIT_USAGE, "hotfix: missing one of status, install, uninstall, enable, disable"},
        {__LINE__, cmd_hotfix, "hotfix enabel", EXIT_USAGE, "hotfix: unknown action 'enabel'; did you mean 'enable'?"},
        {__LINE__, cmd_hotfix, "hotfix status extra", EXIT_USAGE, "unexpected argument 'extra'"},
        {__LINE__, cmd_hotfix, "hotfix xyzzy", EXIT_USAGE, "hotfix: missing one of status, install, uninstall, enable, disable"},
        {__LINE__, cmd_hotfix, "hotfix --help", EXIT_OK, "usage: trackfix hotfix status|install|uninstall|enable|disable"},
    };
    char error[SERVER_TEXT_SIZE];
    (void)state;

    /* from no hotfix and the value 0, whatever an earlier test left */
    assert_true(SUCCEEDED(server_uninstall_hotfix(error)));
    assert_int_equal(server_set_fix_value(0, error), S_OK);
    check_rows(rows, ARRAYSIZE(rows));
}

/* server init and directory: each action, each refusal. */
static void the_server_verb_provisions_and_keeps_the_directory(void **state)
{
    static const struct verb_row rows[] = {
        {__LINE__, cmd_server, "server init", EXIT_OK, "build 7638) provisioned; 'Exchange Store Driver' diagnostics level 5"},
        {__LINE__, cmd_server, "server directory list", EXIT_OK, "the directory is empty"},
        {__LINE__, cmd_server, "server directory add /o=Tailspin/cn=Recipients/cn=zed zed@tailspin.example", EXIT_OK,
         "/o=Tailspin/cn=Recipients/cn=zed -> zed@tailspin.example"},
        {__LINE__, cmd_server, "server directory list", EXIT_OK, "/o=Tailspin/cn=Recipients/cn=zed -> zed@tailspin.example"},
        {__LINE__, cmd_server, "server directory add /o=T/cn=x not-a-mailbox", EXIT_USAGE,
         "server directory add failed: 'not-a-mailbox' is not an RFC 5321 mailbox"},
        {__LINE__, cmd_server, "server directory", EXIT_USAGE, "server directory: missing 'add DN ADDRESS' or 'list'"},
        {__LINE__, cmd_server, "server directory list --build=7638", EXIT_USAGE, "--build does not apply to 'server directory'"},
        {__LINE__, cmd_server, "server directory list --diagnostics=5", EXIT_USAGE, "--diagnostics does not apply to 'server directory'"},
        {__LINE__, cmd_server, "server", EXIT_USAGE, "server: missing 'init' or 'directory'"},
        {__LINE__, cmd_server, "server init --build=many", EXIT_USAGE, "bad value in '--build=many'"},
        {__LINE__, cmd_server, "server init --frob", EXIT_USAGE, "server: unknown option '--frob'"},
        {__LINE__, cmd_server, "server init --buidl=1", EXIT_USAGE, "did you mean '--build'?"},
        {__LINE__, cmd_server, "server directory add /o=T/cn=x", EXIT_USAGE, "server directory: missing 'add DN ADDRESS' or 'list'"},
        {__LINE__, cmd_server, "server directory remove /o=T/cn=x x@y.example", EXIT_USAGE, "missing 'add DN ADDRESS' or 'list'"},
        {__LINE__, cmd_server, "server directory list all", EXIT_USAGE, "missing 'add DN ADDRESS' or 'list'"},
        {__LINE__, cmd_server, "server init now", EXIT_USAGE, "server: missing 'init' or 'directory'"},
        {__LINE__, cmd_server, "server provision", EXIT_USAGE, "server: missing 'init' or 'directory'"},
    };
    (void)state;

    /* from an empty directory, whatever an earlier test left */
    RegDeleteTreeA(HKEY_LOCAL_MACHINE, DIRECTORY_KEY);
    check_rows(rows, ARRAYSIZE(rows));
    RegDeleteTreeA(HKEY_LOCAL_MACHINE, DIRECTORY_KEY);
}

/* time: both paths forced, JSON, values it cannot parse. */
static void the_time_verb_converts_each_value(void **state)
{
    static const struct verb_row rows[] = {
        {__LINE__, cmd_time, "time --fix=on 0x0 --format=json", EXIT_OK,
         "{\"filetime\":0,\"iso\":\"1601-01-01T00:00:00Z\",\"path\":\"clamped\",\"converted\":true,\"datetime\":\"18991230T000000Z\"}"},
        {__LINE__, cmd_time, "time --fix=off 0 --format=json", EXIT_CONVERT, "\"converted\":false,\"hresult\":\"0x80004005\"}"},
        {__LINE__, cmd_time, "time --fix=off 2007-08-01T10:15:00Z", EXIT_OK, "legacy 20070801T101500Z"},
        {__LINE__, cmd_time, "time", EXIT_USAGE, "time: missing VALUE"},
        {__LINE__, cmd_time, "time yesterday", EXIT_USAGE, "cannot parse 'yesterday' as a time"},
        {__LINE__, cmd_time, "time --fix=maybe 0", EXIT_USAGE, "bad value in '--fix=maybe'"},
        {__LINE__, cmd_time, "time --format=xml 0", EXIT_USAGE, "bad value in '--format=xml'"},
    };
    (void)state;
    check_rows(rows, ARRAYSIZE(rows));
}

/* eventlog: a log read whole and from a time on, a log that is not there;
 * lines that are no record (not six fields, no time) passed over; times
 * on Event Viewer's 12-hour clock. */
static void the_eventlog_verb_prints_and_filters(void **state)
{
    static const char log[] =
        "2007-08-03T14:00:00Z\tWarning\tMSExchangeTransport\tExchange Store Driver\t327\tfirst\n"
        "not a record\n"
        "yesterday\tWarning\tMSExchangeTransport\tExchange Store Driver\t327\tno time\n"
        "2007-08-03T14:10:00Z\tWarning\tMSExchangeTransport\tExchange Store Driver\t327\tsecond\n"
        "2007-08-04T00:05:09Z\tWarning\tMSExchangeTransport\tExchange Store Driver\t327\tat midnight\n"
        "2007-08-04T09:05:00Z\tWarning\tMSExchangeTransport\tExchange Store Driver\t327\tin the morning\n";
    static const struct verb_row rows[] = {
        {__LINE__, cmd_eventlog, "eventlog --log=" EVENT_LOG, EXIT_OK, "first"},
        {__LINE__, cmd_eventlog, "eventlog --log=test_cli-none.log", EXIT_USAGE,
         "cannot read 'test_cli-none.log': no such event log"},
        {__LINE__, cmd_eventlog, "eventlog --log=" EVENT_LOG " --since=tomorrow", EXIT_USAGE,
         "bad value in '--since=tomorrow'"},
        {__LINE__, cmd_eventlog, "eventlog extra", EXIT_USAGE, "unexpected argument 'extra'"},
    };
    FILE *out = fopen(EVENT_LOG, "wb");
    char *printed;
    (void)state;

    assert_non_null(out);
    fputs(log, out);
    fclose(out);
    check_rows(rows, ARRAYSIZE(rows));
    assert_int_equal(run(cmd_eventlog, "eventlog --log=" EVENT_LOG " --since=2007-08-03T14:05:00Z", &printed), EXIT_OK);
    assert_null(strstr(printed, "first"));
    assert_non_null(strstr(printed, "Time:\t\t2:10:00 PM\nUser:\t\tN/A\nComputer:\tEXCHANGE2003\nDescription:\nsecond\n"));
    assert_non_null(strstr(printed, "Date:\t\t8/4/2007\nTime:\t\t12:05:09 AM\n"));
    assert_non_null(strstr(printed, "Time:\t\t9:05:00 AM\n"));
    assert_null(strstr(printed, "not a record"));
    assert_null(strstr(printed, "no time"));
    free(printed);
    /* no --log: the server folder's */
    setenv(CLI_SERVER_ENV, "test_cli-nowhere", 1);
    assert_int_equal(run(cmd_eventlog, "eventlog", &printed), EXIT_USAGE);
    assert_non_null(strstr(printed, "cannot read 'test_cli-nowhere/eventlog.log': no such event log"));
    unsetenv(CLI_SERVER_ENV);
    free(printed);
    DeleteFileA(EVENT_LOG);
    DeleteFileA(OUT_FILE);
}

#define UPDATE_TEXT TEST_SOURCE_DIR "/data/update-1601.txt"

/* test_cli-update.msg: the update of the KB's story, its attendee's track
 * time 1601-01-01. */
static void make_update_msg(void)
{
    textmsg_write(UPDATE_TEXT, "test_cli-update.msg");
}

/* msg: dump, series (a real Outlook series with an exception, and an item
 * that is none) and new, of one file or a folder, and their refusals. */
static void the_msg_verb_dumps_lists_and_writes(void **state)
{
    static const struct verb_row rows[] = {
        {__LINE__, cmd_msg, "msg dump test_cli-update.msg", EXIT_OK, "PR_MESSAGE_CLASS = \"IPM.Schedule.Meeting.Request\""},
        {__LINE__, cmd_msg, "msg dump test_cli-update.msg test_cli-none.msg", EXIT_USAGE, "# file: test_cli-none.msg"},
        {__LINE__, cmd_msg, "msg dump", EXIT_USAGE, "msg dump: missing"},
        {__LINE__, cmd_msg, "msg dump test_cli-update.msg -o x.txt", EXIT_USAGE, "-o does not apply to 'msg dump'"},
        {__LINE__, cmd_msg, "msg series -o x.txt test_cli-update.msg", EXIT_USAGE, "-o does not apply to 'msg series'"},
        {__LINE__, cmd_msg, "msg series test_cli-update.msg", EXIT_OK, "not recurring: no PidLidAppointmentRecur"},
        {__LINE__, cmd_msg, "msg series test_cli-update.msg test_cli-friday.msg", EXIT_OK, "# file: test_cli-friday.msg"},
        {__LINE__, cmd_msg, "msg series test_cli-friday.msg", EXIT_OK, " replaces "},
        {__LINE__, cmd_msg, "msg series test_cli-none.msg", EXIT_USAGE, "cannot read 'test_cli-none.msg': no such file"},
        {__LINE__, cmd_msg, "msg series", EXIT_USAGE, "msg series: missing FILE.msg"},
        {__LINE__, cmd_msg, "msg new " UPDATE_TEXT, EXIT_USAGE, "msg new: missing TEXT -o FILE.msg"},
        {__LINE__, cmd_msg, "msg new -o test_cli-out.msg", EXIT_USAGE, "msg new: missing TEXT -o FILE.msg"},
        {__LINE__, cmd_msg, "msg new test_cli-none.txt -o test_cli-out.msg", EXIT_USAGE,
         "cannot read 'test_cli-none.txt': no such file"},
        {__LINE__, cmd_msg, "msg new test_cli-texts/bad.txt -o test_cli-out.msg", EXIT_USAGE, "bad.txt:1: property before the [message] section"},
        {__LINE__, cmd_msg, "msg new " UPDATE_TEXT " -o test_cli-out.msg", EXIT_OK, ""},
        {__LINE__, cmd_msg, "msg dump test_cli-out.msg", EXIT_OK, "PR_RECIPIENT_TRACKSTATUS_TIME = 1601-01-01T00:00:00Z"},
        {__LINE__, cmd_msg, "msg new test_cli-texts -o test_cli-outdir", EXIT_USAGE, "bad.txt:1: property before the [message] section"},
        {__LINE__, cmd_msg, "msg dump test_cli-outdir/good.msg", EXIT_OK, "PR_SUBJECT = \"good\""},
        {__LINE__, cmd_msg, "msg new test_cli-outdir -o test_cli-outdir2", EXIT_USAGE, "the folders given hold no *.txt"},
        {__LINE__, cmd_msg, "msg", EXIT_USAGE, "msg: missing 'dump', 'new' or 'series'"},
    };
    FILE *out;
    (void)state;

    system("rm -rf test_cli-texts test_cli-outdir test_cli-outdir2");
    make_update_msg();
    assert_true(CopyFileA(TEST_SOURCE_DIR "/corpus/msg/Friday Lunch.msg", "test_cli-friday.msg", FALSE));
    assert_true(CreateDirectoryA("test_cli-texts", NULL));
    assert_non_null(out = fopen("test_cli-texts/good.txt", "wb"));
    fputs("[message]\nPR_SUBJECT = \"good\"\n", out);
    fclose(out);
    assert_non_null(out = fopen("test_cli-texts/bad.txt", "wb"));
    fputs("PR_SUBJECT = \"before\"\n", out);
    fclose(out);
    check_rows(rows, ARRAYSIZE(rows));
    system("rm -rf test_cli-texts test_cli-outdir test_cli-outdir2");
    DeleteFileA("test_cli-update.msg");
    DeleteFileA("test_cli-friday.msg");
    DeleteFileA("test_cli-out.msg");
}

/* queue: each action through the command line, on a message that goes to
 * the NDR with the run's own schedule, and the usage of each. */
#define Q "--queue=test_cli-server/queue "
#define NOW "--now=2007-08-03T14:00:00Z"
static void the_queue_verb_takes_each_action_and_refuses_the_rest(void **state)
{
    static const struct verb_row rows[] = {
        {__LINE__, cmd_queue, "queue " Q "list", EXIT_OK, "ID        STATE"},
        {__LINE__, cmd_queue, "queue " Q "submit " NOW " test_cli-update.msg test_cli-none.msg", EXIT_USAGE,
         "submit failed: cannot read 'test_cli-none.msg': no such file"},
        {__LINE__, cmd_queue, "queue " Q "open 00000001 " NOW, EXIT_CONVERT, "message 00000001: not attempted yet"},
        {__LINE__, cmd_queue, "queue " Q "run " NOW " --until=+2h --fix=off --retry=20,30 --delay=45 --expire=90",
         EXIT_OK, "0 queued, 0 delivered, 1 expired"},
        {__LINE__, cmd_queue, "queue " Q "open 00000001 --fix=off " NOW, EXIT_CONVERT,
         "message 00000001: 2007-08-03T14:45:00Z delay notification after 2 attempts"},
        {__LINE__, cmd_queue, "queue " Q "open 00000001 --fix=off " NOW, EXIT_CONVERT,
         "message 00000001: 2007-08-03T15:30:00Z expired, NDR 4.4.7 after 4 attempts"},
        {__LINE__, cmd_queue, "queue " Q "open 00000001 --fix=off " NOW, EXIT_CONVERT,
         "attempt 1 at 2007-08-03T14:00:00Z: failed 0x80004005, event 327, fix off"},
        {__LINE__, cmd_queue, "queue " Q "open 00000001 --fix=on " NOW, EXIT_OK, "Content-Type: text/calendar"},
        {__LINE__, cmd_queue, "queue " Q "list --format=json", EXIT_OK, "{\"id\":\"00000001\",\"state\":\"expired\""},
        {__LINE__, cmd_queue, "queue " Q "list --format=json", EXIT_OK, "\"delay_notified\":true"},
        {__LINE__, cmd_queue, "queue " Q "report -o test_cli-report.html", EXIT_OK, "wrote test_cli-report.html: 1 message in 1 row"},
        {__LINE__, cmd_queue, "queue " Q "retry 00000009", EXIT_USAGE, "no message '00000009'"},
        {__LINE__, cmd_queue, "queue " Q "open 00000009", EXIT_USAGE, "open failed: no message '00000009'"},
        {__LINE__, cmd_queue, "queue " Q "delete 00000001", EXIT_OK, ""},
        {__LINE__, cmd_queue, "queue " Q "run " NOW, EXIT_OK, "0 queued, 0 delivered, 0 expired"},
        {__LINE__, cmd_queue, "queue " Q "lst", EXIT_USAGE, "queue: unknown action 'lst'; did you mean 'list'?"},
        {__LINE__, cmd_queue, "queue " Q, EXIT_USAGE, "queue: missing one of submit, run, list, open, retry, delete, report"},
        {__LINE__, cmd_queue, "queue " Q "list " NOW, EXIT_USAGE, "--now does not apply to 'queue list'"},
        {__LINE__, cmd_queue, "queue " Q "open", EXIT_USAGE, "open: missing one message ID"},
        {__LINE__, cmd_queue, "queue " Q "list extra", EXIT_USAGE, "list: unknown option 'extra'"},
        {__LINE__, cmd_queue, "queue " Q "run --retry=1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17", EXIT_USAGE, "bad value in '--retry=1,2,3"},
        {__LINE__, cmd_queue, "queue " Q "run --retry=5 --delay=0 --expire=9", EXIT_USAGE, "bad value in '--delay=0'"},
        {__LINE__, cmd_queue, "queue " Q "run " NOW " --until=+5w", EXIT_USAGE, "'--until=+5w'"},
        {__LINE__, cmd_queue, "queue " Q "run " NOW " --until=2007-08-03T15:00:00Z --smtp=host:99999", EXIT_USAGE,
         "bad value in '--smtp=host:99999'"},
        {__LINE__, cmd_queue, "queue " Q "run --smtp=:25", EXIT_USAGE, "HOST or HOST:PORT (no host)"},
        /* each clock and interval the queue refuses, with what it says */
        {__LINE__, cmd_queue, "queue " Q "run --now=2007-08-03 --until=+1h", EXIT_USAGE, "'--now=2007-08-03'"},
        {__LINE__, cmd_queue, "queue " Q "run " NOW " --until=2007-08-03", EXIT_USAGE, "'--until=2007-08-03'"},
        {__LINE__, cmd_queue, "queue " Q "run " NOW " --until=+h", EXIT_USAGE, "'--until=+h'"},
        {__LINE__, cmd_queue, "queue " Q "run " NOW " --until=+5hh", EXIT_USAGE, "'--until=+5hh'"},
        {__LINE__, cmd_queue, "queue " Q "run " NOW " --until=2007-08-03T13:00:00Z", EXIT_USAGE, "2007-08-03T13:00:00Z"},
        {__LINE__, cmd_queue, "queue " Q "run --until=2007-08-03T13:00:00Z", EXIT_USAGE, "the real clock"},
        {__LINE__, cmd_queue, "queue " Q "run " NOW " --expire=x", EXIT_USAGE, "bad value in '--expire=x'"},
        {__LINE__, cmd_queue, "queue " Q "run " NOW " --delay=600000", EXIT_USAGE, "bad value in '--delay=600000'"},
        {__LINE__, cmd_queue, "queue " Q "run " NOW " --delay=-5", EXIT_USAGE, "bad value in '--delay=-5'"},
        {__LINE__, cmd_queue, "queue " Q "run " NOW " --delay=5x", EXIT_USAGE, "bad value in '--delay=5x'"},
    };
    char error[SERVER_TEXT_SIZE];
    (void)state;

    system("rm -rf test_cli-server");
    make_update_msg();
    assert_int_equal(server_init(7638, 5, error), S_OK);
    check_rows(rows, ARRAYSIZE(rows));
    system("rm -rf test_cli-server");
    DeleteFileA("test_cli-update.msg");
    DeleteFileA("test_cli-report.html");
}

/* The helpers the verbs share: JSON strings with every escape, no near
 * name for a word too long to compare, the server folder from the
 * environment, the progress line (forced on: stderr is no terminal here),
 * a folder that cannot be made, a folder's files in order, subfolders
 * after. */
static void the_shared_helpers_escape_suggest_and_draw(void **state)
{
    static const char *const names[] = {"list", "run"};
    struct cli_progress progress;
    struct cli_paths paths = {0};
    char *printed, *path;
    int saved[2];
    FILE *out;
    (void)state;

    verbrun_capture_begin(OUT_FILE, OUT_FILE, saved);
    cli_print_json_string("q\"b\\n\nc\x01");
    verbrun_capture_end(saved);
    printed = verbrun_read(OUT_FILE);
    assert_string_equal(printed, "\"q\\\"b\\\\n\\nc\\u0001\"");
    free(printed);

    assert_string_equal(cli_nearest("lst", names, 2), "list");
    assert_null(cli_nearest("a-word-of-more-than-sixty-three-characters-is-never-near-any-name", names, 2));

    unsetenv(CLI_SERVER_ENV);
    path = cli_server_path("queue");
    assert_string_equal(path, CLI_SERVER_DEFAULT "/queue");
    free(path);
    setenv(CLI_SERVER_ENV, "elsewhere", 1);
    path = cli_server_path(NULL);
    assert_string_equal(path, "elsewhere");
    free(path);
    unsetenv(CLI_SERVER_ENV);

    cli_progress_start(&progress, 10, "messages");
    /* drawn only on a terminal's stderr (make test's is a file) */
    assert_int_equal(progress.shown, isatty(2) != 0);
    progress.shown = TRUE;
    verbrun_capture_begin(OUT_FILE, OUT_FILE, saved);
    cli_progress_update(&progress, 3); /* too soon after the start: not drawn */
    progress.drawn -= 1000;
    cli_progress_update(&progress, 4);
    cli_progress_update(&progress, 10);
    verbrun_capture_end(saved);
    printed = verbrun_read(OUT_FILE);
    assert_null(strstr(printed, "3 of 10"));
    assert_non_null(strstr(printed, "\rtrackfix: 4 of 10 messages, "));
    assert_non_null(strstr(printed, "\rtrackfix: 10 of 10 messages, "));
    assert_non_null(strstr(printed, " done in "));
    free(printed);

    assert_non_null(out = fopen("test_cli-file", "wb"));
    fclose(out);
    verbrun_capture_begin(OUT_FILE, OUT_FILE, saved);
    assert_false(cli_ensure_folder("test_cli-file"));
    verbrun_capture_end(saved);
    printed = verbrun_read(OUT_FILE);
    assert_non_null(strstr(printed, "'test_cli-file': not a folder that can be created"));
    free(printed);
    DeleteFileA("test_cli-file");

    system("rm -rf test_cli-tree");
    assert_true(CreateDirectoryA("test_cli-tree", NULL));
    assert_true(CreateDirectoryA("test_cli-tree/sub", NULL));
    assert_non_null(out = fopen("test_cli-tree/b.msg", "wb"));
    fclose(out);
    assert_non_null(out = fopen("test_cli-tree/a.MSG", "wb"));
    fclose(out);
    assert_non_null(out = fopen("test_cli-tree/notes.txt", "wb"));
    fclose(out);
    assert_non_null(out = fopen("test_cli-tree/sub/c.msg", "wb"));
    fclose(out);
    assert_true(cli_paths_add(&paths, "test_cli-tree", ".msg", TRUE));
    assert_true(cli_paths_add(&paths, "test_cli-none", ".msg", FALSE));
    assert_int_equal(paths.count, 4);
    assert_string_equal(paths.paths[0], "test_cli-tree/a.MSG");
    assert_string_equal(paths.paths[1], "test_cli-tree/b.msg");
    assert_string_equal(paths.paths[2], "test_cli-tree/sub/c.msg");
    assert_string_equal(paths.paths[3], "test_cli-none");
    cli_paths_free(&paths);
    assert_true(cli_paths_add(&paths, "test_cli-tree", ".msg", FALSE));
    assert_int_equal(paths.count, 2);
    cli_paths_free(&paths);
    system("rm -rf test_cli-tree");
    DeleteFileA(OUT_FILE);
}

/* The KB story in the server folder of the environment, told as JSON,
 * and a mode that is none. */
static void the_scenario_verb_tells_the_story_as_json(void **state)
{
    static const struct verb_row rows[] = {
        {__LINE__, cmd_scenario, "scenario --fix=on --format=json", EXIT_OK,
         "{\"result\":\"on\",\"as_the_article_says\":true}"},
        {__LINE__, cmd_scenario, "scenario --fix=sometimes", EXIT_USAGE, "bad value in '--fix=sometimes'"},
    };
    (void)state;

    system("rm -rf test_cli-story");
    setenv(CLI_SERVER_ENV, "test_cli-story", 1);
    check_rows(rows, ARRAYSIZE(rows));
    unsetenv(CLI_SERVER_ENV);
    system("rm -rf test_cli-story");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_hotfix_verb_installs_enables_and_refuses),
        cmocka_unit_test(the_server_verb_provisions_and_keeps_the_directory),
        cmocka_unit_test(the_time_verb_converts_each_value),
        cmocka_unit_test(the_eventlog_verb_prints_and_filters),
        cmocka_unit_test(the_queue_verb_takes_each_action_and_refuses_the_rest),
        cmocka_unit_test(the_msg_verb_dumps_lists_and_writes),
        cmocka_unit_test(the_shared_helpers_escape_suggest_and_draw),
        cmocka_unit_test(the_scenario_verb_tells_the_story_as_json),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("cli", tests, NULL, NULL));
}
