/*
 * queue_notify: notifications: the delay DSN and the 4.4.7 NDR in the sender's
 * mailbox, and event 327 for a failed EcGetMime.
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

/* Whom E still waits to be delivered to: all its recipients until a
 * server took some of them. */
const char *qnotify_pending(const struct queue_entry *e)
{
    return *e->pending ? e->pending : e->recipients;
}

/* The addresses of the ", "-separated LIST, each in its own string: *COUNT
 * of them, NULL-terminated; free with free_addresses.  NULL when out of
 * memory. */
char **qnotify_split_addresses(const char *list, size_t *count)
{
    const char *cursor = list, *p;
    size_t len, n = 0;
    char **addresses;

    while (mimeenc_next_address(&cursor, &p, &len)) n++;
    if (!(addresses = calloc(n + 1, sizeof(*addresses)))) return NULL;
    for (cursor = list, n = 0; mimeenc_next_address(&cursor, &p, &len); n++)
    {
        if ((addresses[n] = strndup(p, len))) continue;
        while (n--) free(addresses[n]);
        free(addresses);
        return NULL;
    }
    *count = n;
    return addresses;
}

void qnotify_free_addresses(char **addresses)
{
    size_t i;

    for (i = 0; addresses && addresses[i]; i++) free(addresses[i]);
    free(addresses);
}

/* Writes the report of ACTION about RECIPIENTS of E to the sender's
 * mailbox folder as NAME. */
HRESULT qnotify_report(struct run *run, struct queue_entry *e, enum dsn_action action,
                            const struct dsn_recipient *recipients, size_t count, const char *name, ULONGLONG now,
                            char **written)
{
    struct dsn_subject s = {e->id, e->sender, recipients, count, e->to, e->cc, e->subject, e->message_id,
                            e->submitted, e->last_attempt, queue_policy_expiry(run->policy, e), e->last_error};
    char *report = dsn_build(action, &s, now), *folder = serverdir_mailbox(run->queue->server, e->sender, NULL);
    HRESULT hr;

    if (!report || !folder) hr = errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
    else hr = qstore_write_file(run->queue, folder, name, report, written, run->error);
    free(report);
    free(folder);
    return hr;
}

/* The delay notification or the 4.4.7 NDR for every recipient still
 * waiting. */
HRESULT qnotify_all(struct run *run, struct queue_entry *e, enum dsn_action action, ULONGLONG now)
{
    char name[QUEUE_ID_SIZE + 16], *written = NULL, **addresses;
    struct dsn_recipient *recipients = NULL;
    size_t i, count = 0;
    HRESULT hr;

    snprintf(name, sizeof(name), "%s.%s.eml", e->id, action == DSN_FAILED ? "ndr" : "delay");
    if ((addresses = qnotify_split_addresses(qnotify_pending(e), &count)) &&
        (recipients = calloc(count ? count : 1, sizeof(*recipients))))
    {
        for (i = 0; i < count; i++) recipients[i] = (struct dsn_recipient){addresses[i], "4.4.7", NULL};
        hr = qnotify_report(run, e, action, recipients, count, name, now, &written);
    }
    else
        hr = errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
    if (SUCCEEDED(hr))
        qrun_say(run, now, e, action == DSN_FAILED ? "expired after %u attempts: NDR 4.4.7 to %s in %s"
                                              : "still queued after %u attempts: delay notification to %s in %s",
            e->attempts, e->sender, written);
    free(written);
    free(recipients);
    qnotify_free_addresses(addresses);
    return hr;
}

/* Event 327 for E's failed conversion, when the diagnostics level asks for
 * it: written at the end of the pass, after E's new state (commit_pass). */
BOOL qnotify_logs_327(struct run *run)
{
    struct gate_dword level;

    if (run->level == LEVEL_UNREAD)
    {
        gate_read_dword(&run->keys.reader, REG_ITEM_STORE_DRIVER_LEVEL, &level);
        run->level = level.valid && level.value >= EVENTLOG_LEVEL_MAXIMUM ? LEVEL_LOGS_327 : LEVEL_BELOW_MAXIMUM;
    }
    return run->level == LEVEL_LOGS_327;
}

HRESULT qnotify_event_327(struct run *run, const struct queue_entry *e, ULONGLONG now, HRESULT failure)
{
    struct eventlog_327 *event;
    char *log, text[1024];

    if (!(log = serverdir_path(run->queue->server, SERVER_EVENTLOG, NULL)) ||
        !grow_for_one(&run->events, &run->event_capacity, run->event_count, sizeof(*run->events), 64))
    {
        free(log);
        return errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
    }
    event = &run->events[run->event_count++];
    event->now = now;
    event->hr = failure;
    event->mdb = e->mdb;
    event->fid = e->fid;
    event->mid = e->mid;
    snprintf(text, sizeof(text), "event 327 logged in %s", log);
    qrun_keep_line(run, now, e, text, TRUE, 0);
    free(log);
    return S_OK;
}
