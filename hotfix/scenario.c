/*
 * scenario: KB 938650 from the first request to the NDR or the delivery.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "atomicfile.h"
#include "errmsg.h"
#include "eventlog.h"
#include "gate.h"
#include "hostfs.h"
#include "imipreply.h"
#include "meeting.h"
#include "msgfile.h"
#include "msgtext.h"
#include "queue.h"
#include "queuereport.h"
#include "scenario.h"
#include "server.h"
#include "serverdir.h"
#include "strbuf.h"
#include "systime.h"


/* The largest mail file or event log the story reads for its evidence. */
#define EVIDENCE_MAX (64u * 1024 * 1024)
/* what the queue log shows of a long run: its first and last lines */
#define LOG_HEAD 5
#define LOG_TAIL 3

/* The story's clock (all UTC): the request goes out on 1 August 2007, the
 * Exchange 2007 attendee accepts 75 minutes later, the organizer sends the
 * update and the cancellation on 3 August at 14:00. */
#define T_REQUEST "2007-08-01T09:00:00Z"
#define T_UPDATE "2007-08-03T14:00:00Z"

/* The organizer's own calendar item: an Exchange 2003 user's meeting with
 * one Exchange 2007 attendee in another organization, who has not answered. */
static const char organizer_meeting[] =
    "[message]\n"
    "PR_MESSAGE_CLASS = \"IPM.Appointment\"\n"
    "PR_SUBJECT = \"Project review\"\n"
    "PR_CLIENT_SUBMIT_TIME = " T_REQUEST "\n"
    "PR_SENDER_NAME = \"Olivia Organizer\"\n"
    "PR_SENDER_ADDRTYPE = \"SMTP\"\n"
    "PR_SENDER_EMAIL_ADDRESS = \"olivia@contoso.example\"\n"
    "PR_SENT_REPRESENTING_NAME = \"Olivia Organizer\"\n"
    "PR_SENT_REPRESENTING_EMAIL_ADDRESS = \"olivia@contoso.example\"\n"
    "PR_DISPLAY_TO = \"Adam Attendee\"\n"
    "PR_INTERNET_MESSAGE_ID = \"<project-review.938650@contoso.example>\"\n"
    "PR_STORE_RECORD_KEY = a7d04b5e631ff74da2b15d5e1e2c1d1f\n"
    "PR_PARENT_SOURCE_KEY = d9c2990c6efba54e8b52bf2e49cf3884000000000b3c\n"
    "PR_SOURCE_KEY = d9c2990c6efba54e8b52bf2e49cf3884000000094d9b\n"
    "PR_BODY = \"Please review the project plan before the meeting.\\r\\n\"\n"
    "PidLidGlobalObjectId = 040000008200e00074c5b7101a82e0080000000000a1c7a3f9d3c7010000000000000000100000009d1f7a5e"
    "3c2b4a1d8e6f0a1b2c3d4e5f\n"
    "PidLidCleanGlobalObjectId = 040000008200e00074c5b7101a82e0080000000000a1c7a3f9d3c70100000000000000001000000"
    "09d1f7a5e3c2b4a1d8e6f0a1b2c3d4e5f\n"
    "PidLidAppointmentSequence = 0\n"
    "PidLidAppointmentStartWhole = 2007-08-10T09:00:00Z\n"
    "PidLidAppointmentEndWhole = 2007-08-10T10:00:00Z\n"
    "PidLidLocation = \"Room 1\"\n"
    "PidLidOwnerCriticalChange = " T_REQUEST "\n"
    "PidLidAttendeeCriticalChange = " T_REQUEST "\n"
    "PidLidResponseStatus = 1\n"
    "[recipient]\n"
    "PR_ROWID = 0\n"
    "PR_DISPLAY_NAME = \"Olivia Organizer\"\n"
    "PR_ADDRTYPE = \"SMTP\"\n"
    "PR_EMAIL_ADDRESS = \"olivia@contoso.example\"\n"
    "PR_SMTP_ADDRESS = \"olivia@contoso.example\"\n"
    "PR_RECIPIENT_TYPE = 1\n"
    "PR_RECIPIENT_FLAGS = 3\n"
    "PR_RECIPIENT_TRACKSTATUS = 1\n"
    "[recipient]\n"
    "PR_ROWID = 1\n"
    "PR_DISPLAY_NAME = \"Adam Attendee\"\n"
    "PR_ADDRTYPE = \"SMTP\"\n"
    "PR_EMAIL_ADDRESS = \"adam@fabrikam.example\"\n"
    "PR_SMTP_ADDRESS = \"adam@fabrikam.example\"\n"
    "PR_RECIPIENT_TYPE = 1\n"
    "PR_RECIPIENT_FLAGS = 1\n";

