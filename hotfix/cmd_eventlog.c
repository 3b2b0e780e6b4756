/*
 * trackfix eventlog: event 327 records in the Event Viewer layout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
#include "errmsg.h"
#include "eventlog.h"
#include "serverdir.h"
#include "systime.h"


static const char usage_text[] =
    "usage: trackfix eventlog [--log=FILE] [--since=TIME]\n"
    "\n"
    "Prints the events the simulated server logged (event 327 of\n"
    "MSExchangeTransport for each failed EcGetMime at diagnostics level 5), oldest\n"
    "first, as Event Viewer shows them.  FILE defaults to eventlog.log in the\n"
    "server folder, $TRACKFIX_SERVER (default: trackfix-server in the current\n"
    "folder), beside the queue; --since keeps the events at or after TIME.\n"
    "\n"
    "Exit status: 0 done, 2 usage error or no such log, 1 the log cannot be read.\n";

enum { OPT_LOG, OPT_SINCE };
static const struct cli_option options[] = {
    [OPT_LOG] = {"--log", CLI_VALUE_TEXT, NULL, "an event log file"},
    [OPT_SINCE] = {"--since", CLI_VALUE_TIME, NULL, "a time in ISO-8601 UTC"},
};

int cmd_eventlog(int argc, char **argv)
{
    struct cli_parsed parsed;
    const char *log;
    char *default_log = NULL;
    int ret = EXIT_USAGE;
    HRESULT hr = cli_parse("eventlog", usage_text, options, ARRAYSIZE(options), 0, argc, argv, &parsed);

    if (hr != S_OK)
    {
        ret = cli_parse_status(hr);
        goto done;
    }
    if (!(log = parsed.text[OPT_LOG]) && !(log = default_log = cli_server_path(serverdir_name(SERVER_EVENTLOG))))
    {
        cli_message(MSG_FAILED, "eventlog", ERRMSG_OOM);
        ret = EXIT_ERROR;
        goto done;
    }
    if ((hr = eventlog_print(log, parsed.time[OPT_SINCE], stdout)) != S_OK)
    {
        char error[ERRMSG_SIZE], words[256];
        if (hr == S_FALSE) errmsg_about(error, hr, log, "no such event log");
        else errmsg_about(error, hr, log, "%s", hr == E_OUTOFMEMORY ? ERRMSG_OOM : errmsg_describe(hr, words, sizeof(words)));
        cli_message(MSG_CANNOT_READ, error);
        ret = hr == S_FALSE ? EXIT_USAGE : EXIT_ERROR;
        goto done;
    }
    ret = EXIT_OK;
done:
    free(default_log);
    cli_parsed_free(&parsed);
    return ret;
}
