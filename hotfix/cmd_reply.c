/*
 * trackfix reply: apply attendees' iMIP replies to the organizer's meeting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
#include "errmsg.h"
#include "imipreply.h"
#include "msgfile.h"
#include "recur.h"
#include "systime.h"

static const char usage_text[] =
    "usage: trackfix reply [--dry-run] [--verbose] [--format=text|json] MEETING.msg REPLY...\n"
    "\n"
    "Applies each iMIP reply (an .ics with METHOD:REPLY, or an .eml whose\n"
    "text/calendar part carries one) to the organizer's meeting, as Outlook does:\n"
    "the attendee's row gets PR_RECIPIENT_TRACKSTATUS from PARTSTAT (ACCEPTED 3,\n"
    "TENTATIVE 2, DECLINED 4) and PR_RECIPIENT_TRACKSTATUS_TIME from\n"
    "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE, or 1601-01-01T00:00:00Z when the\n"
    "reply lacks it (KB 938650).  MEETING.msg is rewritten atomically once, after\n"
    "all replies; --dry-run shows the changes and writes nothing.  A reply is\n"
    "refused only for what makes it unusable; libical's complaints about what it\n"
    "does not need (an empty DESCRIPTION or LOCATION, as Google writes them) are\n"
    "passed over, and --verbose shows them.\n"
    "\n"
    "Each reply is reported in the order given.\n"
    "\n"
    "A reply to one instance of a series (RECURRENCE-ID, local time of the\n"
    "meeting when it names no zone) is recorded on that instance: in its\n"
    "exception's recipient table, the instance made an exception when it is none\n"
    "yet; the series' rows stay as they are.  One for a deleted instance, or for\n"
    "a meeting that is no series, is not applied.\n"
    "\n"
    "A reply out of date is not recorded, as Outlook does (MS-OXOCAL 3.1.5.2): a\n"
    "SEQUENCE lower than the meeting's, the same one with an\n"
    "X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE before the meeting's request, or an\n"
    "attendee critical change older than the time the row records.  A reply\n"
    "without the attendee critical change is never older than the row: it is\n"
    "recorded with 1601-01-01, the KB's case.\n"
    "\n"
    "Exit status: 0 all applied, 4 any not applied (a reply read but unusable:\n"
    "not METHOD:REPLY, no UID or ATTENDEE...; another meeting's UID; an unknown\n"
    "attendee; out of date), 2 usage error or input that cannot be read (not\n"
    "iCalendar, no calendar part), 1 the meeting could not be written, or out of\n"
    "memory, or the directory could not be read.\n";


static void format_time(BOOL has, ULONGLONG t, char out[SYSTIME_ISO_SIZE])
{
    if (has) systime_format_iso(t, out);
    else strcpy(out, "none");
}

static void report_applied(enum cli_format format, BOOL dry_run, const char *path, const struct imip_reply *reply,
                           const struct imip_change *change)
{
    char old_time[SYSTIME_ISO_SIZE], new_time[SYSTIME_ISO_SIZE], old_status[16], instance[RECUR_LOCAL_SIZE] = "";

    format_time(change->had_time, change->old_time, old_time);
    systime_format_iso(reply->track_time, new_time);
    if (change->had_status) snprintf(old_status, sizeof(old_status), "%d", change->old_status);
    else strcpy(old_status, "none");
    if (change->instance) recur_format_local(change->instance_start, instance);
    if (format == CLI_FORMAT_JSON)
    {
        printf("{\"reply\":");
        cli_print_json_string(path);
        printf(",\"applied\":true,\"dry_run\":%s,\"instance\":%s%s%s,\"exception_made\":%s,\"row\":%u,\"attendee\":",
               dry_run ? "true" : "false", *instance ? "\"" : "", *instance ? instance : "null", *instance ? "\"" : "",
               change->exception_made ? "true" : "false", change->row);
        cli_print_json_string(reply->attendee);
        printf(",\"partstat\":\"%s\",\"old_status\":%s,\"status\":%d,\"old_time\":%s%s%s,\"time\":\"%s\","
               "\"critical_change\":%s,\"added\":%s,\"delegated_from\":",
               reply->partstat, change->had_status ? old_status : "null", reply->track_status,
               change->had_time ? "\"" : "", change->had_time ? old_time : "null", change->had_time ? "\"" : "",
               new_time, reply->has_critical_change ? "true" : "false", change->added ? "true" : "false");
        if (reply->delegated_from) cli_print_json_string(reply->delegated_from);
        else printf("null");
        printf("}\n");
        return;
    }
    printf("%s %s: ", dry_run ? "would apply" : "applied", path);
    if (*instance)
        printf("the instance of %s%s: ", instance, change->exception_made ? " (made an exception for it)" : "");
    printf("recipient %u <%s> %s: PR_RECIPIENT_TRACKSTATUS %s -> %d, PR_RECIPIENT_TRACKSTATUS_TIME %s -> %s%s",
           change->row, reply->attendee, reply->partstat, old_status,
           reply->track_status, old_time, new_time,
           reply->has_critical_change ? "" : " (no X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE)");
    if (change->added) printf("; the row added, an optional attendee delegated by %s", reply->delegated_from);
    printf("\n");
}

static void report_refused(enum cli_format format, const char *path, const char *what, const char *reason,
                           BOOL out_of_date)
{
    if (format == CLI_FORMAT_JSON)
    {
        printf("{\"reply\":");
        cli_print_json_string(path);
        printf(",\"applied\":false,\"out_of_date\":%s,\"%s\":", out_of_date ? "true" : "false", what);
        cli_print_json_string(reason);
        printf("}\n");
    }
    else
        printf("not applied %s: %s\n", path, reason);
}

/* What became of one reply, reported after the write, in the order given. */
struct outcome
{
    const char *path;
    BOOL applied;               /* REPLY applied to the meeting in memory, CHANGE what changed */
    struct imip_reply reply;
    struct imip_change change;
    const char *reason_key;     /* in JSON: "refused" (the reply) or "reason" (the meeting) */
    char reason[IMIPREPLY_ERROR_SIZE]; /* why not, when not applied */
};

