/*
 * queue_run: the run: what is due attempted, notified or expired, and each pass's
 * writes committed together.
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

void qrun_say(struct run *run, ULONGLONG when, const struct queue_entry *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Keeps a line for the end of the pass (commit_pass). */
void qrun_keep_line(struct run *run, ULONGLONG when, const struct queue_entry *e, const char *text, BOOL event,
                      ULONG move)
{
    struct run_line *line;

    if (!run->report) return;
    if (!grow_for_one(&run->lines, &run->line_capacity, run->line_count, sizeof(*run->lines), 64) ||
        !(run->lines[run->line_count].text = strdup(text)))
    {
        run->line_lost = TRUE;
        return;
    }
    line = &run->lines[run->line_count];
    line->when = when;
    line->entry = e;
    line->event = event;
    line->move = move;
    run->line_count++;
}

void qrun_say(struct run *run, ULONGLONG when, const struct queue_entry *e, const char *fmt, ...)
{
    char text[1024];
    va_list args;

    va_start(args, fmt);
    vsnprintf(text, sizeof(text), fmt, args);
    va_end(args);
    qrun_keep_line(run, when, e, text, FALSE, 0);
}

/* Flushes the queue's folder NAME (its renames durable); ERROR says a
 * failure. */
static HRESULT sync_named_folder(struct run *run, const char *parent, const char *name)
{
    char *folder = strbuf_path(parent, name, NULL);
    HRESULT hr = folder ? hostfs_sync_folder(folder) : E_OUTOFMEMORY;

    if (FAILED(hr))
    {
        char words[256];
        errmsg_format(run->error, hr, "cannot flush the folder '%s' to disk: %s", folder ? folder : name,
                      errmsg_describe(hr, words, sizeof(words)));
    }
    free(folder);
    return hr;
}

/* The deliveries of the pass, their records and states on disk: the drop
 * folder flushed, each message moved into delivered/, then queued/ and
 * delivered/ flushed. */
static HRESULT move_delivered(struct run *run)
{
    HRESULT hr;
    ULONG i;

    if (FAILED(hr = sync_named_folder(run, run->queue->server, serverdir_name(SERVER_DROP)))) return hr;
    for (i = 0; i < run->move_count; i++)
    {
        struct run_move *m = &run->moves[i];

        if (FAILED(hr = qstore_move_folder(run->queue, m->from, m->to, run->error))) return hr;
        m->moved = TRUE;
        m->entry->state = QUEUE_DELIVERED;
    }
    if (FAILED(hr = sync_named_folder(run, run->queue->dir, state_folders[QUEUE_QUEUED]))) return hr;
    return sync_named_folder(run, run->queue->dir, state_folders[QUEUE_DELIVERED]);
}

/* The end of a pass: the new states of the messages, and the records of
 * those delivered, on disk (one flush, then the renames); the delivered
 * moved on; the events 327 (one flush); then every line of the pass, in
 * order.  A line that tells of an event not written or a delivery not
 * moved is left out. */
