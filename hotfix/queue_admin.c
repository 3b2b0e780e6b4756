/*
 * queue_admin: the administrator's operations on one message: open, retry, delete.
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

HRESULT queue_open_message(struct queue *queue, const char *id, const struct queue_policy *policy, ULONGLONG now,
                           char **mime, char error[QUEUE_ERROR_SIZE])
{
    struct queue_entry e;
    enum queue_fix_seen fix;
    char *folder, value[QUEUE_VALUE_SIZE];
    HRESULT hr;

    *mime = NULL;
    if (FAILED(hr = qlist_find(queue, QUEUE_ALL_STATES, id, &e, error))) return hr;
    if (e.state == QUEUE_CORRUPT)
    {
        hr = errmsg_format(error, HRESULT_FROM_WIN32(ERROR_FILE_CORRUPT), "message %s is set aside in %s/%s: %s", id, queue->dir,
                  state_folders[QUEUE_CORRUPT], e.last_error);
        queue_entry_clear(&e);
        return hr;
    }
    if (!(folder = qstore_entry_folder(queue, e.state, id))) hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    else hr = qdeliver_convert_copy(folder, &e, policy, gate_reader_registry(), now, mime, &fix, value, error);
    free(folder);
    queue_entry_clear(&e);
    return hr;
}

HRESULT queue_retry(struct queue *queue, const char *id, ULONGLONG now, char error[QUEUE_ERROR_SIZE])
{
    struct queue_entry e;
    char *folder;
    HRESULT hr;

    if (FAILED(hr = qlist_find(queue, 1u << QUEUE_QUEUED, id, &e, error))) return hr;
    e.next_retry = now;
    if (!(folder = qstore_entry_folder(queue, QUEUE_QUEUED, id))) hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    else hr = qstore_save_state(queue, folder, &e, error);
    free(folder);
    queue_entry_clear(&e);
    return hr;
}

HRESULT queue_delete(struct queue *queue, const char *id, char error[QUEUE_ERROR_SIZE])
{
    struct queue_entry e;
    char *folder = NULL, *incoming = NULL, *gone = NULL;
    HRESULT hr;

    if (FAILED(hr = qlist_find(queue, QUEUE_ALL_STATES, id, &e, error))) return hr;
    /* out of every state in one rename, then emptied; a leftover is cleared
     * at the next open */
    if (!(folder = qstore_entry_folder(queue, e.state, id)) || !(incoming = strbuf_path(queue->dir, INCOMING, NULL)) ||
        !(gone = strbuf_path(incoming, id, NULL)))
        hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    else if (SUCCEEDED(hr = qstore_move_folder(queue, folder, gone, error)))
        hostfs_remove_tree(gone);
    free(folder);
    free(incoming);
    free(gone);
    queue_entry_clear(&e);
    return hr;
}
