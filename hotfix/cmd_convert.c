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
    "A DIR argument stands for every *.msg file in it, in name order.\n"
    "\n"
    "  --fix=auto   read the KB938650 gate before each message (default)\n"
    "  --fix=on|off force the clamped or the legacy PR_RECIPIENT_TRACKSTATUS_TIME path\n"
    "  --cancel     convert as the meeting's cancellation (METHOD:CANCEL)\n"
    "  --now=TIME   the clock for Date, Message-ID and an unset DTSTAMP (ISO-8601 UTC)\n"
    "  --format=    text (default) or json: one line per message, then a summary\n"
    "\n"
    "Exit status: 0 all converted, 3 any failed, 2 usage error or unreadable input.\n";

struct convert_run
{
    enum cli_fix_mode fix;
    enum cli_format format;
    const char *dir;
    struct ecgetmime_options options;
    BOOL now_fixed;
    char last_warning[GATE_TEXT_SIZE * 2];
    ULONG converted, failed, unreadable;
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

static void report(struct convert_run *run, const char *path, const char *output, HRESULT hr, const char *text,
                   const struct ecgetmime_result *result, enum systime_path track_path)
{
    if (run->format == CLI_FORMAT_JSON)
    {
        printf("{\"file\":");
        cli_print_json_string(path);
        if (SUCCEEDED(hr))
        {
            printf(",\"converted\":true,\"output\":");
            cli_print_json_string(output);
            printf(",\"method\":\"%s\",\"attendees\":%u,\"path\":\"%s\",\"uid_generated\":%s}\n",
                   result->method == ECGETMIME_CANCEL ? "CANCEL" : "REQUEST", result->attendees,
                   systime_path_name(track_path), result->uid_generated ? "true" : "false");
        }
        else
        {
            printf(",\"converted\":false,\"hresult\":\"%#x\",\"reason\":", (unsigned)hr);
            cli_print_json_string(text);
            printf("}\n");
        }
    }
    else if (SUCCEEDED(hr))
        printf("converted %s -> %s (%s, %u attendee%s, %s track time%s)\n", path, output,
               result->method == ECGETMIME_CANCEL ? "CANCEL" : "REQUEST", result->attendees,
               result->attendees == 1 ? "" : "s", systime_path_name(track_path),
               result->uid_generated ? ", UID generated: the meeting has no PidLidGlobalObjectId" : "");
    else
        printf("failed %s %#x: %s\n", path, (unsigned)hr, text);
}

static void convert_one(struct convert_run *run, const char *path)
{
    struct mapi_message message;
    struct ecgetmime_result result = {0};
    char error[ECGETMIME_ERROR_SIZE] = "", read_error[MSGFILE_ERROR_SIZE];
    char *output = output_path(run->dir, path);
    enum systime_path track_path = SYSTIME_PATH_LEGACY;
    HRESULT hr;

    if (!output)
    {
        report(run, path, "", E_OUTOFMEMORY, "out of memory", NULL, track_path);
        run->failed++;
        return;
    }
    if (FAILED(hr = msgfile_read(path, &message, read_error)))
    {
        cli_message(MSG_CANNOT_READ, read_error);
        report(run, path, output, hr, read_error, NULL, track_path);
        run->unreadable++;
        free(output);
        return;
    }
    if (!run->now_fixed)
    {
        FILETIME ft;
        GetSystemTimeAsFileTime(&ft);
        run->options.now = (ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
    }
    run->options.track_path = track_path = cli_track_path(run->fix, run->last_warning, sizeof(run->last_warning));
    run->options.serial++;
    hr = ecgetmime_convert(&message, path, &run->options, &result, error);
    if (SUCCEEDED(hr) && FAILED(hr = atomicfile_write(output, result.mime, (DWORD)strlen(result.mime))))
    {
        char words[256];
        errmsg_format(error, hr, "cannot write '%s': %s", output, errmsg_describe(hr, words, sizeof(words)));
    }
    if (FAILED(hr))
    {
        /* no output file is left behind, not even one from an earlier run */
        hostfs_remove(output);
        run->failed++;
    }
    else
        run->converted++;
    report(run, path, output, hr, error, &result, track_path);
    free(result.mime);
    free(output);
    mapi_message_clear(&message);
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
    struct convert_run run;
    struct cli_paths files = {0};
    struct cli_parsed parsed;
    struct cli_progress progress;
    LARGE_INTEGER start, stop, frequency;
    int i, ret = EXIT_USAGE;
    double seconds;
    HRESULT hr = cli_parse("convert", usage_text, options, ARRAYSIZE(options), CLI_ANY, argc, argv, &parsed);

    memset(&run, 0, sizeof(run));
    if (hr != S_OK)
    {
        ret = cli_parse_status(hr);
        goto done;
    }
    run.fix = (enum cli_fix_mode)parsed.choice[OPT_FIX];
    run.format = (enum cli_format)parsed.choice[OPT_FORMAT];
    run.options.cancel = parsed.given[OPT_CANCEL];
    run.options.now = parsed.time[OPT_NOW];
    run.now_fixed = parsed.given[OPT_NOW];
    run.dir = parsed.given[OPT_OUTPUT] ? parsed.text[OPT_OUTPUT] : ".";
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
    if (!cli_ensure_folder(run.dir)) goto done;

    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&start);
    cli_progress_start(&progress, files.count, "messages");
    for (i = 0; i < files.count; i++)
    {
        convert_one(&run, files.paths[i]);
        cli_progress_update(&progress, i + 1);
    }
    QueryPerformanceCounter(&stop);
    seconds = (double)(stop.QuadPart - start.QuadPart) / (double)frequency.QuadPart;
    if (run.format == CLI_FORMAT_JSON)
        printf("{\"summary\":{\"converted\":%u,\"failed\":%u,\"unreadable\":%u,\"seconds\":%.3f}}\n", run.converted,
               run.failed, run.unreadable, seconds);
    else
        printf("%u converted, %u failed, %u unreadable, %.3f seconds\n", run.converted, run.failed, run.unreadable,
               seconds);
    ret = run.unreadable ? EXIT_USAGE : run.failed ? EXIT_CONVERT : EXIT_OK;
done:
    cli_paths_free(&files);
    cli_parsed_free(&parsed);
    return ret;
}