static HRESULT commit_pass(struct run *run)
{
    HRESULT hr = S_OK, events_hr = S_OK;
    char *log = NULL;
    ULONG i;

    if (run->states.count)
    {
        if (FAILED(hr = atomicfile_batch_commit(&run->states, NULL, NULL)))
        {
            char words[256];
            errmsg_format(run->error, hr, "cannot save the states of the pass: %s", errmsg_describe(hr, words, sizeof(words)));
        }
        else
            qstore_step(run->queue);
    }
    if (run->move_count && SUCCEEDED(hr)) hr = move_delivered(run);
    if (run->event_count)
    {
        if (!(log = serverdir_path(run->queue->server, SERVER_EVENTLOG, NULL))) events_hr = E_OUTOFMEMORY;
        else if (SUCCEEDED(hr)) events_hr = eventlog_write_327(log, run->events, run->event_count);
        else events_hr = hr;
        if (events_hr == E_OUTOFMEMORY && SUCCEEDED(hr))
            hr = errmsg_format(run->error, events_hr, "event 327: " ERRMSG_OOM);
        else if (FAILED(events_hr) && SUCCEEDED(hr))
        {
            char words[256];
            hr = errmsg_format(run->error, events_hr, "cannot append to '%s': %s", log ? log : serverdir_name(SERVER_EVENTLOG),
                               errmsg_describe(events_hr, words, sizeof(words)));
        }
        else if (SUCCEEDED(events_hr))
            qstore_step(run->queue);
    }
    for (i = 0; i < run->line_count; i++)
    {
        struct run_line *line = &run->lines[i];
        if ((!line->event || SUCCEEDED(events_hr)) && (!line->move || run->moves[line->move - 1].moved))
            run->report(run->ctx, line->when, line->entry, line->text);
        free(line->text);
    }
    if (run->line_count && run->report) run->report(run->ctx, 0, NULL, NULL);
    /* what was done is on disk; what it said is not all there */
    if (run->line_lost && SUCCEEDED(hr)) hr = errmsg_format(run->error, E_OUTOFMEMORY, "the run's report: " ERRMSG_OOM);
    run->line_lost = FALSE;
    for (i = 0; i < run->move_count; i++)
    {
        free(run->moves[i].from);
        free(run->moves[i].to);
    }
    run->line_count = run->event_count = run->move_count = 0;
    run->level = LEVEL_UNREAD;
    free(log);
    return hr;
}

/* FOLDER/NAME written with TEXT into the pass's batch, for the end of the
 * pass. */
HRESULT qrun_defer_write(struct run *run, const char *folder, const char *name, const char *text, size_t size)
{
    char *path = strbuf_path(folder, name, NULL), words[256];
    HRESULT hr;

    if (!path) return errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
    if (FAILED(hr = atomicfile_batch_write(&run->states, path, text, (DWORD)size)))
        errmsg_format(run->error, hr, "cannot write '%s': %s", path, errmsg_describe(hr, words, sizeof(words)));
    free(path);
    return hr;
}

/* E's new state into FOLDER, for the end of the pass. */
HRESULT qrun_defer_state(struct run *run, const char *folder, const struct queue_entry *e)
{
    struct strbuf sb = {0};
    HRESULT hr;

    qstore_format_state(e, &sb);
    if (sb.failed) hr = errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
    else
        hr = qrun_defer_write(run, folder, STATE_FILE, sb.data, sb.size);
    strbuf_free(&sb);
    return hr;
}

/* Every recipient refused for good over SMTP, each told in an NDR: the
 * message ends among the expired, not retried. */
static HRESULT refused_for_good(struct run *run, struct queue_entry *e, const char *folder, ULONGLONG now)
{
    char *failed = qstore_entry_folder(run->queue, QUEUE_EXPIRED, e->id);
    HRESULT hr;

    if (!failed || FAILED(qstore_set_result(e, E_FAIL, "refused for good by the server for every recipient")))
        hr = errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
    else if (SUCCEEDED(hr = qhistory_append(run, folder, e, QUEUE_EVENT_REFUSED, S_OK, FALSE, now, TRUE)) &&
             SUCCEEDED(hr = qstore_save_state(run->queue, folder, e, run->error)) &&
             SUCCEEDED(hr = qstore_move_folder(run->queue, folder, failed, run->error)))
    {
        e->state = QUEUE_EXPIRED;
        qrun_say(run, now, e, "attempt %u: refused for every recipient; not retried", e->attempts);
    }
    free(failed);
    return hr;
}

/* Delivered over SMTP: its copy written to RECORDS/NAME, then the message
 * moved to TARGET (delivered/).  REDO: the copy was there already. */
