/*
 * trackfix reply: apply attendees' iMIP replies to the organizer's meeting.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
#include "imipreply.h"
#include "msgfile.h"
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
    "Exit status: 0 all applied, 4 any not applied (other UID, unknown attendee),\n"
    "2 usage error or unreadable input, 1 the meeting could not be written.\n";


static void format_time(BOOL has, ULONGLONG t, char out[SYSTIME_ISO_SIZE])
{
    if (has) systime_format_iso(t, out);
    else strcpy(out, "none");
}

static void report_applied(enum cli_format format, BOOL dry_run, const char *path, const struct imip_reply *reply,
                           const struct imip_change *change)
{
    char old_time[SYSTIME_ISO_SIZE], new_time[SYSTIME_ISO_SIZE], old_status[16];

    format_time(change->had_time, change->old_time, old_time);
    systime_format_iso(reply->track_time, new_time);
    if (change->had_status) snprintf(old_status, sizeof(old_status), "%d", change->old_status);
    else strcpy(old_status, "none");
    if (format == CLI_FORMAT_JSON)
    {
        printf("{\"reply\":");
        cli_print_json_string(path);
        printf(",\"applied\":true,\"dry_run\":%s,\"row\":%u,\"attendee\":", dry_run ? "true" : "false", change->row);
        cli_print_json_string(reply->attendee);
        printf(",\"partstat\":\"%s\",\"old_status\":%s,\"status\":%d,\"old_time\":%s%s%s,\"time\":\"%s\","
               "\"critical_change\":%s}\n",
               reply->partstat, change->had_status ? old_status : "null", reply->track_status,
               change->had_time ? "\"" : "", change->had_time ? old_time : "null", change->had_time ? "\"" : "",
               new_time, reply->has_critical_change ? "true" : "false");
        return;
    }
    printf("%s %s: recipient %u <%s> %s: PR_RECIPIENT_TRACKSTATUS %s -> %d, PR_RECIPIENT_TRACKSTATUS_TIME %s -> %s%s\n",
           dry_run ? "would apply" : "applied", path, change->row, reply->attendee, reply->partstat, old_status,
           reply->track_status, old_time, new_time,
           reply->has_critical_change ? "" : " (no X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE)");
}

static void report_refused(enum cli_format format, const char *path, const char *what, const char *reason)
{
    if (format == CLI_FORMAT_JSON)
    {
        printf("{\"reply\":");
        cli_print_json_string(path);
        printf(",\"applied\":false,\"%s\":", what);
        cli_print_json_string(reason);
        printf("}\n");
    }
    else
        printf("not applied %s: %s\n", path, reason);
}

/* A reply applied to the meeting in memory, reported after the write. */
struct applied
{
    const char *path;
    struct imip_reply reply;
    struct imip_change change;
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
    char error[IMIPREPLY_ERROR_SIZE], read_error[MSGFILE_ERROR_SIZE];
    const char *meeting_path;
    struct applied *kept = NULL;
    BOOL dry_run, written;
    int i, applied = 0, not_applied = 0, unreadable = 0, ret;
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
    if (FAILED(msgfile_read(meeting_path, &meeting, read_error)))
    {
        cli_message(MSG_CANNOT_READ, read_error);
        goto done;
    }
    /* the replies applied are reported once the meeting is written: a
     * write that fails turns them into "not applied" */
    if (!(kept = calloc(parsed.operand_count, sizeof(*kept))))
    {
        cli_message(MSG_FAILED, "reply", "out of memory");
        ret = EXIT_ERROR;
        mapi_message_clear(&meeting);
        goto done;
    }
    for (i = 1; i < parsed.operand_count; i++)
    {
        const char *path = parsed.operands[i];
        struct applied *a = &kept[applied];

        if (FAILED(imipreply_read(path, &a->reply, error)))
        {
            cli_message(MSG_CANNOT_READ, error);
            report_refused(format, path, "refused", error);
            unreadable++;
            continue;
        }
        if (parsed.given[OPT_VERBOSE]) report_passed_over(path, &a->reply);
        hr = imipreply_apply(&meeting, &a->reply, &a->change, error);
        if (hr == S_OK)
        {
            a->path = path;
            applied++;
            continue;
        }
        report_refused(format, path, "reason", error);
        if (FAILED(hr)) unreadable++;
        else not_applied++;
        imipreply_clear(&a->reply);
    }
    ret = unreadable ? EXIT_USAGE : not_applied ? EXIT_NOT_APPLIED : EXIT_OK;
    written = !applied || dry_run || SUCCEEDED(msgfile_write(meeting_path, &meeting, read_error));
    if (!written)
    {
        cli_message(MSG_CANNOT_WRITE, read_error);
        ret = EXIT_ERROR;
    }
    for (i = 0; i < applied; i++)
    {
        if (written) report_applied(format, dry_run, kept[i].path, &kept[i].reply, &kept[i].change);
        else report_refused(format, kept[i].path, "reason", "the meeting could not be written");
        imipreply_clear(&kept[i].reply);
    }
    free(kept);
    mapi_message_clear(&meeting);
done:
    cli_parsed_free(&parsed);
    return ret;
}
