/*
 * queue_store: the queue's folders on disk: paths, open and lock, the sweep of what
 * a crash left, the state-file codec, and the moves between states.
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
#include "serverdir.h"
#include "smtp.h"
#include "strbuf.h"
#include "systime.h"

WINE_DEFAULT_DEBUG_CHANNEL(trackfix);

const struct queue_field queue_fields[] = {
    FIELD("attempts", COUNT, attempts, TRUE),
    FIELD("next_retry", TIME, next_retry, TRUE),
    FIELD("sender", TEXT, sender, TRUE),
    FIELD("recipients", TEXT, recipients, TRUE),
    FIELD("pending", TEXT, pending, FALSE),
    FIELD("to", TEXT, to, FALSE),
    FIELD("cc", TEXT, cc, FALSE),
    FIELD("subject", TEXT, subject, TRUE),
    FIELD("last_hresult", HRESULT, last_hresult, TRUE),
    FIELD("last_error", TEXT, last_error, TRUE),
    FIELD("source", TEXT, source, TRUE),
    FIELD("token", TEXT, token, FALSE),
    FIELD("message_id", TEXT, message_id, FALSE),
    FIELD("mdb", TEXT, mdb, FALSE),
    FIELD("fid", TEXT, fid, FALSE),
    FIELD("mid", TEXT, mid, FALSE),
    FIELD("submitted", TIME, submitted, TRUE),
    FIELD("last_attempt", TIME, last_attempt, TRUE),
    FIELD("delay_notified", YES_NO, delay_notified, TRUE),
};
const size_t queue_field_count = ARRAYSIZE(queue_fields);

const char *queue_state_name(enum queue_state state)
{
    return state < QUEUE_STATE_COUNT ? state_folders[state] : "unknown";
}



/* One durable step done: counted, and told to the step observer. */
void qstore_step(struct queue *queue)
{
    ++queue->steps;
    if (queue->on_step) queue->on_step(queue->step_ctx, queue->steps);
}

/* Creates PATH and its missing parents. */
HRESULT qstore_make_folders(const char *path, char *error)
{
    HRESULT hr = hostfs_make_folders(path);

    if (hr == E_OUTOFMEMORY) return errmsg_format(error, hr, ERRMSG_OOM);
    if (FAILED(hr)) return errmsg_format(error, HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND), "cannot create the folder '%s'", path);
    return S_OK;
}

/* Removes FOLDER/NAME when NAME ends with the suffix CTX. */
static void remove_matching(void *ctx, const char *folder, const char *name)
{
    const char *suffix = ctx;
    size_t length = strlen(name), suffix_length = strlen(suffix);
    char *path;

    if (length < suffix_length || strcmp(name + length - suffix_length, suffix)) return;
    if ((path = strbuf_path(folder, name, NULL))) hostfs_remove(path);
    free(path);
}

/* Deletes every file in FOLDER whose name ends with SUFFIX. */
void qstore_remove_files(const char *folder, const char *suffix)
{
    hostfs_for_each(folder, FALSE, remove_matching, (void *)suffix);
}

/* Calls VISIT for each subfolder name of FOLDER. */
HRESULT qstore_for_each_folder(const char *folder, void (*visit)(void *ctx, const char *folder, const char *name),
                               void *ctx)
{
    return hostfs_for_each(folder, TRUE, visit, ctx);
}

static void clear_incoming(void *ctx, const char *folder, const char *name)
{
    char *path = strbuf_path(folder, name, NULL);

    (void)ctx;
    if (path) hostfs_remove_tree(path);
    free(path);
}

static void clear_temp(void *ctx, const char *folder, const char *name)
{
    char *path = strbuf_path(folder, name, NULL);

    (void)ctx;
    if (path) qstore_remove_files(path, ".tmp");
    free(path);
}

/* Removes the temp files a process killed while it held the lock left:
 * in every message's folder, the drop and sent folders, the mailboxes. */
