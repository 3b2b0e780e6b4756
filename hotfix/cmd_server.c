/*
 * trackfix server init: provision the simulated Exchange 2003 SP2 server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
#include "eventlog.h"
#include "server.h"

static const char usage_text[] =
    "usage: trackfix server init [--build=N] [--diagnostics=LEVEL]\n"
    "\n"
    "Writes the registry of a simulated Exchange Server 2003 into the Wine prefix:\n"
    "HKLM\\SOFTWARE\\Microsoft\\Exchange\\Setup (MsiProductMajor 6, MsiProductMinor 5,\n"
    "MsiBuildMajor N, default 7638 = Service Pack 2), the MSExchangeTransport\n"
    "diagnostics level of 'Exchange Store Driver' (default 5, Maximum) and the\n"
    "MSExchangeIS\\ParametersSystem key.  Existing values are overwritten; the\n"
    "hotfix and FixRecipientTrackStatusTime are left as they are.\n";

enum { OPT_BUILD, OPT_DIAGNOSTICS };
static const struct cli_option options[] = {
    [OPT_BUILD] = {"--build", CLI_VALUE_DWORD, NULL, "a decimal number"},
    [OPT_DIAGNOSTICS] = {"--diagnostics", CLI_VALUE_DWORD, NULL, "a decimal number"},
};

int cmd_server(int argc, char **argv)
{
    struct cli_parsed parsed;
    DWORD build, level;
    char error[SERVER_TEXT_SIZE];
    int ret = EXIT_USAGE;
    HRESULT hr = cli_parse("server", usage_text, options, ARRAYSIZE(options), 1, argc, argv, &parsed);

    if (hr != S_OK)
    {
        ret = cli_parse_status(hr);
        goto done;
    }
    if (parsed.operand_count != 1 || strcmp(parsed.operands[0], "init"))
    {
        cli_message(MSG_MISSING_ARGUMENT, "server", "'init'", "server");
        goto done;
    }
    build = parsed.given[OPT_BUILD] ? parsed.number[OPT_BUILD] : REG_BUILD_EXCHANGE_2003_SP2;
    level = parsed.given[OPT_DIAGNOSTICS] ? parsed.number[OPT_DIAGNOSTICS] : EVENTLOG_LEVEL_MAXIMUM;
    if (FAILED(hr = server_init(build, level, error)))
    {
        cli_message(MSG_FAILED, "server init", error);
        ret = EXIT_ERROR;
        goto done;
    }
    printf("Exchange Server 2003 (6.5 build %u) provisioned; 'Exchange Store Driver' diagnostics level %u\n",
           build, level);
    ret = EXIT_OK;
done:
    cli_parsed_free(&parsed);
    return ret;
}