static HRESULT sent(struct run *run, struct queue_entry *e, const char *folder, const char *target,
                    const char *records, const char *name, const char *mime, BOOL redo, ULONGLONG now)
{
    char *written = NULL;
    HRESULT hr;

    if (FAILED(hr = qstore_write_file(run->queue, records, name, mime ? mime : "", &written, run->error))) return hr;
    if (FAILED(qstore_set_result(e, S_OK, ""))) hr = errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
    else if (SUCCEEDED(hr = qhistory_append(run, folder, e, QUEUE_EVENT_DELIVERED, S_OK, FALSE, now, TRUE)) &&
             SUCCEEDED(hr = qstore_save_state(run->queue, folder, e, run->error)) &&
             SUCCEEDED(hr = qstore_move_folder(run->queue, folder, target, run->error)))
    {
        e->state = QUEUE_DELIVERED;
        qrun_say(run, now, e, !redo ? "attempt %u: delivered to %s over SMTP, copy in %s" : "attempt %u: delivered to %s",
                 e->attempts, !redo ? run->policy->smtp_server : written, written);
    }
    free(written);
    return hr;
}

/* A failed attempt: RESULT and REASON kept, the next retry set, event 327
 * when EcGetMime failed (CONVERTED FALSE; an SMTP failure has the MIME). */
static HRESULT failed(struct run *run, struct queue_entry *e, const char *folder, HRESULT result, const char *reason,
                      BOOL converted, ULONGLONG now)
{
    const BOOL event_327 = !converted && qnotify_logs_327(run);
    char next[SYSTIME_ISO_SIZE];
    HRESULT hr;

    if (FAILED(qstore_set_result(e, result, reason))) return errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
    e->next_retry = now + queue_policy_retry_interval(run->policy, e->attempts);
    /* the history line is flushed by the commit that writes the state */
    if (FAILED(hr = qhistory_append(run, folder, e, result == QUEUE_E_DEFERRED ? QUEUE_EVENT_DEFERRED : QUEUE_EVENT_FAILED,
                                    result, event_327, now, FALSE)) ||
        FAILED(hr = qrun_defer_state(run, folder, e)))
        return hr;
    systime_format_iso(e->next_retry, next);
    if (!converted)
        qrun_say(run, now, e, "attempt %u: EcGetMime failed %#x, Unable to open for delivery; next retry %s",
                 e->attempts, (unsigned)result, next);
    else
        qrun_say(run, now, e, "attempt %u: %s; next retry %s", e->attempts, reason, next);
    if (event_327 && FAILED(hr = qnotify_event_327(run, e, now, result))) return hr;
    return S_OK;
}

/* One delivery attempt of E at NOW: converted (and sent, with an SMTP
 * server), then one outcome of four: refused for good, delivered to the
 * drop folder, sent, or failed.  The record of a delivery is
 * SERVER/drop/ID.eml, or SERVER/sent/ID.eml over SMTP; a record already
 * there means a run died after delivering, and the message is only moved
 * on. */
