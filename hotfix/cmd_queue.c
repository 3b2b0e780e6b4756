/*
 * trackfix queue: the SMTP retry queue of the simulated server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <limits.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
#include "coverage.h"
#include "errmsg.h"
#include "queue.h"
#include "queuereport.h"
#include "serverdir.h"
#include "smtp.h"
#include "strbuf.h"
#include "systime.h"


static const char usage_text[] =
    "usage: trackfix queue [--queue=DIR] submit [--now=TIME] MSG...\n"
    "       trackfix queue [--queue=DIR] run [--now=TIME] [--until=TIME|+N{m,h,d}] [--fix=auto|on|off]\n"
    "                                    [--retry=MIN,MIN,...] [--delay=MIN] [--expire=MIN]\n"
    "                                    [--smtp=HOST[:PORT]]\n"
    "       trackfix queue [--queue=DIR] list [--format=text|json]\n"
    "       trackfix queue [--queue=DIR] open ID [--now=TIME] [--fix=auto|on|off]\n"
    "       trackfix queue [--queue=DIR] retry ID [--now=TIME]\n"
    "       trackfix queue [--queue=DIR] delete ID\n"
    "       trackfix queue [--queue=DIR] report [-o FILE]\n"
    "\n"
    "The SMTP retry queue of the simulated Exchange 2003 server (DIR defaults to\n"
    "$TRACKFIX_SERVER/queue, and TRACKFIX_SERVER to trackfix-server in the current\n"
    "folder).  submit queues meeting .msg files (a folder: its\n"
    "*.msg, in name order); run attempts every message due at --now (default:\n"
    "the real clock), converting it with the KB938650 gate read at that\n"
    "attempt, and with --until plays the clock forward\n"
    "over the schedule: retries after 10, 10, 10, then every 15 minutes, a delay\n"
    "notification after 12 hours (720 minutes), expiry with an NDR 4.4.7 after\n"
    "2 days (2880 minutes).  Delivered MIME goes to DIR/../drop/ID.eml, or with\n"
    "--smtp to that SMTP server (a copy kept in DIR/../sent/ID.eml); reports go\n"
    "to DIR/../mailboxes/SENDER/, event 327 to DIR/../eventlog.log when the\n"
    "'Exchange Store Driver' diagnostics level is 5 or more.\n"
    "list shows what the queue viewer shows; open converts a message as delivery\n"
    "would and answers 'Unable to open for delivery' when that fails, its history\n"
    "of attempts on stderr.  report draws the queue as one HTML page (default\n"
    "DIR/../report.html): each message a row along time, each attempt a mark,\n"
    "where the runs saw FixRecipientTrackStatusTime change a line; a table under\n"
    "it says the same; a history that cannot be read is drawn without marks, a\n"
    "warning says how many.  The clock\n"
    "goes up to " QUEUE_CLOCK_MAX_ISO ", each interval up to " QUEUE_TEXT(QUEUE_MINUTES_MAX) " minutes (a year).\n"
    "A message whose state is damaged is listed as corrupt, with a warning,\n"
    "and a run sets it aside in DIR/corrupt/ID with the reason; the rest go on.\n"
    "A state or a state folder the disk will not read (an I/O error) is not\n"
    "damage: list and run stop with that error, exit status 1, and the message\n"
    "stays for the next run.\n"
    "\n"
    "Exit status: 0 done, 2 usage error or unreadable input, 3 open failed,\n"
    "5 another run holds the queue, 1 an I/O failure.\n";

struct queue_args
{
    const char *dir;
    char **operands; /* after the action: the files of submit, the ID of open, retry, delete */
    const char *output; /* report's page; NULL: the server folder's */
    int operand_count;
    ULONGLONG now, until;
    enum cli_format format;
    struct queue_policy policy;
};

