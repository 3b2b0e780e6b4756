/*
 * trackfix convert: EcGetMime on .msg files, one process for all of them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
#include "convertbatch.h"
#include "errmsg.h"
#include "gate.h"

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

/* The verb's side of the batch (convertbatch.h): the switch, the counts,
 * the lines. */
struct convert_run
{
    enum cli_fix_mode fix;
    enum cli_format format;
    char last_warning[GATE_TEXT_SIZE * 2];
    ULONG converted, failed, unreadable;
    struct cli_progress progress;
};

static enum systime_path track_path(void *context)
{
    struct convert_run *run = context;

    return cli_track_path(run->fix, run->last_warning, sizeof(run->last_warning));
}

static void progress(void *context, ULONG done)
{
    struct convert_run *run = context;

    cli_progress_update(&run->progress, done);
}

/* One message's line, and its count. */
static void report(void *context, const struct convertbatch_outcome *o)
{
    struct convert_run *run = context;

    if (o->unreadable)
    {
        cli_message(MSG_CANNOT_READ, o->text);
        run->unreadable++;
    }
    else if (FAILED(o->hr)) run->failed++;
    else run->converted++;
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
    /* on the heap: the conversion threads reach it (track_path) */
    struct convert_run *run = calloc(1, sizeof(*run));
    struct convertbatch_job job = {0};
    struct cli_paths files = {0};
    struct cli_parsed parsed;
    LARGE_INTEGER start, stop, frequency;
    int i, ret = EXIT_USAGE;
    double seconds;
    HRESULT hr = cli_parse("convert", usage_text, options, ARRAYSIZE(options), CLI_ANY, argc, argv, &parsed);

    if (!run)
    {
        cli_message(MSG_FAILED, "convert", ERRMSG_OOM);
        cli_parsed_free(&parsed);
        return EXIT_ERROR;
    }
    if (hr != S_OK)
    {
        ret = cli_parse_status(hr);
        goto done;
    }
    run->fix = (enum cli_fix_mode)parsed.choice[OPT_FIX];
    run->format = (enum cli_format)parsed.choice[OPT_FORMAT];
    job.options.cancel = parsed.given[OPT_CANCEL];
    job.options.now = parsed.time[OPT_NOW];
    job.now_fixed = parsed.given[OPT_NOW];
    job.output_dir = parsed.given[OPT_OUTPUT] ? parsed.text[OPT_OUTPUT] : ".";
    job.track_path = track_path;
    job.done = report;
    job.progress = progress;
    job.context = run;
    for (i = 0; i < parsed.operand_count; i++)
    {
        if (cli_paths_add(&files, parsed.operands[i], ".msg", FALSE)) continue;
        cli_message(MSG_FAILED, "convert", ERRMSG_OOM);
        ret = EXIT_ERROR;
        goto done;
    }
    if (!files.count)
    {
        cli_message(MSG_MISSING_ARGUMENT, "convert", "MSG", "convert");
        goto done;
    }
    if (!cli_ensure_folder(job.output_dir)) goto done;

    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&start);
    cli_progress_start(&run->progress, files.count, "messages");
    if (FAILED(convertbatch_run(&job, files.paths, files.count)))
    {
        cli_message(MSG_FAILED, "convert", ERRMSG_OOM);
        ret = EXIT_ERROR;
        goto done;
    }
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
    free(run);
    cli_paths_free(&files);
    cli_parsed_free(&parsed);
    return ret;
}
