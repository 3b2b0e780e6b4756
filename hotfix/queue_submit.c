/*
 * queue_submit: submission: ids, what the queue keeps of a message, prepare and
 * commit.
 */
#include <errno.h>
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
#include "smtp.h"
#include "strbuf.h"
#include "systime.h"

WINE_DEFAULT_DEBUG_CHANNEL(trackfix);

/* Submission. */

static void max_id(void *ctx, const char *folder, const char *name)
{
    ULONG *max = ctx, n = (ULONG)strtoul(name, NULL, 10);

    (void)folder;
    if (n > *max) *max = n;
}

/* The next id, from QUEUE/next-id (kept so that an id is never used twice,
 * not even after a delete: its .eml or NDR may still be out there), and
 * never below one past the largest id present.  Read and scanned once per
 * open queue (the lock keeps other writers out); a batch of submissions
 * then costs one small write each, not a scan of the whole queue. */
static HRESULT allocate_id(struct queue *queue, char id[QUEUE_ID_SIZE], char *error)
{
    char *path = strbuf_path(queue->dir, "next-id", NULL), text[32];
    HRESULT hr = S_OK;
    int i;

    if (!path) return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    if (!queue->next_id)
    {
        ULONG max = 0;
        FILE *in;

        /* an id missed (for want of memory, for a disk that would not
         * read) could be given twice: none is */
        if ((in = hostfs_fopen_read(path)))
        {
            if (fgets(text, sizeof(text), in)) queue->next_id = (ULONG)strtoul(text, NULL, 10);
            if (ferror(in)) hr = HRESULT_FROM_WIN32(ERROR_READ_FAULT);
            fclose(in);
        }
        else if (errno != ENOENT)
            hr = errno == ENOMEM ? E_OUTOFMEMORY : HRESULT_FROM_WIN32(ERROR_READ_FAULT);
        for (i = 0; i < QUEUE_STATE_COUNT && SUCCEEDED(hr); i++)
        {
            char *states = strbuf_path(queue->dir, state_folders[i], NULL);
            hr = states ? qstore_for_each_folder(states, max_id, &max) : E_OUTOFMEMORY;
            free(states);
        }
        if (FAILED(hr))
        {
            char words[256];
            queue->next_id = 0;
            if (hr == E_OUTOFMEMORY) errmsg_format(error, hr, ERRMSG_OOM);
            else errmsg_format(error, hr, "cannot read the queue's ids ('%s' and its folders): %s", path,
                               errmsg_describe(hr, words, sizeof(words)));
            free(path);
            return hr;
        }
        if (queue->next_id <= max) queue->next_id = max + 1;
    }
    hr = S_OK;
    if (queue->next_id >= queue->reserved_id)
    {
        snprintf(text, sizeof(text), "%u\n", queue->next_id + ID_RESERVE);
        if (SUCCEEDED(hr = qstore_write_atomic(path, text, (DWORD)strlen(text), error)))
        {
            queue->reserved_id = queue->next_id + ID_RESERVE;
            qstore_step(queue);
        }
    }
    if (SUCCEEDED(hr)) snprintf(id, QUEUE_ID_SIZE, "%08u", queue->next_id++);
    free(path);
    return hr;
}

/* Gives back the ids reserved and not used: QUEUE/next-id says the next one. */
void qsubmit_release_ids(struct queue *queue)
{
    char *path, text[32], error[QUEUE_ERROR_SIZE];

    if (!queue->reserved_id || queue->reserved_id == queue->next_id || !(path = strbuf_path(queue->dir, "next-id", NULL)))
        return;
    snprintf(text, sizeof(text), "%u\n", queue->next_id);
    if (SUCCEEDED(qstore_write_atomic(path, text, (DWORD)strlen(text), error))) queue->reserved_id = queue->next_id;
    free(path);
}

/* "1-XXXX" from a source key; "0-0" when absent. */
static char *format_source_key(const struct mapi_prop *prop)
{
    struct strbuf sb = {0};
    ULONGLONG counter = 0;
    int i;

    if (prop && prop->count && prop->values[0].size == SOURCE_KEY_SIZE)
        for (i = 16; i < SOURCE_KEY_SIZE; i++) counter = counter << 8 | prop->values[0].data[i];
    strbuf_printf(&sb, counter ? "1-%llX" : "0-0", (unsigned long long)counter);
    return strbuf_detach(&sb);
}