/* What an organizer sends from the meeting (DESIGN.md §1). */
struct sending
{
    const char *file, *message_class, *subject, *start, *end, *location;
    LONG sequence;
};

static const struct sending request = {"request.msg", "IPM.Schedule.Meeting.Request", "Project review",
                                       "2007-08-10T09:00:00Z", "2007-08-10T10:00:00Z", "Room 1", 0};
static const struct sending sendings[] = {
    {"update.msg", "IPM.Schedule.Meeting.Request", "Updated: Project review", "2007-08-10T14:00:00Z",
     "2007-08-10T15:00:00Z", "Room 2", 1},
    {"cancel.msg", "IPM.Schedule.Meeting.Canceled", "Canceled: Project review", "2007-08-10T14:00:00Z",
     "2007-08-10T15:00:00Z", "Room 2", 2},
};

struct story
{
    const char *dir;
    enum scenario_mode mode;
    scenario_narrate_fn narrate;
    void *ctx;
    char *error;
    int step;
    struct queue queue;
    struct queue_policy policy;
    struct strbuf log; /* what the queue did, for the narration */
    ULONG log_lines;
    struct strbuf evidence; /* of the step being played: told and emptied by tell, freed at the end whatever happened */
};


/* Narrates the next step, TITLE and the story's evidence (emptied here):
 * S_OK, or E_OUTOFMEMORY, said, when the evidence could not be put
 * together (a step is never told without it). */
static HRESULT tell(struct story *s, const char *title)
{
    HRESULT hr = s->evidence.failed ? errmsg_format(s->error, E_OUTOFMEMORY, ERRMSG_OOM) : S_OK;

    if (SUCCEEDED(hr)) s->narrate(s->ctx, ++s->step, title, s->evidence.data ? s->evidence.data : "");
    strbuf_free(&s->evidence);
    return hr;
}

static ULONGLONG when(const char *iso)
{
    ULONGLONG t = 0;

    systime_parse(iso, &t);
    return t;
}

/* Says in S->error that DOING PATH failed with HR ("cannot write 'x':
 * why"); HR. */
static HRESULT cannot(struct story *s, HRESULT hr, const char *doing, const char *path)
{
    char words[256];

    if (hr == E_OUTOFMEMORY) return errmsg_format(s->error, hr, ERRMSG_OOM);
    return errmsg_format(s->error, hr, "cannot %s '%s': %s", doing, path, errmsg_describe(hr, words, sizeof(words)));
}

/* Counts an entry of a folder but the scenario's marker (CTX: the count). */
static void count_entry(void *ctx, const char *folder, const char *name)
{
    (void)folder;
    if (strcmp(name, serverdir_name(SERVER_SCENARIO_MARK))) ++*(ULONG *)ctx;
}

/* DIR from nothing: created, or emptied when an earlier scenario made it.
 * The marker is written first and removed never, so that a story stopped
 * anywhere (a fault, a kill) leaves a folder the next one empties. */
