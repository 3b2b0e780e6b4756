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
int cmd_scan(int argc, char **argv);

enum cli_fix_mode { CLI_FIX_AUTO, CLI_FIX_ON, CLI_FIX_OFF };
enum cli_format { CLI_FORMAT_TEXT, CLI_FORMAT_JSON };

/* TRUE when ARG is "--help" or "-h". */
BOOL cli_is_help(const char *arg);

/* The option parser every verb uses, driven by the verb's table of
 * options.  An option takes its value as "--opt value" or "--opt=value";
 * options may stand anywhere after the verb, before or after the
 * operands; "--" ends the options; "-h" and "--help" anywhere print the
 * verb's usage.  An unknown option is named, with the nearest known one. */
enum cli_value
{
    CLI_VALUE_NONE,   /* a flag: no value */
    CLI_VALUE_TEXT,   /* any text that is not empty */
    CLI_VALUE_TIME,   /* ISO-8601 UTC, 1601-01-01T00:00:00Z and on */
    CLI_VALUE_DWORD,  /* a decimal number from 0 to 4294967295 */
    CLI_VALUE_CHOICE, /* one of CHOICES; its index is stored */
};

struct cli_option
{
    const char *name;            /* "--now", "-o" */
    enum cli_value kind;
    const char *const *choices;  /* CLI_VALUE_CHOICE: NULL-terminated */
    const char *expected;        /* what the value must be, in words, for errors */
};

#define CLI_MAX_OPTIONS 16

/* What cli_parse found.  Index I is the verb's option I. */
struct cli_parsed
{
    BOOL given[CLI_MAX_OPTIONS];
    const char *text[CLI_MAX_OPTIONS]; /* the value as given */
    ULONGLONG time[CLI_MAX_OPTIONS];   /* CLI_VALUE_TIME */
    DWORD number[CLI_MAX_OPTIONS];     /* CLI_VALUE_DWORD */
    int choice[CLI_MAX_OPTIONS];       /* CLI_VALUE_CHOICE */
    char **operands;                   /* in order; cli_parsed_free frees the array */
    int operand_count;
};

/* The choices of --fix and --format, in the order of their enums, and the
 * options several verbs share. */
extern const char *const cli_fix_choices[];
extern const char *const cli_format_choices[];
#define CLI_OPTION_FIX {"--fix", CLI_VALUE_CHOICE, cli_fix_choices, "auto, on or off"}
#define CLI_OPTION_FORMAT {"--format", CLI_VALUE_CHOICE, cli_format_choices, "text or json"}
#define CLI_OPTION_NOW {"--now", CLI_VALUE_TIME, NULL, "a time in ISO-8601 UTC"}

/* Parses ARGV[1..ARGC-1] of VERB against its COUNT OPTIONS into PARSED,
 * taking at most MAX_OPERANDS operands (CLI_ANY: no limit).
 * Returns S_OK; S_FALSE when help was asked for (USAGE is printed to
 * stdout); E_INVALIDARG after saying on stderr what was wrong (an unknown
 * option, a missing or bad value, an operand too many).  Clear PARSED with
 * cli_parsed_free. */
#define CLI_ANY (-1)
HRESULT cli_parse(const char *verb, const char *usage, const struct cli_option *options, int count, int max_operands,
                  int argc, char **argv, struct cli_parsed *parsed);
void cli_parsed_free(struct cli_parsed *parsed);
/* The exit code of a cli_parse result other than S_OK: 0 after help, 2 for
 * a bad command line, 1 when out of memory. */
int cli_parse_status(HRESULT hr);

/* The name in NAMES (COUNT of them) nearest to WORD by edit distance, when
 * it is near enough to be a likely typo; else NULL. */
const char *cli_nearest(const char *word, const char *const *names, int count);

/* Prints USAGE to stdout when one of ARGV[1..ARGC-1] asks for help before
 * any "--": for the verbs whose words are not options (hotfix, msg).
 * Returns TRUE when it did. */
