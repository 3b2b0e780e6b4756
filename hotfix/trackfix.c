/*
 * trackfix: emulates Exchange 2003 SP2's MAPI -> MIME step for meeting
 * updates and cancellations, with and without KB938650.
 *
 * wmain converts the arguments to UTF-8 once and dispatches on the verb
 * through a const table, as Wine's reg.exe does.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <libical/ical.h>

#include "cli.h"
#include "leakcheck.h"

static const struct
{
    const char *name;
    cli_verb_fn run;
    const char *summary;
} verbs[] = {
    {"scenario", cmd_scenario, "play the whole KB 938650 story: fix off, on, or toggled while running"},
    {"time", cmd_time, "convert PR_RECIPIENT_TRACKSTATUS_TIME values, legacy or clamped"},
    {"server", cmd_server, "provision the simulated Exchange 2003 SP2 server"},
    {"hotfix", cmd_hotfix, "show, install, uninstall, enable or disable KB938650"},
    {"convert", cmd_convert, "EcGetMime: convert meeting .msg files to MIME, gated by KB938650"},
    {"reply", cmd_reply, "apply attendees' iMIP replies to the organizer's meeting .msg"},
    {"queue", cmd_queue, "the SMTP retry queue: submit, run, list, open, retry, delete"},
    {"scan", cmd_scan, "impact scan: which meetings KB 938650 would get stuck, and who caused it"},
    {"eventlog", cmd_eventlog, "show event 327 records as Event Viewer does"},
    {"msg", cmd_msg, "dump Outlook .msg files as text, or write one from text"},
};

/* The version of trackfix; the others are read where they are kept. */
#define TRACKFIX_VERSION "0.9.0"

static void usage(FILE *out)
{
    size_t i;

    fprintf(out, "usage: trackfix COMMAND [ARGS...]\n       trackfix --version\n\ncommands:\n");
    for (i = 0; i < ARRAYSIZE(verbs); i++)
        fprintf(out, "  %-8s %s\n", verbs[i].name, verbs[i].summary);
    fprintf(out, "\nOptions take their value as '--opt VALUE' or '--opt=VALUE', anywhere after\n"
                 "the command; '--' ends them.  'trackfix COMMAND --help' describes each command.\n");
}

/* Prints the version of trackfix, of the Wine it runs on, of libical, and
 * how it was built. */
static void version(void)
{
    const char *(CDECL *wine_version)(void) =
        (void *)GetProcAddress(GetModuleHandleW(L"ntdll.dll"), "wine_get_version");

    printf("trackfix %s\n", TRACKFIX_VERSION);
    printf("Wine %s\n", wine_version ? wine_version() : "(not found)");
    printf("libical %s\n", ICAL_VERSION);
    printf("built with gcc %s for %u-bit Winelib\n", __VERSION__, (unsigned)(sizeof(void *) * 8));
}

/* Returns ARGV as freshly allocated UTF-8 strings (caller frees with
 * free_args), or NULL when out of memory. */
static char **utf8_args(int argc, WCHAR **argv)
{
    char **args = calloc((size_t)argc + 1, sizeof(*args));
    int i;

    if (!args) return NULL;
    for (i = 0; i < argc; i++)
    {
        int size = WideCharToMultiByte(CP_UTF8, 0, argv[i], -1, NULL, 0, NULL, NULL);
        if (size <= 0 || !(args[i] = malloc(size))) goto fail;
        WideCharToMultiByte(CP_UTF8, 0, argv[i], -1, args[i], size, NULL, NULL);
    }
    return args;
fail:
    while (i-- > 0) free(args[i]);
    free(args);
    return NULL;
}

static void free_args(int argc, char **args)
{
    int i;

    for (i = 0; i < argc; i++) free(args[i]);
    free(args);
}

int wmain(int argc, WCHAR **wargv)
{
    const char *names[ARRAYSIZE(verbs)], *nearest;
    char **argv;
    int ret = EXIT_USAGE;
    size_t i;

    cli_buffer_stdout();
    if (!(argv = utf8_args(argc, wargv)))
    {
        fprintf(stderr, "trackfix: out of memory\n");
        return EXIT_ERROR;
    }
    if (argc < 2 || cli_is_help(argv[1]))
    {
        usage(argc < 2 ? stderr : stdout);
        ret = argc < 2 ? EXIT_USAGE : EXIT_OK;
        goto done;
    }
    if (!strcmp(argv[1], "--version"))
    {
        version();
        ret = EXIT_OK;
        goto done;
    }
    for (i = 0; i < ARRAYSIZE(verbs); i++)
    {
        names[i] = verbs[i].name;
        if (!strcmp(argv[1], verbs[i].name))
        {
            ret = verbs[i].run(argc - 1, argv + 1);
            goto done;
        }
    }
    if ((nearest = cli_nearest(argv[1], names, ARRAYSIZE(names)))) cli_message(MSG_UNKNOWN_VERB_NEAR, argv[1], nearest);
    else cli_message(MSG_UNKNOWN_VERB, argv[1]);
done:
    fflush(stdout);
    free_args(argc, argv);
    return leakcheck_at_exit(ret);
}