static HRESULT attempt(struct run *run, struct queue_entry *e, struct run_ahead_item *held, ULONGLONG now)
{
    const char *smtp = run->policy->smtp_server;
    char *folder = qstore_entry_folder(run->queue, QUEUE_QUEUED, e->id), *mime = NULL, *written = NULL, *records = NULL;
    char *target = NULL, reason[QUEUE_ERROR_SIZE] = "", name[QUEUE_ID_SIZE + 8];
    BOOL redo = FALSE, none_accepted = FALSE;
    HRESULT hr = S_OK, result = S_OK;

    snprintf(name, sizeof(name), "%s.eml", e->id);
    run->fix_seen = QUEUE_FIX_UNASKED;
    run->value_seen[0] = 0;
    if (!folder || !(records = serverdir_path(run->queue->server, smtp ? SERVER_SENT : SERVER_DROP, NULL)) ||
        !(written = strbuf_path(records, name, NULL)) || !(target = qstore_entry_folder(run->queue, QUEUE_DELIVERED, e->id)))
    {
        hr = errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
        goto done;
    }
    /* a record appears only when a run delivers, and this run moves on
     * what it delivers: one look a run is enough */
    if (!run->slots[run->current].record_checked && (redo = qdeliver_record_is_ours(written, e)))
    {
        /* if the run died before saving the state too, count that attempt,
         * made when it was due */
        if (FAILED(e->last_hresult) || !e->attempts)
        {
            e->attempts++;
            e->last_attempt = e->next_retry;
        }
    }
    else
    {
        run->slots[run->current].record_checked = TRUE;
        if (held->converted)
        {
            /* made ahead, from the same copy and the gate then */
            result = held->result;
            mime = held->mime;
            held->mime = NULL;
            run->fix_seen = held->fix;
            memcpy(run->value_seen, held->value, sizeof(run->value_seen));
            memcpy(reason, held->reason, sizeof(reason));
        }
        else
            result = qdeliver_convert_copy(folder, e, run->policy, &run->keys.reader, now, &mime, &run->fix_seen,
                                           run->value_seen, reason);
        e->attempts++;
        e->last_attempt = now;
        if (SUCCEEDED(result) && smtp &&
            (result = qdeliver_smtp(run, e, mime, now, reason, &none_accepted)) == E_OUTOFMEMORY)
        {
            hr = result;
            goto done;
        }
    }
    if (FAILED(result)) hr = failed(run, e, folder, result, reason, mime != NULL, now);
    else if (none_accepted) hr = refused_for_good(run, e, folder, now);
    else if (smtp) hr = sent(run, e, folder, target, records, name, mime, redo, now);
    else
        hr = qdeliver_defer(run, e, folder, target, records, name, mime, redo, now);
done:
    free(folder);
    free(mime);
    free(written);
    free(records);
    free(target);
    return hr;
}

static HRESULT expire(struct run *run, struct queue_entry *e, ULONGLONG now)
{
    char *folder = qstore_entry_folder(run->queue, QUEUE_QUEUED, e->id), *target = qstore_entry_folder(run->queue, QUEUE_EXPIRED, e->id);
    HRESULT hr;

    if (!folder || !target) hr = errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
    else if (SUCCEEDED(hr = qnotify_all(run, e, DSN_FAILED, now)) &&
             SUCCEEDED(hr = qhistory_append(run, folder, e, QUEUE_EVENT_EXPIRED, S_OK, FALSE, now, TRUE)) &&
             SUCCEEDED(hr = qstore_move_folder(run->queue, folder, target, run->error)))
    {
        e->state = QUEUE_EXPIRED;
    }
    free(folder);
    free(target);
    return hr;
}

/* Whether an attempt of E is due at NOW (as process finds it). */
static BOOL attempt_due(const struct run *run, const struct queue_entry *e, ULONGLONG now)
{
    return e->state == QUEUE_QUEUED && now < queue_policy_expiry(run->policy, e) && e->next_retry <= now;
}

/* Does what is due for E at NOW; HELD holds its conversion when it was
 * made ahead. */
static HRESULT process(struct run *run, struct queue_entry *e, struct run_ahead_item *held, ULONGLONG now)
{
    HRESULT hr;

    if (now >= queue_policy_expiry(run->policy, e)) return expire(run, e, now);
    if (!e->delay_notified && now >= queue_policy_delay(run->policy, e) && e->attempts)
    {
        char *folder = qstore_entry_folder(run->queue, QUEUE_QUEUED, e->id);
        if (!folder) return errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
        if (SUCCEEDED(hr = qnotify_all(run, e, DSN_DELAYED, now)) &&
            SUCCEEDED(hr = qhistory_append(run, folder, e, QUEUE_EVENT_DELAY, S_OK, FALSE, now, TRUE)))
        {
            e->delay_notified = TRUE;
            hr = qstore_save_state(run->queue, folder, e, run->error);
        }
        free(folder);
        if (FAILED(hr)) return hr;
    }
    if (e->next_retry <= now) return attempt(run, e, held, now);
    return S_OK;
}

