/*
 * The verbs as a user runs them, under a fault at every call (faults.h):
 * each command line runs in this process (verbrun.h) once for each N with
 * the N-th allocation, file write, file read, interrupted call or registry
 * call failing.  A run prints what the clean run printed, with its exit
 * code, the file it writes and the state it leaves, or it says the error
 * (out of memory for an allocation) and leaves the file it writes as it
 * was or whole.  What the library's operations do under faults is
 * test_faults'; this is the verbs' own reading of options, their files,
 * their messages.
 */
/* winsock2.h must come before the C library's headers under Winelib */
#include <winsock2.h>
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <windows.h>

#include "cmocka_wine.h"
#include "cli.h"
#include "errmsg.h"
#include "faults.h"
#include "hostfs.h"
#include "msgfile.h"
#include "msgtext.h"
#include "server.h"
#include "strbuf.h"
#include "textmsg.h"
#include "verbrun.h"

/* The work folder, in memory where it can be (else in build/, where unit
 * tests run), and the files there that take what a verb prints.  Its name
 * is as long in every run (the process id in 8 digits): where a string
 * outgrows a buffer, and so which allocation is the N-th, does not change
 * from run to run. */
static char work[64], out_file[96], err_file[96], quiet_file[96];

/* "@/" in TEXT stands for the work folder's: the result in OUT (SIZE
 * bytes). */
static void at_work(const char *text, char *out, size_t size)
{
    size_t used = 0;

    for (; *text && used + sizeof(work) + 1 < size; text++)
        if (text[0] == '@' && text[1] == '/') used += (size_t)snprintf(out + used, size - used, "%s", work);
        else out[used++] = *text;
    assert_true(!*text);
    out[used] = 0;
}

/* Copies the test's source file SOURCE (under tests/) to @/NAME. */
static void copy_in(const char *source, const char *name)
{
    char from[MAX_PATH], to[MAX_PATH], at[MAX_PATH];

    snprintf(from, sizeof(from), "%s/%s", TEST_SOURCE_DIR, source);
    snprintf(at, sizeof(at), "@/%s", name);
    at_work(at, to, sizeof(to));
    if (!CopyFileA(from, to, FALSE)) fail_msg("cannot copy %s to %s: %u", from, to, (unsigned)GetLastError());
}

/* One command line, the file it writes, and what a run must do before. */
struct verb_case
{
    verb_fn verb;
    const char *line;      /* the words after "trackfix", "@/" in the work folder */
    const char *written;   /* the file it writes (@/...), or NULL */
    void (*prepare)(void); /* the state each run starts from, or NULL */
    /* text that, printed, says a failure the verb goes on after (a failed
     * delivery attempt, retried): such a run counts as an error said, out
     * of memory when the text is followed by 0x8007000e */
    const char *said;
    /* a command line run after it (not under the fault), what it prints
     * part of the output: the state the verb left, e.g. the queue's list */
    const char *after;
    unsigned kinds; /* the faults it runs under (a bit per enum fault_kind); 0 all but the registry's */
    /* too long for every N in make test (it starts from a state made by
     * other commands, or runs for hours): there the first call of each
     * path fails, in make check every call */
    BOOL long_run;
    char *clean;    /* what the run without a fault gave */
};

/* A short text of FILE: its size and FNV-1a hash, or "absent". */
static void describe_file(const char *file, struct strbuf *out)
{
    char path[MAX_PATH], chunk[65536];
    size_t size = 0, got, i;
    UINT hash = 2166136261u;
    FILE *in;

    at_work(file, path, sizeof(path));
    if (!(in = fopen(path, "rb")))
    {
        strbuf_printf(out, "%s: absent\n", file);
        return;
    }
    while ((got = fread(chunk, 1, sizeof(chunk), in)))
        for (i = 0, size += got; i < got; i++) hash = (hash ^ (BYTE)chunk[i]) * 16777619u;
    fclose(in);
    strbuf_printf(out, "%s: %u bytes, %08x\n", file, (unsigned)size, hash);
}

/* TEXT without the time a run took ("0.001 seconds", "seconds":0.001),
 * which differs from run to run. */
