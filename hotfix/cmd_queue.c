/*
 * trackfix queue: the SMTP retry queue of the simulated server.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
#include "queue.h"
#include "systime.h"

#define DEFAULT_QUEUE "build/server/queue"

static const char usage_text[] =
    "usage: trackfix queue [--queue=DIR] submit [--now=TIME] MSG...\n"
    "       trackfix queue [--queue=DIR] run [--now=TIME] [--until=TIME|+N{m,h,d}] [--fix=auto|on|off]\n"
    "                                    [--retry=MIN,MIN,...] [--delay=MIN] [--expire=MIN]\n"
    "                                    [--smtp=HOST[:PORT]]\n"
    "       trackfix queue [--queue=DIR] list [--format=text|json]\n"
    "       trackfix queue [--queue=DIR] open ID [--now=TIME] [--fix=auto|on|off]\n"
    "       trackfix queue [--queue=DIR] retry ID [--now=TIME]\n"
    "       trackfix queue [--queue=DIR] delete ID\n"
    "\n"
    "The SMTP retry queue of the simulated Exchange 2003 server (default DIR\n"
    "build/server/queue).  submit queues meeting .msg files (a folder: its\n"
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
    "would and answers 'Unable to open for delivery' when that fails.\n"
    "\n"
    "Exit status: 0 done, 2 usage error or unreadable input, 3 open failed,\n"
    "5 another run holds the queue, 1 an I/O failure.\n";

struct queue_args
{
    const char *dir;
    const char *id;
    char **files;
    int file_count;
    ULONGLONG now, until;
    BOOL until_set;
    enum cli_fix_mode fix;
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
static BOOL parse_when(const char *text, ULONGLONG base, ULONGLONG *t)
{
    char *end;
    unsigned long n;

    if (*text != '+') return strchr(text, 'T') && SUCCEEDED(systime_parse(text, t));
    n = strtoul(text + 1, &end, 10);
    if (end == text + 1 || end[1]) return FALSE;
    if (*end == 'm') *t = base + n * SYSTIME_TICKS_PER_MINUTE;
    else if (*end == 'h') *t = base + n * 60 * SYSTIME_TICKS_PER_MINUTE;
    else if (*end == 'd') *t = base + n * 24 * 60 * SYSTIME_TICKS_PER_MINUTE;
    else return FALSE;
    return TRUE;
}

static BOOL parse_minutes(const char *text, ULONG *minutes)
{
    char *end;
    unsigned long n = strtoul(text, &end, 10);

    if (end == text || *end || !n || n > 0x7fffffff) return FALSE;
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

/* Parses everything after the action; returns EXIT_OK or EXIT_USAGE. */
static int parse_args(int argc, char **argv, int first, const char *action, struct queue_args *a)
{
    const char *until = NULL;
    int i;

    for (i = first; i < argc; i++)
    {
        const char *arg = argv[i];
        HRESULT hr;

        if ((hr = cli_option_fix(arg, &a->fix)) != S_FALSE || (hr = cli_option_format(arg, &a->format)) != S_FALSE)
        {
            if (FAILED(hr)) return EXIT_USAGE;
        }
        else if (!strncmp(arg, "--now=", 6))
        {
            if (!parse_when(arg + 6, 0, &a->now) || arg[6] == '+')
            {
                cli_message(MSG_BAD_TIME_VALUE, arg + 6);
                return EXIT_USAGE;
            }
        }
        else if (!strncmp(arg, "--until=", 8))
            until = arg + 8;
        else if (!strncmp(arg, "--smtp=", 7) && arg[7])
            a->policy.smtp_server = arg + 7;
        else if (!strncmp(arg, "--retry=", 8))
        {
            if (!parse_retry(arg + 8, &a->policy))
            {
                cli_message(MSG_BAD_OPTION_VALUE, arg, "up to 8 comma-separated minute counts");
                return EXIT_USAGE;
            }
        }
        else if (!strncmp(arg, "--delay=", 8) || !strncmp(arg, "--expire=", 9))
        {
            ULONG *minutes = arg[2] == 'd' ? &a->policy.delay_minutes : &a->policy.expire_minutes;
            if (!parse_minutes(strchr(arg, '=') + 1, minutes))
            {
                cli_message(MSG_BAD_OPTION_VALUE, arg, "a number of minutes");
                return EXIT_USAGE;
            }
        }
        else if (arg[0] == '-' && arg[1])
        {
            cli_message(MSG_UNKNOWN_OPTION, "queue", arg, "queue");
            return EXIT_USAGE;
        }
        else if (!a->files)
        {
            a->files = &argv[i];
            a->file_count = 1;
        }
        else if (a->files + a->file_count == &argv[i])
            a->file_count++;
        else
        {
            cli_message(MSG_UNKNOWN_OPTION, "queue", arg, "queue");
            return EXIT_USAGE;
        }
    }
    if (!a->now) a->now = real_now();
    a->until = a->now;
    if (until && !(a->until_set = parse_when(until, a->now, &a->until)))
    {
        cli_message(MSG_BAD_TIME_VALUE, until);
        return EXIT_USAGE;
    }
    a->policy.fix = a->fix == CLI_FIX_AUTO ? -1 : a->fix == CLI_FIX_ON;
    if (!strcmp(action, "open") || !strcmp(action, "retry") || !strcmp(action, "delete"))
    {
        if (a->file_count != 1)
        {
            cli_message(MSG_MISSING_ARGUMENT, action, "one message ID", "queue");
            return EXIT_USAGE;
        }
        a->id = a->files[0];
    }
    else if (!strcmp(action, "submit") && !a->file_count)
    {
        cli_message(MSG_MISSING_ARGUMENT, "submit", "MSG", "queue");
        return EXIT_USAGE;
    }
    else if (strcmp(action, "submit") && a->file_count)
    {
        cli_message(MSG_UNKNOWN_OPTION, action, a->files[0], "queue");
        return EXIT_USAGE;
    }
    return EXIT_OK;
}