/* Slot INDEX's message no longer read: its kept state dropped. */
static void forget_slot(struct run *run, ULONG index)
{
    struct run_slot *slot = &run->slots[index];

    if (!slot->kept) return;
    run->kept_bytes -= qstore_entry_bytes(slot->kept);
    queue_entry_clear(slot->kept);
    free(slot->kept);
    slot->kept = NULL;
}

/* The commit of what the pass did so far, then each message read for it
 * settled: its slot due again when it stays queued, its state kept read
 * while the policy's kept_states_bytes allow (else freed, and read again
 * when due), done when it left. */
static HRESULT commit_and_settle(struct run *run)
{
    HRESULT hr = commit_pass(run);
    ULONG i;

    for (i = 0; i < run->live_count; i++)
    {
        struct queue_entry *e = run->live[i].entry;
        struct run_slot *slot = &run->slots[run->live[i].slot];

        if (e->state == QUEUE_QUEUED)
        {
            size_t bytes = qstore_entry_bytes(e);

            slot->due = queue_policy_next_due(run->policy, e);
            /* a failed commit ends the run: nothing is kept past it */
            if (SUCCEEDED(hr) && run->kept_bytes + bytes <= run->policy->kept_states_bytes)
            {
                slot->kept = e;
                run->kept_bytes += bytes;
                continue;
            }
        }
        else
            slot->due = RUN_DONE;
        queue_entry_clear(e);
        free(e);
    }
    run->live_count = 0;
    return hr;
}

/* The round done: every message it read forgotten, its slots emptied. */
static void forget_round(struct run *run)
{
    ULONG i;

    for (i = 0; i < run->slot_count; i++) forget_slot(run, i);
    run->slot_count = 0;
}

/* Does what is due for the oldest message held (it stays read until the
 * pass commits, then settle frees it). */
static HRESULT process_held(struct run *run)
{
    struct run_ahead_item held;
    struct queue_entry *e;
    HRESULT hr = S_OK;

    qahead_take(run, &held);
    e = held.entry;
    if (!grow_for_one(&run->live, &run->live_capacity, run->live_count, sizeof(*run->live), 64))
    {
        qahead_clear(&held);
        queue_entry_clear(e);
        free(e);
        return errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
    }
    run->live[run->live_count].slot = held.slot;
    run->live[run->live_count++].entry = e;
    /* a state found damaged has set the message aside: nothing is due */
    if (e->state == QUEUE_QUEUED)
    {
        run->current = held.slot;
        hr = process(run, e, &held, held.now);
    }
    qahead_clear(&held);
    /* a long pass commits as it goes */
    if (SUCCEEDED(hr) && (run->states.count >= RUN_BATCH || run->live_count >= RUN_BATCH)) hr = commit_and_settle(run);
    return hr;
}

/* Every message held done: the end of a pass. */
static HRESULT process_all_held(struct run *run)
{
    HRESULT hr = S_OK;

    while (SUCCEEDED(hr) && qahead_held(run)) hr = process_held(run);
    return hr;
}

/* E, the message of slot INDEX (taken), held for what is due for it at
 * NOW while the messages before it are done; the oldest held is done
 * first when RUN_AHEAD are. */
static HRESULT process_slot(struct run *run, ULONG index, struct queue_entry *e, ULONGLONG now)
{
    HRESULT hr = qahead_held(run) == RUN_AHEAD ? process_held(run) : S_OK;

    qahead_hold(run, index, e, now, attempt_due(run, e, now));
    return hr;
}

/* A queued message the listing read: scheduled, and what is due for it at
 * the round's start done (the round's first pass); S_FALSE once the round
 * is full. */
static HRESULT schedule(void *ctx, struct queue_entry *e, char *error)
{
    struct run *run = ctx;
    struct queue_entry *taken;
    struct run_slot *slot;

    if (run->slot_count == RUN_SLOTS_MAX) return S_FALSE;
    if (!grow_for_one(&run->slots, &run->slot_capacity, run->slot_count, sizeof(*run->slots), 1024) ||
        !(taken = malloc(sizeof(*taken))))
        return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    slot = &run->slots[run->slot_count++];
    memset(slot, 0, sizeof(*slot));
    strcpy(slot->id, e->id);
    slot->due = queue_policy_next_due(run->policy, e);
    *taken = *e;
    memset(e, 0, sizeof(*e));
    return process_slot(run, run->slot_count - 1, taken, run->start);
}

