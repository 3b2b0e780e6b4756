/*
 * trackfix hotfix: status, install, uninstall, enable, disable KB938650.
 */
#include <stdio.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
#include "server.h"

static const char usage_text[] =
    "usage: trackfix hotfix status|install|uninstall|enable|disable\n"
    "\n"
    "  status     installed yes/no, FixRecipientTrackStatusTime as found, active yes/no\n"
    "  install    install KB938650 (refused before Exchange 2003 SP2, build 7638)\n"
    "  uninstall  remove KB938650 (the registry value stays)\n"
    "  enable     set FixRecipientTrackStatusTime = 1 (REG_DWORD)\n"
    "  disable    set FixRecipientTrackStatusTime = 0 (REG_DWORD)\n"
    "\n"
    "The fix is active only when installed and the value is a non-zero REG_DWORD.\n"
    "Changes take effect at the next conversion; nothing needs a restart.\n";

static int hotfix_status(char *error)
{
    struct gate_status gate;

    (void)error;
    gate_read(gate_reader_registry(), &gate);
    if (gate.warning[0]) cli_message(MSG_WARNING, gate.warning);
    printf("KB938650 installed: %s\n", gate.installed ? "yes" : "no");
    printf("FixRecipientTrackStatusTime: %s\n", gate.fix.found);
    printf("fix active: %s\n", gate.active ? "yes" : "no");
    return EXIT_OK;
}

static int hotfix_install(char *error)
{
    SYSTEMTIME now;
    char today[16];
    HRESULT hr;

    GetSystemTime(&now);
    snprintf(today, sizeof(today), "%04u%02u%02u", now.wYear, now.wMonth, now.wDay);
    hr = server_install_hotfix(gate_reader_registry(), today, error);
    if (hr == E_ABORT)
    {
        cli_message(MSG_REFUSED, "hotfix install", error);
        return EXIT_ERROR;
    }
    if (FAILED(hr)) return EXIT_ERROR;
    printf("KB938650 installed; create FixRecipientTrackStatusTime (trackfix hotfix enable) to enable it\n");
    return EXIT_OK;
}

static int hotfix_uninstall(char *error)
{
    HRESULT hr = server_uninstall_hotfix(error);

    if (FAILED(hr)) return EXIT_ERROR;
    printf(hr == S_FALSE ? "KB938650 was not installed\n" : "KB938650 uninstalled\n");
    return EXIT_OK;
}

static int hotfix_enable(char *error)
{
    if (FAILED(server_set_fix_value(1, error))) return EXIT_ERROR;
    printf("FixRecipientTrackStatusTime = 1\n");
    return EXIT_OK;
}

static int hotfix_disable(char *error)
{
    if (FAILED(server_set_fix_value(0, error))) return EXIT_ERROR;
    printf("FixRecipientTrackStatusTime = 0\n");
    return EXIT_OK;
}

static const struct
{
    const char *name;
    int (*run)(char *error);
} actions[] = {
    {"status", hotfix_status},
    {"install", hotfix_install},
    {"uninstall", hotfix_uninstall},
    {"enable", hotfix_enable},
    {"disable", hotfix_disable},
};

int cmd_hotfix(int argc, char **argv)
{
    const char *names[ARRAYSIZE(actions)], *nearest;
    char error[SERVER_TEXT_SIZE] = "";
    struct cli_parsed parsed;
    size_t i;
    int ret = EXIT_USAGE;
    HRESULT hr = cli_parse("hotfix", usage_text, NULL, 0, 1, argc, argv, &parsed);

    if (hr != S_OK)
    {
        ret = cli_parse_status(hr);
        goto done;
    }
    for (i = 0; i < ARRAYSIZE(actions); i++)
    {
        names[i] = actions[i].name;
        if (parsed.operand_count != 1 || strcmp(parsed.operands[0], actions[i].name)) continue;
        ret = actions[i].run(error);
        if (ret == EXIT_ERROR && error[0] && strncmp(error, "KB938650 requires", 17))
            cli_message(MSG_FAILED, actions[i].name, error);
        goto done;
    }
    if (parsed.operand_count == 1 && (nearest = cli_nearest(parsed.operands[0], names, ARRAYSIZE(names))))
        cli_message(MSG_UNKNOWN_ACTION_NEAR, "hotfix", parsed.operands[0], nearest);
    else
        cli_message(MSG_MISSING_ARGUMENT, "hotfix", "one of status, install, uninstall, enable, disable", "hotfix");
done:
    cli_parsed_free(&parsed);
    return ret;
}
