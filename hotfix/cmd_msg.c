/*
 * trackfix msg: dump .msg files as text, and write .msg files from text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
#include "hostfs.h"
#include "msgfile.h"
#include "msgtext.h"
#include "strbuf.h"

/* A text form larger than this is refused rather than read */
#define TEXT_MAX (64 * 1024 * 1024)

static const char usage_text[] =
    "usage: trackfix msg dump FILE.msg...\n"
    "       trackfix msg new TEXT -o FILE.msg\n"
    "       trackfix msg new TEXT... -o DIR\n"
    "\n"
    "dump prints each Outlook .msg file as text: a [message] section and one\n"
    "[recipient] section per row, one 'NAME = VALUE' line per property (names\n"
    "from the table, else 0xPPPPTTTT or named:{GUID}:LID:TYPE; times in ISO-8601\n"
    "UTC; binary in hex).  With several files each starts with '# file: NAME'.\n"
    "new reads that text form from TEXT ('-' for stdin) and writes FILE.msg\n"
    "atomically; dump of the result gives the text back.  With several TEXT\n"
    "files, or a folder (its *.txt files), -o names a folder and NAME.txt\n"
    "becomes DIR/NAME.msg; all are written in this one process.\n"
    "\n"
    "Exit status: 0 done, 2 usage error or unreadable input, 1 write failure.\n";

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
        msgtext_write(stdout, &message);
        mapi_message_clear(&message);
    }
    return ret;
}

/* Reads PATH ("-": stdin) whole into a new NUL-terminated buffer. */
static char *read_text(const char *path)
{
    FILE *in = strcmp(path, "-") ? hostfs_fopen_read(path) : stdin;
    struct strbuf text = {0};
    HRESULT hr;

    if (!in) return NULL;
    hr = strbuf_read(&text, in, TEXT_MAX);
    if (in != stdin) fclose(in);
    if (FAILED(hr))
    {
        strbuf_free(&text);
        return NULL;
    }
    return strbuf_detach(&text);
}

/* Writes the .msg OUTPUT from the text form in TEXT_PATH; an exit code. */
static int new_one(const char *text_path, const char *output)
{
    struct mapi_message message;
    char error[MSGFILE_ERROR_SIZE], *text;
    int ret = EXIT_OK;

    if (!(text = read_text(text_path)))
    {
        snprintf(error, sizeof(error), "'%s': no such file, unreadable, or over 64 MiB", text_path);
        cli_message(MSG_CANNOT_READ, error);
        return EXIT_USAGE;
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
            cli_message(MSG_FAILED, "msg new", "out of memory");
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
    else if (parsed.operand_count && !strcmp(parsed.operands[0], "dump"))
        cli_message(MSG_OPTION_NOT_FOR, "-o", "msg", "dump");
    else
        cli_message(MSG_MISSING_ARGUMENT, "msg", "'dump' or 'new'", "msg");
    cli_parsed_free(&parsed);
    return ret;
}
