/*
 * trackfix scenario: the whole KB 938650 story in one command.
 */
#include <stdio.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
#include "scenario.h"

#define DEFAULT_DIR "build/server"

static const char usage_text[] =
    "usage: trackfix scenario [--fix=off|on|toggle] [--dir=DIR] [--format=text|json]\n"
    "\n"
    "Plays KB 938650 from nothing in the server folder DIR (default build/server;\n"
    "an earlier scenario there is replaced, other files are never touched):\n"
    "provisions an Exchange 2003 SP2 server in the Wine prefix (diagnostics level\n"
    "5, KB938650 installed), writes the organizer's meeting with an Exchange 2007\n"
    "attendee, delivers the request, applies the attendee's acceptance that lacks\n"
    "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE, sends an update and a cancellation,\n"
    "and runs the SMTP queue over two simulated days, telling each step with its\n"
    "evidence.\n"
    "\n"
    "  --fix=off     FixRecipientTrackStatusTime stays 0: stuck, event 327, NDR 4.4.7\n"
    "  --fix=on      the value is 1 from the start: delivered, track time clamped\n"
    "  --fix=toggle  (default) stuck, then the value flipped with no restart,\n"
    "                delivered at the next retry\n"
    "\n"
    "Exit status: 0 the story ended as the article says for the mode, 3 it did\n"
    "not, 2 usage error, 1 an I/O failure.\n";

static void narrate_text(void *ctx, int step, const char *title, const char *evidence)
{
    (void)ctx;
    printf("\n%d. %s\n", step, title);
    for (; *evidence; )
    {
        size_t len = strcspn(evidence, "\n");
        printf("   %.*s\n", (int)len, evidence);
        evidence += len + (evidence[len] == '\n');
    }
    fflush(stdout);
}


static void narrate_json(void *ctx, int step, const char *title, const char *evidence)
{
    (void)ctx;
    printf("{\"step\":%d,\"title\":", step);
    cli_print_json_string(title);
    printf(",\"evidence\":");
    cli_print_json_string(evidence);
    printf("}\n");
    fflush(stdout);
}

int cmd_scenario(int argc, char **argv)
{
    static const char *const modes[] = {"off", "on", "toggle"};
    enum scenario_mode mode = SCENARIO_TOGGLE;
    enum cli_format format = CLI_FORMAT_TEXT;
    const char *dir = DEFAULT_DIR;
    char error[SCENARIO_ERROR_SIZE];
    HRESULT hr;
    int i;

    for (i = 1; i < argc; i++)
    {
        if (cli_is_help(argv[i]))
        {
            fputs(usage_text, stdout);
            return EXIT_OK;
        }
        if (!strncmp(argv[i], "--fix=", 6))
        {
            size_t m;
            for (m = 0; m < ARRAYSIZE(modes) && strcmp(argv[i] + 6, modes[m]); m++) {}
            if (m == ARRAYSIZE(modes))
            {
                cli_message(MSG_BAD_OPTION_VALUE, argv[i], "off, on or toggle");
                return EXIT_USAGE;
            }
            mode = (enum scenario_mode)m;
        }
        else if (!strncmp(argv[i], "--dir=", 6) && argv[i][6])
            dir = argv[i] + 6;
        else if ((hr = cli_option_format(argv[i], &format)) != S_FALSE)
        {
            if (FAILED(hr)) return EXIT_USAGE;
        }
        else
        {
            cli_message(MSG_UNKNOWN_OPTION, "scenario", argv[i], "scenario");
            return EXIT_USAGE;
        }
    }
    if (format == CLI_FORMAT_TEXT)
        printf("KB 938650 with the fix %s, in %s\n", modes[mode], dir);
    hr = scenario_play(dir, mode, format == CLI_FORMAT_JSON ? narrate_json : narrate_text, NULL, error);
    if (FAILED(hr))
    {
        cli_message(MSG_FAILED, "scenario", error);
        return EXIT_ERROR;
    }
    if (format == CLI_FORMAT_JSON)
        printf("{\"result\":\"%s\",\"as_the_article_says\":%s}\n", modes[mode], hr == S_OK ? "true" : "false");
    else
        printf("\n%s\n", hr == S_OK ? "The story ended as KB 938650 says it must."
                                    : "The story did NOT end as KB 938650 says: see the steps above.");
    return hr == S_OK ? EXIT_OK : EXIT_CONVERT;
}