static void clear_temp_files(struct queue *queue)
{
    char *path;
    int i;

    for (i = 0; i < QUEUE_STATE_COUNT; i++)
    {
        if ((path = strbuf_path(queue->dir, state_folders[i], NULL))) qstore_for_each_folder(path, clear_temp, NULL);
        free(path);
    }
    if ((path = serverdir_path(queue->server, SERVER_DROP, NULL))) qstore_remove_files(path, ".tmp");
    free(path);
    if ((path = serverdir_path(queue->server, SERVER_SENT, NULL))) qstore_remove_files(path, ".tmp");
    free(path);
    if ((path = serverdir_path(queue->server, SERVER_MAILBOXES, NULL))) qstore_for_each_folder(path, clear_temp, NULL);
    free(path);
}

/* queue_open's work; on failure QUEUE holds what it had made so far. */
static HRESULT open_queue(const char *dir, BOOL lock, struct queue *queue, char *error)
{
    char *path;
    HRESULT hr;
    int i;

    memset(queue, 0, sizeof(*queue));
    queue->lock = -1;
    for (i = 0; i < QUEUE_STATE_COUNT; i++) queue->folder_fds[i] = -1;
    queue->submit_window_bytes = QUEUE_SUBMIT_WINDOW_BYTES;
    if (!(queue->dir = strdup(dir)) || !(queue->server = serverdir_of_queue(dir)))
        return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);

    for (i = 0; i <= QUEUE_STATE_COUNT; i++)
    {
        path = strbuf_path(dir, i < QUEUE_STATE_COUNT ? state_folders[i] : INCOMING, NULL);
        hr = path ? qstore_make_folders(path, error) : errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
        free(path);
        if (FAILED(hr)) return hr;
    }
    if (!lock) return S_OK;

    if (!(path = strbuf_path(dir, "lock", NULL))) return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    /* the kernel's lock keeps out the runs of this Wine prefix and of any
     * other (Wine's sharing mode, which it once took too, only those of
     * this prefix, for a dozen more system calls and wineserver requests) */
    hr = hostfs_lock(path, &queue->lock);
    if (FAILED(hr))
    {
        char words[256];
        if (hr == HRESULT_FROM_WIN32(ERROR_SHARING_VIOLATION))
            errmsg_format(error, hr, "the queue '%s' is in use by another run (%s is held)", dir, path);
        else
            errmsg_format(error, hr, "cannot lock the queue '%s' (%s): %s", dir, path,
                          errmsg_describe(hr, words, sizeof(words)));
        free(path);
        return hr; /* queue_open closes what is open */
    }
    free(path);

    /* what a killed run left half-done: submissions, deletions (cleared at
     * every open), and temp files: looked for in every message's folder
     * only when the last holder of the lock did not close the queue */
    if ((path = strbuf_path(dir, INCOMING, NULL))) qstore_for_each_folder(path, clear_incoming, NULL);
    free(path);
    if (!(path = strbuf_path(dir, OPEN_MARK, NULL))) return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    if (hostfs_exists(path)) clear_temp_files(queue);
    hr = qstore_write_atomic(path, "held\n", 5, error);
    free(path);
    return hr;
}


HRESULT queue_open(const char *dir, BOOL lock, struct queue *queue, char error[QUEUE_ERROR_SIZE])
{
    HRESULT hr = open_queue(dir, lock, queue, error);

    /* a queue that did not open holds nothing: what was made is freed */
    if (FAILED(hr)) queue_close(queue);
    return hr;
}

void queue_close(struct queue *queue)
{
    ULONG i;

    /* what was prepared and not committed was never queued */
    for (i = 0; i < queue->pending_count; i++)
    {
        hostfs_remove_tree(queue->pending[i].folder);
        free(queue->pending[i].folder);
        free(queue->pending[i].target);
    }
    free(queue->pending);
    if (queue->lock >= 0)
    {
        char *mark = strbuf_path(queue->dir, OPEN_MARK, NULL);
        qsubmit_release_ids(queue);
        /* closed whole: the next open need not look for temp files */
        if (mark) hostfs_remove(mark);
        free(mark);
    }
    hostfs_unlock(queue->lock);
    for (i = 0; i < QUEUE_STATE_COUNT; i++) hostfs_close_folder(queue->folder_fds[i]);
    free(queue->dir);
    free(queue->server);
    memset(queue, 0, sizeof(*queue));
    queue->lock = -1;
    for (i = 0; i < QUEUE_STATE_COUNT; i++) queue->folder_fds[i] = -1;
}