static void print_report(void *ctx, ULONGLONG when, const struct queue_entry *entry, const char *what)
{
    char iso[SYSTIME_ISO_SIZE];

    (void)ctx;
    systime_format_iso(when, iso);
    printf("%s %s %s\n", iso, entry->id, what);
}


static int queue_list_print(struct queue *queue, enum cli_format format)
{
    struct queue_entry *entries;
    char error[QUEUE_ERROR_SIZE];
    ULONG count, i;

    if (FAILED(queue_list(queue, &entries, &count, error)))
    {
        cli_message(MSG_FAILED, "queue list", error);
        return EXIT_ERROR;
    }
    if (format == CLI_FORMAT_TEXT)
        printf("%-8s  %-9s  %-8s  %-20s  %-24s  %-24s  %-28s  %s\n", "ID", "STATE", "ATTEMPTS", "NEXT RETRY", "SENDER",
               "RECIPIENTS", "SUBJECT", "LAST ERROR");
    for (i = 0; i < count; i++)
    {
        const struct queue_entry *e = &entries[i];
        char next[SYSTIME_ISO_SIZE] = "-", hresult[16] = "-";

        if (e->state == QUEUE_QUEUED) systime_format_iso(e->next_retry, next);
        if (FAILED(e->last_hresult)) snprintf(hresult, sizeof(hresult), "%#x", (unsigned)e->last_hresult);
        if (format == CLI_FORMAT_JSON)
        {
            printf("{\"id\":\"%s\",\"state\":\"%s\",\"attempts\":%u,\"next_retry\":\"%s\",\"sender\":", e->id,
                   queue_state_name(e->state), e->attempts, next);
            cli_print_json_string(e->sender);
            printf(",\"recipients\":");
            cli_print_json_string(e->recipients);
            printf(",\"subject\":");
            cli_print_json_string(e->subject);
            printf(",\"last_hresult\":\"%s\",\"last_error\":", hresult);
            cli_print_json_string(e->last_error);
            printf("}\n");
        }
        else
            printf("%-8s  %-9s  %-8u  %-20s  %-24s  %-24s  %-28s  %s%s%s\n", e->id, queue_state_name(e->state), e->attempts,
                   next, e->sender, e->recipients, e->subject, hresult,
                   FAILED(e->last_hresult) ? " Unable to open for delivery: " : "", e->last_error);
    }
    queue_entries_free(entries, count);
    return EXIT_OK;
}