static char *format_store_key(const struct mapi_prop *prop)
{
    struct strbuf sb = {0};
    GUID g = {0};

    if (prop && prop->count && prop->values[0].size == sizeof(GUID)) memcpy(&g, prop->values[0].data, sizeof(g));
    strbuf_printf(&sb, "%08x-%04x-%04x-%02x%02x-%02x%02x%02x%02x%02x%02x", g.Data1, g.Data2, g.Data3, g.Data4[0],
                  g.Data4[1], g.Data4[2], g.Data4[3], g.Data4[4], g.Data4[5], g.Data4[6], g.Data4[7]);
    return strbuf_detach(&sb);
}

/* What the queue keeps about MESSAGE. */
static HRESULT describe(const struct mapi_message *message, const char *path, struct queue_entry *e, char *error)
{
    struct strbuf recipients = {0}, to = {0}, cc = {0};
    const char *field;
    char *name = NULL, words[ERRMSG_SIZE];
    HRESULT hr;
    ULONG i;

    /* refused at submit, not at delivery: an address that is no mailbox */
    if (FAILED(hr = meeting_check_addresses(message, words))) return errmsg_format(error, hr, "'%s': %s", path, words);
    if ((hr = meeting_read_sender(message, &name, &e->sender, &field)) == E_OUTOFMEMORY)
        return errmsg_format(error, hr, ERRMSG_OOM);
    if (hr != S_OK)
    {
        /* no sender address: the organizer's row, else nobody to tell */
        for (i = 0; i < message->recipient_count && !e->sender; i++)
        {
            LONG flags = 0;
            mapi_prop_get_long(mapi_propset_find(&message->recipients[i], PR_RECIPIENT_FLAGS), &flags);
            if (flags & RECIP_ORGANIZER && FAILED(hr = meeting_read_smtp_address(&message->recipients[i], &e->sender, &field)))
                return errmsg_format(error, hr, "the organizer: %s", meeting_address_failure(hr));
        }
        if (!e->sender) e->sender = strdup("postmaster");
    }
    free(name);
    for (i = 0; i < message->recipient_count; i++)
    {
        LONG flags = 0, type = RECIP_TO;
        char *address;
        mapi_prop_get_long(mapi_propset_find(&message->recipients[i], PR_RECIPIENT_FLAGS), &flags);
        mapi_prop_get_long(mapi_propset_find(&message->recipients[i], PR_RECIPIENT_TYPE), &type);
        if (flags & RECIP_ORGANIZER) continue;
        /* a recipient lost to a failed allocation would never be delivered to */
        if (FAILED(hr = meeting_read_smtp_address(&message->recipients[i], &address, &field)))
        {
            strbuf_free(&recipients), strbuf_free(&to), strbuf_free(&cc);
            return errmsg_format(error, hr, "recipient %u: %s", i + 1, meeting_address_failure(hr));
        }
        if (!address) continue;
        strbuf_printf(&recipients, "%s%s", recipients.size ? ", " : "", address);
        if (type == RECIP_TO) strbuf_printf(&to, "%s%s", to.size ? ", " : "", address);
        else if (type == RECIP_CC) strbuf_printf(&cc, "%s%s", cc.size ? ", " : "", address);
        free(address);
    }
    e->recipients = strbuf_detach(&recipients);
    e->to = to.size ? strbuf_detach(&to) : strdup("");
    e->cc = cc.size ? strbuf_detach(&cc) : strdup("");
    if (FAILED(meeting_read_string(&message->props, PR_SUBJECT, &e->subject)) ||
        FAILED(meeting_read_string(&message->props, PR_INTERNET_MESSAGE_ID, &e->message_id)))
        return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    if (!e->subject) e->subject = strdup("");
    if (!e->message_id) e->message_id = strdup("");
    e->mdb = format_store_key(mapi_propset_find(&message->props, PR_STORE_RECORD_KEY));
    e->fid = format_source_key(mapi_propset_find(&message->props, PR_PARENT_SOURCE_KEY));
    e->mid = format_source_key(mapi_propset_find(&message->props, PR_SOURCE_KEY));
    e->source = strdup(path);
    if ((e->token = malloc(TOKEN_BYTES * 2 + 1)))
    {
        BYTE random[TOKEN_BYTES];
        int i;
        if (!RtlGenRandom(random, sizeof(random))) return errmsg_format(error, E_FAIL, "no random numbers for the token");
        for (i = 0; i < TOKEN_BYTES; i++) sprintf(e->token + i * 2, "%02x", random[i]);
    }
    e->last_error = strdup("");
    if (!e->to || !e->cc || !(e->pending = strdup(""))) return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    if (!e->sender || !e->recipients || !e->subject || !e->message_id || !e->mdb || !e->fid || !e->mid ||
        !e->source || !e->token || !e->last_error)
        return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    return S_OK;
}

