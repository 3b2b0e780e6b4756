/*
 * trackfix convert: EcGetMime on .msg files, one process for all of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "atomicfile.h"
#include "cli.h"
#include "ecgetmime.h"
#include "gate.h"
#include "hostfs.h"
#include "msgfile.h"
#include "strbuf.h"

static const char usage_text[] =
    "usage: trackfix convert [--fix=auto|on|off] [-o DIR] [--format=text|json] [--cancel]\n"
    "                        [--now=TIME] MSG|DIR...\n"
    "\n"
    "Converts each meeting .msg (IPM.Schedule.Meeting.Request or .Canceled, or an\n"
    "organizer's IPM.Appointment with attendees) to the MIME message Exchange 2003\n"
    "SP2 hands to SMTP, written atomically as DIR/<name>.eml (DIR defaults to .).\n"
    "A message that fails leaves no .eml (an older one of that name is removed).\n"
    "A DIR argument stands for every *.msg file in it, in name order.  Messages\n"
    "are converted 256 at a time, by two threads: the outputs of the 256 are\n"
    "flushed to disk together, then appear under their names, then their lines\n"
    "are printed, in order; a crash leaves each output whole or absent.\n"
    "\n"
    "  --fix=auto   read the KB938650 gate before each message (default)\n"
    "  --fix=on|off force the clamped or the legacy PR_RECIPIENT_TRACKSTATUS_TIME path\n"
    "  --cancel     convert as the meeting's cancellation (METHOD:CANCEL)\n"
    "  --now=TIME   the clock for Date, Message-ID and an unset DTSTAMP (ISO-8601 UTC)\n"
    "  --format=    text (default) or json: one line per message, then a summary\n"
    "\n"
    "Exit status: 0 all converted, 3 any failed, 2 usage error or unreadable input.\n";

/* The outputs of a window of this many messages share one flush to disk
 * (atomicfile_batch); their lines are printed after it, in order.  Up to
 * CONVERT_THREADS threads convert the messages of a window. */
#define BATCH_MESSAGES 256
#define CONVERT_THREADS 2

/* One message's line, printed once its output is on disk. */
struct outcome
{
    char *path, *output, *text; /* text: the failure's reason */
    HRESULT hr;
    enum ecgetmime_method method;
    ULONG attendees;
    BOOL uid_generated, unreadable;
    enum systime_path track_path;
};

struct convert_run
{
    enum cli_fix_mode fix;
    enum cli_format format;
    const char *dir;
    struct ecgetmime_options options;
    BOOL now_fixed;
    char last_warning[GATE_TEXT_SIZE * 2];
    ULONG converted, failed, unreadable;
    struct atomicfile_batch batch;
    struct outcome outcomes[BATCH_MESSAGES]; /* of the window's messages */
    ULONG outcome_count;
    /* the window of messages the threads share: they take the next one */
    char **paths;
    LONG window_start, window_end, next;
    CRITICAL_SECTION lock; /* the batch, the gate's warning */
};


/* DIR/<base name of PATH without .msg>.eml; caller frees. */
static char *output_path(const char *dir, const char *path)
{
    const char *base = strrchr(path, '/'), *back = strrchr(path, '\\');
    struct strbuf sb = {0};
    size_t len;

    if (back > base) base = back;
    base = base ? base + 1 : path;
    len = strlen(base);
    if (len > 4 && !strcasecmp(base + len - 4, ".msg")) len -= 4;
    strbuf_printf(&sb, "%s/%.*s.eml", dir, (int)len, base);
    return strbuf_detach(&sb);
}

static void report(const struct convert_run *run, const struct outcome *o)
{
    if (run->format == CLI_FORMAT_JSON)
    {
        printf("{\"file\":");
        cli_print_json_string(o->path);
        if (SUCCEEDED(o->hr))
        {
            printf(",\"converted\":true,\"output\":");
            cli_print_json_string(o->output);
            printf(",\"method\":\"%s\",\"attendees\":%u,\"path\":\"%s\",\"uid_generated\":%s}\n",
                   o->method == ECGETMIME_CANCEL ? "CANCEL" : "REQUEST", o->attendees,
                   systime_path_name(o->track_path), o->uid_generated ? "true" : "false");
        }
        else
        {
            printf(",\"converted\":false,\"hresult\":\"%#x\",\"reason\":", (unsigned)o->hr);
            cli_print_json_string(o->text);
            printf("}\n");
        }
    }
    else if (SUCCEEDED(o->hr))
        printf("converted %s -> %s (%s, %u attendee%s, %s track time%s)\n", o->path, o->output,
               o->method == ECGETMIME_CANCEL ? "CANCEL" : "REQUEST", o->attendees, o->attendees == 1 ? "" : "s",
               systime_path_name(o->track_path),
               o->uid_generated ? ", UID generated: the meeting has no PidLidGlobalObjectId" : "");
    else
        printf("failed %s %#x: %s\n", o->path, (unsigned)o->hr, o->text);
}