static HRESULT prepare_folder(struct story *s)
{
    char *marker = serverdir_path(s->dir, SERVER_SCENARIO_MARK, NULL), *queue = NULL;
    ULONGLONG size;
    ULONG entries = 0;
    HRESULT hr = marker ? hostfs_file_size(marker, &size) : E_OUTOFMEMORY;
    BOOL marked = SUCCEEDED(hr);
    size_t i;

    /* the marker there, or not: anything else is no answer */
    if (hr == E_OUTOFMEMORY)
    {
        free(marker);
        return errmsg_format(s->error, hr, ERRMSG_OOM);
    }
    hr = S_OK;
    if (marked) hr = hostfs_empty_folder(s->dir, serverdir_name(SERVER_SCENARIO_MARK));
    if (SUCCEEDED(hr) && (hostfs_for_each(s->dir, FALSE, count_entry, &entries) == E_OUTOFMEMORY ||
                          hostfs_for_each(s->dir, TRUE, count_entry, &entries) == E_OUTOFMEMORY))
        hr = E_OUTOFMEMORY;
    if (hr == E_OUTOFMEMORY)
        errmsg_format(s->error, hr, ERRMSG_OOM);
    else if (entries && marked)
        hr = errmsg_format(s->error, HRESULT_FROM_WIN32(ERROR_DIR_NOT_EMPTY),
                           "'%s': what an earlier scenario left there cannot all be removed", s->dir);
    else if (entries)
        hr = errmsg_format(s->error, HRESULT_FROM_WIN32(ERROR_DIR_NOT_EMPTY),
                           "'%s' holds files that no earlier scenario made; give an empty or new folder with --dir",
                           s->dir);
    else if (!(queue = serverdir_path(s->dir, SERVER_QUEUE, NULL)))
        hr = errmsg_format(s->error, E_OUTOFMEMORY, ERRMSG_OOM);
    else if (FAILED(hr = hostfs_make_folders(s->dir)))
        cannot(s, hr, "create", s->dir);
    else if (FAILED(hr = atomicfile_write(marker, "trackfix scenario\n", 18)))
        cannot(s, hr, "write", marker);
    else
        hr = queue_open(queue, TRUE, &s->queue, s->error);
    /* the organizer's mailbox files and what Exchange 2007 sends back */
    for (i = 0; i < 2 && SUCCEEDED(hr); i++)
    {
        char *folder = serverdir_path(s->dir, i ? SERVER_EXCHANGE2007 : SERVER_ORGANIZER, NULL);

        if (!folder) hr = errmsg_format(s->error, E_OUTOFMEMORY, ERRMSG_OOM);
        else if (FAILED(hr = hostfs_make_folders(folder))) cannot(s, hr, "create", folder);
        free(folder);
    }
    free(queue);
    free(marker);
    return hr;
}

static HRESULT provision(struct story *s)
{
    struct strbuf *const evidence = &s->evidence;
    char error[SERVER_TEXT_SIZE];
    struct gate_status gate;
    struct gate_dword level;
    HRESULT hr;

    if (FAILED(hr = server_init(REG_BUILD_EXCHANGE_2003_SP2, EVENTLOG_LEVEL_MAXIMUM, error)) ||
        FAILED(hr = server_install_hotfix(gate_reader_registry(), "20070801", error)) ||
        FAILED(hr = server_set_fix_value(s->mode == SCENARIO_ON, error)))
        return errmsg_format(s->error, hr, "%s", error);
    gate_read(gate_reader_registry(), &gate);
    gate_read_dword(gate_reader_registry(), REG_ITEM_STORE_DRIVER_LEVEL, &level);
    strbuf_printf(evidence,
                  "HKLM\\SOFTWARE\\Microsoft\\Exchange\\Setup: MsiProductMajor 6, MsiProductMinor 5, MsiBuildMajor %u\n"
                  "KB938650 installed: %s; FixRecipientTrackStatusTime: %s; fix active: %s\n"
                  "MSExchangeTransport diagnostics, Exchange Store Driver: %s%s\n"
                  "server folder: %s",
                  REG_BUILD_EXCHANGE_2003_SP2, gate.installed ? "yes" : "no", gate.fix.found, gate.active ? "yes" : "no", level.found,
                  level.valid && level.value == EVENTLOG_LEVEL_MAXIMUM ? " (Maximum)" : "", s->dir);
    /* a value written but not read back: said, as the store would log it */
    if (gate.warning[0] || level.warning[0])
        strbuf_printf(evidence, "\nwarning: %s%s%s", gate.warning, gate.warning[0] && level.warning[0] ? "; " : "",
                      level.warning);
    return tell(s, "An Exchange Server 2003 SP2 server is provisioned in the Wine prefix");
}

/* Writes MESSAGE with SENDING's class, subject, times, place and sequence
 * to the organizer's folder. */