/* Entries. */

void queue_entry_clear(struct queue_entry *e)
{
    size_t i;

    for (i = 0; i < queue_field_count; i++)
        if (queue_fields[i].kind == QUEUE_FIELD_TEXT) free(*FIELD_AT(e, &queue_fields[i], char *));
    memset(e, 0, sizeof(*e));
}

void queue_entries_free(struct queue_entry *entries, ULONG count)
{
    ULONG i;

    for (i = 0; i < count; i++) queue_entry_clear(&entries[i]);
    free(entries);
}

void queue_field_format(const struct queue_entry *e, const struct queue_field *field, struct strbuf *out)
{
    const char *value;

    switch (field->kind)
    {
    case QUEUE_FIELD_TEXT:
        /* a line break becomes a space */
        for (value = *FIELD_AT(e, field, char *const); value && *value;)
        {
            size_t run = strcspn(value, "\r\n");
            strbuf_add(out, run ? value : " ", run ? run : 1);
            value += run ? run : 1;
        }
        break;
    case QUEUE_FIELD_TIME:
        if (*FIELD_AT(e, field, const ULONGLONG))
        {
            char iso[SYSTIME_ISO_SIZE];
            systime_format_iso(*FIELD_AT(e, field, const ULONGLONG), iso);
            strbuf_puts(out, iso);
        }
        break;
    case QUEUE_FIELD_COUNT:
        strbuf_printf(out, "%u", *FIELD_AT(e, field, const ULONG));
        break;
    case QUEUE_FIELD_YES_NO:
        strbuf_puts(out, *FIELD_AT(e, field, const BOOL) ? "yes" : "no");
        break;
    case QUEUE_FIELD_HRESULT:
        strbuf_printf(out, "%#x", (unsigned)*FIELD_AT(e, field, const HRESULT));
        break;
    }
}

/* Parses VALUE into FIELD of E: S_OK, E_INVALIDARG when it is not a value
 * of its kind, E_OUTOFMEMORY. */
static HRESULT parse_field(struct queue_entry *e, const struct queue_field *field, const char *value)
{
    char *end;
    unsigned long long n;

    switch (field->kind)
    {
    case QUEUE_FIELD_TEXT:
    {
        char *copy = strdup(value);
        if (!copy) return E_OUTOFMEMORY;
        free(*FIELD_AT(e, field, char *));
        *FIELD_AT(e, field, char *) = copy;
        return S_OK;
    }
    case QUEUE_FIELD_TIME:
    {
        /* a state holds four-digit years only */
        ULONGLONG *t = FIELD_AT(e, field, ULONGLONG), parsed;
        *t = 0;
        if (!*value) return S_OK;
        if (!strchr(value, 'T') || FAILED(systime_parse(value, &parsed)) || parsed > SYSTIME_YEAR_9999_END)
            return E_INVALIDARG;
        *t = parsed;
        return S_OK;
    }
    case QUEUE_FIELD_YES_NO:
        *FIELD_AT(e, field, BOOL) = !strcmp(value, "yes");
        return *FIELD_AT(e, field, BOOL) || !strcmp(value, "no") ? S_OK : E_INVALIDARG;
    default:
        n = strtoull(value, &end, field->kind == QUEUE_FIELD_COUNT ? 10 : 16);
        if (!*value || *end || n > 0xffffffffULL) return E_INVALIDARG;
        *FIELD_AT(e, field, ULONG) = (ULONG)n;
        return S_OK;
    }
}

/* The folder of message ID in STATE; caller frees. */
char *qstore_entry_folder(const struct queue *queue, enum queue_state state, const char *id)
{
    return strbuf_path(queue->dir, state_folders[state], id);
}

/* atomicfile_write of PATH, its failure said in words in ERROR. */
HRESULT qstore_write_atomic(const char *path, const char *data, DWORD size, char *error)
{
    char words[256];
    HRESULT hr = atomicfile_write(path, data, size);

    if (FAILED(hr)) errmsg_format(error, hr, "cannot write '%s': %s", path, errmsg_describe(hr, words, sizeof(words)));
    return hr;
}

