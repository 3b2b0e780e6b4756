/*
 * queue_list: listing the queue: each message's state read, damaged ones set aside
 * as corrupt, one entry per id.
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
#include "smtp.h"
#include "strbuf.h"
#include "systime.h"

WINE_DEFAULT_DEBUG_CHANNEL(trackfix);

struct listing
{
    struct queue *queue;
    struct queue_entry *entries;
    ULONG count, capacity;
    enum queue_state state;
    HRESULT hr;
    char *error;
};

/* Lists E, in FOLDER, as corrupt because of REASON; with the lock, first
 * moves it to QUEUE/corrupt/ID with REASON written beside it. */
static HRESULT set_aside(struct queue *queue, const char *folder, struct queue_entry *e, const char *reason)
{
    char *corrupt = strbuf_path(queue->dir, state_folders[QUEUE_CORRUPT], e->id), *path = NULL;
    char error[QUEUE_ERROR_SIZE], id[QUEUE_ID_SIZE];
    HRESULT hr = S_OK;

    if (!corrupt) return E_OUTOFMEMORY;
    strcpy(id, e->id);
    queue_entry_clear(e);
    strcpy(e->id, id);
    e->state = QUEUE_CORRUPT;
    if (!(e->last_error = strdup(reason)) || FAILED(qstore_fill_texts(e))) hr = E_OUTOFMEMORY;
    if (SUCCEEDED(hr) && queue->lock != INVALID_HANDLE_VALUE && SUCCEEDED(qstore_move_folder(queue, folder, corrupt, error)) &&
        (path = strbuf_path(corrupt, REASON_FILE, NULL)))
        qstore_write_atomic(path, reason, (DWORD)strlen(reason), error);
    WINE_WARN("%s set aside: %s\n", e->id, reason);
    free(path);
    free(corrupt);
    return hr;
}

/* TRUE when message ID also stands in a folder after STATE: the copy in
 * STATE was left behind and is neither listed nor attempted. */
static BOOL went_further(const struct queue *queue, enum queue_state state, const char *id)
{
    BOOL found = FALSE;
    int later;

    for (later = state + 1; later < QUEUE_STATE_COUNT && !found; later++)
    {
        char *path = strbuf_path(queue->dir, state_folders[later], id);
        found = path && hostfs_exists(path);
        free(path);
    }
    if (found) WINE_WARN("%s in %s is a copy left behind\n", id, state_folders[state]);
    return found;
}

static void add_listed(void *ctx, const char *folder, const char *name)
{
    struct listing *l = ctx;
    struct queue_entry *e;
    char *path, reason[QUEUE_ERROR_SIZE];
    HRESULT hr;

    if (FAILED(l->hr) || strlen(name) >= QUEUE_ID_SIZE) return;
    if (went_further(l->queue, l->state, name)) return;
    if (!grow_for_one(&l->entries, &l->capacity, l->count, sizeof(*l->entries), 32))
    {
        l->hr = errmsg_format(l->error, E_OUTOFMEMORY, ERRMSG_OOM);
        return;
    }
    e = &l->entries[l->count];
    memset(e, 0, sizeof(*e));
    strcpy(e->id, name);
    e->state = l->state;
    if (!(path = strbuf_path(folder, name, NULL)))
    {
        l->hr = errmsg_format(l->error, E_OUTOFMEMORY, ERRMSG_OOM);
        return;
    }
    if (l->state == QUEUE_CORRUPT)
        l->hr = qstore_load_reason(path, e);
    else if ((hr = qstore_load_state(path, e, reason)) != S_OK && hr != E_OUTOFMEMORY)
        l->hr = set_aside(l->queue, path, e, reason);
    else
        l->hr = hr;
    free(path);
    if (FAILED(l->hr))
    {
        errmsg_format(l->error, l->hr, ERRMSG_OOM);
        queue_entry_clear(e);
    }
    else
        l->count++;
}

/* By id, and for one id by state, in the order a message moves. */
static int compare_entries(const void *a, const void *b)
{
    const struct queue_entry *x = a, *y = b;
    int order = strcmp(x->id, y->id);

    return order ? order : (int)x->state - (int)y->state;
}

/* Keeps one entry per id, the one furthest along.  A message only ever
 * moves forward (queued, then delivered, expired or corrupt) and the
 * folders are read in that order, so a listing taken while a run moves
 * messages sees each at least once, and the copy seen twice is the one it
 * left; an id that really stands in two folders is listed where it went
 * last, and the copy left behind is never attempted. */
static ULONG keep_latest(struct queue_entry *entries, ULONG count)
{
    ULONG i, kept = 0;

    for (i = 0; i < count; i++)
    {
        if (i + 1 < count && !strcmp(entries[i].id, entries[i + 1].id))
        {
            WINE_WARN("%s is in both %s and %s\n", entries[i].id, state_folders[entries[i].state],
                      state_folders[entries[i + 1].state]);
            queue_entry_clear(&entries[i]);
            continue;
        }
        entries[kept++] = entries[i];
    }
    return kept;
}

/* Lists the messages in the states of MASK (bit per state). */
HRESULT qlist_states(struct queue *queue, unsigned mask, struct queue_entry **entries, ULONG *count, char *error)
{
    struct listing l = {queue, NULL, 0, 0, QUEUE_QUEUED, S_OK, error};
    int i;

    for (i = 0; i < QUEUE_STATE_COUNT && SUCCEEDED(l.hr); i++)
    {
        char *folder;
        if (!(mask & 1u << i)) continue;
        if (!(folder = strbuf_path(queue->dir, state_folders[i], NULL)))
        {
            l.hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
            break;
        }
        l.state = (enum queue_state)i;
        /* a folder unread is messages unlisted: never a shorter list */
        if (FAILED(qstore_for_each_folder(folder, add_listed, &l)) && SUCCEEDED(l.hr))
            l.hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
        free(folder);
    }
    if (FAILED(l.hr))
    {
        queue_entries_free(l.entries, l.count);
        return l.hr;
    }
    qsort(l.entries, l.count, sizeof(*l.entries), compare_entries);
    *entries = l.entries;
    *count = keep_latest(l.entries, l.count);
    return S_OK;
}

HRESULT queue_list(struct queue *queue, struct queue_entry **entries, ULONG *count, char error[QUEUE_ERROR_SIZE])
{
    return qlist_states(queue, ALL_STATES, entries, count, error);
}

/* Finds message ID in the states of MASK; fills E. */
HRESULT qlist_find(struct queue *queue, unsigned mask, const char *id, struct queue_entry *e, char *error)
{
    struct queue_entry *entries;
    ULONG count, i;
    HRESULT hr = qlist_states(queue, mask, &entries, &count, error);

    if (FAILED(hr)) return hr;
    for (i = 0; i < count; i++)
    {
        if (strcmp(entries[i].id, id)) continue;
        *e = entries[i];
        memset(&entries[i], 0, sizeof(entries[i]));
        queue_entries_free(entries, count);
        return S_OK;
    }
    queue_entries_free(entries, count);
    return errmsg_format(error, HRESULT_FROM_WIN32(ERROR_NOT_FOUND), "no message '%s' in the queue '%s'", id, queue->dir);
}

HRESULT queue_find(struct queue *queue, const char *id, struct queue_entry *entry, char error[QUEUE_ERROR_SIZE])
{
    memset(entry, 0, sizeof(*entry));
    return qlist_find(queue, ALL_STATES, id, entry, error);
}
