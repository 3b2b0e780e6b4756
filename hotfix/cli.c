/*
 * cli: shared option parsing and the table of messages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <windows.h>

#include "cli.h"
#include "errmsg.h"
#include "gate.h"
#include "hostfs.h"
#include "queue.h"
#include "strbuf.h"

static const char *const messages[] = {
    [MSG_UNKNOWN_VERB] = "unknown command '%s'; try 'trackfix --help'",
    [MSG_UNKNOWN_VERB_NEAR] = "unknown command '%s'; did you mean '%s'?",
    [MSG_UNKNOWN_OPTION] = "%s: unknown option '%s'; try 'trackfix %s --help'",
    [MSG_UNKNOWN_OPTION_NEAR] = "%s: unknown option '%s'; did you mean '%s'?",
    [MSG_UNKNOWN_ACTION_NEAR] = "%s: unknown action '%s'; did you mean '%s'?",
    [MSG_OPTION_NOT_FOR] = "%s does not apply to '%s %s'",
    [MSG_QUEUE_CLOCK] = "bad value in '%s=%s': expected a time in ISO-8601 UTC%s no later than "
                        QUEUE_CLOCK_MAX_ISO " (the queue keeps four-digit years)",
    [MSG_UNTIL_BEFORE_NOW] = "'--until=%s' is before --now (%s): a run cannot go back in time",
    [MSG_UNEXPECTED_ARGUMENT] = "%s: unexpected argument '%s'; try 'trackfix %s --help'",
    [MSG_BAD_OPTION_VALUE] = "bad value in '%s': expected %s",
    [MSG_MISSING_ARGUMENT] = "%s: missing %s; try 'trackfix %s --help'",
    [MSG_BAD_TIME_VALUE] = "cannot parse '%s' as a time: expected a FILETIME in decimal or 0x hex, "
                           "or ISO-8601 UTC like 1601-01-01T00:00:00Z",
    [MSG_BAD_OPTION_TIME] = "bad value in '%s': expected a time in ISO-8601 UTC like 2007-08-03T14:00:00Z, years 1601 to 9999",
    [MSG_WARNING] = "warning: %s",
    [MSG_REFUSED] = "%s refused: %s",
    [MSG_FAILED] = "%s failed: %s",
    [MSG_CANNOT_READ] = "cannot read %s",
    [MSG_CANNOT_WRITE] = "cannot write %s",
};

void cli_buffer_stdout(void)
{
    /* Wine sets the C library's stdout unbuffered, a write system call for
     * every fputs and putchar (490,000 for `msg dump` of the corpus); the
     * buffer is our own because the one glibc keeps after that is a byte */
    static char buffer[1 << 16];

    if (isatty(1)) setvbuf(stdout, NULL, _IONBF, 0);
    else setvbuf(stdout, buffer, _IOFBF, sizeof(buffer));
}

void cli_message(enum cli_msg id, ...)
{
    struct strbuf shown = {0};
    char text[4096], *c;
    va_list args;

    va_start(args, id);
    vsnprintf(text, sizeof(text), messages[id], args);
    va_end(args);
    /* the one place messages reach stderr: a control character in a value
     * (a subject, a name, a command-line argument) is shown as an escape,
     * or as '?' when there is no memory for the escapes */
    strbuf_puts_escaped(&shown, text);
    if (shown.failed)
        for (c = text; *c; c++)
            if ((BYTE)*c < 0x20 || *c == 0x7f) *c = '?';
    fflush(stdout);
    fprintf(stderr, "trackfix: %s\n", shown.failed ? text : shown.data ? shown.data : "");
    strbuf_free(&shown);
}

const char *const cli_fix_choices[] = {"auto", "on", "off", NULL};
const char *const cli_format_choices[] = {"text", "json", NULL};

