/*
 * trackfix msg: dump .msg files as text, and write .msg files from text.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
#include "errmsg.h"
#include "hostfs.h"
#include "msgfile.h"
#include "msgtext.h"
#include "recur.h"
#include "strbuf.h"

/* A text form larger than this is refused rather than read */
#define TEXT_MAX (64 * 1024 * 1024)
/* msg series lists at most this many instances of a series */
#define SERIES_LIST_MAX 1000

static const char usage_text[] =
    "usage: trackfix msg dump FILE.msg...\n"
    "       trackfix msg new TEXT -o FILE.msg\n"
    "       trackfix msg new TEXT... -o DIR\n"
    "       trackfix msg series FILE.msg...\n"
    "\n"
    "dump prints each Outlook .msg file as text: a [message] section and one\n"
    "[recipient] section per row, one 'NAME = VALUE' line per property: NAME is\n"
    "a PR_ name (Wine's mapitags.h) or the name MS-OXPROPS gives (PidTag...,\n"
    "PidLid..., PidName...; NAME:TYPE when stored as the other kind of text),\n"
    "else 0xPPPPTTTT or named:{GUID}:LID:TYPE; times in ISO-8601 UTC; binary in\n"
    "hex.  With several files each starts with '# file: NAME'.\n"
    "new reads that text form from TEXT ('-' for stdin) and writes FILE.msg\n"
    "atomically; dump of the result gives the text back.  With several TEXT\n"
    "files, or a folder (its *.txt files), -o names a folder and NAME.txt\n"
    "becomes DIR/NAME.msg; all are written in this one process.\n"
    "series reads a recurring meeting's PidLidAppointmentRecur and lists its\n"
    "instances as our own arithmetic computes them, in the meeting's local\n"
    "time: 'START END', then 'replaces ORIGINAL' for a moved or changed one\n"
    "and its changed subject or location (the first 1000 of an endless series).\n"
    "\n"
    "Exit status: 0 done, 2 usage error or unreadable input, 1 out of memory or a write failure.\n";

/* Prints each of the COUNT FILES as text; an exit code. */
static int msg_dump(char **files, int count)
{
    int i, ret = EXIT_OK;

    if (!count)
    {
        cli_message(MSG_MISSING_ARGUMENT, "msg dump", "FILE.msg", "msg");
        return EXIT_USAGE;
    }
    for (i = 0; i < count; i++)
    {
        struct mapi_message message;
        char error[MSGFILE_ERROR_SIZE];

        if (count > 1) printf("%s# file: %s\n", i ? "\n" : "", files[i]);
        if (FAILED(msgfile_read(files[i], &message, error)))
        {
            cli_message(MSG_CANNOT_READ, error);
            ret = EXIT_USAGE;
            continue;
        }
        if (msgtext_write(stdout, &message) == E_OUTOFMEMORY)
        {
            errmsg_about(error, E_OUTOFMEMORY, files[i], ERRMSG_OOM);
            cli_message(MSG_FAILED, "msg dump", error);
            ret = EXIT_ERROR;
        }
        mapi_message_clear(&message);
    }
    return ret;
}

static void print_local(ULONG minutes)
{
    char text[RECUR_LOCAL_SIZE];

    recur_format_local(minutes, text);
    fputs(text, stdout);
}