static int run_action(const char *action, struct queue_args *a)
{
    BOOL locked = strcmp(action, "list") && strcmp(action, "open");
    char error[QUEUE_ERROR_SIZE], id[QUEUE_ID_SIZE];
    struct queue queue;
    HRESULT hr;
    int i, ret = EXIT_OK;

    if (FAILED(hr = queue_open(a->dir, locked, &queue, error)))
    {
        cli_message(MSG_FAILED, action, error);
        queue_close(&queue);
        return hr == HRESULT_FROM_WIN32(ERROR_SHARING_VIOLATION) ? EXIT_BUSY : EXIT_ERROR;
    }
    if (!strcmp(action, "submit"))
    {
        struct cli_paths files = {0};

        for (i = 0; i < a->file_count && ret == EXIT_OK; i++)
        {
            if (cli_paths_add(&files, a->files[i], L"*.msg")) continue;
            cli_message(MSG_FAILED, "submit", "out of memory");
            ret = EXIT_ERROR;
        }
        for (i = 0; i < files.count && ret != EXIT_ERROR; i++)
        {
            if (FAILED(queue_submit(&queue, files.paths[i], a->now, id, error)))
            {
                cli_message(MSG_FAILED, "submit", error);
                ret = EXIT_USAGE;
                continue;
            }
            printf("queued %s as %s\n", files.paths[i], id);
        }
        cli_paths_free(&files);
    }
    else if (!strcmp(action, "run"))
    {
        struct queue_entry *entries;
        ULONG count, n[QUEUE_STATE_COUNT] = {0};

        if (FAILED(queue_run(&queue, &a->policy, a->now, a->until, print_report, NULL, error)))
        {
            cli_message(MSG_FAILED, "run", error);
            ret = EXIT_ERROR;
        }
        else if (SUCCEEDED(queue_list(&queue, &entries, &count, error)))
        {
            ULONG j;
            for (j = 0; j < count; j++) n[entries[j].state]++;
            printf("%u queued, %u delivered, %u expired\n", n[QUEUE_QUEUED], n[QUEUE_DELIVERED], n[QUEUE_EXPIRED]);
            queue_entries_free(entries, count);
        }
    }
    else if (!strcmp(action, "list"))
        ret = queue_list_print(&queue, a->format);
    else if (!strcmp(action, "open"))
    {
        char *mime = NULL;
        hr = queue_open_message(&queue, a->id, &a->policy, a->now, &mime, error);
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
    }
    else
    {
        hr = !strcmp(action, "retry") ? queue_retry(&queue, a->id, a->now, error) : queue_delete(&queue, a->id, error);
        if (FAILED(hr))
        {
            cli_message(MSG_FAILED, action, error);
            ret = hr == HRESULT_FROM_WIN32(ERROR_NOT_FOUND) ? EXIT_USAGE : EXIT_ERROR;
        }
        else
            printf("%s %s\n", !strcmp(action, "retry") ? "retrying" : "deleted", a->id);
    }
    queue_close(&queue);
    return ret;
}

int cmd_queue(int argc, char **argv)
{
    static const char *const actions[] = {"submit", "run", "list", "open", "retry", "delete"};
    struct queue_args a;
    int i = 1;
    size_t j;

    memset(&a, 0, sizeof(a));
    a.dir = DEFAULT_QUEUE;
    queue_policy_default(&a.policy);
    for (; i < argc && argv[i][0] == '-'; i++)
    {
        if (cli_is_help(argv[i]))
        {
            fputs(usage_text, stdout);
            return EXIT_OK;
        }
        if (strncmp(argv[i], "--queue=", 8))
        {
            cli_message(MSG_UNKNOWN_OPTION, "queue", argv[i], "queue");
            return EXIT_USAGE;
        }
        a.dir = argv[i] + 8;
    }
    for (j = 0; i < argc && j < ARRAYSIZE(actions); j++)
    {
        int k;
        if (strcmp(argv[i], actions[j])) continue;
        for (k = i + 1; k < argc; k++)
        {
            if (!cli_is_help(argv[k])) continue;
            fputs(usage_text, stdout);
            return EXIT_OK;
        }
        if (parse_args(argc, argv, i + 1, actions[j], &a) != EXIT_OK) return EXIT_USAGE;
        return run_action(actions[j], &a);
    }
    cli_message(MSG_MISSING_ARGUMENT, "queue", "one of submit, run, list, open, retry, delete", "queue");
    return EXIT_USAGE;
}
