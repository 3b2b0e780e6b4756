/*
 * queue_deliver: one message converted (EcGetMime, along the switch's path) and
 * delivered: the drop folder's record, or SMTP.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <ntsecapi.h>
#include <wine/debug.h>

#include "atomicfile.h"
#include "dsn.h"
#include "errmsg.h"
#include "eventlog.h"
#include "gate.h"
#include "grow.h"
#include "hostfs.h"
#include "meeting.h"
#include "mimeenc.h"
#include "msgfile.h"
#include "queue_private.h"
#include "serverdir.h"
#include "smtp.h"
#include "strbuf.h"
#include "systime.h"

WINE_DEFAULT_DEBUG_CHANNEL(trackfix);

/* The path of the track time now: the policy's, or the gate's, read at
 * every attempt (no restart needed); what was seen into *FIX and VALUE. */
static enum systime_path track_path(const struct queue_policy *policy, const struct gate_reader *registry,
                                    enum queue_fix_seen *fix, char value[QUEUE_VALUE_SIZE])
{
    struct gate_status gate;

    if (policy->fix >= 0)
    {
        *fix = policy->fix ? QUEUE_FIX_ON : QUEUE_FIX_OFF;
        snprintf(value, QUEUE_VALUE_SIZE, "--fix=%s", policy->fix ? "on" : "off");
        return policy->fix ? SYSTIME_PATH_CLAMPED : SYSTIME_PATH_LEGACY;
    }
    gate_read(registry, &gate);
    *fix = gate.active ? QUEUE_FIX_ON : QUEUE_FIX_OFF;
    snprintf(value, QUEUE_VALUE_SIZE, "%s", gate.fix.found);
    return gate.active ? SYSTIME_PATH_CLAMPED : SYSTIME_PATH_LEGACY;
}

/* Reads E's queued copy (in FOLDER) into MESSAGE. */
static HRESULT read_queued(const char *folder, const struct queue_entry *e, struct mapi_message *message, char *error)
{
    char read_error[MSGFILE_ERROR_SIZE], words[256], *path = strbuf_path(folder, MESSAGE_FILE, NULL);
    HRESULT hr;

    if (!path) return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    if (FAILED(hr = msgfile_read(path, message, read_error)))
    {
        /* the reason goes into mail: the host's paths stay out of it */
        WINE_WARN("%s\n", read_error);
        errmsg_format(error, hr, "the queued copy of message %s cannot be read: %s", e->id,
             errmsg_describe(hr, words, sizeof(words)));
    }
    free(path);
    return hr;
}

/* EcGetMime on E's MESSAGE along the gate's path now: *MIME, marked with
 * E's token; caller frees.  The gate seen into *FIX and VALUE. */
static HRESULT convert_read(const struct mapi_message *message, const struct queue_entry *e,
                            const struct queue_policy *policy, const struct gate_reader *registry, ULONGLONG now,
                            char **mime, enum queue_fix_seen *fix, char value[QUEUE_VALUE_SIZE], char *error)
{
    /* the queue id in the Message-ID: two messages of one meeting converted
     * at the same moment still get two ids */
    struct ecgetmime_options options = {FALSE, track_path(policy, registry, fix, value), now,
                                        (ULONG)strtoul(e->id, NULL, 10)};
    struct ecgetmime_result result;
    char convert_error[ECGETMIME_ERROR_SIZE], name[QUEUE_ID_SIZE + 16];
    HRESULT hr;

    *mime = NULL;
    snprintf(name, sizeof(name), "message %s", e->id);
    hr = ecgetmime_convert(message, name, &options, &result, convert_error);
    if (FAILED(hr)) errmsg_format(error, hr, "%s", convert_error);
    else if (!*e->token) *mime = result.mime;
    else
    {
        /* the delivery record says whose it is (see record_is_ours) */
        struct strbuf marked = {0};
        strbuf_printf(&marked, TOKEN_HEADER "%s.%s\r\n%s", e->id, e->token, result.mime);
        free(result.mime);
        if (!(*mime = strbuf_detach(&marked))) hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    }
    return hr;
}

