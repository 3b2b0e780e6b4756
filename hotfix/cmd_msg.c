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

/* A text form larger than this is refused rather than read */
#define TEXT_MAX (64 * 1024 * 1024)

static const char usage_text[] =
    "usage: trackfix msg dump FILE.msg...\n"
    "       trackfix msg new TEXT -o FILE.msg\n"
    "\n"
    "dump prints each Outlook .msg file as text: a [message] section and one\n"
    "[recipient] section per row, one 'NAME = VALUE' line per property (names\n"
    "from the table, else 0xPPPPTTTT or named:{GUID}:LID:TYPE; times in ISO-8601\n"
    "UTC; binary in hex).  With several files each starts with '# file: NAME'.\n"
    "new reads that text form from TEXT ('-' for stdin) and writes FILE.msg\n"
    "atomically; dump of the result gives the text back.\n"
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

static int msg_new(int argc, char **argv)
{
    struct mapi_message message;
    char error[MSGFILE_ERROR_SIZE], *text;
    int ret;

    if (argc != 5 || strcmp(argv[3], "-o"))
    {
        cli_message(MSG_MISSING_ARGUMENT, "msg new", "TEXT -o FILE.msg", "msg");
        return EXIT_USAGE;
    }
    if (!(text = read_text(argv[2])))
    {
        snprintf(error, sizeof(error), "'%s': no such file, unreadable, or over 64 MiB", argv[2]);
        cli_message(MSG_CANNOT_READ, error);
        return EXIT_USAGE;
    }
    if (FAILED(msgtext_parse(text, argv[2], &message, error)))
    {
        cli_message(MSG_CANNOT_READ, error);
        free(text);
        return EXIT_USAGE;
    }
    free(text);
    ret = EXIT_OK;
    if (FAILED(msgfile_write(argv[4], &message, error)))
    {
        cli_message(MSG_CANNOT_WRITE, error);
        ret = EXIT_ERROR;
    }
    mapi_message_clear(&message);
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