enum { OPT_FORMAT, OPT_DRY_RUN, OPT_VERBOSE };
static const struct cli_option options[] = {
    [OPT_FORMAT] = CLI_OPTION_FORMAT,
    [OPT_DRY_RUN] = {"--dry-run", CLI_VALUE_NONE, NULL, NULL},
    [OPT_VERBOSE] = {"--verbose", CLI_VALUE_NONE, NULL, NULL},
};

/* --verbose: what libical said of REPLY that did not stop it, a line each. */
static void report_passed_over(const char *path, const struct imip_reply *reply)
{
    const char *line = reply->passed_over;
    char text[IMIPREPLY_ERROR_SIZE + 256];

    while (line && *line)
    {
        size_t len = strcspn(line, "\n");
        snprintf(text, sizeof(text), "'%s': passed over what the reply does not need: %.*s", path, (int)len, line);
        cli_message(MSG_WARNING, text);
        line += len + (line[len] == '\n');
    }
}

int cmd_reply(int argc, char **argv)
{
    enum cli_format format;
    struct mapi_message meeting;
    struct cli_parsed parsed;
    char read_error[MSGFILE_ERROR_SIZE];
    const char *meeting_path;
    struct outcome *kept = NULL;
    BOOL dry_run, written;
    int i, applied = 0, not_applied = 0, unreadable = 0, failed = 0, ret;
    HRESULT hr = cli_parse("reply", usage_text, options, ARRAYSIZE(options), CLI_ANY, argc, argv, &parsed);

    if (hr != S_OK)
    {
        ret = cli_parse_status(hr);
        goto done;
    }
    format = (enum cli_format)parsed.choice[OPT_FORMAT];
    dry_run = parsed.given[OPT_DRY_RUN];
    ret = EXIT_USAGE;
    if (parsed.operand_count < 2)
    {
        cli_message(MSG_MISSING_ARGUMENT, "reply", "MEETING.msg and at least one REPLY", "reply");
        goto done;
    }
    meeting_path = parsed.operands[0];
    if (FAILED(hr = msgfile_read(meeting_path, &meeting, read_error)))
    {
        cli_message(MSG_CANNOT_READ, read_error);
        if (hr == E_OUTOFMEMORY) ret = EXIT_ERROR;
        goto done;
    }
    /* every reply is reported once the meeting is written, in the order
     * given: a write that fails turns the applied ones into "not applied" */
    if (!(kept = calloc(parsed.operand_count, sizeof(*kept))))
    {
        cli_message(MSG_FAILED, "reply", ERRMSG_OOM);
        ret = EXIT_ERROR;
        mapi_message_clear(&meeting);
        goto done;
    }
    for (i = 1; i < parsed.operand_count; i++)
    {
        struct outcome *o = &kept[i - 1];

        o->path = parsed.operands[i];
        o->reason_key = "refused";
        hr = imipreply_read(o->path, &o->reply, o->reason);
        if (hr == IMIPREPLY_E_UNUSABLE)
        {
            not_applied++;
            continue;
        }
        if (FAILED(hr))
        {
            cli_message(MSG_CANNOT_READ, o->reason);
            if (hr == E_OUTOFMEMORY) failed++;
            else unreadable++;
            continue;
        }
        if (parsed.given[OPT_VERBOSE]) report_passed_over(o->path, &o->reply);
        o->reason_key = "reason";
        hr = imipreply_apply(&meeting, &o->reply, &o->change, o->reason);
        if (hr == S_OK) o->applied = TRUE, applied++;
        else if (SUCCEEDED(hr)) not_applied++;
        else
        {
            cli_message(MSG_FAILED, "reply", o->reason);
            failed++;
        }
    }
    /* 1 for a failure of trackfix's own (memory, the directory), 2 for what
     * could not be read, else 4 when any reply was not applied */
    ret = failed ? EXIT_ERROR : unreadable ? EXIT_USAGE : not_applied ? EXIT_NOT_APPLIED : EXIT_OK;
    written = !applied || dry_run || SUCCEEDED(msgfile_write(meeting_path, &meeting, read_error));
    if (!written)
    {
        cli_message(MSG_CANNOT_WRITE, read_error);
        ret = EXIT_ERROR;
    }
    for (i = 0; i < parsed.operand_count - 1; i++)
    {
        struct outcome *o = &kept[i];

        if (o->applied && written) report_applied(format, dry_run, o->path, &o->reply, &o->change);
        else
            report_refused(format, o->path, o->reason_key, o->applied ? "the meeting could not be written" : o->reason,
                           o->change.out_of_date);
        imipreply_clear(&o->reply);
    }
    free(kept);
    mapi_message_clear(&meeting);
done:
    cli_parsed_free(&parsed);
    return ret;
}