/* One file on its way into the queue: read and described (stage one),
 * given an id (in order, on the caller's thread), then written into
 * incoming/ID (stage two). */
struct submission
{
    const char *path;
    HRESULT hr;    /* S_FALSE: left out, after an earlier file's failure */
    char id[QUEUE_ID_SIZE];
    char error[QUEUE_ERROR_SIZE];
    struct queue_entry entry;
    HGLOBAL source; /* the bytes parsed: the queue's copy */
    ULONGLONG size;
    char *folder, *target; /* incoming/ID, and queued/ID where the commit moves it */
};

/* Stage one: reads and describes S's file. */
static HRESULT read_submission(struct submission *s)
{
    struct mapi_message message;
    char read_error[MSGFILE_ERROR_SIZE];
    HRESULT hr;

    /* one read: the bytes parsed are the bytes copied into the queue */
    if (FAILED(hr = msgfile_read_keep(s->path, &message, &s->source, &s->size, read_error)))
        return errmsg_format(s->error, hr == E_OUTOFMEMORY ? hr : E_INVALIDARG, "cannot read %s", read_error);
    hr = describe(&message, s->path, &s->entry, s->error);
    mapi_message_clear(&message);
    return hr;
}

/* Between the stages, on the caller's thread: S's id and folders. */
static HRESULT name_submission(struct queue *queue, struct submission *s, ULONGLONG now)
{
    char *incoming;
    HRESULT hr;

    if (FAILED(hr = allocate_id(queue, s->id, s->error))) return hr;
    s->entry.submitted = s->entry.next_retry = now;
    /* built in incoming/, moved into queued/ by the commit in one rename */
    if ((incoming = strbuf_path(queue->dir, INCOMING, NULL))) s->folder = strbuf_path(incoming, s->id, NULL);
    free(incoming);
    if (s->folder && (s->target = qstore_entry_folder(queue, QUEUE_QUEUED, s->id))) return S_OK;
    free(s->folder);
    s->folder = NULL;
    return errmsg_format(s->error, E_OUTOFMEMORY, ERRMSG_OOM);
}

/* Stage two: S's copy and state in its folder, unflushed; on a failure no
 * folder is left. */
static HRESULT write_submission(struct submission *s)
{
    struct strbuf state = {0};
    char *copy = strbuf_path(s->folder, MESSAGE_FILE, NULL), *state_path = strbuf_path(s->folder, STATE_FILE, NULL);
    char words[256];
    HRESULT hr;

    if (!copy || !state_path) hr = errmsg_format(s->error, E_OUTOFMEMORY, ERRMSG_OOM);
    else if (SUCCEEDED(hr = qstore_make_folders(s->folder, s->error)) &&
             FAILED(hr = hostfs_write_file(copy, GlobalLock(s->source), (size_t)s->size)))
        errmsg_format(s->error, hr, "cannot copy '%s' into the queue: %s", s->path,
                      errmsg_describe(hr, words, sizeof(words)));
    if (SUCCEEDED(hr))
    {
        qstore_format_state(&s->entry, &state);
        if (state.failed) hr = errmsg_format(s->error, E_OUTOFMEMORY, ERRMSG_OOM);
        else if (FAILED(hr = hostfs_write_file(state_path, state.data, state.size)))
            errmsg_format(s->error, hr, "cannot write '%s': %s", state_path, errmsg_describe(hr, words, sizeof(words)));
    }
    if (FAILED(hr)) hostfs_remove_tree(s->folder);
    strbuf_free(&state);
    free(copy);
    free(state_path);
    return hr;
}