/* The round's passes after its first (the listing's), each at the next
 * time something is due, up to UNTIL. */
static HRESULT run_round(struct run *run, ULONGLONG until)
{
    ULONGLONG clock = run->start;
    HRESULT hr;
    ULONG i;

    for (;;)
    {
        ULONGLONG next = RUN_DONE;

        if (FAILED(hr = process_all_held(run)) || FAILED(hr = commit_and_settle(run))) return hr;
        for (i = 0; i < run->slot_count; i++)
            if (run->slots[i].due < next) next = run->slots[i].due;
        /* the clock only moves forward, and only as far as UNTIL */
        if (next == RUN_DONE || next > until) return S_OK;
        clock = next > clock ? next : clock + 1;
        for (i = 0; i < run->slot_count; i++)
        {
            struct queue_entry *e;

            if (run->slots[i].due > clock) continue;
            /* the state this run saved last, kept or read from its file */
            if ((e = run->slots[i].kept))
            {
                run->kept_bytes -= qstore_entry_bytes(e);
                run->slots[i].kept = NULL;
            }
            else if (!(e = malloc(sizeof(*e))))
                return errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
            else if (FAILED(hr = qlist_load(run->queue, QUEUE_QUEUED, run->slots[i].id, e, run->error)))
            {
                free(e);
                return hr;
            }
            if (FAILED(hr = process_slot(run, i, e, clock))) return hr;
        }
    }
}

HRESULT queue_run(struct queue *queue, const struct queue_policy *policy, ULONGLONG now, ULONGLONG until,
                  queue_report_fn report, void *ctx, char error[QUEUE_ERROR_SIZE])
{
    struct run run;
    char after[QUEUE_ID_SIZE] = "";
    BOOL full;
    HRESULT hr;

    memset(&run, 0, sizeof(run));
    run.queue = queue;
    run.policy = policy;
    run.report = report;
    run.ctx = ctx;
    run.error = error;
    /* a state not flushed into its name is an attempt made again, no more */
    run.states.names_unflushed = TRUE;
    /* a message's state is rewritten at each attempt: in place, through
     * state.old, no new file */
    run.states.keep_spares = TRUE;
    /* a message is attempted once a pass, and its record and state differ */
    run.states.names_unique = TRUE;
    run.start = now;
    if (FAILED(hr = qahead_start(&run, policy->convert_ahead))) return hr;
    gate_keys_init(&run.keys);
    /* rounds of up to RUN_SLOTS_MAX queued messages, in id order */
    do
    {
        hr = qlist_each(queue, 1u << QUEUE_QUEUED, *after ? after : NULL, schedule, &run, error);
        if (SUCCEEDED(hr) && run.slot_count)
        {
            strcpy(after, run.slots[run.slot_count - 1].id);
            hr = run_round(&run, until);
        }
        full = SUCCEEDED(hr) && run.slot_count == RUN_SLOTS_MAX;
        /* what the pass did before a failure is kept, and said; the failure is told */
        if (FAILED(hr))
        {
            char first[QUEUE_ERROR_SIZE];
            memcpy(first, error, QUEUE_ERROR_SIZE);
            /* the messages held are not attempted */
            qahead_drop(&run);
            commit_and_settle(&run);
            memcpy(error, first, QUEUE_ERROR_SIZE);
        }
        forget_round(&run);
    } while (full);
    qahead_stop(&run);
    atomicfile_batch_free(&run.states);
    free(run.events);
    free(run.lines);
    free(run.moves);
    free(run.live);
    free(run.slots);
    gate_keys_close(&run.keys);
    return hr;
}