static ULONGLONG real_now(void)
{
    FILETIME ft;

    GetSystemTimeAsFileTime(&ft);
    return (ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
}

/* Parses "+N{m,h,d}" (after BASE) or an ISO time into *T. */
/* Parses "+N{m,h,d}" (N decimal digits, after BASE) or an ISO time into
 * *T; FALSE for anything else, or a time past QUEUE_CLOCK_MAX. */
static BOOL parse_when(const char *text, ULONGLONG base, ULONGLONG *t)
{
    static const struct { char unit; ULONGLONG ticks; } units[] = {
        {'m', SYSTIME_TICKS_PER_MINUTE}, {'h', 60 * SYSTIME_TICKS_PER_MINUTE}, {'d', SYSTIME_TICKS_PER_DAY}};
    ULONGLONG n = 0;
    size_t i;

    if (*text != '+') return strchr(text, 'T') && SUCCEEDED(systime_parse(text, t)) && *t <= QUEUE_CLOCK_MAX;
    for (text++; *text >= '0' && *text <= '9'; text++)
        if ((n = n * 10 + (ULONGLONG)(*text - '0')) > QUEUE_CLOCK_MAX / SYSTIME_TICKS_PER_MINUTE) return FALSE;
    for (i = 0; i < ARRAYSIZE(units); i++)
    {
        if (text[0] != units[i].unit || text[1] || text[-1] == '+') continue;
        if (n > (QUEUE_CLOCK_MAX - base) / units[i].ticks) return FALSE;
        *t = base + n * units[i].ticks;
        return TRUE;
    }
    return FALSE;
}

static BOOL parse_minutes(const char *text, ULONG *minutes)
{
    char *end;
    unsigned long n = strtoul(text, &end, 10);

    if (end == text || *end || !n || n > QUEUE_MINUTES_MAX || *text < '0' || *text > '9') return FALSE;
    *minutes = (ULONG)n;
    return TRUE;
}

static BOOL parse_retry(const char *text, struct queue_policy *policy)
{
    char copy[256], *item, *save = NULL;

    snprintf(copy, sizeof(copy), "%s", text);
    policy->retry_count = 0;
    for (item = strtok_r(copy, ",", &save); item; item = strtok_r(NULL, ",", &save))
        if (policy->retry_count == QUEUE_RETRY_MAX || !parse_minutes(item, &policy->retry_minutes[policy->retry_count++]))
            return FALSE;
    return policy->retry_count > 0;
}

/* The run's lines, gathered and written out once per group commit: the C
 * library of Wine writes a formatted line in several system calls.  A line
 * there is no memory to gather goes out at once, after those before it. */
static void print_report(void *ctx, ULONGLONG when, const struct queue_entry *entry, const char *what)
{
    struct strbuf *lines = ctx;
    char iso[SYSTIME_ISO_SIZE];

    if (entry)
    {
        systime_format_iso(when, iso);
        strbuf_printf(lines, "%s %s %s\n", iso, entry->id, what);
        if (!lines->failed) return;
    }
    if (lines->size) fwrite(lines->data, 1, lines->size, stdout);
    if (lines->failed)
    {
        printf("%s %s %s\n", iso, entry->id, what);
        strbuf_free(lines);
    }
    fflush(stdout);
    strbuf_clear(lines);
}

/* One JSON object a message: its id, its state and every field of its
 * state file (queue_fields), numbers and yes/no as JSON numbers and
 * booleans.  Nothing printed when out of memory. */
static HRESULT print_json_entry(const struct queue_entry *e, char *error)
{
    struct strbuf value = {0};
    size_t i;

    /* all the values at once first: the room they take is then there for
     * each alone, and no object is printed half */
    for (i = 0; i < queue_field_count; i++) queue_field_format(e, &queue_fields[i], &value);
    if (value.failed)
    {
        strbuf_free(&value);
        return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    }
    printf("{\"id\":\"%s\",\"state\":\"%s\"", e->id, queue_state_name(e->state));
    for (i = 0; i < queue_field_count; i++)
    {
        strbuf_clear(&value);
        queue_field_format(e, &queue_fields[i], &value);
        printf(",\"%s\":", queue_fields[i].key);
        if (queue_fields[i].kind == QUEUE_FIELD_COUNT) fputs(value.size ? value.data : "0", stdout);
        else if (queue_fields[i].kind == QUEUE_FIELD_YES_NO) fputs(value.size && !strcmp(value.data, "yes") ? "true" : "false", stdout);
        else cli_print_json_string(value.size ? value.data : "");
    }
    printf("}\n");
    strbuf_free(&value);
    return S_OK;
}

/* Says on stderr that E (of QUEUE) is set aside, and why. */
static HRESULT warn_corrupt(void *queue, struct queue_entry *e, char *error)
{
    char text[QUEUE_ERROR_SIZE + 128];

    (void)error;
    snprintf(text, sizeof(text), "message %s is set aside in %s/corrupt and never attempted: %s", e->id,
             ((struct queue *)queue)->dir, e->last_error);
    cli_message(MSG_WARNING, text);
    return S_OK;
}

/* What queue list prints, a line (or a JSON object) a message. */
struct list_printer
{
    struct queue *queue;
    enum cli_format format;
    struct strbuf sender, recipients, subject;
    struct strbuf lines; /* written out a buffer at a time, not a line */
};

static void flush_lines(struct strbuf *lines)
{
    if (lines->size) fwrite(lines->data, 1, lines->size, stdout);
    fflush(stdout);
    strbuf_clear(lines);
}

static HRESULT print_entry(void *ctx, struct queue_entry *e, char *error)
{
    struct list_printer *p = ctx;
    char next[SYSTIME_ISO_SIZE] = "-", hresult[16] = "-";

    /* one found damaged now is said on stderr too, after the lines before it */
    if (e->state == QUEUE_CORRUPT)
    {
        flush_lines(&p->lines);
        warn_corrupt(p->queue, e, error);
    }
    if (p->format == CLI_FORMAT_JSON) return print_json_entry(e, error);
    if (e->state == QUEUE_QUEUED) systime_format_iso(e->next_retry, next);
    if (FAILED(e->last_hresult)) snprintf(hresult, sizeof(hresult), "%#x", (unsigned)e->last_hresult);
    if (e->state == QUEUE_CORRUPT) snprintf(hresult, sizeof(hresult), "set aside: ");
    /* the message's own text, its control characters as escapes */
    strbuf_clear(&p->sender), strbuf_clear(&p->recipients), strbuf_clear(&p->subject);
    strbuf_puts_escaped(&p->sender, e->sender);
    strbuf_puts_escaped(&p->recipients, e->recipients);
    strbuf_puts_escaped(&p->subject, e->subject);
    if (p->sender.failed || p->recipients.failed || p->subject.failed)
        return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    strbuf_printf(&p->lines, "%-8s  %-9s  %-8u  %-20s  %-24s  %-24s  %-28s  %s%s%s\n", e->id, queue_state_name(e->state),
                  e->attempts, next, p->sender.data ? p->sender.data : "", p->recipients.data ? p->recipients.data : "",
                  p->subject.data ? p->subject.data : "", hresult,
                  !FAILED(e->last_hresult)              ? ""
                  : e->last_hresult == QUEUE_E_DEFERRED ? " "
                                                        : " Unable to open for delivery: ",
                  e->last_error);
    if (p->lines.failed) return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    if (p->lines.size >= 64 * 1024) flush_lines(&p->lines);
    return S_OK;
}

/* Every message, read and printed one at a time. */
static int queue_list_print(struct queue *queue, enum cli_format format)
{
    struct list_printer printer = {queue, format, {0}, {0}, {0}, {0}};
    char error[QUEUE_ERROR_SIZE];
    HRESULT hr;

    if (format == CLI_FORMAT_TEXT)
        printf("%-8s  %-9s  %-8s  %-20s  %-24s  %-24s  %-28s  %s\n", "ID", "STATE", "ATTEMPTS", "NEXT RETRY", "SENDER",
               "RECIPIENTS", "SUBJECT", "LAST ERROR");
    hr = queue_for_each(queue, QUEUE_ALL_STATES, print_entry, &printer, error);
    flush_lines(&printer.lines);
    strbuf_free(&printer.sender);
    strbuf_free(&printer.recipients);
    strbuf_free(&printer.subject);
    strbuf_free(&printer.lines);
    if (FAILED(hr))
    {
        cli_message(MSG_FAILED, "queue list", error);
        return EXIT_ERROR;
    }
    return EXIT_OK;
}

/* Each line once its message is queued, the lines of a commit written out
 * when it ends: a crash loses at most those of the commit it cut. */
static void print_queued(void *context, const char *path, const char *id)
{
    (void)context;
    if (path) printf("queued %s as %s\n", path, id);
    else fflush(stdout);
}

static void print_failed(void *context, const char *error)
{
    (void)context;
    cli_message(MSG_FAILED, "submit", error);
}

static int action_submit(struct queue *queue, struct queue_args *a)
{
    struct cli_paths files = {0};
    int i, ret = EXIT_OK;
    HRESULT hr;

    for (i = 0; i < a->operand_count; i++)
    {
        if (cli_paths_add(&files, a->operands[i], ".msg", FALSE)) continue;
        cli_message(MSG_FAILED, "submit", ERRMSG_OOM);
        cli_paths_free(&files);
        return EXIT_ERROR;
    }
    /* an unreadable file is passed over; a failed write stops it all */
    if (FAILED(hr = queue_submit_files(queue, files.paths, (ULONG)files.count, a->now, print_queued, print_failed, NULL)))
        ret = hr == E_INVALIDARG ? EXIT_USAGE : EXIT_ERROR;
    cli_paths_free(&files);
    return ret;
}

static int action_run(struct queue *queue, struct queue_args *a)
{
    char error[QUEUE_ERROR_SIZE];
    ULONG n[QUEUE_STATE_COUNT];
    struct strbuf lines = {0};
    HRESULT hr = queue_run(queue, &a->policy, a->now, a->until, print_report, &lines, error);

    print_report(&lines, 0, NULL, NULL);
    strbuf_free(&lines);
    if (FAILED(hr))
    {
        cli_message(MSG_FAILED, "run", error);
        return EXIT_ERROR;
    }
    if (FAILED(queue_count(queue, n, error)))
    {
        cli_message(MSG_FAILED, "run", error);
        return EXIT_ERROR;
    }
    printf("%u queued, %u delivered, %u expired", n[QUEUE_QUEUED], n[QUEUE_DELIVERED], n[QUEUE_EXPIRED]);
    if (n[QUEUE_CORRUPT]) printf(", %u set aside as corrupt", n[QUEUE_CORRUPT]);
    printf("\n");
    return EXIT_OK;
}

static int action_list(struct queue *queue, struct queue_args *a)
{
    return queue_list_print(queue, a->format);
}

/* The history of message ID on stderr: a line per attempt and notice.
 * FALSE when it cannot be read (said). */
static BOOL print_history(struct queue *queue, const char *id)
{
    struct queue_event *events = NULL;
    struct queue_entry e;
    char error[QUEUE_ERROR_SIZE], iso[SYSTIME_ISO_SIZE];
    ULONG count = 0, i;

    memset(&e, 0, sizeof(e));
    fflush(stdout); /* what stdout holds comes before the history */
    if (FAILED(queue_find(queue, id, &e, error)) || FAILED(queue_history(queue, &e, &events, &count, error)))
    {
        cli_message(MSG_FAILED, "open", error);
        queue_entry_clear(&e);
        return FALSE;
    }
    if (!count) fprintf(stderr, "message %s: not attempted yet\n", id);
    for (i = 0; i < count; i++)
    {
        const struct queue_event *ev = &events[i];
        systime_format_iso(ev->when, iso);
        if (ev->kind == QUEUE_EVENT_DELAY || ev->kind == QUEUE_EVENT_EXPIRED)
            fprintf(stderr, "message %s: %s %s after %u attempts\n", id, iso,
                    ev->kind == QUEUE_EVENT_DELAY ? "delay notification" : "expired, NDR 4.4.7", ev->attempt);
        else
            fprintf(stderr, "message %s: attempt %u at %s: %s %#x%s, fix %s (FixRecipientTrackStatusTime: %s)\n", id,
                    ev->attempt, iso, queue_event_name(ev->kind), (unsigned)ev->hresult,
                    ev->event_327 ? ", event 327" : "", ev->fix == QUEUE_FIX_ON ? "on" : ev->fix == QUEUE_FIX_OFF ? "off" : "not read",
                    *ev->value ? ev->value : "-");
    }
    free(events);
    queue_entry_clear(&e);
    return TRUE;
}

static int action_open(struct queue *queue, struct queue_args *a)
{
    char error[QUEUE_ERROR_SIZE], *mime = NULL;
    HRESULT hr = queue_open_message(queue, a->operands[0], &a->policy, a->now, &mime, error);
    BOOL history = hr == HRESULT_FROM_WIN32(ERROR_NOT_FOUND) || print_history(queue, a->operands[0]);
    int ret = EXIT_OK;

    if (hr == HRESULT_FROM_WIN32(ERROR_NOT_FOUND))
    {
        cli_message(MSG_FAILED, "open", error);
        ret = EXIT_USAGE;
    }
    else if (FAILED(hr))
    {
        printf("Unable to open for delivery\n%#x: %s\n", (unsigned)hr, error);
        ret = EXIT_CONVERT;
    }
    else
        fputs(mime, stdout);
    free(mime);
    /* a history that cannot be read fails the command, not the message */
    return !history && ret == EXIT_OK ? EXIT_ERROR : ret;
}

static int action_report(struct queue *queue, struct queue_args *a)
{
    struct queuereport_figures figures;
    char error[QUEUE_ERROR_SIZE], *path = a->output ? NULL : serverdir_path(queue->server, SERVER_REPORT, NULL);
    const char *output = a->output ? a->output : path;
    int ret = EXIT_ERROR;

    if (!output) cli_message(MSG_FAILED, "report", ERRMSG_OOM);
    else if (FAILED(queuereport_write(queue, output, &figures, error)))
        cli_message(MSG_FAILED, "report", error);
    else
    {
        printf("wrote %s: %u message%s in %u row%s, %u mark%s, %u change%s of FixRecipientTrackStatusTime, %lu bytes\n",
               output, figures.messages, figures.messages == 1 ? "" : "s", figures.rows, figures.rows == 1 ? "" : "s",
               figures.marks, figures.marks == 1 ? "" : "s", figures.toggles, figures.toggles == 1 ? "" : "s",
               (unsigned long)figures.bytes);
        if (figures.left_out) printf("left out of the picture: %u marks or rows (the page says which)\n", figures.left_out);
        if (figures.unread)
        {
            char text[128];
            snprintf(text, sizeof(text), "the history of %u message%s could not be read: drawn without marks "
                     "(the page says why)", figures.unread, figures.unread == 1 ? "" : "s");
            cli_message(MSG_WARNING, text);
        }
        ret = EXIT_OK;
    }
    free(path);
    return ret;
}

/* retry and delete: one message by id, a line that says it was done. */
static int change_one(const char *action, HRESULT hr, const char *done, const char *id, const char *error)
{
    if (FAILED(hr))
    {
        cli_message(MSG_FAILED, action, error);
        return hr == HRESULT_FROM_WIN32(ERROR_NOT_FOUND) ? EXIT_USAGE : EXIT_ERROR;
    }
    printf("%s %s\n", done, id);
    return EXIT_OK;
}

static int action_retry(struct queue *queue, struct queue_args *a)
{
    char error[QUEUE_ERROR_SIZE];
    return change_one("retry", queue_retry(queue, a->operands[0], a->now, error), "retrying", a->operands[0], error);
}

static int action_delete(struct queue *queue, struct queue_args *a)
{
    char error[QUEUE_ERROR_SIZE];
    return change_one("delete", queue_delete(queue, a->operands[0], error), "deleted", a->operands[0], error);
}

/* Says on stderr which messages are set aside in QUEUE/corrupt, and why. */
static void warn_set_aside(struct queue *queue)
{
    char error[QUEUE_ERROR_SIZE];

    queue_for_each(queue, 1u << QUEUE_CORRUPT, warn_corrupt, queue, error);
}

enum
{
    OPT_QUEUE, OPT_NOW, OPT_UNTIL, OPT_FIX, OPT_RETRY, OPT_DELAY, OPT_EXPIRE, OPT_SMTP, OPT_FORMAT, OPT_OUTPUT, OPT_COUNT
};
static const struct cli_option options[] = {
    [OPT_QUEUE] = {"--queue", CLI_VALUE_TEXT, NULL, "a queue folder"},
    [OPT_NOW] = CLI_OPTION_NOW,
    [OPT_UNTIL] = {"--until", CLI_VALUE_TEXT, NULL, "a time in ISO-8601 UTC or +N followed by m, h or d"},
    [OPT_FIX] = CLI_OPTION_FIX,
    [OPT_RETRY] = {"--retry", CLI_VALUE_TEXT, NULL, "up to " QUEUE_TEXT(QUEUE_RETRY_MAX) " comma-separated minute counts, each 1 to " QUEUE_TEXT(QUEUE_MINUTES_MAX)},
    [OPT_DELAY] = {"--delay", CLI_VALUE_TEXT, NULL, "a number of minutes from 1 to " QUEUE_TEXT(QUEUE_MINUTES_MAX)},
    [OPT_EXPIRE] = {"--expire", CLI_VALUE_TEXT, NULL, "a number of minutes from 1 to " QUEUE_TEXT(QUEUE_MINUTES_MAX)},
    [OPT_SMTP] = {"--smtp", CLI_VALUE_TEXT, NULL, "HOST or HOST:PORT"},
    [OPT_FORMAT] = CLI_OPTION_FORMAT,
    [OPT_OUTPUT] = {"-o", CLI_VALUE_TEXT, NULL, "an output file"},
};
#define TAKES(option) (1u << (option))

/* The actions, as reg.exe has its operations: what each takes and does. */
static const struct
{
    const char *name;
    unsigned options;     /* TAKES() of each option it accepts besides --queue */
    const char *operands; /* what its operands are, for messages; NULL: none */
    int min_operands, max_operands;
    BOOL lock;            /* needs the queue to itself */
    int (*run)(struct queue *queue, struct queue_args *a);
} actions[] = {
    {"submit", TAKES(OPT_NOW), "MSG", 1, INT_MAX, TRUE, action_submit},
    {"run", TAKES(OPT_NOW) | TAKES(OPT_UNTIL) | TAKES(OPT_FIX) | TAKES(OPT_RETRY) | TAKES(OPT_DELAY) |
     TAKES(OPT_EXPIRE) | TAKES(OPT_SMTP), NULL, 0, 0, TRUE, action_run},
    {"list", TAKES(OPT_FORMAT), NULL, 0, 0, FALSE, action_list},
    {"open", TAKES(OPT_NOW) | TAKES(OPT_FIX), "one message ID", 1, 1, FALSE, action_open},
    {"retry", TAKES(OPT_NOW), "one message ID", 1, 1, TRUE, action_retry},
    {"delete", 0, "one message ID", 1, 1, TRUE, action_delete},
    {"report", TAKES(OPT_OUTPUT), NULL, 0, 0, FALSE, action_report},
};

/* Fills A from PARSED for action ACTION; EXIT_OK or EXIT_USAGE after
 * saying why. */
static int read_args(const struct cli_parsed *parsed, int action, struct queue_args *a)
{
    const char *name = actions[action].name;
    int i, count = parsed->operand_count - 1;

    for (i = 0; i < OPT_COUNT; i++)
    {
        if (!parsed->given[i] || i == OPT_QUEUE || actions[action].options & TAKES(i)) continue;
        cli_message(MSG_OPTION_NOT_FOR, options[i].name, "queue", name);
        return EXIT_USAGE;
    }
    if (count < actions[action].min_operands || count > actions[action].max_operands)
    {
        if (actions[action].operands) cli_message(MSG_MISSING_ARGUMENT, name, actions[action].operands, "queue");
        else cli_message(MSG_UNKNOWN_OPTION, name, parsed->operands[1], "queue");
        return EXIT_USAGE;
    }
    a->dir = parsed->text[OPT_QUEUE]; /* NULL: the server's queue, which the caller finds */
    a->operands = parsed->operands + 1;
    a->operand_count = count;
    a->format = (enum cli_format)parsed->choice[OPT_FORMAT];
    a->output = parsed->text[OPT_OUTPUT];
    a->now = parsed->given[OPT_NOW] ? parsed->time[OPT_NOW] : real_now();
    a->until = a->now;
    if (a->now > QUEUE_CLOCK_MAX)
    {
        cli_message(MSG_QUEUE_CLOCK, "--now", parsed->given[OPT_NOW] ? parsed->text[OPT_NOW] : "(the real clock)", "");
        return EXIT_USAGE;
    }
    queue_policy_default(&a->policy);
    a->policy.fix = parsed->choice[OPT_FIX] == CLI_FIX_AUTO ? -1 : parsed->choice[OPT_FIX] == CLI_FIX_ON;
    if (parsed->given[OPT_SMTP])
    {
        const char *why;
        if (!smtp_server_is_valid(parsed->text[OPT_SMTP], &why))
        {
            char option[512], expected[128];
            snprintf(option, sizeof(option), "--smtp=%s", parsed->text[OPT_SMTP]);
            snprintf(expected, sizeof(expected), "HOST or HOST:PORT (%s)", why);
            cli_message(MSG_BAD_OPTION_VALUE, option, expected);
            return EXIT_USAGE;
        }
        a->policy.smtp_server = parsed->text[OPT_SMTP];
    }
    if (parsed->given[OPT_UNTIL] && !parse_when(parsed->text[OPT_UNTIL], a->now, &a->until))
    {
        cli_message(MSG_QUEUE_CLOCK, "--until", parsed->text[OPT_UNTIL], ", or +N followed by m, h or d,");
        return EXIT_USAGE;
    }
    if (a->until < a->now)
    {
        cli_message(MSG_UNTIL_BEFORE_NOW, parsed->text[OPT_UNTIL], parsed->given[OPT_NOW] ? parsed->text[OPT_NOW] : "the real clock");
        return EXIT_USAGE;
    }
    if ((parsed->given[OPT_RETRY] && !parse_retry(parsed->text[OPT_RETRY], &a->policy)) ||
        (parsed->given[OPT_DELAY] && !parse_minutes(parsed->text[OPT_DELAY], &a->policy.delay_minutes)) ||
        (parsed->given[OPT_EXPIRE] && !parse_minutes(parsed->text[OPT_EXPIRE], &a->policy.expire_minutes)))
    {
        for (i = OPT_RETRY; i <= OPT_EXPIRE; i++)
        {
            char shown[256];
            if (!parsed->given[i]) continue;
            snprintf(shown, sizeof(shown), "%s=%s", options[i].name, parsed->text[i]);
            cli_message(MSG_BAD_OPTION_VALUE, shown, options[i].expected);
        }
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

/* The tests' hooks on the queue's durable steps: TRACKFIX_CRASH_AFTER=N
 * (tests/check_crash.sh) ends the process without any clean-up right after
 * the Nth, as a power cut or kill -9 would; TRACKFIX_STEP_PAUSE_MS=N
 * (tests/check_list_during_run.sh) waits N ms after each, so that another
 * process can look at the queue while it changes. */
struct step_hooks
{
    ULONG crash_after, pause_ms;
};

static void on_step(void *ctx, ULONG steps)
{
    const struct step_hooks *hooks = ctx;

    if (steps == hooks->crash_after)
    {
        coverage_dump();
        TerminateProcess(GetCurrentProcess(), 99);
    }
    if (hooks->pause_ms) Sleep(hooks->pause_ms);
}

int cmd_queue(int argc, char **argv)
{
    const char *crash = getenv("TRACKFIX_CRASH_AFTER"), *pause = getenv("TRACKFIX_STEP_PAUSE_MS");
    struct step_hooks hooks = {crash ? (ULONG)strtoul(crash, NULL, 10) : 0, pause ? (ULONG)strtoul(pause, NULL, 10) : 0};
    struct cli_parsed parsed;
    struct queue_args a;
    struct queue queue;
    char error[QUEUE_ERROR_SIZE];
    const char *names[ARRAYSIZE(actions)], *nearest;
    char *default_dir = NULL;
    int action, ret;
    HRESULT hr = cli_parse("queue", usage_text, options, ARRAYSIZE(options), CLI_ANY, argc, argv, &parsed);

    if (hr != S_OK)
    {
        ret = cli_parse_status(hr);
        goto done;
    }
    ret = EXIT_USAGE;
    for (action = 0; action < (int)ARRAYSIZE(actions); action++)
    {
        names[action] = actions[action].name;
        if (parsed.operand_count && !strcmp(parsed.operands[0], names[action])) break;
    }
    if (action == ARRAYSIZE(actions))
    {
        if (parsed.operand_count && (nearest = cli_nearest(parsed.operands[0], names, ARRAYSIZE(names))))
            cli_message(MSG_UNKNOWN_ACTION_NEAR, "queue", parsed.operands[0], nearest);
        else
            cli_message(MSG_MISSING_ARGUMENT, "queue", "one of submit, run, list, open, retry, delete, report", "queue");
        goto done;
    }
    memset(&a, 0, sizeof(a));
    if ((ret = read_args(&parsed, action, &a)) != EXIT_OK) goto done;
    if (!a.dir && !(a.dir = default_dir = cli_server_path(serverdir_name(SERVER_QUEUE))))
    {
        cli_message(MSG_FAILED, "queue", ERRMSG_OOM);
        ret = EXIT_ERROR;
        goto done;
    }
    if (FAILED(hr = queue_open(a.dir, actions[action].lock, &queue, error)))
    {
        cli_message(MSG_FAILED, actions[action].name, error);
        ret = hr == HRESULT_FROM_WIN32(ERROR_SHARING_VIOLATION) ? EXIT_BUSY : EXIT_ERROR;
    }
    else
    {
        if (hooks.crash_after || hooks.pause_ms)
        {
            queue.on_step = on_step;
            queue.step_ctx = &hooks;
        }
        ret = actions[action].run(&queue, &a);
        /* queue list says them as it lists them */
        if (actions[action].run != action_list) warn_set_aside(&queue);
    }
    queue_close(&queue);
done:
    free(default_dir);
    cli_parsed_free(&parsed);
    return ret;
}