/* After stage two, on the caller's thread: S prepared, for the commit. */
static HRESULT keep_submission(struct queue *queue, struct submission *s)
{
    struct queue_pending *pending;

    if (!grow_for_one(&queue->pending, &queue->pending_capacity, queue->pending_count, sizeof(*queue->pending), 64))
    {
        hostfs_remove_tree(s->folder);
        return errmsg_format(s->error, E_OUTOFMEMORY, ERRMSG_OOM);
    }
    pending = &queue->pending[queue->pending_count++];
    memcpy(pending->id, s->id, QUEUE_ID_SIZE);
    pending->folder = s->folder;
    pending->target = s->target;
    s->folder = s->target = NULL;
    return S_OK;
}

static void submission_clear(struct submission *s)
{
    if (s->source) GlobalFree(s->source);
    free(s->folder);
    free(s->target);
    queue_entry_clear(&s->entry);
    s->source = NULL;
    s->folder = s->target = NULL;
}

HRESULT queue_submit_prepare(struct queue *queue, const char *path, ULONGLONG now, char id[QUEUE_ID_SIZE],
                             char error[QUEUE_ERROR_SIZE])
{
    struct submission s = {.path = path};
    HRESULT hr;

    if (SUCCEEDED(hr = read_submission(&s)) && SUCCEEDED(hr = name_submission(queue, &s, now)) &&
        SUCCEEDED(hr = write_submission(&s)))
        hr = keep_submission(queue, &s);
    submission_clear(&s);
    memcpy(id, s.id, QUEUE_ID_SIZE);
    if (FAILED(hr)) memcpy(error, s.error, QUEUE_ERROR_SIZE);
    return hr;
}

/* Flushes the file system of the queue's folder QUEUED_FOLDER: the copies
 * and states prepared, before their moves.  S_OK or the failure, ERROR
 * saying it. */
static HRESULT flush_prepared(const char *queue_dir, const char *queued_folder, char *error)
{
    char words[256];
    HRESULT hr;

    if (FAILED(hr = hostfs_sync(queued_folder)))
        errmsg_format(error, hr, "cannot flush the queue '%s' to disk: %s", queue_dir, errmsg_describe(hr, words, sizeof(words)));
    return hr;
}

/* The commit after its flush (FLUSHED, ERROR saying a failure): moves each
 * prepared message into queued/ (those it cannot, all after a failure,
 * removed), then flushes queued/ (QUEUED_FOLDER, NULL when out of memory). */
static HRESULT move_prepared(struct queue *queue, HRESULT flushed, const char *queued_folder,
                             void (*queued)(void *context, const char *id), void *context, char *error)
{
    HRESULT hr = flushed, synced;
    char words[256];
    ULONG i;

    if (SUCCEEDED(hr)) qstore_step(queue);
    for (i = 0; i < queue->pending_count; i++)
    {
        struct queue_pending *p = &queue->pending[i];

        if (SUCCEEDED(hr) && SUCCEEDED(hr = qstore_move_folder(queue, p->folder, p->target, error)))
        {
            if (queued) queued(context, p->id);
        }
        else
            hostfs_remove_tree(p->folder);
        free(p->folder);
        free(p->target);
    }
    queue->pending_count = 0;
    /* the moves themselves durable */
    if (queued_folder && FAILED(synced = hostfs_sync_folder(queued_folder)) && SUCCEEDED(hr))
        hr = errmsg_format(error, synced, "cannot flush the folder '%s' to disk: %s", queued_folder,
                           errmsg_describe(synced, words, sizeof(words)));
    return hr;
}

HRESULT queue_submit_commit(struct queue *queue, void (*queued)(void *context, const char *id), void *context,
                            char error[QUEUE_ERROR_SIZE])
{
    char *queued_folder;
    HRESULT hr;

    if (!queue->pending_count) return S_OK;
    /* every copy and state of the batch on disk at once, then the moves */
    queued_folder = strbuf_path(queue->dir, state_folders[QUEUE_QUEUED], NULL);
    hr = queued_folder ? flush_prepared(queue->dir, queued_folder, error) : errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    hr = move_prepared(queue, hr, queued_folder, queued, context, error);
    free(queued_folder);
    return hr;
}

HRESULT queue_submit(struct queue *queue, const char *path, ULONGLONG now, char id[QUEUE_ID_SIZE],
                     char error[QUEUE_ERROR_SIZE])
{
    HRESULT hr = queue_submit_prepare(queue, path, now, id, error);

    return SUCCEEDED(hr) ? queue_submit_commit(queue, NULL, NULL, error) : hr;
}

