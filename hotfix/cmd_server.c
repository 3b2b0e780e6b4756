/*
 * trackfix server: provision the simulated Exchange 2003 SP2 server and its
 * directory.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "address.h"
#include "cli.h"
#include "directory.h"
#include "errmsg.h"
#include "eventlog.h"
#include "server.h"

static const char usage_text[] =
    "usage: trackfix server init [--build=N] [--diagnostics=LEVEL]\n"
    "       trackfix server directory add LEGACY-EXCHANGE-DN SMTP-ADDRESS\n"
    "       trackfix server directory list\n"
    "\n"
    "Writes the registry of a simulated Exchange Server 2003 into the Wine prefix:\n"
    "HKLM\\SOFTWARE\\Microsoft\\Exchange\\Setup (MsiProductMajor 6, MsiProductMinor 5,\n"
    "MsiBuildMajor N, default 7638 = Service Pack 2), the MSExchangeTransport\n"
    "diagnostics level of 'Exchange Store Driver' (default 5, Maximum) and the\n"
    "MSExchangeIS\\ParametersSystem key.  Existing values are overwritten; the\n"
    "hotfix and FixRecipientTrackStatusTime are left as they are.\n"
    "\n"
    "directory is the server's Active Directory as EcGetMime uses it: an Exchange\n"
    "(EX) sender or recipient the .msg file gives no SMTP address for is looked\n"
    "up by its legacyExchangeDN (any case) in HKLM\\" DIRECTORY_KEY ",\n"
    "one REG_SZ value per mailbox (name: the DN, data: the SMTP address).\n"
    "add writes one entry (replacing an older one of that DN); list prints\n"
    "'DN -> ADDRESS' lines.\n";

enum { OPT_BUILD, OPT_DIAGNOSTICS };
static const struct cli_option options[] = {
    [OPT_BUILD] = {"--build", CLI_VALUE_DWORD, NULL, "a decimal number"},
    [OPT_DIAGNOSTICS] = {"--diagnostics", CLI_VALUE_DWORD, NULL, "a decimal number"},
};

static void print_entry(const char *dn, const char *address, void *context)
{
    (void)context;
    printf("%s -> %s\n", dn, address);
}

/* server directory add DN ADDRESS | list; an exit code. */
static int server_directory(char **args, int count)
{
    char error[DIRECTORY_ERROR_SIZE];
    const char *why;
    HRESULT hr;

    if (count == 1 && !strcmp(args[0], "list"))
    {
        ULONG count;
        if (FAILED(hr = directory_each(print_entry, NULL, &count)))
        {
            cli_message(MSG_FAILED, "server directory list", errmsg_describe(hr, error, sizeof(error)));
            return EXIT_ERROR;
        }
        if (!count) printf("the directory is empty\n");
        return EXIT_OK;
    }
    if (count != 3 || strcmp(args[0], "add"))
    {
        cli_message(MSG_MISSING_ARGUMENT, "server directory", "'add DN ADDRESS' or 'list'", "server");
        return EXIT_USAGE;
    }
    if (!address_is_mailbox(args[2], &why))
    {
        snprintf(error, sizeof(error), "'%s' is not an RFC 5321 mailbox: %s", args[2], why);
        cli_message(MSG_FAILED, "server directory add", error);
        return EXIT_USAGE;
    }
    if (FAILED(hr = directory_add(args[1], args[2], error)))
    {
        cli_message(MSG_FAILED, "server directory add", error);
        return hr == E_INVALIDARG ? EXIT_USAGE : EXIT_ERROR;
    }
    printf("%s -> %s\n", args[1], args[2]);
    return EXIT_OK;
}

int cmd_server(int argc, char **argv)
{
    struct cli_parsed parsed;
    DWORD build, level;
    char error[SERVER_TEXT_SIZE];
    int ret = EXIT_USAGE;
    HRESULT hr = cli_parse("server", usage_text, options, ARRAYSIZE(options), CLI_ANY, argc, argv, &parsed);

    if (hr != S_OK)
    {
        ret = cli_parse_status(hr);
        goto done;
    }
    if (parsed.operand_count && !strcmp(parsed.operands[0], "directory"))
    {
        ret = parsed.given[OPT_BUILD] || parsed.given[OPT_DIAGNOSTICS]
                  ? (cli_message(MSG_OPTION_NOT_FOR, parsed.given[OPT_BUILD] ? "--build" : "--diagnostics", "server",
                                 "directory"), EXIT_USAGE)
                  : server_directory(parsed.operands + 1, parsed.operand_count - 1);
        goto done;
    }
    if (parsed.operand_count != 1 || strcmp(parsed.operands[0], "init"))
    {
        cli_message(MSG_MISSING_ARGUMENT, "server", "'init' or 'directory'", "server");
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