BOOL cli_is_help(const char *arg)
{
    return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

BOOL cli_help_asked(int argc, char **argv, const char *usage)
{
    int i;

    for (i = 1; i < argc && strcmp(argv[i], "--"); i++)
    {
        if (!cli_is_help(argv[i])) continue;
        fputs(usage, stdout);
        return TRUE;
    }
    return FALSE;
}

/* Levenshtein distance of A and B, each at most 63 characters (longer
 * words count as far apart). */
static int edit_distance(const char *a, const char *b)
{
    int row[64], i, j, la = (int)strlen(a), lb = (int)strlen(b);

    if (la > 63 || lb > 63) return 64;
    for (j = 0; j <= lb; j++) row[j] = j;
    for (i = 1; i <= la; i++)
    {
        int diagonal = row[0];
        row[0] = i;
        for (j = 1; j <= lb; j++)
        {
            int above = row[j], best = diagonal + (a[i - 1] != b[j - 1]);
            if (above + 1 < best) best = above + 1;
            if (row[j - 1] + 1 < best) best = row[j - 1] + 1;
            diagonal = above;
            row[j] = best;
        }
    }
    return row[lb];
}

const char *cli_nearest(const char *word, const char *const *names, int count)
{
    const char *best = NULL;
    int i, best_distance = 3; /* two edits at most: a typo, not another word */

    for (i = 0; i < count; i++)
    {
        int distance = edit_distance(word, names[i]);
        if (distance < best_distance)
        {
            best_distance = distance;
            best = names[i];
        }
    }
    return best;
}

/* The option of OPTIONS that ARG names ("--now" of "--now=..." too), or -1. */
static int find_option(const struct cli_option *options, int count, const char *arg)
{
    size_t len = strcspn(arg, "=");
    int i;

    for (i = 0; i < count; i++)
        if (strlen(options[i].name) == len && !strncmp(arg, options[i].name, len)) return i;
    return -1;
}

/* Stores VALUE of option I into PARSED; FALSE after saying why it is bad. */
static BOOL store_value(const struct cli_option *option, int i, const char *value, struct cli_parsed *parsed)
{
    char shown[256];
    int c;

    snprintf(shown, sizeof(shown), "%s=%s", option->name, value);
    parsed->text[i] = value;
    switch (option->kind)
    {
    case CLI_VALUE_TIME:
        /* a time here is an instant a person types: ISO-8601 only, in
         * four-digit years, which every output can hold */
        if (strchr(value, 'T') && SUCCEEDED(systime_parse(value, &parsed->time[i])) &&
            parsed->time[i] <= SYSTIME_YEAR_9999_END)
            return TRUE;
        cli_message(MSG_BAD_OPTION_TIME, shown);
        return FALSE;
    case CLI_VALUE_DWORD:
    {
        char *end;
        unsigned long long n = strtoull(value, &end, 10);
        if (*value >= '0' && *value <= '9' && !*end && n <= 0xffffffffULL)
        {
            parsed->number[i] = (DWORD)n;
            return TRUE;
        }
        break;
    }
    case CLI_VALUE_CHOICE:
        for (c = 0; option->choices[c]; c++)
        {
            if (strcmp(value, option->choices[c])) continue;
            parsed->choice[i] = c;
            return TRUE;
        }
        break;
    default:
        if (*value) return TRUE;
        break;
    }
    cli_message(MSG_BAD_OPTION_VALUE, shown, option->expected);
    return FALSE;
}

HRESULT cli_parse(const char *verb, const char *usage, const struct cli_option *options, int count, int max_operands,
                  int argc, char **argv, struct cli_parsed *parsed)
{
    BOOL options_ended = FALSE;
    int i;

    memset(parsed, 0, sizeof(*parsed));
    if (!(parsed->operands = calloc((size_t)argc + 1, sizeof(*parsed->operands))))
    {
        cli_message(MSG_FAILED, verb, ERRMSG_OOM);
        return E_OUTOFMEMORY;
    }
    if (cli_help_asked(argc, argv, usage)) return S_FALSE;
    for (i = 1; i < argc; i++)
    {
        const char *arg = argv[i], *value, *names[CLI_MAX_OPTIONS], *nearest;
        int k, n;

        if (options_ended || arg[0] != '-' || !arg[1])
        {
            if (parsed->operand_count == max_operands)
            {
                cli_message(MSG_UNEXPECTED_ARGUMENT, verb, arg, verb);
                return E_INVALIDARG;
            }
            parsed->operands[parsed->operand_count++] = argv[i];
            continue;
        }
        if (!strcmp(arg, "--"))
        {
            options_ended = TRUE;
            continue;
        }
        if ((k = find_option(options, count, arg)) < 0)
        {
            char name[64];
            for (n = 0; n < count; n++) names[n] = options[n].name;
            snprintf(name, sizeof(name), "%.*s", (int)strcspn(arg, "="), arg);
            if ((nearest = cli_nearest(name, names, count))) cli_message(MSG_UNKNOWN_OPTION_NEAR, verb, arg, nearest);
            else cli_message(MSG_UNKNOWN_OPTION, verb, arg, verb);
            return E_INVALIDARG;
        }
        parsed->given[k] = TRUE;
        value = strchr(arg, '=');
        if (options[k].kind == CLI_VALUE_NONE)
        {
            if (!value) continue;
            cli_message(MSG_BAD_OPTION_VALUE, arg, "no value");
            return E_INVALIDARG;
        }
        if (value) value++;
        else if (i + 1 < argc) value = argv[++i];
        else
        {
            char what[128];
            snprintf(what, sizeof(what), "the value of %s (%s)", options[k].name, options[k].expected);
            cli_message(MSG_MISSING_ARGUMENT, verb, what, verb);
            return E_INVALIDARG;
        }
        if (!store_value(&options[k], k, value, parsed)) return E_INVALIDARG;
    }
    return S_OK;
}

int cli_parse_status(HRESULT hr)
{
    return hr == S_FALSE ? EXIT_OK : hr == E_OUTOFMEMORY ? EXIT_ERROR : EXIT_USAGE;
}

void cli_parsed_free(struct cli_parsed *parsed)
{
    free(parsed->operands);
    memset(parsed, 0, sizeof(*parsed));
}

char *cli_server_path(const char *name)
{
    const char *server = getenv(CLI_SERVER_ENV);

    if (!server || !*server) server = CLI_SERVER_DEFAULT;
    return name ? strbuf_path(server, name, NULL) : strdup(server);
}

void cli_print_json_string(const char *s)
{
    putchar('"');
    for (; *s; s++)
    {
        if (*s == '"' || *s == '\\') printf("\\%c", *s);
        else if (*s == '\n') printf("\\n");
        else if ((unsigned char)*s < 0x20) printf("\\u%04x", *s);
        else putchar(*s);
    }
    putchar('"');
}

enum systime_path cli_track_path(enum cli_fix_mode mode, char *last_warning, size_t size)
{
    struct gate_status gate;

    if (mode != CLI_FIX_AUTO) return mode == CLI_FIX_ON ? SYSTIME_PATH_CLAMPED : SYSTIME_PATH_LEGACY;
    gate_read(gate_reader_registry(), &gate);
    if (gate.warning[0] && strcmp(gate.warning, last_warning)) cli_message(MSG_WARNING, gate.warning);
    snprintf(last_warning, size, "%s", gate.warning);
    return gate.active ? SYSTIME_PATH_CLAMPED : SYSTIME_PATH_LEGACY;
}

static BOOL paths_append(struct cli_paths *list, const char *path)
{
    if (list->count == list->capacity)
    {
        int capacity = list->capacity ? list->capacity * 2 : 64;
        char **grown = realloc(list->paths, capacity * sizeof(*grown));
        if (!grown) return FALSE;
        list->paths = grown;
        list->capacity = capacity;
    }
    return (list->paths[list->count] = strdup(path)) ? (list->count++, TRUE) : FALSE;
}

static int compare_paths(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Adds the files of folder DIR whose names end in SUFFIX, sorted, and with
 * DEPTH levels left, the same from its subfolders, each after the files of
 * its parent. */
static BOOL add_folder(struct cli_paths *list, const char *dir, const char *suffix, int depth)
{
    WCHAR search[MAX_PATH];
    WIN32_FIND_DATAW found;
    struct cli_paths folders = {0};
    HANDLE find;
    int i, first = list->count;
    size_t suffix_len = strlen(suffix);
    BOOL ok = TRUE;

    MultiByteToWideChar(CP_UTF8, 0, dir, -1, search, MAX_PATH - 4);
    lstrcatW(search, L"\\*");
    if ((find = FindFirstFileW(search, &found)) == INVALID_HANDLE_VALUE) return TRUE;
    do
    {
        char name[MAX_PATH * 3];
        struct strbuf path = {0};
        char *joined;
        size_t len;
        BOOL folder = (found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) != 0;

        WideCharToMultiByte(CP_UTF8, 0, found.cFileName, -1, name, sizeof(name), NULL, NULL);
        len = strlen(name);
        if (folder ? depth <= 0 || !strcmp(name, ".") || !strcmp(name, "..")
                   : len <= suffix_len || strcasecmp(name + len - suffix_len, suffix))
            continue;
        strbuf_printf(&path, "%s/%s", dir, name);
        ok = (joined = strbuf_detach(&path)) && paths_append(folder ? &folders : list, joined);
        free(joined);
    } while (ok && FindNextFileW(find, &found));
    FindClose(find);
    qsort(list->paths + first, list->count - first, sizeof(*list->paths), compare_paths);
    qsort(folders.paths, folders.count, sizeof(*folders.paths), compare_paths);
    for (i = 0; ok && i < folders.count; i++) ok = add_folder(list, folders.paths[i], suffix, depth - 1);
    cli_paths_free(&folders);
    return ok;
}

BOOL cli_paths_add(struct cli_paths *list, const char *arg, const char *suffix, BOOL recursive)
{
    if (!cli_is_folder(arg)) return paths_append(list, arg);
    return add_folder(list, arg, suffix, recursive ? CLI_TREE_DEPTH : 0);
}

void cli_progress_start(struct cli_progress *progress, int total, const char *noun)
{
    progress->shown = isatty(2);
    progress->total = total;
    progress->noun = noun;
    progress->started = progress->drawn = GetTickCount64();
}

void cli_progress_update(struct cli_progress *progress, int done)
{
    ULONGLONG now = GetTickCount64();
    double seconds = (double)(now - progress->started) / 1000, rate, left;

    if (!progress->shown || (done < progress->total && now - progress->drawn < 250)) return;
    progress->drawn = now;
    rate = seconds > 0 ? done / seconds : 0;
    left = rate > 0 ? (progress->total - done) / rate : 0;
    if (done < progress->total)
        fprintf(stderr, "\rtrackfix: %d of %d %s, %.0f/s, about %.0f s left ", done, progress->total,
                progress->noun, rate, left);
    else
        fprintf(stderr, "\rtrackfix: %d of %d %s, %.0f/s, done in %.1f s         \n", done, progress->total,
                progress->noun, rate, seconds);
}

void cli_paths_free(struct cli_paths *list)
{
    int i;

    for (i = 0; i < list->count; i++) free(list->paths[i]);
    free(list->paths);
    memset(list, 0, sizeof(*list));
}

BOOL cli_is_folder(const char *path)
{
    WCHAR wpath[MAX_PATH];
    DWORD attributes;

    if (!hostfs_widen(path, wpath, MAX_PATH)) return FALSE;
    attributes = GetFileAttributesW(wpath);
    return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY);
}

BOOL cli_ensure_folder(const char *dir)
{
    WCHAR wdir[MAX_PATH];
    char text[MAX_PATH + 64];

    if (hostfs_widen(dir, wdir, MAX_PATH)) CreateDirectoryW(wdir, NULL);
    if (cli_is_folder(dir)) return TRUE;
    snprintf(text, sizeof(text), "'%s': not a folder that can be created", dir);
    cli_message(MSG_CANNOT_WRITE, text);
    return FALSE;
}