static void without_timings(char *text)
{
    char *p, *digits, *end;

    for (p = text; (p = strstr(p, "seconds")); p += strlen("seconds"))
    {
        if (p >= text + 2 && p[-1] == ' ')
        {
            for (digits = p - 1; digits > text && (isdigit((BYTE)digits[-1]) || digits[-1] == '.'); digits--) {}
            memset(digits, '#', p - 1 - digits);
        }
        else if (!strncmp(p, "seconds\":", 9))
        {
            for (end = p + 9; isdigit((BYTE)*end) || *end == '.'; end++) *end = '#';
        }
    }
}

/* Runs the command LINE ("@/" in the work folder) with the output to a file of
 * its own; what it printed (caller frees), the test failing unless it
 * exits STATUS. */
static char *quiet(verb_fn verb, const char *line, int status)
{
    char words[VERBRUN_LINE_SIZE], *printed;
    int ret;

    at_work(line, words, sizeof(words));
    if ((ret = verbrun_run(verb, words, quiet_file, &printed)) != status)
        fail_msg("'%s': exit %d, not %d:\n%s", words, ret, status, printed);
    return printed;
}

/* The lines of TEXT that CLEAN does not have, appended to SAID. */
static void lines_not_in(const char *text, const char *clean, struct strbuf *said)
{
    const char *end;

    for (; *text; text = *end ? end + 1 : end)
    {
        char line[ERRMSG_SIZE + 2];

        end = text + strcspn(text, "\n");
        snprintf(line, sizeof(line), "%.*s\n", (int)min((size_t)(end - text), (size_t)ERRMSG_SIZE - 1), text);
        if (!strstr(clean, line)) strbuf_puts(said, line);
    }
}

/* Runs the case CTX's command line: its output is its exit code, what it
 * printed and the file it writes. */
static HRESULT run_verb(void *ctx, char *error, char **output)
{
    struct verb_case *c = ctx;
    char line[VERBRUN_LINE_SIZE], copy[VERBRUN_LINE_SIZE], *argv[VERBRUN_WORDS], *out, *err;
    struct strbuf result = {0}, said = {0}, before = {0};
    struct fault_pause paused;
    int argc, saved[2], status;
    HRESULT hr = S_OK;

    /* the test's own steps neither fail nor count */
    fault_pause(&paused);
    if (c->written)
    {
        char path[MAX_PATH];
        at_work(c->written, path, sizeof(path));
        DeleteFileA(path);
    }
    if (c->prepare) c->prepare();
    if (c->written) describe_file(c->written, &before);
    at_work(c->line, line, sizeof(line));
    argc = verbrun_split(line, copy, argv);
    verbrun_capture_begin(out_file, err_file, saved);
    fault_resume(&paused);
    status = c->verb(argc, argv);
    fault_pause(&paused);
    verbrun_capture_end(saved);
    out = verbrun_read(out_file);
    err = verbrun_read(err_file);
    without_timings(out);
    without_timings(err);
    strbuf_printf(&result, "status %d\n%s--- stderr\n%s", status, out, err);
    if (c->written) describe_file(c->written, &result);
    if (c->after)
    {
        char *state = quiet(cmd_queue, c->after, EXIT_OK);
        without_timings(state);
        strbuf_printf(&result, "--- %s\n%s", c->after, state);
        free(state);
    }
    assert_false(result.failed);
    if (!c->clean) c->clean = strdup(result.data);
    else if (strcmp(result.data, c->clean))
    {
        /* said (in a line of its own, on stderr first), or a wrong answer the
         * harness names; the file a failed run writes as it was before
         * (absent, or the file it rewrites) or whole */
        lines_not_in(err, c->clean, &said);
        if (!said.size) lines_not_in(out, c->clean, &said);
        assert_false(said.failed);
        if (!said.size) fail_msg("'%s' said nothing, but gave:\n%s\nnot:\n%s", c->line, result.data, c->clean);
        const char *attempt = c->said ? strstr(said.data, c->said) : NULL;

        hr = says_out_of_memory(said.data) ? E_OUTOFMEMORY : E_FAIL;
        if (attempt && strstr(attempt, "0x8007000e") == attempt + strlen(c->said))
            errmsg_format(error, hr = E_OUTOFMEMORY, "out of memory, as it says: %.200s", attempt);
        else if (!status && !attempt)
            errmsg_format(error, hr, "exit 0, but otherwise:\n%s\nthan:\n%s", result.data, c->clean);
        else snprintf(error, ERRMSG_SIZE, "%s", said.data);
        if (c->written && status)
        {
            struct strbuf file = {0};
            describe_file(c->written, &file);
            if (strcmp(file.data, before.data) && !strstr(c->clean, file.data))
                fail_msg("'%s' left %s half written (%s)", c->line, c->written, file.data);
            strbuf_free(&file);
        }
    }
    if (SUCCEEDED(hr)) *output = strbuf_detach(&result);
    strbuf_free(&result);
    strbuf_free(&said);
    strbuf_free(&before);
    free(out);
    free(err);
    fault_resume(&paused);
    return hr;
}

