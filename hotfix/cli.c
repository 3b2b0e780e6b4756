/*
 * cli: shared option parsing and the table of messages.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
#include "gate.h"
#include "strbuf.h"

static const char *const messages[] = {
    [MSG_UNKNOWN_VERB] = "unknown command '%s'; try 'trackfix --help'",
    [MSG_UNKNOWN_OPTION] = "%s: unknown option '%s'; try 'trackfix %s --help'",
    [MSG_BAD_OPTION_VALUE] = "bad value in '%s': expected %s",
    [MSG_MISSING_ARGUMENT] = "%s: missing %s; try 'trackfix %s --help'",
    [MSG_BAD_TIME_VALUE] = "cannot parse '%s' as a time: expected a FILETIME in decimal or 0x hex, "
                           "or ISO-8601 UTC like 1601-01-01T00:00:00Z",
    [MSG_WARNING] = "warning: %s",
    [MSG_REFUSED] = "%s refused: %s",
    [MSG_FAILED] = "%s failed: %s",
    [MSG_CANNOT_READ] = "cannot read %s",
    [MSG_CANNOT_WRITE] = "cannot write %s",
};

void cli_message(enum cli_msg id, ...)
{
    va_list args;

    fflush(stdout);
    fputs("trackfix: ", stderr);
    va_start(args, id);
    vfprintf(stderr, messages[id], args);
    va_end(args);
    fputc('\n', stderr);
}

/* Matches "NAME=VALUE" against the CHOICES (NULL-terminated); stores the
 * index.  Returns S_OK, S_FALSE when ARG is not NAME=, E_INVALIDARG. */
static HRESULT option_choice(const char *arg, const char *name, const char *const *choices,
                             const char *expected, int *index)
{
    size_t len = strlen(name);
    int i;

    if (strncmp(arg, name, len) || arg[len] != '=') return S_FALSE;
    for (i = 0; choices[i]; i++)
    {
        if (!strcmp(arg + len + 1, choices[i]))
        {
            *index = i;
            return S_OK;
        }
    }
    cli_message(MSG_BAD_OPTION_VALUE, arg, expected);
    return E_INVALIDARG;
}

HRESULT cli_option_fix(const char *arg, enum cli_fix_mode *mode)
{
    static const char *const choices[] = {"auto", "on", "off", NULL};
    int index;
    HRESULT hr = option_choice(arg, "--fix", choices, "auto, on or off", &index);

    if (hr == S_OK) *mode = (enum cli_fix_mode)index;
    return hr;
}

HRESULT cli_option_format(const char *arg, enum cli_format *format)
{
    static const char *const choices[] = {"text", "json", NULL};
    int index;
    HRESULT hr = option_choice(arg, "--format", choices, "text or json", &index);

    if (hr == S_OK) *format = (enum cli_format)index;
    return hr;
}

BOOL cli_is_help(const char *arg)
{
    return !strcmp(arg, "--help") || !strcmp(arg, "-h");
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

BOOL cli_paths_add(struct cli_paths *list, const char *arg, const WCHAR *pattern)
{
    WCHAR search[MAX_PATH];
    WIN32_FIND_DATAW found;
    HANDLE find;
    int first = list->count;
    BOOL ok = TRUE;

    if (!cli_is_folder(arg)) return paths_append(list, arg);
    MultiByteToWideChar(CP_UTF8, 0, arg, -1, search, MAX_PATH - 16);
    lstrcatW(search, L"\\");
    lstrcatW(search, pattern);
    if ((find = FindFirstFileW(search, &found)) == INVALID_HANDLE_VALUE) return TRUE;
    do
    {
        char name[MAX_PATH * 3];
        struct strbuf path = {0};
        char *joined;

        if (found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY) continue;
        WideCharToMultiByte(CP_UTF8, 0, found.cFileName, -1, name, sizeof(name), NULL, NULL);
        strbuf_printf(&path, "%s/%s", arg, name);
        ok = (joined = strbuf_detach(&path)) && paths_append(list, joined);
        free(joined);
    } while (ok && FindNextFileW(find, &found));
    FindClose(find);
    qsort(list->paths + first, list->count - first, sizeof(*list->paths), compare_paths);
    return ok;
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

    if (!MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath, MAX_PATH)) return FALSE;
    attributes = GetFileAttributesW(wpath);
    return attributes != INVALID_FILE_ATTRIBUTES && (attributes & FILE_ATTRIBUTE_DIRECTORY);
}

BOOL cli_ensure_folder(const char *dir)
{
    WCHAR wdir[MAX_PATH];
    char text[MAX_PATH + 64];

    if (MultiByteToWideChar(CP_UTF8, 0, dir, -1, wdir, MAX_PATH)) CreateDirectoryW(wdir, NULL);
    if (cli_is_folder(dir)) return TRUE;
    snprintf(text, sizeof(text), "'%s': not a folder that can be created", dir);
    cli_message(MSG_CANNOT_WRITE, text);
    return FALSE;
}
