/*
 * cli: what the verbs of the trackfix command line share: the verb
 * signature, option parsing, and every message the program prints to stderr.
 */
#ifndef TRACKFIX_CLI_H
#define TRACKFIX_CLI_H

#include <windef.h>

#include "exitcode.h"
#include "systime.h"

/* A verb: ARGV[0] is the verb's name, the rest its arguments (UTF-8).
 * Returns the process exit code (exitcode.h). */
typedef int (*cli_verb_fn)(int argc, char **argv);

int cmd_time(int argc, char **argv);
int cmd_server(int argc, char **argv);
int cmd_hotfix(int argc, char **argv);
int cmd_msg(int argc, char **argv);
int cmd_convert(int argc, char **argv);
int cmd_reply(int argc, char **argv);
int cmd_queue(int argc, char **argv);
int cmd_eventlog(int argc, char **argv);
int cmd_scenario(int argc, char **argv);

enum cli_fix_mode { CLI_FIX_AUTO, CLI_FIX_ON, CLI_FIX_OFF };
enum cli_format { CLI_FORMAT_TEXT, CLI_FORMAT_JSON };

/* If ARG is "--fix=MODE", stores MODE and returns S_OK; S_FALSE when ARG is
 * another argument; E_INVALIDARG (after printing why) for a bad MODE. */
HRESULT cli_option_fix(const char *arg, enum cli_fix_mode *mode);
/* The same for "--format=text|json". */
HRESULT cli_option_format(const char *arg, enum cli_format *format);
/* TRUE when ARG is "--help" or "-h". */
BOOL cli_is_help(const char *arg);

/* Input paths from the command line, owned.  A Windows command line holds
 * about 32,000 characters, so a folder argument stands for its files. */
struct cli_paths
{
    char **paths;
    int count, capacity;
};
/* Adds ARG (UTF-8) to LIST: the path itself, or, when ARG is a folder, the
 * files in it that match PATTERN ("*.msg"), sorted.  FALSE when out of
 * memory. */
BOOL cli_paths_add(struct cli_paths *list, const char *arg, const WCHAR *pattern);
void cli_paths_free(struct cli_paths *list);
/* TRUE when PATH (UTF-8) names a folder. */
BOOL cli_is_folder(const char *path);
/* Creates folder DIR when missing; FALSE, after saying so, when it is not
 * and cannot be one. */
BOOL cli_ensure_folder(const char *dir);

/* Prints S (UTF-8) to stdout as a JSON string, quotes included. */
void cli_print_json_string(const char *s);

/* The path for the next PR_RECIPIENT_TRACKSTATUS_TIME conversion: MODE
 * when forced, else the gate read now; its warning is printed when it
 * differs from LAST_WARNING (SIZE bytes), which then holds it. */
enum systime_path cli_track_path(enum cli_fix_mode mode, char *last_warning, size_t size);

enum cli_msg
{
    MSG_UNKNOWN_VERB,
    MSG_UNKNOWN_OPTION,
    MSG_BAD_OPTION_VALUE,
    MSG_MISSING_ARGUMENT,
    MSG_BAD_TIME_VALUE,
    MSG_WARNING,
    MSG_REFUSED,
    MSG_FAILED,
    MSG_CANNOT_READ,
    MSG_CANNOT_WRITE,
};

/* Prints message ID to stderr as "trackfix: ...", formatted with the
 * arguments its table entry names. */
void cli_message(enum cli_msg id, ...);

#endif