#define FAULTS_BUT_REGISTRY (1u << FAULT_ALLOCATION | 1u << FAULT_IO | 1u << FAULT_READ | 1u << FAULT_INTERRUPT)
#define FAULTS_OF_READING (1u << FAULT_ALLOCATION | 1u << FAULT_READ | 1u << FAULT_INTERRUPT)

/* Runs each of the COUNT CASES under each fault it names. */
static void every_case_faulted(struct verb_case *cases, size_t count)
{
    static const char *const kind_names[] = {"allocation", "write", "read", "interrupt", "registry"};
    size_t i;
    int kind;

    for (i = 0; i < count; i++)
        for (kind = FAULT_ALLOCATION; kind <= FAULT_REGISTRY; kind++)
            if ((cases[i].kinds ? cases[i].kinds : FAULTS_BUT_REGISTRY) & (1u << kind))
            {
                char what[VERBRUN_LINE_SIZE + 32];
                snprintf(what, sizeof(what), "trackfix %s (%s)", cases[i].line, kind_names[kind]);
                cases[i].clean = NULL;
                if (cases[i].long_run && !getenv("TRACKFIX_FAULTS_ALL"))
                    first_call_of_each_path_fails(kind, what, run_verb, &cases[i]);
                else every_call_fails_once(kind, what, run_verb, &cases[i]);
                free(cases[i].clean);
            }
}

#define NOW "--now=2007-08-03T14:00:00Z"

/* A request with neither sender nor subject nor store keys: its organizer
 * known only by the row flagged so, an attendee and a Cc; and one without
 * an organizer either, which the queue sends as the postmaster's. */
static const char bare_text[] =
    "[message]\n"
    "PR_MESSAGE_CLASS = \"IPM.Schedule.Meeting.Request\"\n"
    "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e0080000000000a1c7a3f9d3c7010000000000000000100000009d1f7a5e3c2b4a1d8e6f0a1b2c3d4e5f\n"
    "PidLidAppointmentStartWhole = 2007-08-10T09:00:00Z\n"
    "PidLidAppointmentEndWhole = 2007-08-10T10:00:00Z\n"
    "[recipient]\n"
    "PR_DISPLAY_NAME = \"Olivia Organizer\"\n"
    "PR_SMTP_ADDRESS = \"olivia@contoso.example\"\n"
    "PR_RECIPIENT_TYPE = 1\n"
    "PR_RECIPIENT_FLAGS = 3\n"
    "[recipient]\n"
    "PR_SMTP_ADDRESS = \"adam@fabrikam.example\"\n"
    "PR_RECIPIENT_TYPE = 1\n"
    "PR_RECIPIENT_FLAGS = 1\n"
    "[recipient]\n"
    "PR_SMTP_ADDRESS = \"cc@fabrikam.example\"\n"
    "PR_RECIPIENT_TYPE = 2\n"
    "PR_RECIPIENT_FLAGS = 1\n";

/* Writes the text TEXT as the .msg @/NAME (the text with its first
 * recipient section left out when WITHOUT_ORGANIZER). */
