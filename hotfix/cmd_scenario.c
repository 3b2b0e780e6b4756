/*
 * trackfix scenario: the whole KB 938650 story in one command.
 */
#include <stdio.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
#include "errmsg.h"
#include "scenario.h"


static const char usage_text[] =
    "usage: trackfix scenario [--fix=off|on|toggle] [--dir=DIR] [--format=text|json]\n"
    "\n"
    "Plays KB 938650 from nothing in the server folder DIR (default\n"
    "$TRACKFIX_SERVER, or trackfix-server in the current folder; an earlier\n"
    "scenario there is replaced, other files are never touched): provisions an\n"
    "Exchange 2003 SP2 server in the Wine prefix (diagnostics level\n"
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

static const char *const modes[] = {"off", "on", "toggle", NULL};
enum { OPT_FIX, OPT_DIR, OPT_FORMAT };
static const struct cli_option options[] = {
    [OPT_FIX] = {"--fix", CLI_VALUE_CHOICE, modes, "off, on or toggle"},
    [OPT_DIR] = {"--dir", CLI_VALUE_TEXT, NULL, "a server folder"},
    [OPT_FORMAT] = CLI_OPTION_FORMAT,
};

int cmd_scenario(int argc, char **argv)
{
    enum scenario_mode mode;
    enum cli_format format;
    struct cli_parsed parsed;
    const char *dir;
    char error[SCENARIO_ERROR_SIZE], *default_dir = NULL;
    int ret = EXIT_USAGE;
    HRESULT hr = cli_parse("scenario", usage_text, options, ARRAYSIZE(options), 0, argc, argv, &parsed);

    if (hr != S_OK)
    {
        ret = cli_parse_status(hr);
        goto done;
    }
    mode = parsed.given[OPT_FIX] ? (enum scenario_mode)parsed.choice[OPT_FIX] : SCENARIO_TOGGLE;
    format = (enum cli_format)parsed.choice[OPT_FORMAT];
    if (!(dir = parsed.text[OPT_DIR]) && !(dir = default_dir = cli_server_path(NULL)))
    {
        cli_message(MSG_FAILED, "scenario", ERRMSG_OOM);
        ret = EXIT_ERROR;
        goto done;
    }
    if (format == CLI_FORMAT_TEXT)
        printf("KB 938650 with the fix %s, in %s\n", modes[mode], dir);
    hr = scenario_play(dir, mode, format == CLI_FORMAT_JSON ? narrate_json : narrate_text, NULL, error);
    if (FAILED(hr))
    {
        cli_message(MSG_FAILED, "scenario", error);
        ret = EXIT_ERROR;
        goto done;
    }
    if (format == CLI_FORMAT_JSON)
        printf("{\"result\":\"%s\",\"as_the_article_says\":%s}\n", modes[mode], hr == S_OK ? "true" : "false");
    else
        printf("\n%s\n", hr == S_OK ? "The story ended as KB 938650 says it must."
                                    : "The story did NOT end as KB 938650 says: see the steps above.");
    ret = hr == S_OK ? EXIT_OK : EXIT_CONVERT;
done:
    free(default_dir);
    cli_parsed_free(&parsed);
    return ret;
}
