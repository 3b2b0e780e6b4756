/*
 * trackfix msg: dump .msg files as text, and write .msg files from text.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
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

static int msg_dump(int argc, char **argv)
{
    int i, ret = EXIT_OK;

    if (argc < 3)
    {
        cli_message(MSG_MISSING_ARGUMENT, "msg dump", "FILE.msg", "msg");
        return EXIT_USAGE;
    }
    for (i = 2; i < argc; i++)
    {
        struct mapi_message message;
        char error[MSGFILE_ERROR_SIZE];

        if (argc > 3) printf("%s# file: %s\n", i > 2 ? "\n" : "", argv[i]);
        if (FAILED(msgfile_read(argv[i], &message, error)))
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
    FILE *in = strcmp(path, "-") ? fopen(path, "rb") : stdin;
    char *text = NULL, *grown;
    size_t size = 0, capacity = 0, got;

    if (!in) return NULL;
    do
    {
        if (size + 4096 + 1 > capacity)
        {
            capacity = capacity ? capacity * 2 : 65536;
            if (capacity > TEXT_MAX || !(grown = realloc(text, capacity))) goto fail;
            text = grown;
        }
        got = fread(text + size, 1, capacity - size - 1, in);
        size += got;
    } while (got);
    if (ferror(in)) goto fail;
    text[size] = 0;
    if (in != stdin) fclose(in);
    return text;
fail:
    free(text);
    if (in != stdin) fclose(in);
    return NULL;
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

static int msg_new(int argc, char **argv)
{
    struct cli_paths texts = {0};
    int i, ret = EXIT_OK, status;

    if (argc < 5 || strcmp(argv[argc - 2], "-o"))
    {
        cli_message(MSG_MISSING_ARGUMENT, "msg new", "TEXT -o FILE.msg", "msg");
        return EXIT_USAGE;
    }
    if (argc == 5 && !cli_is_folder(argv[2])) return new_one(argv[2], argv[4]);

    for (i = 2; i < argc - 2; i++)
    {
        if (!cli_paths_add(&texts, argv[i], L"*.txt"))
        {
            cli_message(MSG_FAILED, "msg new", "out of memory");
            cli_paths_free(&texts);
            return EXIT_ERROR;
        }
    }
    if (!cli_ensure_folder(argv[argc - 1]))
    {
        cli_paths_free(&texts);
        return EXIT_USAGE;
    }
    for (i = 0; i < texts.count; i++)
    {
        char *output = output_in(argv[argc - 1], texts.paths[i]);

        status = output ? new_one(texts.paths[i], output) : EXIT_ERROR;
        free(output);
        /* a write failure outranks unreadable input */
        if (status == EXIT_ERROR || ret == EXIT_OK) ret = status;
    }
    cli_paths_free(&texts);
    return ret;
}

int cmd_msg(int argc, char **argv)
{
    if (argc >= 2 && cli_is_help(argv[1]))
    {
        fputs(usage_text, stdout);
        return EXIT_OK;
    }
    if (argc >= 2 && !strcmp(argv[1], "dump")) return msg_dump(argc, argv);
    if (argc >= 2 && !strcmp(argv[1], "new")) return msg_new(argc, argv);
    cli_message(MSG_MISSING_ARGUMENT, "msg", "'dump' or 'new'", "msg");
    return EXIT_USAGE;
}