static HRESULT write_sending(struct story *s, struct mapi_message *message, const struct sending *sending,
                             ULONGLONG sent, char **path)
{
    const struct mapi_put puts[] = {
        {PR_MESSAGE_CLASS, 0, 0, sending->message_class},
        {PR_SUBJECT, 0, 0, sending->subject},
        {PR_CLIENT_SUBMIT_TIME, 0, sent, NULL},
        {0, LID_APPOINTMENT_START_WHOLE, when(sending->start), NULL},
        {0, LID_APPOINTMENT_END_WHOLE, when(sending->end), NULL},
        {0, LID_LOCATION, 0, sending->location},
        {0, LID_APPOINTMENT_SEQUENCE, sending->sequence, NULL},
        {0, LID_OWNER_CRITICAL_CHANGE, sent, NULL},
    };
    char read_error[MSGFILE_ERROR_SIZE];
    HRESULT hr = E_OUTOFMEMORY;

    *path = serverdir_path(s->dir, SERVER_ORGANIZER, sending->file);
    if (*path) hr = mapi_propset_put(&message->props, puts, ARRAYSIZE(puts));
    if (FAILED(hr)) return errmsg_format(s->error, hr, ERRMSG_OOM);
    if (FAILED(hr = msgfile_write(*path, message, read_error))) return errmsg_format(s->error, hr, "%s", read_error);
    return S_OK;
}

static void collect(void *ctx, ULONGLONG at, const struct queue_entry *entry, const char *what)
{
    struct story *s = ctx;
    char iso[SYSTIME_ISO_SIZE];

    if (!entry) return;
    systime_format_iso(at, iso);
    strbuf_printf(&s->log, "%s %s %s\n", iso, entry->id, what);
    s->log_lines++;
}

/* The queue's log since the last call, its middle left out when long. */
static void take_log(struct story *s, struct strbuf *evidence)
{
    const char *p = s->log.data ? s->log.data : "";
    ULONG line = 0;

    for (; *p; line++)
    {
        size_t len = strcspn(p, "\n") + 1;
        if (line < LOG_HEAD || line + LOG_TAIL >= s->log_lines) strbuf_add(evidence, p, len);
        else if (line == LOG_HEAD)
            strbuf_printf(evidence, "... %u more lines like these ...\n", s->log_lines - LOG_HEAD - LOG_TAIL);
        p += len;
    }
    /* a log line the run could not keep: the evidence is not whole */
    if (s->log.failed) evidence->failed = TRUE;
    strbuf_free(&s->log);
    s->log_lines = 0;
}

static HRESULT run_queue(struct story *s, ULONGLONG from, ULONGLONG until)
{
    return queue_run(&s->queue, &s->policy, from, until, collect, s, s->error);
}

/* Reads PATH (a mail file, the event log) whole for the story's evidence
 * into *TEXT (caller frees): S_OK; S_FALSE, *TEXT NULL, when it is not
 * there; else the failure, said in S->error (a file there that cannot be
 * read is not one that is missing). */
static HRESULT read_evidence(struct story *s, const char *path, char **text)
{
    HRESULT hr = path ? hostfs_read_text(path, EVIDENCE_MAX, text) : E_OUTOFMEMORY;

    if (!path) *text = NULL;
    if (hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)) return S_FALSE;
    return FAILED(hr) ? cannot(s, hr, "read", path) : hr;
}

/* The next line of *TEXT into LINE (its end and a CR cut), advancing
 * *TEXT; FALSE at the end. */
static BOOL next_line(const char **text, char line[1024])
{
    size_t length;

    if (!*text || !**text) return FALSE;
    length = strcspn(*text, "\n");
    snprintf(line, 1024, "%.*s", (int)length, *text);
    line[strcspn(line, "\r")] = 0;
    *text += length + ((*text)[length] == '\n');
    return TRUE;
}

/* Appends the unfolded line of TEXT (a file read whole; NULL: none) that
 * starts with PREFIX (iCalendar folding undone), or "(not found)". */
