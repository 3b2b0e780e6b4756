/*
 * trackfix eventlog: event 327 records in the Event Viewer layout.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
#include "eventlog.h"
#include "systime.h"

#define DEFAULT_LOG "build/server/eventlog.log"

static const char usage_text[] =
    "usage: trackfix eventlog [--log=FILE] [--since=TIME]\n"
    "\n"
    "Prints the events the simulated server logged (event 327 of\n"
    "MSExchangeTransport for each failed EcGetMime at diagnostics level 5), oldest\n"
    "first, as Event Viewer shows them.  FILE defaults to build/server/eventlog.log,\n"
    "beside the default queue; --since keeps the events at or after TIME.\n";

int cmd_eventlog(int argc, char **argv)
{
    const char *log = DEFAULT_LOG;
    ULONGLONG since = 0;
    int i;

    for (i = 1; i < argc; i++)
    {
        if (cli_is_help(argv[i]))
        {
            fputs(usage_text, stdout);
            return EXIT_OK;
        }
        if (!strncmp(argv[i], "--log=", 6))
            log = argv[i] + 6;
        else if (!strncmp(argv[i], "--since=", 8))
        {
            if (!strchr(argv[i], 'T') || FAILED(systime_parse(argv[i] + 8, &since)))
            {
                cli_message(MSG_BAD_TIME_VALUE, argv[i] + 8);
                return EXIT_USAGE;
            }
        }
        else
        {
            cli_message(MSG_UNKNOWN_OPTION, "eventlog", argv[i], "eventlog");
            return EXIT_USAGE;
        }
    }
    if (eventlog_print(log, since, stdout) == S_FALSE)
    {
        char text[MAX_PATH + 32];
        snprintf(text, sizeof(text), "'%s': no such event log", log);
        cli_message(MSG_CANNOT_READ, text);
        return EXIT_USAGE;
    }
    return EXIT_OK;
}
