/*
 * trackfix server init: provision the simulated Exchange 2003 SP2 server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
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

/* Parses "--NAME=N" into *VALUE.  S_OK, S_FALSE (not this option), E_INVALIDARG. */
static HRESULT option_dword(const char *arg, const char *name, DWORD *value)
{
    size_t len = strlen(name);
    char *end;
    unsigned long n;

    if (strncmp(arg, name, len) || arg[len] != '=') return S_FALSE;
    n = strtoul(arg + len + 1, &end, 10);
    if (!arg[len + 1] || *end || n > 0xffffffffUL)
    {
        cli_message(MSG_BAD_OPTION_VALUE, arg, "a decimal number");
        return E_INVALIDARG;
    }
    *value = (DWORD)n;
    return S_OK;
}

int cmd_server(int argc, char **argv)
{
    DWORD build = 7638, level = 5;
    char error[SERVER_TEXT_SIZE];
    HRESULT hr;
    int i;

    if (argc >= 2 && cli_is_help(argv[1]))
    {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    if (argc < 2 || strcmp(argv[1], "init"))
    {
        cli_message(MSG_MISSING_ARGUMENT, "server", "'init'", "server");
        return EXIT_USAGE;
    }
    for (i = 2; i < argc; i++)
    {
        if (cli_is_help(argv[i]))
        {
            fputs(usage_text, stdout);
            return EXIT_OK;
        }
        if ((hr = option_dword(argv[i], "--build", &build)) != S_FALSE ||
            (hr = option_dword(argv[i], "--diagnostics", &level)) != S_FALSE)
        {
            if (FAILED(hr)) return EXIT_USAGE;
            continue;
        }
        cli_message(MSG_UNKNOWN_OPTION, "server", argv[i], "server");
        return EXIT_USAGE;
    }
    if (FAILED(hr = server_init(build, level, error)))
    {
        cli_message(MSG_FAILED, "server init", error);
        return EXIT_ERROR;
    }
    printf("Exchange Server 2003 (6.5 build %u) provisioned; 'Exchange Store Driver' diagnostics level %u\n",
           build, level);
    return EXIT_OK;
}