/* Many files at once (on the heap: the threads reach it).  A window's files
 * are read on two threads while the window before is flushed on a third;
 * then that window is moved and its files reported, this one's ids given
 * and its files written on two threads, and its flush started. */
struct submit_files
{
    struct submission items[QUEUE_SUBMIT_WINDOW];
    LONG count, next; /* the window's files, and the next a thread takes */
    BOOL writing;     /* the stage the threads are in: one (read) or two (write) */
    /* reading ends before file END, once the copies read pass WINDOW_BYTES
     * (a file read past it is read again in the next window) */
    volatile LONG end;
    LONGLONG bytes;
    ULONG window_bytes;
    /* the flush of the window before */
    char *queue_dir, *queued_folder;
    BOOL flushing;   /* a window's commit started: its flush */
    HANDLE flusher;  /* ... when on a thread of its own */
    HRESULT flushed;
    char flush_error[QUEUE_ERROR_SIZE];
    /* the files of the window before that were prepared, for their report */
    const char *prepared[QUEUE_SUBMIT_WINDOW];
    ULONG prepared_count, reported;
    void (*queued)(void *context, const char *path, const char *id);
    void *context;
};

/* A window of at least this many files has a second thread, and its flush
 * a third: fewer share one thread, as queue_submit_prepare would. */
#define SUBMIT_THREADED_FROM 32

/* Ends the window's reading before file END, unless it ends sooner. */
static void end_reading_at(struct submit_files *f, LONG end)
{
    LONG seen;

    while ((seen = f->end) > end && InterlockedCompareExchange(&f->end, end, seen) != seen) continue;
}

/* One stage on this thread: takes the window's next file until none is left. */
static DWORD WINAPI run_stage(void *context)
{
    struct submit_files *f = context;
    LONG i;

    while ((i = InterlockedIncrement(&f->next) - 1) < f->count)
    {
        struct submission *s = &f->items[i];
        if (f->writing)
        {
            if (s->folder) s->hr = write_submission(s);
        }
        else if (i < f->end)
        {
            s->hr = read_submission(s);
            if (InterlockedExchangeAdd64(&f->bytes, (LONGLONG)s->size) + (LONGLONG)s->size > f->window_bytes)
                end_reading_at(f, i + 1);
        }
    }
    return 0;
}

/* Runs the window's stage on this thread and, for a window of many, on a
 * second one. */
static void stage(struct submit_files *f, BOOL writing)
{
    HANDLE helper = NULL;

    f->writing = writing;
    f->next = 0;
    if (f->count >= SUBMIT_THREADED_FROM) helper = CreateThread(NULL, 0, run_stage, f, 0, NULL);
    run_stage(f);
    if (!helper) return;
    WaitForSingleObject(helper, INFINITE);
    CloseHandle(helper);
}

static DWORD WINAPI run_flush(void *context)
{
    struct submit_files *f = context;

    f->flushed = flush_prepared(f->queue_dir, f->queued_folder, f->flush_error);
    return 0;
}

static void report_queued(void *context, const char *id)
{
    struct submit_files *f = context;

    f->queued(f->context, f->prepared[f->reported++], id);
}

/* Ends the commit of the window before: waits for its flush, moves its
 * messages.  S_OK, or the failure, ERROR saying it. */
static HRESULT finish_commit(struct queue *queue, struct submit_files *f, char *error)
{
    HRESULT hr;

    if (!f->flushing) return S_OK;
    f->flushing = FALSE;
    if (f->flusher)
    {
        WaitForSingleObject(f->flusher, INFINITE);
        CloseHandle(f->flusher);
        f->flusher = NULL;
    }
    if (FAILED(f->flushed)) memcpy(error, f->flush_error, QUEUE_ERROR_SIZE);
    f->reported = 0;
    hr = move_prepared(queue, f->flushed, f->queued_folder, report_queued, f, error);
    if (f->reported) f->queued(f->context, NULL, NULL);
    f->prepared_count = 0;
    return hr;
}

/* Starts the flush of what the window prepared, on a thread of its own
 * for a window of many (else at once, here). */