HRESULT qdeliver_convert_copy(const char *folder, const struct queue_entry *e, const struct queue_policy *policy,
                              const struct gate_reader *registry, ULONGLONG now, char **mime, enum queue_fix_seen *fix,
                              char value[QUEUE_VALUE_SIZE], char *error)
{
    struct mapi_message message;
    HRESULT hr;

    *mime = NULL;
    *fix = QUEUE_FIX_UNASKED;
    value[0] = 0;
    if (FAILED(hr = read_queued(folder, e, &message, error))) return hr;
    hr = convert_read(&message, e, policy, registry, now, mime, fix, value, error);
    mapi_message_clear(&message);
    return hr;
}

/* E converted to MIME, delivered to the drop folder RECORDS as NAME at the
 * end of the pass: the record (unless REDO: a run that died had written
 * it) and E's state written into the pass's batch, E's folder moved from
 * FOLDER to TARGET once they are on disk (commit_pass).  Names are fixed
 * by the message id, so a record already there was written for this very
 * message and stays as it is. */
HRESULT qdeliver_defer(struct run *run, struct queue_entry *e, const char *folder, const char *target,
                              const char *records, const char *name, const char *mime, BOOL redo, ULONGLONG now)
{
    char *written = strbuf_path(records, name, NULL);
    struct run_move *m;
    HRESULT hr;

    if (!written || FAILED(qstore_set_result(e, S_OK, "")) ||
        !grow_for_one(&run->moves, &run->move_capacity, run->move_count, sizeof(*run->moves), 64))
    {
        hr = errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
        goto done;
    }
    if (FAILED(hr = qstore_make_folders(records, run->error))) goto done;
    if (!redo && !hostfs_exists(written) &&
        FAILED(hr = qrun_defer_write(run, records, name, mime ? mime : "", mime ? strlen(mime) : 0)))
        goto done;
    if (FAILED(hr = qhistory_append(run, folder, e, QUEUE_EVENT_DELIVERED, S_OK, FALSE, now, FALSE)) ||
        FAILED(hr = qrun_defer_state(run, folder, e)))
        goto done;
    m = &run->moves[run->move_count];
    m->entry = e;
    m->moved = FALSE;
    if (!(m->from = strdup(folder)) || !(m->to = strdup(target)))
    {
        free(m->from);
        hr = errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
        goto done;
    }
    run->move_count++;
    {
        char text[1024];
        snprintf(text, sizeof(text), "attempt %u: delivered to %s", e->attempts, written);
        qrun_keep_line(run, now, e, text, FALSE, run->move_count);
    }
done:
    free(written);
    return hr;
}

/* The RFC 3463 status in REPLY ("550 5.1.1 <x>: unknown" gives 5.1.1),
 * else CLASS.0.0 from its first digit. */
static void reply_status(const char *reply, char *status, size_t size)
{
    unsigned a, b, c;

    if (sscanf(reply, "%*3d %u.%u.%u", &a, &b, &c) == 3 && (a == 4 || a == 5) && b < 1000 && c < 1000)
        snprintf(status, size, "%u.%u.%u", a, b, c);
    else
        snprintf(status, size, "%c.0.0", reply[0] == '5' ? '5' : '4');
}

/* Sends MIME of E over SMTP, each recipient judged apart as an MTA does:
 * the accepted ones are done, the refused ones (5xx) get an NDR with the
 * server's status and words now, the others wait in E->recipients.
 * Returns S_OK when none waits (*NONE_ACCEPTED when none got it either),
 * QUEUE_E_DEFERRED with REASON when some wait, E_OUTOFMEMORY. */