static void quote_line(struct strbuf *evidence, const char *text, const char *prefix)
{
    char line[1024];
    BOOL found = FALSE;

    while (next_line(&text, line))
    {
        if (found && line[0] == ' ') strbuf_puts(evidence, line + 1);
        else if (found) break;
        else if (!strncmp(line, prefix, strlen(prefix)))
        {
            strbuf_puts(evidence, line);
            found = TRUE;
        }
    }
    strbuf_puts(evidence, found ? "\n" : "(not found)\n");
}

static void describe_entry(struct strbuf *evidence, const struct queue_entry *e)
{
    char next[SYSTIME_ISO_SIZE] = "-";

    if (e->state == QUEUE_QUEUED) systime_format_iso(e->next_retry, next);
    strbuf_printf(evidence, "queue viewer: %s  %-9s  %u attempts  next retry %s  %s -> %s  \"%s\"\n", e->id,
                  queue_state_name(e->state), e->attempts, next, e->sender, e->recipients, e->subject);
}

/* Steps 2-4: the meeting, the request delivered, the Exchange 2007 reply
 * applied.  *MEETING_PATH: the organizer's meeting (caller frees). */
static HRESULT request_and_reply(struct story *s, char **meeting_path)
{
    struct mapi_message meeting;
    struct imip_reply reply;
    struct imip_change change;
    struct strbuf *const evidence = &s->evidence;
    struct strbuf ics = {0};
    char error[IMIPREPLY_ERROR_SIZE], id[QUEUE_ID_SIZE], *request_path = NULL, *reply_path = NULL, *uid = NULL;
    char *drop = serverdir_path(s->dir, SERVER_DROP, "00000001.eml"), *delivered = NULL;
    char time_text[SYSTIME_ISO_SIZE];
    HRESULT hr;

    memset(&meeting, 0, sizeof(meeting));
    *meeting_path = serverdir_path(s->dir, SERVER_ORGANIZER, "meeting.msg");
    if (!*meeting_path || !drop)
    {
        hr = errmsg_format(s->error, E_OUTOFMEMORY, ERRMSG_OOM);
        goto done;
    }
    if (FAILED(hr = msgtext_parse(organizer_meeting, "scenario", &meeting, error)))
    {
        errmsg_format(s->error, hr, "%s", error);
        goto done;
    }
    if (FAILED(hr = msgfile_write(*meeting_path, &meeting, error)))
    {
        errmsg_format(s->error, hr, "%s", error);
        goto done;
    }
    if (FAILED(hr = write_sending(s, &meeting, &request, when(T_REQUEST), &request_path))) goto done;
    /* the request was made from the meeting: read back the organizer's
     * calendar item (IPM.Appointment) that the reply is applied to */
    mapi_message_clear(&meeting);
    if (FAILED(hr = msgfile_read(*meeting_path, &meeting, error)))
    {
        errmsg_format(s->error, hr, "%s", error);
        goto done;
    }
    if (FAILED(hr = queue_submit(&s->queue, request_path, when(T_REQUEST), id, s->error)) ||
        FAILED(hr = run_queue(s, when(T_REQUEST), when(T_REQUEST))))
        goto done;
    strbuf_printf(evidence, "organizer's meeting: %s; request: %s\n", *meeting_path, request_path);
    take_log(s, evidence);
    if (FAILED(hr = read_evidence(s, drop, &delivered))) goto done;
    quote_line(evidence, delivered, "ATTENDEE");
    if (FAILED(hr = tell(s, "The organizer sends a meeting request to an Exchange 2007 user; it converts and is delivered")))
        goto done;

    /* the Exchange 2007 acceptance: METHOD:REPLY without the critical change */
    uid = meeting_uid(mapi_propset_find_lid(&meeting.props, LID_GLOBAL_OBJECT_ID));
    reply_path = serverdir_path(s->dir, SERVER_EXCHANGE2007, "accept.ics");
    strbuf_printf(&ics,
                  "BEGIN:VCALENDAR\r\nMETHOD:REPLY\r\nPRODID:Microsoft Exchange Server 2007\r\nVERSION:2.0\r\n"
                  "BEGIN:VEVENT\r\nATTENDEE;PARTSTAT=ACCEPTED;CN=Adam Attendee:MAILTO:adam@fabrikam.example\r\n"
                  "SUMMARY;LANGUAGE=en-US:Accepted: Project review\r\nDTSTART:20070810T090000Z\r\n"
                  "DTEND:20070810T100000Z\r\nUID:%s\r\nDTSTAMP:20070801T101500Z\r\nSEQUENCE:0\r\n"
                  "X-MICROSOFT-CDO-APPT-SEQUENCE:0\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n",
                  uid ? uid : "");
    if (!uid || !reply_path || ics.failed) hr = errmsg_format(s->error, E_OUTOFMEMORY, ERRMSG_OOM);
    else if (FAILED(hr = atomicfile_write(reply_path, ics.data, (DWORD)ics.size)))
        cannot(s, hr, "write", reply_path);
    if (FAILED(hr)) goto done;
    if (FAILED(hr = imipreply_read(reply_path, &reply, error)))
    {
        errmsg_format(s->error, hr, "%s", error);
        goto done;
    }
    hr = imipreply_apply(&meeting, &reply, &change, error);
    imipreply_clear(&reply);
    if (hr != S_OK || FAILED(hr = msgfile_write(*meeting_path, &meeting, error)))
    {
        hr = errmsg_format(s->error, FAILED(hr) ? hr : E_FAIL, "%s", error);
        goto done;
    }
    {
        ULONGLONG stored = ~0ULL;
        LONG status = -1;
        mapi_prop_get_systime(mapi_propset_find(&meeting.recipients[change.row - 1], PR_RECIPIENT_TRACKSTATUS_TIME), &stored);
        mapi_prop_get_long(mapi_propset_find(&meeting.recipients[change.row - 1], PR_RECIPIENT_TRACKSTATUS), &status);
        systime_format_iso(stored, time_text);
        strbuf_printf(evidence,
                      "reply: %s (METHOD:REPLY, PARTSTAT=ACCEPTED, no X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE)\n"
                      "applied to %s, recipient %u adam@fabrikam.example:\n"
                      "  PR_RECIPIENT_TRACKSTATUS = %d (respAccepted)\n"
                      "  PR_RECIPIENT_TRACKSTATUS_TIME = %s (FILETIME 0x%016llX)\n",
                      reply_path, *meeting_path, change.row, status, time_text, (unsigned long long)stored);
    }
    hr = tell(s, "The Exchange 2007 user accepts; the reply lacks the critical-change time, so 1601-01-01 is stored");
done:
    mapi_message_clear(&meeting);
    strbuf_free(&ics);
    free(request_path);
    free(reply_path);
    free(uid);
    free(drop);
    free(delivered);
    return hr;
}