static void write_text_msg(const char *text, BOOL without_organizer, const char *name)
{
    char at[MAX_PATH], path[MAX_PATH], error[MSGTEXT_ERROR_SIZE], *copy = strdup(text), *first, *second;
    struct mapi_message message;

    assert_non_null(copy);
    if (without_organizer && (first = strstr(copy, "[recipient]")) && (second = strstr(first + 1, "[recipient]")))
        memmove(first, second, strlen(second) + 1);
    if (FAILED(msgtext_parse(copy, name, &message, error))) fail_msg("%s", error);
    snprintf(at, sizeof(at), "@/%s", name);
    at_work(at, path, sizeof(path));
    if (FAILED(msgfile_write(path, &message, error))) fail_msg("%s", error);
    mapi_message_clear(&message);
    free(copy);
}

static void make_work(void)
{
    char path[MAX_PATH];

    if (GetFileAttributesA("Z:\\dev\\shm") != INVALID_FILE_ATTRIBUTES)
        /* the host's process id, unique on the machine (test_faults.c) */
        snprintf(work, sizeof(work), "/dev/shm/test_verbfaults-%08u", (unsigned)getpid());
    else snprintf(work, sizeof(work), "test_verbfaults-work");
    snprintf(out_file, sizeof(out_file), "%s/printed.out", work);
    snprintf(err_file, sizeof(err_file), "%s/printed.err", work);
    snprintf(quiet_file, sizeof(quiet_file), "%s/printed.quiet", work);
    hostfs_remove_tree(work);
    assert_true(CreateDirectoryA(work, NULL));
    at_work("@/out", path, sizeof(path));
    assert_true(CreateDirectoryA(path, NULL));
    at_work("@/update-1601.msg", path, sizeof(path));
    textmsg_write(TEST_SOURCE_DIR "/data/update-1601.txt", path);
    at_work("@/request-1601.msg", path, sizeof(path));
    textmsg_write(TEST_SOURCE_DIR "/data/request-1601.txt", path);
    copy_in("data/update-1601.txt", "update-1601.txt");
    copy_in("corpus/msg/Friday Lunch.msg", "series.msg");
    copy_in("data/reply-accepted.ics", "accepted.ics");
    copy_in("data/reply-declined-qp.eml", "declined.eml");
    write_text_msg(bare_text, FALSE, "bare.msg");
    write_text_msg(bare_text, TRUE, "orphan.msg");
}

static void convert_and_msg_verbs(void **state)
{
    static struct verb_case cases[] = {
        {.verb = cmd_convert, .line = "convert --fix=on " NOW " -o @/out @/update-1601.msg", .written = "@/out/update-1601.eml"},
        {.verb = cmd_convert, .line = "convert --fix=off --format=json " NOW " -o @/out @/update-1601.msg",
         .written = "@/out/update-1601.eml"},
        {.verb = cmd_convert, .line = "convert --fix=on " NOW " -o @/out @/series.msg", .written = "@/out/series.eml"},
        {.verb = cmd_convert, .line = "convert --fix=on " NOW " -o @/out @/bare.msg", .written = "@/out/bare.eml"},
        /* what cannot be read, said: the message with no memory for its escapes too */
        {.verb = cmd_convert, .line = "convert " NOW " -o @/out @/no-such.msg", .kinds = 1u << FAULT_ALLOCATION},
        {.verb = cmd_msg, .line = "msg dump @/series.msg"},
        {.verb = cmd_msg, .line = "msg series @/series.msg"},
        {.verb = cmd_msg, .line = "msg new @/update-1601.txt -o @/new.msg", .written = "@/new.msg"},
    };
    (void)state;

    every_case_faulted(cases, ARRAYSIZE(cases));
}

#define QUEUE "queue --queue=@/srv/queue "
#define ATTEMPT_FAILED "EcGetMime failed "
#define SUBMIT_ONE QUEUE "submit " NOW " @/update-1601.msg"
#define SUBMIT_TWO QUEUE "submit " NOW " @/update-1601.msg @/request-1601.msg"
/* a run with the fix off: stuck, retried every 30 minutes, the delay
 * notice at an hour */
#define STUCK_HOUR QUEUE "run " NOW " --until=+1h --fix=off --retry=30 --delay=60 --expire=120"

static void no_server(void)
{
    char path[MAX_PATH];

    at_work("@/srv", path, sizeof(path));
    hostfs_remove_tree(path);
}

static void one_submitted(void)
{
    no_server();
    free(quiet(cmd_queue, SUBMIT_ONE, EXIT_OK));
}