/* A write of the batch that did not reach its name: its message failed. */
static void write_failed(const char *output, HRESULT hr, void *context)
{
    struct convert_run *run = context;
    char words[256], text[ECGETMIME_ERROR_SIZE];
    ULONG i;

    errmsg_format(text, hr, "cannot write '%s': %s", output, errmsg_describe(hr, words, sizeof(words)));
    for (i = run->outcome_count; i-- > 0;)
    {
        struct outcome *o = &run->outcomes[i];
        if (SUCCEEDED(o->hr) && !strcmp(o->output, output))
        {
            o->hr = hr;
            free(o->text);
            o->text = strdup(text);
            break;
        }
    }
}

/* Puts the batch's outputs on disk, then prints their lines and counts. */
static void commit(struct convert_run *run)
{
    ULONG i;

    atomicfile_batch_commit(&run->batch, write_failed, run);
    for (i = 0; i < run->outcome_count; i++)
    {
        struct outcome *o = &run->outcomes[i];

        if (o->unreadable) run->unreadable++;
        else if (FAILED(o->hr)) run->failed++;
        else run->converted++;
        report(run, o);
        free(o->path);
        free(o->output);
        free(o->text);
    }
    run->outcome_count = 0;
}

/* Converts message I of the window into its outcome and the batch. */
static void convert_one(struct convert_run *run, LONG i)
{
    const char *path = run->paths[i];
    struct outcome *o = &run->outcomes[i - run->window_start];
    struct ecgetmime_options options = run->options;
    struct mapi_message message;
    struct ecgetmime_result result = {0};
    char error[ECGETMIME_ERROR_SIZE] = "", read_error[MSGFILE_ERROR_SIZE];
    HRESULT hr;

    memset(o, 0, sizeof(*o));
    o->track_path = SYSTIME_PATH_LEGACY;
    o->path = strdup(path);
    if (!o->path || !(o->output = output_path(run->dir, path)))
    {
        o->hr = E_OUTOFMEMORY;
        o->text = strdup("out of memory");
        return;
    }
    if (FAILED(o->hr = msgfile_read(path, &message, read_error)))
    {
        cli_message(MSG_CANNOT_READ, read_error);
        o->text = strdup(read_error);
        o->unreadable = TRUE;
        return;
    }
    if (!run->now_fixed)
    {
        FILETIME ft;
        GetSystemTimeAsFileTime(&ft);
        options.now = (ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
    }
    EnterCriticalSection(&run->lock);
    options.track_path = o->track_path = cli_track_path(run->fix, run->last_warning, sizeof(run->last_warning));
    LeaveCriticalSection(&run->lock);
    options.serial = (ULONG)i + 1;
    hr = ecgetmime_convert(&message, path, &options, &result, error);
    if (SUCCEEDED(hr))
    {
        EnterCriticalSection(&run->lock);
        hr = atomicfile_batch_write(&run->batch, o->output, result.mime, (DWORD)strlen(result.mime));
        LeaveCriticalSection(&run->lock);
        if (FAILED(hr))
        {
            char words[256];
            errmsg_format(error, hr, "cannot write '%s': %s", o->output, errmsg_describe(hr, words, sizeof(words)));
        }
    }
    /* no output file is left behind, not even one from an earlier run */
    if (FAILED(hr)) hostfs_remove(o->output);
    o->hr = hr;
    o->text = strdup(error);
    o->method = result.method;
    o->attendees = result.attendees;
    o->uid_generated = result.uid_generated;
    free(result.mime);
    mapi_message_clear(&message);
}

/* Takes the window's next message until none is left. */
static DWORD WINAPI convert_window(void *context)
{
    struct convert_run *run = context;
    LONG i;

    while ((i = InterlockedIncrement(&run->next) - 1) < run->window_end) convert_one(run, i);
    return 0;
}

/* Converts the COUNT messages window by window: the threads share each
 * window, then its outputs are committed and its lines printed. */
static void convert_all(struct convert_run *run, char **paths, LONG count, struct cli_progress *progress)
{
    SYSTEM_INFO system;
    HANDLE helpers[CONVERT_THREADS - 1];
    DWORD threads, t;

    GetSystemInfo(&system);
    threads = min(CONVERT_THREADS, max(1, system.dwNumberOfProcessors));
    run->paths = paths;
    for (run->window_start = 0; run->window_start < count; run->window_start = run->window_end)
    {
        DWORD started = 0;

        run->window_end = min(count, run->window_start + BATCH_MESSAGES);
        run->next = run->window_start;
        run->outcome_count = (ULONG)(run->window_end - run->window_start);
        for (t = 1; t < threads && run->window_end - run->window_start > 1; t++)
            if ((helpers[started] = CreateThread(NULL, 0, convert_window, run, 0, NULL))) started++;
        convert_window(run);
        WaitForMultipleObjects(started, helpers, TRUE, INFINITE);
        for (t = 0; t < started; t++) CloseHandle(helpers[t]);
        commit(run);
        cli_progress_update(progress, (ULONG)run->window_end);
    }
}

enum { OPT_FIX, OPT_FORMAT, OPT_CANCEL, OPT_NOW, OPT_OUTPUT };
static const struct cli_option options[] = {
    [OPT_FIX] = CLI_OPTION_FIX,
    [OPT_FORMAT] = CLI_OPTION_FORMAT,
    [OPT_CANCEL] = {"--cancel", CLI_VALUE_NONE, NULL, NULL},
    [OPT_NOW] = CLI_OPTION_NOW,
    [OPT_OUTPUT] = {"-o", CLI_VALUE_TEXT, NULL, "an output folder"},
};

int cmd_convert(int argc, char **argv)
{
    /* on the heap: the conversion threads share it */
    struct convert_run *run = calloc(1, sizeof(*run));
    struct cli_paths files = {0};
    struct cli_parsed parsed;
    struct cli_progress progress;
    LARGE_INTEGER start, stop, frequency;
    int i, ret = EXIT_USAGE;
    double seconds;
    HRESULT hr = cli_parse("convert", usage_text, options, ARRAYSIZE(options), CLI_ANY, argc, argv, &parsed);

    if (!run)
    {
        cli_message(MSG_FAILED, "convert", "out of memory");
        cli_parsed_free(&parsed);
        return EXIT_ERROR;
    }
    InitializeCriticalSection(&run->lock);
    if (hr != S_OK)
    {
        ret = cli_parse_status(hr);
        goto done;
    }
    run->fix = (enum cli_fix_mode)parsed.choice[OPT_FIX];
    run->format = (enum cli_format)parsed.choice[OPT_FORMAT];
    run->options.cancel = parsed.given[OPT_CANCEL];
    run->options.now = parsed.time[OPT_NOW];
    run->now_fixed = parsed.given[OPT_NOW];
    run->dir = parsed.given[OPT_OUTPUT] ? parsed.text[OPT_OUTPUT] : ".";
    for (i = 0; i < parsed.operand_count; i++)
    {
        if (cli_paths_add(&files, parsed.operands[i], ".msg", FALSE)) continue;
        cli_message(MSG_FAILED, "convert", "out of memory");
        ret = EXIT_ERROR;
        goto done;
    }
    if (!files.count)
    {
        cli_message(MSG_MISSING_ARGUMENT, "convert", "MSG", "convert");
        goto done;
    }
    if (!cli_ensure_folder(run->dir)) goto done;

    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&start);
    cli_progress_start(&progress, files.count, "messages");
    convert_all(run, files.paths, files.count, &progress);
    QueryPerformanceCounter(&stop);
    seconds = (double)(stop.QuadPart - start.QuadPart) / (double)frequency.QuadPart;
    if (run->format == CLI_FORMAT_JSON)
        printf("{\"summary\":{\"converted\":%u,\"failed\":%u,\"unreadable\":%u,\"seconds\":%.3f}}\n", run->converted,
               run->failed, run->unreadable, seconds);
    else
        printf("%u converted, %u failed, %u unreadable, %.3f seconds\n", run->converted, run->failed, run->unreadable,
               seconds);
    ret = run->unreadable ? EXIT_USAGE : run->failed ? EXIT_CONVERT : EXIT_OK;
done:
    atomicfile_batch_free(&run->batch);
    DeleteCriticalSection(&run->lock);
    free(run);
    cli_paths_free(&files);
    cli_parsed_free(&parsed);
    return ret;
}