/* Step 5: the update and the cancellation, from the meeting as it now is. */
static HRESULT send_changes(struct story *s, const char *meeting_path)
{
    struct mapi_message meeting;
    struct strbuf *const evidence = &s->evidence;
    char error[MSGFILE_ERROR_SIZE], id[QUEUE_ID_SIZE];
    HRESULT hr;
    size_t i;

    for (i = 0; i < ARRAYSIZE(sendings); i++)
    {
        char *path = NULL;
        if (FAILED(hr = msgfile_read(meeting_path, &meeting, error))) return errmsg_format(s->error, hr, "%s", error);
        hr = write_sending(s, &meeting, &sendings[i], when(T_UPDATE), &path);
        mapi_message_clear(&meeting);
        if (SUCCEEDED(hr) && SUCCEEDED(hr = queue_submit(&s->queue, path, when(T_UPDATE), id, s->error)))
            strbuf_printf(evidence, "%s (%s, sequence %d) queued as %s\n", path, sendings[i].message_class,
                          sendings[i].sequence, id);
        free(path);
        if (FAILED(hr)) return hr;
    }
    return tell(s, "The organizer sends an update and a cancellation of the meeting");
}

/* Evidence that a message is stuck: the viewer line, open, event 327. */
static void show_stuck(struct story *s, struct strbuf *evidence, const char *id)
{
    struct queue_entry e;
    char error[QUEUE_ERROR_SIZE], *mime = NULL, *log = serverdir_path(s->dir, SERVER_EVENTLOG, NULL);
    HRESULT hr;

    if (SUCCEEDED(queue_find(&s->queue, id, &e, error)))
    {
        describe_entry(evidence, &e);
        hr = queue_open_message(&s->queue, id, &s->policy, e.last_attempt, &mime, error);
        if (FAILED(hr))
            strbuf_printf(evidence, "open %s: Unable to open for delivery (%#x, EcGetMime)\n  %s\n", id, (unsigned)hr,
                          error);
        free(mime);
        queue_entry_clear(&e);
    }
    if (log)
    {
        /* the newest record, as Event Viewer shows it */
        char *text = NULL;
        size_t size = 0;
        FILE *out = open_memstream(&text, &size);
        if (out)
        {
            eventlog_print(log, 0, out);
            fclose(out);
            if (text)
            {
                char *last = text, *p;
                for (p = text; (p = strstr(p, "Event Type:")); p++) last = p;
                strbuf_printf(evidence, "event log %s, newest record:\n%s", log, last);
            }
            free(text);
        }
    }
    free(log);
}