static void two_submitted(void)
{
    no_server();
    free(quiet(cmd_queue, SUBMIT_TWO, EXIT_OK));
}

static void bare_submitted(void)
{
    no_server();
    free(quiet(cmd_queue, QUEUE "submit " NOW " @/bare.msg @/orphan.msg", EXIT_OK));
}

static void one_stuck_an_hour(void)
{
    one_submitted();
    free(quiet(cmd_queue, STUCK_HOUR, EXIT_OK));
}

/* The verbs that change the queue, each from the state it needs, then
 * those that read it, from two messages stuck an hour. */
static void queue_verbs(void **state)
{
    static struct verb_case changing[] = {
        {.verb = cmd_queue, .line = SUBMIT_ONE, .prepare = no_server, .after = QUEUE "list"},
        {.verb = cmd_queue, .line = QUEUE "submit " NOW " @/bare.msg @/orphan.msg", .prepare = no_server,
         .after = QUEUE "list"},
        /* with no subject and no sender of their own, to the delay notice
         * and the NDR */
        {.verb = cmd_queue, .line = QUEUE "run " NOW " --until=+3h --fix=off --retry=60 --delay=60 --expire=120",
         .prepare = bare_submitted, .after = QUEUE "list", .said = ATTEMPT_FAILED, .long_run = TRUE},
        {.verb = cmd_queue, .line = QUEUE "run " NOW " --until=+1h --fix=on", .prepare = one_submitted,
         .after = QUEUE "list", .said = ATTEMPT_FAILED, .long_run = TRUE},
        {.verb = cmd_queue, .line = QUEUE "retry 00000001 --now=2007-08-03T15:00:00Z", .prepare = one_stuck_an_hour,
         .after = QUEUE "list", .said = ATTEMPT_FAILED, .long_run = TRUE},
        {.verb = cmd_queue, .line = QUEUE "delete 00000001", .prepare = one_stuck_an_hour, .after = QUEUE "list",
         .long_run = TRUE},
    };
    static struct verb_case reading[] = {
        {.verb = cmd_queue, .line = QUEUE "list"},
        {.verb = cmd_queue, .line = QUEUE "list --format=json"},
        {.verb = cmd_queue, .line = QUEUE "open 00000001 --now=2007-08-03T15:00:00Z --fix=off",
         .kinds = 1u << FAULT_ALLOCATION | 1u << FAULT_READ},
        {.verb = cmd_queue, .line = QUEUE "open 00000002 --now=2007-08-03T15:00:00Z --fix=on",
         .kinds = 1u << FAULT_ALLOCATION | 1u << FAULT_READ},
        {.verb = cmd_queue, .line = QUEUE "report -o @/report.html", .written = "@/report.html",
         .said = "could not be read: drawn without marks"},
        {.verb = cmd_eventlog, .line = "eventlog --log=@/srv/eventlog.log",
         .kinds = 1u << FAULT_ALLOCATION | 1u << FAULT_READ},
    };
    /* two messages with all their fields to their NDR with the fix off:
     * every one of its 1,700 allocations takes some 4 s, make check's run;
     * make test's is the run to the NDR of the bare ones above, by paths */
    static struct verb_case to_the_ndr = {
        .verb = cmd_queue, .line = QUEUE "run " NOW " --until=+3h --fix=off --retry=60 --delay=60 --expire=120",
        .prepare = two_submitted, .after = QUEUE "list", .said = ATTEMPT_FAILED};
    char error[SERVER_TEXT_SIZE];
    (void)state;

    /* event 327 logged: diagnostics at 5 */
    assert_int_equal(server_init(7638, 5, error), S_OK);
    every_case_faulted(changing, ARRAYSIZE(changing));
    if (getenv("TRACKFIX_FAULTS_ALL")) every_case_faulted(&to_the_ndr, 1);
    two_submitted();
    free(quiet(cmd_queue, STUCK_HOUR, EXIT_OK));
    every_case_faulted(reading, ARRAYSIZE(reading));
    no_server();
}

static void fresh_meeting(void)
{
    char from[MAX_PATH], to[MAX_PATH];

    at_work("@/request-1601.msg", from, sizeof(from));
    at_work("@/meeting.msg", to, sizeof(to));
    assert_true(CopyFileA(from, to, FALSE));
}