/* Lists the instances of FILE's series; an exit code. */
static int series_one(const char *file, struct recur_instance *instances)
{
    struct mapi_message message;
    struct recur_pattern pattern;
    const struct mapi_prop *prop;
    char error[MSGFILE_ERROR_SIZE], text[MSGFILE_ERROR_SIZE + MAX_PATH];
    ULONG count, i;

    if (FAILED(msgfile_read(file, &message, error)))
    {
        cli_message(MSG_CANNOT_READ, error);
        return EXIT_USAGE;
    }
    prop = mapi_propset_find_lid(&message.props, LID_APPOINTMENT_RECUR);
    if (!prop || PROP_TYPE(prop->tag) != PT_BINARY || !prop->count || !prop->values[0].size)
    {
        printf("not recurring: no PidLidAppointmentRecur\n");
        mapi_message_clear(&message);
        return EXIT_OK;
    }
    if (FAILED(recur_parse(prop->values[0].data, prop->values[0].size, &pattern, error)))
    {
        snprintf(text, sizeof(text), "'%s': PidLidAppointmentRecur: %s", file, error);
        cli_message(MSG_CANNOT_READ, text);
        mapi_message_clear(&message);
        return EXIT_USAGE;
    }
    count = recur_instances(&pattern, SERIES_LIST_MAX, instances);
    for (i = 0; i < count; i++)
    {
        const struct recur_exception *e = instances[i].exception;

        print_local(instances[i].start);
        putchar(' ');
        print_local(instances[i].end);
        if (e)
        {
            printf(" replaces ");
            print_local(instances[i].original_start);
            if (e->flags & RECUR_ARO_SUBJECT) printf(" subject \"%s\"", e->subject ? e->subject : "");
            if (e->flags & RECUR_ARO_LOCATION) printf(" location \"%s\"", e->location ? e->location : "");
        }
        putchar('\n');
    }
    recur_free(&pattern);
    mapi_message_clear(&message);
    return EXIT_OK;
}

/* Lists the series of each of the COUNT FILES; an exit code. */
static int msg_series(char **files, int count)
{
    struct recur_instance *instances = calloc(SERIES_LIST_MAX, sizeof(*instances));
    int i, ret = EXIT_OK;

    if (!count)
    {
        free(instances);
        cli_message(MSG_MISSING_ARGUMENT, "msg series", "FILE.msg", "msg");
        return EXIT_USAGE;
    }
    if (!instances)
    {
        cli_message(MSG_FAILED, "msg series", ERRMSG_OOM);
        return EXIT_ERROR;
    }
    for (i = 0; i < count; i++)
    {
        if (count > 1) printf("%s# file: %s\n", i ? "\n" : "", files[i]);
        if (series_one(files[i], instances) != EXIT_OK) ret = EXIT_USAGE;
    }
    free(instances);
    return ret;
}

/* Reads PATH ("-": stdin) whole into *TEXT (NUL-terminated; caller
 * frees); ERROR (MSGFILE_ERROR_SIZE bytes) says why it cannot. */
static HRESULT read_text(const char *path, char **text, char *error)
{
    FILE *in = strcmp(path, "-") ? hostfs_fopen_read(path) : stdin;
    struct strbuf read = {0};
    char words[256];
    HRESULT hr;

    *text = NULL;
    if (!in)
    {
        if ((hr = hostfs_error(errno)) == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) ||
            hr == HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND))
            return errmsg_about(error, hr, path, "no such file");
        return errmsg_about(error, hr, path, "cannot be read: %s", errmsg_describe(hr, words, sizeof(words)));
    }
    hr = strbuf_read(&read, in, TEXT_MAX);
    if (in != stdin) fclose(in);
    if (SUCCEEDED(hr) && !(*text = strbuf_detach(&read))) hr = E_OUTOFMEMORY;
    strbuf_free(&read);
    if (hr == E_OUTOFMEMORY) return errmsg_about(error, hr, path, ERRMSG_OOM);
    if (FAILED(hr)) return errmsg_about(error, hr, path, "unreadable, or over 64 MiB");
    return S_OK;
}

/* Writes the .msg OUTPUT from the text form in TEXT_PATH; an exit code. */
static int new_one(const char *text_path, const char *output)
{
    struct mapi_message message;
    char error[MSGFILE_ERROR_SIZE], *text;
    int ret = EXIT_OK;
    HRESULT hr;

    if (FAILED(hr = read_text(text_path, &text, error)))
    {
        cli_message(MSG_CANNOT_READ, error);
        return hr == E_OUTOFMEMORY ? EXIT_ERROR : EXIT_USAGE;
    }
    if (FAILED(msgtext_parse(text, text_path, &message, error)))
    {
        cli_message(MSG_CANNOT_READ, error);
        free(text);
        return EXIT_USAGE;
    }
    free(text);
    if (FAILED(msgfile_write(output, &message, error)))
    {
        cli_message(MSG_CANNOT_WRITE, error);
        ret = EXIT_ERROR;
    }
    mapi_message_clear(&message);
    return ret;
}

