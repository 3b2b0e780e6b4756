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

HRESULT queue_submit_prepare(struct queue *queue, const char *path, ULONGLONG now, char id[QUEUE_ID_SIZE],
                             char error[QUEUE_ERROR_SIZE])
{
    struct mapi_message message;
    struct queue_entry e;
    struct queue_pending *pending;
    struct strbuf state = {0};
    char read_error[MSGFILE_ERROR_SIZE], *incoming = NULL, *folder = NULL, *target = NULL, *copy = NULL;
    char *state_path = NULL;
    HGLOBAL source = NULL;
    ULONGLONG size;
    HRESULT hr;

    memset(&e, 0, sizeof(e));
    /* one read: the bytes parsed are the bytes copied into the queue */
    if (FAILED(hr = msgfile_read_keep(path, &message, &source, &size, read_error)))
        return errmsg_format(error, hr == E_OUTOFMEMORY ? hr : E_INVALIDARG, "cannot read %s", read_error);
    hr = describe(&message, path, &e, error);
    mapi_message_clear(&message);
    if (FAILED(hr)) goto done;

    if (!grow_for_one(&queue->pending, &queue->pending_capacity, queue->pending_count, sizeof(*queue->pending), 64))
    {
        hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
        goto done;
    }
    if (FAILED(hr = allocate_id(queue, id, error))) goto done;
    e.submitted = e.next_retry = now;

    /* built in incoming/, moved into queued/ by the commit in one rename */
    if (!(incoming = strbuf_path(queue->dir, INCOMING, NULL)) || !(folder = strbuf_path(incoming, id, NULL)) ||
        !(target = qstore_entry_folder(queue, QUEUE_QUEUED, id)) || !(copy = strbuf_path(folder, MESSAGE_FILE, NULL)) ||
        !(state_path = strbuf_path(folder, STATE_FILE, NULL)))
    {
        hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
        goto done;
    }
    if (FAILED(hr = qstore_make_folders(folder, error))) goto done;
    if (FAILED(hr = hostfs_write_file(copy, GlobalLock(source), (size_t)size)))
    {
        char words[256];
        errmsg_format(error, hr, "cannot copy '%s' into the queue: %s", path, errmsg_describe(hr, words, sizeof(words)));
        goto done;
    }
    qstore_format_state(&e, &state);
    if (state.failed) hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    else if (FAILED(hr = hostfs_write_file(state_path, state.data, state.size)))
    {
        char words[256];
        errmsg_format(error, hr, "cannot write '%s': %s", state_path, errmsg_describe(hr, words, sizeof(words)));
    }
    if (FAILED(hr)) goto done;
    pending = &queue->pending[queue->pending_count++];
    memcpy(pending->id, id, QUEUE_ID_SIZE);
    pending->folder = folder;
    pending->target = target;
    folder = target = NULL;
done:
    if (FAILED(hr) && folder) hostfs_remove_tree(folder);
    if (source) GlobalFree(source);
    strbuf_free(&state);
    free(incoming);
    free(folder);
    free(target);
    free(copy);
    free(state_path);
    queue_entry_clear(&e);
    return hr;
}

HRESULT queue_submit_commit(struct queue *queue, void (*queued)(void *context, const char *id), void *context,
                            char error[QUEUE_ERROR_SIZE])
{
    char *queued_folder = strbuf_path(queue->dir, state_folders[QUEUE_QUEUED], NULL), words[256];
    HRESULT hr = S_OK, synced;
    ULONG i;

    if (!queue->pending_count)
    {
        free(queued_folder);
        return S_OK;
    }
    /* every copy and state of the batch on disk at once, then the moves */
    if (!queued_folder) hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    else if (FAILED(hr = hostfs_sync(queued_folder)))
        errmsg_format(error, hr, "cannot flush the queue '%s' to disk: %s", queue->dir, errmsg_describe(hr, words, sizeof(words)));
    else
        qstore_step(queue);
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
    free(queued_folder);
    return hr;
}

HRESULT queue_submit(struct queue *queue, const char *path, ULONGLONG now, char id[QUEUE_ID_SIZE],
                     char error[QUEUE_ERROR_SIZE])
{
    HRESULT hr = queue_submit_prepare(queue, path, now, id, error);

    return SUCCEEDED(hr) ? queue_submit_commit(queue, NULL, NULL, error) : hr;
}