/* A mail server on a thread of the test, on a port of 127.0.0.1: it
 * answers every command of an SMTP session with success and takes any
 * message.  It allocates nothing and calls no wrapped function, so that
 * the faults are trackfix's alone. */
static SOCKET sink_listener = INVALID_SOCKET;
static USHORT sink_port;

static BOOL sink_say(SOCKET client, const char *reply)
{
    return send(client, reply, (int)strlen(reply), 0) == (int)strlen(reply);
}

/* One session: a line a command, the message after DATA up to its dot. */
static void sink_session(SOCKET client)
{
    char buffer[8192];
    int used = 0, got;
    BOOL in_data = FALSE;

    if (!sink_say(client, "220 sink ESMTP\r\n")) return;
    while ((got = recv(client, buffer + used, sizeof(buffer) - 1 - used, 0)) > 0)
    {
        char *line = buffer, *end;

        used += got;
        buffer[used] = 0;
        while ((end = strstr(line, "\r\n")))
        {
            *end = 0;
            if (in_data)
            {
                if (!strcmp(line, ".")) in_data = FALSE, sink_say(client, "250 2.0.0 queued\r\n");
            }
            else if (!strncasecmp(line, "EHLO", 4)) sink_say(client, "250-sink\r\n250 8BITMIME\r\n");
            else if (!strncasecmp(line, "DATA", 4)) in_data = TRUE, sink_say(client, "354 go on\r\n");
            else if (!strncasecmp(line, "QUIT", 4))
            {
                sink_say(client, "221 2.0.0 bye\r\n");
                return;
            }
            else sink_say(client, "250 2.0.0 ok\r\n");
            line = end + 2;
        }
        used -= (int)(line - buffer);
        memmove(buffer, line, used);
        if (used == sizeof(buffer) - 1) used = 0; /* a line past the buffer: the message's, dropped */
    }
}

static DWORD WINAPI sink_serve(void *unused)
{
    SOCKET client;

    (void)unused;
    while ((client = accept(sink_listener, NULL, NULL)) != INVALID_SOCKET)
    {
        sink_session(client);
        closesocket(client);
    }
    return 0;
}

static void sink_start(void)
{
    struct sockaddr_in address;
    int size = sizeof(address);
    WSADATA wsa;
    HANDLE thread;

    assert_int_equal(WSAStartup(MAKEWORD(2, 2), &wsa), 0);
    memset(&address, 0, sizeof(address));
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    assert_true((sink_listener = socket(AF_INET, SOCK_STREAM, IPPROTO_TCP)) != INVALID_SOCKET);
    assert_int_equal(bind(sink_listener, (struct sockaddr *)&address, sizeof(address)), 0);
    assert_int_equal(listen(sink_listener, 4), 0);
    assert_int_equal(getsockname(sink_listener, (struct sockaddr *)&address, &size), 0);
    sink_port = ntohs(address.sin_port);
    assert_non_null(thread = CreateThread(NULL, 0, sink_serve, NULL, 0, NULL));
    CloseHandle(thread);
}

/* A delivery by SMTP: the queue's run hands the message to the sink, keeps
 * its copy, and records the server's answer. */
static void a_delivery_by_smtp(void **state)
{
    static char line[160];
    static struct verb_case by_smtp = {.verb = cmd_queue, .line = line, .prepare = one_submitted,
                                       .after = QUEUE "list", .said = ATTEMPT_FAILED};
    (void)state;

    sink_start();
    snprintf(line, sizeof(line), QUEUE "run " NOW " --until=+1h --fix=on --smtp=127.0.0.1:%u", sink_port);
    every_case_faulted(&by_smtp, 1);
    closesocket(sink_listener);
    WSACleanup();
    no_server();
}

/* Replies applied to the organizer's meeting (rewritten once), and the
 * scan of a folder of meetings in each form it prints. */