size_t qstore_entry_bytes(const struct queue_entry *e)
{
    size_t i, bytes = sizeof(*e);
    const char *text;

    /* each text a heap block: its bytes and some 16 of the allocator's */
    for (i = 0; i < queue_field_count; i++)
        if (queue_fields[i].kind == QUEUE_FIELD_TEXT && (text = *FIELD_AT(e, &queue_fields[i], char *const)))
            bytes += strlen(text) + 1 + 16;
    return bytes;
}

/* E's state file as text into SB. */
void qstore_format_state(const struct queue_entry *e, struct strbuf *sb)
{
    size_t i;

    for (i = 0; i < queue_field_count; i++)
    {
        strbuf_puts(sb, queue_fields[i].key);
        strbuf_add(sb, "=", 1);
        queue_field_format(e, &queue_fields[i], sb);
        strbuf_puts(sb, "\n");
    }
}

/* Writes E's state file into FOLDER atomically. */
HRESULT qstore_save_state(struct queue *queue, const char *folder, const struct queue_entry *e, char *error)
{
    struct strbuf sb = {0};
    char *path = strbuf_path(folder, STATE_FILE, NULL);
    HRESULT hr;

    qstore_format_state(e, &sb);
    if (sb.failed || !path) hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    else if (SUCCEEDED(hr = qstore_write_atomic(path, sb.data, (DWORD)sb.size, error)))
        qstore_step(queue);
    strbuf_free(&sb);
    free(path);
    return hr;
}

/* Sets every text field of E that is NULL to "": a message read from an
 * older state file, or set aside, has them all. */
HRESULT qstore_fill_texts(struct queue_entry *e)
{
    size_t i;

    for (i = 0; i < queue_field_count; i++)
    {
        char **value = FIELD_AT(e, &queue_fields[i], char *);
        if (queue_fields[i].kind == QUEUE_FIELD_TEXT && !*value && !(*value = strdup(""))) return E_OUTOFMEMORY;
    }
    return S_OK;
}

/* E's state file FOLDER/state read as TEXT (read: its HRESULT) parsed
 * into E; as qstore_load_state. */
static HRESULT parse_state(const char *folder, HRESULT read, char *text, struct queue_entry *e, char *error)
{
    char *path = strbuf_path(folder, STATE_FILE, NULL), *line, *next, words[256];
    unsigned seen = 0;
    HRESULT hr = read;
    size_t i;

    if (!path)
    {
        free(text);
        return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    }
    if (FAILED(hr))
    {
        if (hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)) errmsg_format(error, hr, "'%s': no state file", folder);
        else if (hr == E_OUTOFMEMORY) errmsg_format(error, hr, ERRMSG_OOM);
        else if (hr == E_INVALIDARG) errmsg_format(error, hr, "'%s': not a regular file, or larger than %u bytes", path, STATE_MAX_SIZE);
        else errmsg_format(error, hr, "'%s': cannot be read: %s", path, errmsg_describe(hr, words, sizeof(words)));
        free(path);
        return hr;
    }
    for (line = text; line && *line && SUCCEEDED(hr); line = next)
    {
        char *eq;

        if ((next = strchr(line, '\n'))) *next++ = 0;
        line[strcspn(line, "\r")] = 0;
        if (!(eq = strchr(line, '='))) continue;
        *eq = 0;
        for (i = 0; i < queue_field_count && strcmp(line, queue_fields[i].key); i++) {}
        if (i == queue_field_count) continue; /* a field of a later version */
        seen |= 1u << i;
        if ((hr = parse_field(e, &queue_fields[i], eq + 1)) == E_OUTOFMEMORY) errmsg_format(error, hr, ERRMSG_OOM);
        else if (FAILED(hr)) errmsg_format(error, hr, "'%s': bad value for %s: '%.64s'", path, line, eq + 1);
    }
    /* what every state file trackfix ever wrote holds: without it, the
     * file is not a message's state (empty, cut short, something else) */
    for (i = 0; i < queue_field_count && SUCCEEDED(hr); i++)
        if (queue_fields[i].required && !(seen & 1u << i))
            hr = errmsg_format(error, E_INVALIDARG, "'%s': no %s field", path, queue_fields[i].key);
    if (SUCCEEDED(hr) && FAILED(hr = qstore_fill_texts(e))) errmsg_format(error, hr, ERRMSG_OOM);
    free(text);
    free(path);
    return hr;
}