/* DIR/NAME.msg for the text file PATH (.../NAME.txt); caller frees. */
static char *output_in(const char *dir, const char *path)
{
    const char *base = strrchr(path, '/'), *dot;
    struct strbuf out = {0};
    size_t len;

    base = base ? base + 1 : path;
    dot = strrchr(base, '.');
    len = dot && dot != base ? (size_t)(dot - base) : strlen(base);
    strbuf_printf(&out, "%s/%.*s.msg", dir, (int)len, base);
    return strbuf_detach(&out);
}

/* Writes the COUNT TEXTS as OUTPUT (one text that is not a folder) or as
 * OUTPUT/NAME.msg each; an exit code. */
static int msg_new(char **texts_given, int count, const char *output)
{
    struct cli_paths texts = {0};
    int i, ret = EXIT_OK, status;

    if (!count || !output)
    {
        cli_message(MSG_MISSING_ARGUMENT, "msg new", "TEXT -o FILE.msg", "msg");
        return EXIT_USAGE;
    }
    if (count == 1 && !cli_is_folder(texts_given[0])) return new_one(texts_given[0], output);

    for (i = 0; i < count; i++)
    {
        if (!cli_paths_add(&texts, texts_given[i], ".txt", FALSE))
        {
            cli_message(MSG_FAILED, "msg new", ERRMSG_OOM);
            cli_paths_free(&texts);
            return EXIT_ERROR;
        }
    }
    if (!texts.count)
    {
        /* say so before anything is made: -o would otherwise become an empty folder */
        cli_message(MSG_MISSING_ARGUMENT, "msg new", "a TEXT file: the folders given hold no *.txt", "msg");
        cli_paths_free(&texts);
        return EXIT_USAGE;
    }
    if (!cli_ensure_folder(output))
    {
        cli_paths_free(&texts);
        return EXIT_USAGE;
    }
    for (i = 0; i < texts.count; i++)
    {
        char *path = output_in(output, texts.paths[i]);

        status = path ? new_one(texts.paths[i], path) : EXIT_ERROR;
        free(path);
        /* a write failure outranks unreadable input */
        if (status == EXIT_ERROR || ret == EXIT_OK) ret = status;
    }
    cli_paths_free(&texts);
    return ret;
}

enum { OPT_OUTPUT };
static const struct cli_option options[] = {
    [OPT_OUTPUT] = {"-o", CLI_VALUE_TEXT, NULL, "an output file or folder"},
};

int cmd_msg(int argc, char **argv)
{
    struct cli_parsed parsed;
    int ret = EXIT_USAGE;
    HRESULT hr = cli_parse("msg", usage_text, options, ARRAYSIZE(options), CLI_ANY, argc, argv, &parsed);

    if (hr != S_OK) ret = cli_parse_status(hr);
    else if (parsed.operand_count && !strcmp(parsed.operands[0], "dump") && !parsed.given[OPT_OUTPUT])
        ret = msg_dump(parsed.operands + 1, parsed.operand_count - 1);
    else if (parsed.operand_count && !strcmp(parsed.operands[0], "new"))
        ret = msg_new(parsed.operands + 1, parsed.operand_count - 1, parsed.text[OPT_OUTPUT]);
    else if (parsed.operand_count && !strcmp(parsed.operands[0], "series") && !parsed.given[OPT_OUTPUT])
        ret = msg_series(parsed.operands + 1, parsed.operand_count - 1);
    else if (parsed.operand_count && (!strcmp(parsed.operands[0], "dump") || !strcmp(parsed.operands[0], "series")))
        cli_message(MSG_OPTION_NOT_FOR, "-o", "msg", parsed.operands[0]);
    else
        cli_message(MSG_MISSING_ARGUMENT, "msg", "'dump', 'new' or 'series'", "msg");
    cli_parsed_free(&parsed);
    return ret;
}