static void reply_and_scan_verbs(void **state)
{
    static struct verb_case cases[] = {
        {.verb = cmd_reply, .line = "reply @/meeting.msg @/accepted.ics @/declined.eml", .written = "@/meeting.msg",
         .prepare = fresh_meeting},
        {.verb = cmd_reply, .line = "reply --dry-run --format=json @/meeting.msg @/accepted.ics", .prepare = fresh_meeting,
         .kinds = FAULTS_OF_READING},
        {.verb = cmd_scan, .line = "scan --fix=off " NOW " @/scan", .kinds = FAULTS_OF_READING},
        {.verb = cmd_scan, .line = "scan --fix=on --format=json " NOW " @/scan/series", .kinds = FAULTS_OF_READING},
        {.verb = cmd_scan, .line = "scan --fix=off --format=csv --no-recursive " NOW " @/scan", .kinds = FAULTS_OF_READING},
        {.verb = cmd_scan, .line = "scan --fix=off --format=html " NOW " @/scan/update-1601.msg", .kinds = FAULTS_OF_READING},
        {.verb = cmd_scan, .line = "scan --fix=off --format=html " NOW " @/scan", .kinds = FAULTS_OF_READING,
         .long_run = TRUE},
    };
    /* two meetings, and a series in a folder under them */
    static const char *const scanned[] = {"update-1601.msg", "request-1601.msg", "series/series.msg"};
    char from[MAX_PATH], to[MAX_PATH], name[MAX_PATH];
    size_t i;
    (void)state;

    at_work("@/scan", to, sizeof(to));
    assert_true(CreateDirectoryA(to, NULL));
    at_work("@/scan/series", to, sizeof(to));
    assert_true(CreateDirectoryA(to, NULL));
    for (i = 0; i < ARRAYSIZE(scanned); i++)
    {
        snprintf(name, sizeof(name), "@/%s", strchr(scanned[i], '/') ? strchr(scanned[i], '/') + 1 : scanned[i]);
        at_work(name, from, sizeof(from));
        snprintf(name, sizeof(name), "@/scan/%s", scanned[i]);
        at_work(name, to, sizeof(to));
        assert_true(CopyFileA(from, to, FALSE));
    }
    every_case_faulted(cases, ARRAYSIZE(cases));
}

/* The switch and the directory, read and written through the registry:
 * each call of the registry failing once. */
static void registry_verbs(void **state)
{
    static struct verb_case cases[] = {
        {.verb = cmd_server, .line = "server init --build=7638 --diagnostics=5", .kinds = 1u << FAULT_REGISTRY},
        {.verb = cmd_hotfix, .line = "hotfix install", .kinds = 1u << FAULT_REGISTRY},
        {.verb = cmd_hotfix, .line = "hotfix enable", .kinds = 1u << FAULT_REGISTRY},
        {.verb = cmd_hotfix, .line = "hotfix status", .kinds = 1u << FAULT_REGISTRY | 1u << FAULT_ALLOCATION},
        {.verb = cmd_server, .line = "server directory add /o=Tailspin/cn=zed zed@tailspin.example",
         .kinds = 1u << FAULT_REGISTRY | 1u << FAULT_ALLOCATION},
        {.verb = cmd_server, .line = "server directory list", .kinds = 1u << FAULT_REGISTRY | 1u << FAULT_ALLOCATION},
        {.verb = cmd_time, .line = "time 0 1601-01-01T00:00:00Z 0x01C7D5D2A1B2C000", .kinds = 1u << FAULT_REGISTRY},
        {.verb = cmd_convert, .line = "convert " NOW " -o @/out @/update-1601.msg @/request-1601.msg",
         .written = "@/out/update-1601.eml", .kinds = 1u << FAULT_REGISTRY},
    };
    char error[SERVER_TEXT_SIZE];
    (void)state;

    assert_int_equal(server_init(7638, 5, error), S_OK);
    every_case_faulted(cases, ARRAYSIZE(cases));
    assert_true(SUCCEEDED(server_uninstall_hotfix(error)));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(convert_and_msg_verbs),
        cmocka_unit_test(queue_verbs),
        cmocka_unit_test(a_delivery_by_smtp),
        cmocka_unit_test(reply_and_scan_verbs),
        cmocka_unit_test(registry_verbs),
    };
    int ret;

    make_work();
    ret = cmocka_run_group_tests_name("verb faults", tests, NULL, NULL);
    hostfs_remove_tree(work);
    return leakcheck_at_exit(ret);
}