HRESULT qstore_load_state(const char *folder, struct queue_entry *e, char *error)
{
    char *path = strbuf_path(folder, STATE_FILE, NULL), *text = NULL;
    HRESULT hr = path ? hostfs_read_text(path, STATE_MAX_SIZE, &text) : E_OUTOFMEMORY;

    free(path);
    return parse_state(folder, hr, text, e, error);
}

HRESULT qstore_load_state_of(struct queue *queue, enum queue_state state, const char *folder, struct queue_entry *e,
                             char *error)
{
    char name[QUEUE_ID_SIZE + sizeof("/" STATE_FILE)], *text = NULL;
    HRESULT hr = HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);

    /* the state folder held open (-1: not yet tried, -2: it failed): the
     * message's file found by its name in it */
    if (queue->folder_fds[state] == -1)
    {
        char *path = strbuf_path(queue->dir, state_folders[state], NULL);
        int fd = path ? hostfs_open_folder(path) : -1;
        queue->folder_fds[state] = fd >= 0 ? fd : -2;
        free(path);
    }
    snprintf(name, sizeof(name), "%s/" STATE_FILE, e->id);
    if (queue->folder_fds[state] >= 0) hr = hostfs_read_text_at(queue->folder_fds[state], name, STATE_MAX_SIZE, &text);
    /* not there by that name (another case, a folder not opened): as Windows finds it */
    if (hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)) return qstore_load_state(folder, e, error);
    return parse_state(folder, hr, text, e, error);
}

/* Reads why corrupt message E in FOLDER was set aside into its last_error. */
HRESULT qstore_load_reason(const char *folder, struct queue_entry *e)
{
    char *path = strbuf_path(folder, REASON_FILE, NULL), *text = NULL;

    e->state = QUEUE_CORRUPT;
    if (!path) return E_OUTOFMEMORY;
    if (SUCCEEDED(hostfs_read_text(path, STATE_MAX_SIZE, &text))) e->last_error = text;
    free(path);
    return qstore_fill_texts(e);
}

/* Renames folder FROM to TO (both UTF-8), one durable step.  Through the
 * host: the state folders hold the whole queue (see hostfs.h). */
HRESULT qstore_move_folder(struct queue *queue, const char *from, const char *to, char *error)
{
    HRESULT hr = hostfs_rename(from, to);

    if (FAILED(hr))
    {
        char words[256];
        return errmsg_format(error, hr, "cannot move '%s' to '%s': %s", from, to, errmsg_describe(hr, words, sizeof(words)));
    }
    qstore_step(queue);
    return S_OK;
}

/* Writes TEXT as FOLDER/NAME atomically, creating FOLDER; one durable step.
 * Names are fixed by the message id, so a file already there was written
 * for this very message and stays as it is.  *WRITTEN: the path (caller
 * frees). */
HRESULT qstore_write_file(struct queue *queue, const char *folder, const char *name, const char *text, char **written,
                          char *error)
{
    char *path;
    HRESULT hr;

    *written = NULL;
    if (FAILED(hr = qstore_make_folders(folder, error))) return hr;
    if (!(path = strbuf_path(folder, name, NULL))) return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    if (hostfs_exists(path))
    {
        /* written by a run that died before it moved the message on */
        *written = path;
        return S_OK;
    }
    if (FAILED(hr = qstore_write_atomic(path, text, (DWORD)strlen(text), error)))
    {
        free(path);
        return hr;
    }
    qstore_step(queue);
    *written = path;
    return S_OK;
}

HRESULT qstore_set_result(struct queue_entry *e, HRESULT result, const char *text)
{
    char *copy = strdup(text);

    if (!copy) return E_OUTOFMEMORY;
    free(e->last_error);
    e->last_error = copy;
    e->last_hresult = result;
    return S_OK;
}