/* Whether TEXT (a file read whole; NULL: none) holds WANTED on a line,
 * or across one fold. */
static BOOL file_contains(const char *text, const char *wanted)
{
    char line[1024], previous[1024] = "";
    BOOL found = FALSE;

    while (!found && next_line(&text, line))
    {
        char joined[2048];
        snprintf(joined, sizeof(joined), "%s%s", previous, line[0] == ' ' ? line + 1 : line);
        found = strstr(line, wanted) || strstr(joined, wanted);
        snprintf(previous, sizeof(previous), "%s", line);
    }
    return found;
}

/* The queue as a picture, SERVER/report.html, said in EVIDENCE. */
static HRESULT write_report(struct story *s, struct strbuf *evidence)
{
    struct queuereport_figures figures;
    char *path = serverdir_path(s->dir, SERVER_REPORT, NULL);
    HRESULT hr;

    if (!path) hr = errmsg_format(s->error, E_OUTOFMEMORY, ERRMSG_OOM);
    else if (SUCCEEDED(hr = queuereport_write(&s->queue, path, &figures, s->error)))
        strbuf_printf(evidence, "the queue as a picture: %s (%u marks%s%s)\n", path, figures.marks,
                      figures.toggles ? ", the toggle line where the run saw the value change" : "",
                      figures.unread ? "; a history could not be read, its row has no marks" : "");
    free(path);
    return hr;
}

/* The queue's first 35 minutes, under Exchange 2003's schedule: the
 * attempts at 0, 10, 20 and 30 minutes fail; the toggle comes then, and
 * the attempt at 45 minutes (the fourth retry, 15 minutes on) delivers. */
#define STUCK_MINUTES 35
#define DELIVERED_MINUTES 45