BOOL cli_help_asked(int argc, char **argv, const char *usage);

/* Input paths from the command line, owned.  A Windows command line holds
 * about 32,000 characters, so a folder argument stands for its files. */
struct cli_paths
{
    char **paths;
    int count, capacity;
};
/* Adds ARG (UTF-8) to LIST: the path itself, or, when ARG is a folder, the
 * files in it whose names end in SUFFIX (".msg", any case), sorted; with
 * RECURSIVE, then those of its subfolders, each folder's after its
 * parent's, down to CLI_TREE_DEPTH levels (a symbolic link that loops ends
 * there).  FALSE when out of memory. */
#define CLI_TREE_DEPTH 32
BOOL cli_paths_add(struct cli_paths *list, const char *arg, const char *suffix, BOOL recursive);
void cli_paths_free(struct cli_paths *list);
/* A progress line on stderr for long runs: "N of TOTAL NOUN, R/s, about T
 * left", redrawn at most four times a second, only when stderr is a
 * terminal; the last update says how long it took and ends the line. */
struct cli_progress
{
    BOOL shown;
    int total;
    const char *noun;
    ULONGLONG started, drawn; /* GetTickCount64 */
};
void cli_progress_start(struct cli_progress *progress, int total, const char *noun);
void cli_progress_update(struct cli_progress *progress, int done);
/* TRUE when PATH (UTF-8) names a folder. */
BOOL cli_is_folder(const char *path);
/* Creates folder DIR when missing; FALSE, after saying so, when it is not
 * and cannot be one. */
BOOL cli_ensure_folder(const char *dir);

/* The simulated server's folder, where scenario plays and where queue and
 * eventlog look unless told otherwise: $TRACKFIX_SERVER, or else
 * "trackfix-server" in the current folder. */
#define CLI_SERVER_ENV "TRACKFIX_SERVER"
#define CLI_SERVER_DEFAULT "trackfix-server"
/* That folder, with "/NAME" when NAME is not NULL.  Caller frees; NULL
 * when out of memory. */
char *cli_server_path(const char *name);

/* Prints S (UTF-8) to stdout as a JSON string, quotes included. */
void cli_print_json_string(const char *s);

/* The path for the next PR_RECIPIENT_TRACKSTATUS_TIME conversion: MODE
 * when forced, else the gate read now; its warning is printed when it
 * differs from LAST_WARNING (SIZE bytes), which then holds it. */
enum systime_path cli_track_path(enum cli_fix_mode mode, char *last_warning, size_t size);

enum cli_msg
{
    MSG_UNKNOWN_VERB,
    MSG_UNKNOWN_VERB_NEAR,
    MSG_UNKNOWN_OPTION,
    MSG_UNKNOWN_OPTION_NEAR,
    MSG_UNKNOWN_ACTION_NEAR,
    MSG_OPTION_NOT_FOR,
    MSG_UNEXPECTED_ARGUMENT,
    MSG_QUEUE_CLOCK,
    MSG_UNTIL_BEFORE_NOW,
    MSG_BAD_OPTION_VALUE,
    MSG_MISSING_ARGUMENT,
    MSG_BAD_TIME_VALUE,
    MSG_BAD_OPTION_TIME,
    MSG_WARNING,
    MSG_REFUSED,
    MSG_FAILED,
    MSG_CANNOT_READ,
    MSG_CANNOT_WRITE,
};

/* Prints message ID to stderr as "trackfix: ...", formatted with the
 * arguments its table entry names. */
void cli_message(enum cli_msg id, ...);

/* Sets stdout's buffering for where fd 1 goes now: a buffer for a file or
 * a pipe, as a C program's stdout has, none for a terminal (as Wine sets
 * it).  cli_message flushes stdout before it says anything on stderr, so
 * the two keep their order.  Flush stdout before fd 1 is moved, then call
 * this again. */
void cli_buffer_stdout(void);

#endif