HRESULT qdeliver_smtp(struct run *run, struct queue_entry *e, const char *mime, ULONGLONG now, char *reason,
                         BOOL *none_accepted)
{
    size_t i, count = 0, refused = 0, accepted = 0;
    char **addresses = qnotify_split_addresses(qnotify_pending(e), &count), error[SMTP_ERROR_SIZE], *written = NULL;
    struct smtp_recipient *results = calloc(count ? count : 1, sizeof(*results));
    struct dsn_recipient *reports = calloc(count ? count : 1, sizeof(*reports));
    char (*statuses)[16] = calloc(count ? count : 1, sizeof(*statuses));
    struct strbuf waiting = {0};
    HRESULT hr;

    *none_accepted = FALSE;
    reason[0] = 0;
    if (!addresses || !results || !reports || !statuses)
    {
        hr = errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
        goto done;
    }
    for (i = 0; i < count; i++) results[i].address = addresses[i];
    if (FAILED(hr = smtp_send(run->policy->smtp_server, e->sender, results, count, mime, error)))
    {
        errmsg_format(run->error, hr, "%s", error);
        goto done;
    }
    for (i = 0; i < count; i++)
    {
        if (results[i].outcome == SMTP_ACCEPTED) accepted++;
        else if (results[i].outcome == SMTP_REFUSED)
        {
            reply_status(results[i].reply, statuses[refused], sizeof(statuses[refused]));
            reports[refused] = (struct dsn_recipient){results[i].address, statuses[refused], results[i].reply};
            refused++;
        }
        else
            strbuf_printf(&waiting, "%s%s", waiting.size ? ", " : "", results[i].address);
    }
    /* smtp_send's ERROR says why the first one told to wait waits */
    if (waiting.size) snprintf(reason, QUEUE_ERROR_SIZE, "%s", error);
    if (refused)
    {
        char name[QUEUE_ID_SIZE + 32];
        snprintf(name, sizeof(name), "%s.refused.%u.eml", e->id, e->attempts);
        if (FAILED(hr = qnotify_report(run, e, DSN_FAILED, reports, refused, name, now, &written))) goto done;
        qrun_say(run, now, e, "attempt %u: %u recipient%s refused for good (%s): NDR %s to %s in %s", e->attempts,
            (unsigned)refused, refused == 1 ? "" : "s", reports[0].diagnostic, reports[0].status, e->sender, written);
    }
    if (accepted && waiting.size)
    {
        /* the copy of what went out now; SERVER/sent/ID.eml is kept for the
         * attempt that leaves nobody waiting, as the record of the end */
        char name[QUEUE_ID_SIZE + 32], *records = serverdir_path(run->queue->server, SERVER_SENT, NULL);
        snprintf(name, sizeof(name), "%s.attempt%u.eml", e->id, e->attempts);
        free(written);
        written = NULL;
        hr = records ? qstore_write_file(run->queue, records, name, mime, &written, run->error)
                     : errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
        free(records);
        if (FAILED(hr)) goto done;
        qrun_say(run, now, e, "attempt %u: accepted for %u recipient%s by %s, copy in %s", e->attempts, (unsigned)accepted,
            accepted == 1 ? "" : "s", run->policy->smtp_server, written);
    }
    if (waiting.failed)
    {
        hr = errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
        goto done;
    }
    free(e->pending);
    e->pending = waiting.size ? strbuf_detach(&waiting) : strdup("");
    if (!e->pending)
    {
        hr = errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
        goto done;
    }
    *none_accepted = !accepted;
    hr = *e->pending ? QUEUE_E_DEFERRED : S_OK;
done:
    strbuf_free(&waiting);
    free(written);
    free(statuses);
    free(reports);
    free(results);
    qnotify_free_addresses(addresses);
    return hr;
}

/* TRUE when the delivery record PATH is E's own: it starts with the line
 * that delivery puts first, E's id and token.  A file of that name from an
 * earlier queue in the same folder (ids start again when a queue folder is
 * made anew) is not; for an entry from before tokens, the name decides. */
BOOL qdeliver_record_is_ours(const char *path, const struct queue_entry *e)
{
    char line[128], expected[128];
    BOOL ours = FALSE;
    FILE *file;

    if (!*e->token) return hostfs_exists(path);
    snprintf(expected, sizeof(expected), TOKEN_HEADER "%s.%s\r\n", e->id, e->token);
    if ((file = hostfs_fopen_read(path)))
    {
        ours = fgets(line, sizeof(line), file) && !strcmp(line, expected);
        fclose(file);
    }
    return ours;
}