/* Step 6 on: the queue to expiry, and the verdict for the mode. */
static HRESULT play_queue(struct story *s, BOOL *as_the_article_says)
{
    const ULONGLONG t1 = when(T_UPDATE), stuck = t1 + STUCK_MINUTES * SYSTIME_TICKS_PER_MINUTE;
    const ULONGLONG expiry = t1 + (ULONGLONG)QUEUE_EXPIRE_MINUTES * SYSTIME_TICKS_PER_MINUTE;
    static const char *const ids[] = {"00000002", "00000003"};
    struct strbuf *const evidence = &s->evidence;
    char error[SERVER_TEXT_SIZE];
    HRESULT hr;
    size_t i;

    *as_the_article_says = TRUE;
    if (s->mode != SCENARIO_ON)
    {
        /* stuck: the first retries fail */
        if (FAILED(hr = run_queue(s, t1, stuck))) return hr;
        take_log(s, evidence);
        show_stuck(s, evidence, ids[0]);
        if (FAILED(hr = tell(s, "Fix off: EcGetMime fails with E_FAIL; the update and the cancellation sit in the SMTP "
                                "retry queue")))
            return hr;
    }
    if (s->mode == SCENARIO_TOGGLE)
    {
        struct gate_status gate;
        if (FAILED(hr = server_set_fix_value(1, error))) return errmsg_format(s->error, hr, "%s", error);
        gate_read(gate_reader_registry(), &gate);
        strbuf_printf(evidence,
                      "HKLM\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem\\"
                      "FixRecipientTrackStatusTime = %s; fix active: %s\n"
                      "nothing restarts: the queue run goes on and reads the value at its next attempt\n",
                      gate.fix.found, gate.active ? "yes" : "no");
        if (FAILED(hr = tell(s, "The administrator enables the fix while the queue is running"))) return hr;
    }
    if (FAILED(hr = run_queue(s, s->mode == SCENARIO_ON ? t1 : stuck, expiry))) return hr;
    take_log(s, evidence);

    for (i = 0; i < ARRAYSIZE(ids) && SUCCEEDED(hr); i++)
    {
        struct queue_entry e;
        char name[32], *file, *text = NULL, *log = NULL;
        if (FAILED(hr = queue_find(&s->queue, ids[i], &e, s->error))) return hr;
        describe_entry(evidence, &e);
        snprintf(name, sizeof(name), s->mode == SCENARIO_OFF ? "%s.ndr.eml" : "%s.eml", e.id);
        file = s->mode == SCENARIO_OFF ? serverdir_mailbox(s->dir, "olivia@contoso.example", name)
                                       : serverdir_path(s->dir, SERVER_DROP, name);
        if (FAILED(hr = read_evidence(s, file, &text))) {}
        else if (s->mode == SCENARIO_OFF)
        {
            char *log_path = serverdir_path(s->dir, SERVER_EVENTLOG, NULL);
            if (SUCCEEDED(hr = read_evidence(s, log_path, &log)) &&
                (e.state != QUEUE_EXPIRED || !file_contains(text, "Status: 4.4.7") ||
                 !file_contains(log, "\tExchange Store Driver\t327\t")))
                *as_the_article_says = FALSE;
            else if (SUCCEEDED(hr))
            {
                strbuf_printf(evidence, "NDR %s:\n", file);
                quote_line(evidence, text, "Date:");
                quote_line(evidence, text, "Status:");
                quote_line(evidence, text, "Could not deliver");
            }
            free(log_path);
        }
        else if (e.state != QUEUE_DELIVERED || !file_contains(text, "X-REPLYTIME=18991230T000000Z") ||
                 (s->mode == SCENARIO_TOGGLE && e.last_attempt != t1 + DELIVERED_MINUTES * SYSTIME_TICKS_PER_MINUTE))
            *as_the_article_says = FALSE;
        else
        {
            strbuf_printf(evidence, "delivered %s, its attendee:\n", file);
            quote_line(evidence, text, "ATTENDEE");
        }
        free(text);
        free(log);
        free(file);
        queue_entry_clear(&e);
    }
    if (FAILED(hr) || FAILED(hr = write_report(s, evidence))) return hr;
    return tell(s, s->mode == SCENARIO_OFF ? "Two days later the queue gives up: the sender gets an NDR 4.4.7"
                : s->mode == SCENARIO_ON ? "Fix on: the track time converts clamped, 18991230T000000Z, and both are delivered"
                                         : "At the next retry after the change both are delivered, the track time clamped");
}

HRESULT scenario_play(const char *dir, enum scenario_mode mode, scenario_narrate_fn narrate, void *ctx,
                      char error[SCENARIO_ERROR_SIZE])
{
    struct story s;
    char *meeting_path = NULL;
    BOOL ok = FALSE;
    HRESULT hr;

    memset(&s, 0, sizeof(s));
    s.dir = dir;
    s.mode = mode;
    s.narrate = narrate;
    s.ctx = ctx;
    s.error = error;
    s.queue.lock = -1;
    error[0] = 0;
    queue_policy_default(&s.policy);

    if (SUCCEEDED(hr = prepare_folder(&s)) && SUCCEEDED(hr = provision(&s)) &&
        SUCCEEDED(hr = request_and_reply(&s, &meeting_path)) && SUCCEEDED(hr = send_changes(&s, meeting_path)))
        hr = play_queue(&s, &ok);
    free(meeting_path);
    strbuf_free(&s.log);
    strbuf_free(&s.evidence);
    queue_close(&s.queue);
    if (FAILED(hr)) return hr;
    return ok ? S_OK : S_FALSE;
}
