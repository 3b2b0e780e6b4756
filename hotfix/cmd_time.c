/*
 * trackfix time: convert PR_RECIPIENT_TRACKSTATUS_TIME values along the
 * legacy or the clamped path, the gate deciding unless --fix says otherwise.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
#include "errmsg.h"
#include "gate.h"
#include "systime.h"

static const char usage_text[] =
    "usage: trackfix time [--fix=auto|on|off] [--format=text|json] VALUE...\n"
    "\n"
    "Converts each VALUE as Exchange 2003 SP2 converts PR_RECIPIENT_TRACKSTATUS_TIME\n"
    "to iCalendar.  VALUE is a FILETIME in decimal or 0x hex, or an ISO-8601 UTC\n"
    "time such as 1601-01-01T00:00:00Z.\n"
    "\n"
    "  --fix=auto   ask the registry before each value (default): clamped when\n"
    "               KB938650 is installed and FixRecipientTrackStatusTime is non-zero\n"
    "  --fix=on     always the clamped path;  --fix=off  always the legacy path\n"
    "  --format=    text (default): FILETIME ISO-TIME PATH RESULT, one line a value;\n"
    "               json: one JSON object a line\n"
    "\n"
    "Exit status: 0 all converted, 3 any failed, 2 usage error or unparsable VALUE.\n";


static void print_result(enum cli_format format, ULONGLONG t, enum systime_path path, HRESULT hr,
                         const char *ical)
{
    char iso[SYSTIME_ISO_SIZE];

    systime_format_iso(t, iso);
    if (format == CLI_FORMAT_JSON)
    {
        printf("{\"filetime\":%llu,\"iso\":\"%s\",\"path\":\"%s\",", (unsigned long long)t, iso, systime_path_name(path));
        if (SUCCEEDED(hr)) printf("\"converted\":true,\"datetime\":\"%s\"}\n", ical);
        else printf("\"converted\":false,\"hresult\":\"%#x\"}\n", (unsigned)hr);
    }
    else if (SUCCEEDED(hr))
        printf("%llu %s %s %s\n", (unsigned long long)t, iso, systime_path_name(path), ical);
    else
        printf("%llu %s %s %#x\n", (unsigned long long)t, iso, systime_path_name(path), (unsigned)hr);
}

enum { OPT_FIX, OPT_FORMAT };
static const struct cli_option options[] = {
    [OPT_FIX] = CLI_OPTION_FIX,
    [OPT_FORMAT] = CLI_OPTION_FORMAT,
};

int cmd_time(int argc, char **argv)
{
    enum cli_fix_mode mode;
    enum cli_format format;
    char last_warning[GATE_TEXT_SIZE * 2] = "";
    struct cli_parsed parsed;
    ULONGLONG *values = NULL;
    int count, failed = 0, i, ret = EXIT_USAGE;
    HRESULT hr = cli_parse("time", usage_text, options, ARRAYSIZE(options), CLI_ANY, argc, argv, &parsed);

    if (hr != S_OK)
    {
        ret = cli_parse_status(hr);
        goto done;
    }
    mode = (enum cli_fix_mode)parsed.choice[OPT_FIX];
    format = (enum cli_format)parsed.choice[OPT_FORMAT];
    count = parsed.operand_count;
    if (!count)
    {
        cli_message(MSG_MISSING_ARGUMENT, "time", "VALUE", "time");
        goto done;
    }
    if (!(values = calloc((size_t)count, sizeof(*values))))
    {
        cli_message(MSG_FAILED, "time", ERRMSG_OOM);
        ret = EXIT_ERROR;
        goto done;
    }
    for (i = 0; i < count; i++)
    {
        if (SUCCEEDED(systime_parse(parsed.operands[i], &values[i]))) continue;
        cli_message(MSG_BAD_TIME_VALUE, parsed.operands[i]);
        goto done;
    }

    for (i = 0; i < count; i++)
    {
        enum systime_path path = cli_track_path(mode, last_warning, sizeof(last_warning));
        char ical[SYSTIME_ICAL_SIZE];
        HRESULT hr = systime_to_ical(values[i], path, ical);

        if (FAILED(hr)) failed++;
        print_result(format, values[i], path, hr, ical);
    }
    ret = failed ? EXIT_CONVERT : EXIT_OK;
done:
    free(values);
    cli_parsed_free(&parsed);
    return ret;
}