static void start_flush(struct submit_files *f)
{
    f->flushing = TRUE;
    if (f->count >= SUBMIT_THREADED_FROM && (f->flusher = CreateThread(NULL, 0, run_flush, f, 0, NULL))) return;
    run_flush(f);
}

/* Gives the window's files read their ids, writes them, and keeps them
 * for the commit, in order; says each failure.  Returns the failure that
 * stops the submission (one other than an unreadable file), or S_OK. */
static HRESULT prepare_window(struct queue *queue, struct submit_files *f, ULONGLONG now,
                              void (*failed)(void *context, const char *error), void *context)
{
    HRESULT stop = S_OK;
    ULONG first_unused = 0;
    LONG i;

    for (i = 0; i < f->count && SUCCEEDED(stop); i++)
    {
        struct submission *s = &f->items[i];
        if (SUCCEEDED(s->hr)) s->hr = name_submission(queue, s, now);
        if (FAILED(s->hr) && s->hr != E_INVALIDARG) stop = s->hr;
    }
    for (; i < f->count; i++) f->items[i].hr = S_FALSE;
    stage(f, TRUE);
    /* what was written before the first failure is kept; the files after
     * it are left out as if never read, what was written of them removed
     * and their ids (the last given) given again */
    for (i = 0, stop = S_OK; i < f->count; i++)
    {
        struct submission *s = &f->items[i];
        if (FAILED(stop))
        {
            if (s->folder)
            {
                if (!first_unused) first_unused = (ULONG)strtoul(s->id, NULL, 10);
                hostfs_remove_tree(s->folder);
            }
            s->hr = S_FALSE;
        }
        else if (s->folder && SUCCEEDED(s->hr) && SUCCEEDED(s->hr = keep_submission(queue, s)))
            f->prepared[f->prepared_count++] = s->path;
        if (FAILED(s->hr))
        {
            failed(context, s->error);
            if (s->hr != E_INVALIDARG) stop = s->hr;
        }
        submission_clear(s);
    }
    if (first_unused) queue->next_id = first_unused;
    return stop;
}

HRESULT queue_submit_files(struct queue *queue, char **paths, ULONG count, ULONGLONG now,
                           void (*queued)(void *context, const char *path, const char *id),
                           void (*failed)(void *context, const char *error), void *context)
{
    struct submit_files *f = calloc(1, sizeof(*f));
    HRESULT hr = S_OK, unreadable = S_OK, committed;
    char error[QUEUE_ERROR_SIZE];
    ULONG start;
    LONG i;

    if (!f || !(f->queue_dir = strdup(queue->dir)) ||
        !(f->queued_folder = strbuf_path(queue->dir, state_folders[QUEUE_QUEUED], NULL)))
    {
        if (f) free(f->queue_dir);
        free(f);
        failed(context, ERRMSG_OOM);
        return E_OUTOFMEMORY;
    }
    f->queued = queued;
    f->context = context;
    f->window_bytes = queue->submit_window_bytes;
    for (start = 0; start < count && SUCCEEDED(hr); start += (ULONG)f->count)
    {
        f->count = (LONG)min(QUEUE_SUBMIT_WINDOW, count - start);
        for (i = 0; i < f->count; i++)
        {
            memset(&f->items[i], 0, sizeof(f->items[i]));
            f->items[i].path = paths[start + i];
        }
        f->end = f->count;
        f->bytes = 0;
        stage(f, FALSE);
        /* the window is the files before its end: those read past it are
         * read again in the next */
        for (i = f->end; i < f->count; i++) submission_clear(&f->items[i]);
        f->count = f->end;
        if (FAILED(hr = finish_commit(queue, f, error)))
        {
            failed(context, error);
            break;
        }
        hr = prepare_window(queue, f, now, failed, context);
        for (i = 0; i < f->count; i++)
            if (f->items[i].hr == E_INVALIDARG) unreadable = E_INVALIDARG;
        if (queue->pending_count) start_flush(f);
    }
    /* a window read but not prepared (the commit before it failed) */
    for (i = 0; FAILED(hr) && i < f->count; i++) submission_clear(&f->items[i]);
    if (FAILED(committed = finish_commit(queue, f, error)))
    {
        failed(context, error);
        if (SUCCEEDED(hr)) hr = committed;
    }
    free(f->queue_dir);
    free(f->queued_folder);
    free(f);
    return FAILED(hr) ? hr : unreadable;
}
