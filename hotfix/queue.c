/*
 * queue: the SMTP retry queue, one folder per message, moved by rename.
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
#include "eventlog.h"
#include "gate.h"
#include "grow.h"
#include "hostfs.h"
#include "meeting.h"
#include "mimeenc.h"
#include "msgfile.h"
#include "queue.h"
#include "smtp.h"
#include "strbuf.h"
#include "systime.h"

WINE_DEFAULT_DEBUG_CHANNEL(trackfix);

#define fail errmsg_format

#define MESSAGE_FILE "message.msg"
#define STATE_FILE "state"
/* where submissions and deletions pass through; cleared at every open */
#define INCOMING "incoming"
/* a state file larger than this is damaged, not a message's state */
#define STATE_MAX_SIZE (256 * 1024 * 1024)
/* a source key: the replica GUID, then a 6-byte big-endian global counter */
#define SOURCE_KEY_SIZE 22

/* the largest .msg the queue takes in (as msgfile reads) */
#define QUEUE_MESSAGE_MAX (256u * 1024 * 1024)
/* ids reserved in QUEUE/next-id at a time: one flushed write per this many
 * submissions; a crash skips the rest of a reserve, never reuses one */
#define ID_RESERVE 256

/* A prepared submission: its folder in incoming/ and where it goes. */
struct queue_pending
{
    char id[QUEUE_ID_SIZE];
    char *folder, *target;
};

static const char *const state_folders[QUEUE_STATE_COUNT] = {"queued", "delivered", "expired", "corrupt"};
/* in a corrupt message's folder: why it was set aside */
#define REASON_FILE "reason"
/* the first line of every message the queue delivers: its id and token */
#define TOKEN_HEADER "X-Trackfix-Queue-Id: "
#define TOKEN_BYTES 8
/* a mask of states for list_states and find_entry: one bit per state */
#define ALL_STATES ((1u << QUEUE_STATE_COUNT) - 1)

#define FIELD(key, kind, member, required) {key, QUEUE_FIELD_##kind, offsetof(struct queue_entry, member), required}
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

#define FIELD_AT(e, field, type) ((type *)((char *)(e) + (field)->offset))

const char *queue_state_name(enum queue_state state)
{
    return state < QUEUE_STATE_COUNT ? state_folders[state] : "unknown";
}


/* A new string "A/B[/C]"; NULL when out of memory. */
static char *join(const char *a, const char *b, const char *c)
{
    struct strbuf sb = {0};

    strbuf_printf(&sb, c ? "%s/%s/%s" : "%s/%s", a, b, c);
    return strbuf_detach(&sb);
}

static void widen(const char *path, WCHAR *out)
{
    if (!MultiByteToWideChar(CP_UTF8, 0, path, -1, out, MAX_PATH)) out[0] = 0;
}

/* One durable step done: counted, and told to the step observer. */
static void step(struct queue *queue)
{
    ++queue->steps;
    if (queue->on_step) queue->on_step(queue->step_ctx, queue->steps);
}

/* Creates PATH and its missing parents. */
static HRESULT make_folders(const char *path, char *error)
{
    HRESULT hr = hostfs_make_folders(path);

    if (FAILED(hr)) return fail(error, HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND), "cannot create the folder '%s'", path);
    return S_OK;
}

/* Removes FOLDER/NAME when NAME ends with the suffix CTX. */
static void remove_matching(void *ctx, const char *folder, const char *name)
{
    const char *suffix = ctx;
    size_t length = strlen(name), suffix_length = strlen(suffix);
    char *path;

    if (length < suffix_length || strcmp(name + length - suffix_length, suffix)) return;
    if ((path = join(folder, name, NULL))) hostfs_remove(path);
    free(path);
}

/* Deletes every file in FOLDER whose name ends with SUFFIX ("" for all);
 * with REMOVE_FOLDER, the folder too. */
static void remove_files(const char *folder, const char *suffix, BOOL remove_folder)
{
    hostfs_for_each(folder, FALSE, remove_matching, (void *)suffix);
    if (remove_folder)
    {
        WCHAR wfolder[MAX_PATH];
        widen(folder, wfolder);
        RemoveDirectoryW(wfolder);
    }
}

/* Calls VISIT for each subfolder name of FOLDER. */
static void for_each_folder(const char *folder, void (*visit)(void *ctx, const char *folder, const char *name), void *ctx)
{
    hostfs_for_each(folder, TRUE, visit, ctx);
}

static void clear_incoming(void *ctx, const char *folder, const char *name)
{
    char *path = join(folder, name, NULL);

    (void)ctx;
    if (path) remove_files(path, "", TRUE);
    free(path);
}

static void clear_temp(void *ctx, const char *folder, const char *name)
{
    char *path = join(folder, name, NULL);

    (void)ctx;
    if (path) remove_files(path, ".tmp", FALSE);
    free(path);
}

void queue_policy_default(struct queue_policy *policy)
{
    memset(policy, 0, sizeof(*policy));
    /* Exchange 2003 SMTP virtual server, Delivery tab: first, second and
     * third retry after 10 minutes, subsequent ones every 15 */
    policy->retry_minutes[0] = policy->retry_minutes[1] = policy->retry_minutes[2] = 10;
    policy->retry_minutes[3] = 15;
    policy->retry_count = 4;
    policy->delay_minutes = QUEUE_DELAY_MINUTES;
    policy->expire_minutes = QUEUE_EXPIRE_MINUTES;
    policy->fix = -1;
}

HRESULT queue_open(const char *dir, BOOL lock, struct queue *queue, char error[QUEUE_ERROR_SIZE])
{
    WCHAR wlock[MAX_PATH];
    char *path, *slash;
    HRESULT hr;
    int i;

    memset(queue, 0, sizeof(*queue));
    queue->lock = INVALID_HANDLE_VALUE;
    queue->host_lock = -1;
    if (!(queue->dir = strdup(dir)) || !(queue->server = strdup(dir))) return fail(error, E_OUTOFMEMORY, "out of memory");
    while ((slash = strrchr(queue->server, '/')) && !slash[1] && slash != queue->server) *slash = 0;
    if ((slash = strrchr(queue->server, '/'))) *slash = 0;
    else strcpy(queue->server, ".");

    for (i = 0; i <= QUEUE_STATE_COUNT; i++)
    {
        path = join(dir, i < QUEUE_STATE_COUNT ? state_folders[i] : INCOMING, NULL);
        hr = path ? make_folders(path, error) : fail(error, E_OUTOFMEMORY, "out of memory");
        free(path);
        if (FAILED(hr)) return hr;
    }
    if (!lock) return S_OK;

    if (!(path = join(dir, "lock", NULL))) return fail(error, E_OUTOFMEMORY, "out of memory");
    widen(path, wlock);
    /* two locks on one file: Wine's sharing mode for the runs of this
     * prefix, the kernel's for those of any other prefix */
    queue->lock = CreateFileW(wlock, GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    hr = queue->lock == INVALID_HANDLE_VALUE ? HRESULT_FROM_WIN32(GetLastError()) : hostfs_lock(path, &queue->host_lock);
    if (FAILED(hr))
    {
        fail(error, hr, hr == HRESULT_FROM_WIN32(ERROR_SHARING_VIOLATION) ? "the queue '%s' is in use by another run (%s is held)"
                                                                          : "cannot lock the queue '%s' (%s)", dir, path);
        free(path);
        if (queue->lock != INVALID_HANDLE_VALUE) CloseHandle(queue->lock);
        queue->lock = INVALID_HANDLE_VALUE;
        return hr;
    }
    free(path);

    /* what a killed run left half-done: submissions, deletions, temp files */
    if ((path = join(dir, INCOMING, NULL))) for_each_folder(path, clear_incoming, NULL);
    free(path);
    for (i = 0; i < QUEUE_STATE_COUNT; i++)
    {
        if ((path = join(dir, state_folders[i], NULL))) for_each_folder(path, clear_temp, NULL);
        free(path);
    }
    if ((path = join(queue->server, "drop", NULL))) remove_files(path, ".tmp", FALSE);
    free(path);
    if ((path = join(queue->server, "sent", NULL))) remove_files(path, ".tmp", FALSE);
    free(path);
    if ((path = join(queue->server, "mailboxes", NULL))) for_each_folder(path, clear_temp, NULL);
    free(path);
    return S_OK;
}

static void release_ids(struct queue *queue);

void queue_close(struct queue *queue)
{
    ULONG i;

    /* what was prepared and not committed was never queued */
    for (i = 0; i < queue->pending_count; i++)
    {
        remove_files(queue->pending[i].folder, "", TRUE);
        free(queue->pending[i].folder);
        free(queue->pending[i].target);
    }
    free(queue->pending);
    if (queue->lock != INVALID_HANDLE_VALUE) release_ids(queue);
    hostfs_unlock(queue->host_lock);
    if (queue->lock != INVALID_HANDLE_VALUE) CloseHandle(queue->lock);
    free(queue->dir);
    free(queue->server);
    memset(queue, 0, sizeof(*queue));
    queue->lock = INVALID_HANDLE_VALUE;
    queue->host_lock = -1;
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
        for (value = *FIELD_AT(e, field, char *const); value && *value; value++)
            strbuf_add(out, *value == '\r' || *value == '\n' ? " " : value, 1);
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
static char *entry_folder(const struct queue *queue, enum queue_state state, const char *id)
{
    return join(queue->dir, state_folders[state], id);
}

/* atomicfile_write of PATH, its failure said in words in ERROR. */
static HRESULT write_atomic(const char *path, const char *data, DWORD size, char *error)
{
    char words[256];
    HRESULT hr = atomicfile_write(path, data, size);

    if (FAILED(hr)) fail(error, hr, "cannot write '%s': %s", path, errmsg_describe(hr, words, sizeof(words)));
    return hr;
}

/* E's state file as text into SB. */
static void format_state(const struct queue_entry *e, struct strbuf *sb)
{
    size_t i;

    for (i = 0; i < queue_field_count; i++)
    {
        strbuf_printf(sb, "%s=", queue_fields[i].key);
        queue_field_format(e, &queue_fields[i], sb);
        strbuf_puts(sb, "\n");
    }
}

/* Writes E's state file into FOLDER atomically. */
static HRESULT save_state(struct queue *queue, const char *folder, const struct queue_entry *e, char *error)
{
    struct strbuf sb = {0};
    char *path = join(folder, STATE_FILE, NULL);
    HRESULT hr;

    format_state(e, &sb);
    if (sb.failed || !path) hr = fail(error, E_OUTOFMEMORY, "out of memory");
    else if (SUCCEEDED(hr = write_atomic(path, sb.data, (DWORD)sb.size, error)))
        step(queue);
    strbuf_free(&sb);
    free(path);
    return hr;
}

/* Reads the whole file PATH (host path) into *TEXT, NUL-terminated; caller
 * frees.  S_OK, ERROR_FILE_NOT_FOUND, E_OUTOFMEMORY, or E_FAIL for a read
 * error or a file over STATE_MAX_SIZE. */
static HRESULT read_whole(const char *path, char **text)
{
    struct strbuf sb = {0};
    FILE *in = hostfs_fopen_read(path);
    HRESULT hr;

    *text = NULL;
    if (!in) return HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);
    hr = strbuf_read(&sb, in, STATE_MAX_SIZE);
    fclose(in);
    if (SUCCEEDED(hr) && !(*text = strbuf_detach(&sb))) hr = E_OUTOFMEMORY;
    strbuf_free(&sb);
    return hr;
}

/* Sets every text field of E that is NULL to "": a message read from an
 * older state file, or set aside, has them all. */
static HRESULT fill_texts(struct queue_entry *e)
{
    size_t i;

    for (i = 0; i < queue_field_count; i++)
    {
        char **value = FIELD_AT(e, &queue_fields[i], char *);
        if (queue_fields[i].kind == QUEUE_FIELD_TEXT && !*value && !(*value = strdup(""))) return E_OUTOFMEMORY;
    }
    return S_OK;
}

/* Reads the state file of FOLDER into E (id and state set by the caller).
 * S_OK; E_OUTOFMEMORY; any other failure means the file is not a
 * message's state, ERROR saying why. */
static HRESULT load_state(const char *folder, struct queue_entry *e, char *error)
{
    char *path = join(folder, STATE_FILE, NULL), *text = NULL, *line, *next;
    unsigned seen = 0;
    HRESULT hr;
    size_t i;

    if (!path) return fail(error, E_OUTOFMEMORY, "out of memory");
    if (FAILED(hr = read_whole(path, &text)))
    {
        if (hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND)) fail(error, hr, "'%s': no state file", folder);
        else if (hr == E_OUTOFMEMORY) fail(error, hr, "out of memory");
        else fail(error, hr, "'%s': cannot be read, or larger than %u bytes", path, STATE_MAX_SIZE);
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
        if ((hr = parse_field(e, &queue_fields[i], eq + 1)) == E_OUTOFMEMORY) fail(error, hr, "out of memory");
        else if (FAILED(hr)) fail(error, hr, "'%s': bad value for %s: '%.64s'", path, line, eq + 1);
    }
    /* what every state file trackfix ever wrote holds: without it, the
     * file is not a message's state (empty, cut short, something else) */
    for (i = 0; i < queue_field_count && SUCCEEDED(hr); i++)
        if (queue_fields[i].required && !(seen & 1u << i))
            hr = fail(error, E_INVALIDARG, "'%s': no %s field", path, queue_fields[i].key);
    if (SUCCEEDED(hr) && FAILED(hr = fill_texts(e))) fail(error, hr, "out of memory");
    free(text);
    free(path);
    return hr;
}

/* Reads why corrupt message E in FOLDER was set aside into its last_error. */
static HRESULT load_reason(const char *folder, struct queue_entry *e)
{
    char *path = join(folder, REASON_FILE, NULL), *text = NULL;

    e->state = QUEUE_CORRUPT;
    if (!path) return E_OUTOFMEMORY;
    if (SUCCEEDED(read_whole(path, &text))) e->last_error = text;
    free(path);
    return fill_texts(e);
}

static HRESULT move_folder(struct queue *queue, const char *from, const char *to, char *error);

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
    char *corrupt = join(queue->dir, state_folders[QUEUE_CORRUPT], e->id), *path = NULL;
    char error[QUEUE_ERROR_SIZE], id[QUEUE_ID_SIZE];
    HRESULT hr = S_OK;

    if (!corrupt) return E_OUTOFMEMORY;
    strcpy(id, e->id);
    queue_entry_clear(e);
    strcpy(e->id, id);
    e->state = QUEUE_CORRUPT;
    if (!(e->last_error = strdup(reason)) || FAILED(fill_texts(e))) hr = E_OUTOFMEMORY;
    if (SUCCEEDED(hr) && queue->lock != INVALID_HANDLE_VALUE && SUCCEEDED(move_folder(queue, folder, corrupt, error)) &&
        (path = join(corrupt, REASON_FILE, NULL)))
        write_atomic(path, reason, (DWORD)strlen(reason), error);
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
        char *path = join(queue->dir, state_folders[later], id);
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
        l->hr = fail(l->error, E_OUTOFMEMORY, "out of memory");
        return;
    }
    e = &l->entries[l->count];
    memset(e, 0, sizeof(*e));
    strcpy(e->id, name);
    e->state = l->state;
    if (!(path = join(folder, name, NULL)))
    {
        l->hr = fail(l->error, E_OUTOFMEMORY, "out of memory");
        return;
    }
    if (l->state == QUEUE_CORRUPT)
        l->hr = load_reason(path, e);
    else if ((hr = load_state(path, e, reason)) != S_OK && hr != E_OUTOFMEMORY)
        l->hr = set_aside(l->queue, path, e, reason);
    else
        l->hr = hr;
    free(path);
    if (FAILED(l->hr))
    {
        fail(l->error, l->hr, "out of memory");
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
static HRESULT list_states(struct queue *queue, unsigned mask, struct queue_entry **entries, ULONG *count, char *error)
{
    struct listing l = {queue, NULL, 0, 0, QUEUE_QUEUED, S_OK, error};
    int i;

    for (i = 0; i < QUEUE_STATE_COUNT && SUCCEEDED(l.hr); i++)
    {
        char *folder;
        if (!(mask & 1u << i)) continue;
        if (!(folder = join(queue->dir, state_folders[i], NULL))) return fail(error, E_OUTOFMEMORY, "out of memory");
        l.state = (enum queue_state)i;
        for_each_folder(folder, add_listed, &l);
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
    return list_states(queue, ALL_STATES, entries, count, error);
}

/* Finds message ID in the states of MASK; fills E. */
static HRESULT find_entry(struct queue *queue, unsigned mask, const char *id, struct queue_entry *e, char *error)
{
    struct queue_entry *entries;
    ULONG count, i;
    HRESULT hr = list_states(queue, mask, &entries, &count, error);

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
    return fail(error, HRESULT_FROM_WIN32(ERROR_NOT_FOUND), "no message '%s' in the queue '%s'", id, queue->dir);
}

HRESULT queue_find(struct queue *queue, const char *id, struct queue_entry *entry, char error[QUEUE_ERROR_SIZE])
{
    memset(entry, 0, sizeof(*entry));
    return find_entry(queue, ALL_STATES, id, entry, error);
}

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
    char *path = join(queue->dir, "next-id", NULL), text[32];
    HRESULT hr;
    int i;

    if (!path) return fail(error, E_OUTOFMEMORY, "out of memory");
    if (!queue->next_id)
    {
        ULONG max = 0;
        FILE *in;

        if ((in = hostfs_fopen_read(path)))
        {
            if (fgets(text, sizeof(text), in)) queue->next_id = (ULONG)strtoul(text, NULL, 10);
            fclose(in);
        }
        for (i = 0; i < QUEUE_STATE_COUNT; i++)
        {
            char *states = join(queue->dir, state_folders[i], NULL);
            if (states) for_each_folder(states, max_id, &max);
            free(states);
        }
        if (queue->next_id <= max) queue->next_id = max + 1;
    }
    hr = S_OK;
    if (queue->next_id >= queue->reserved_id)
    {
        snprintf(text, sizeof(text), "%u\n", queue->next_id + ID_RESERVE);
        if (SUCCEEDED(hr = write_atomic(path, text, (DWORD)strlen(text), error)))
        {
            queue->reserved_id = queue->next_id + ID_RESERVE;
            step(queue);
        }
    }
    if (SUCCEEDED(hr)) snprintf(id, QUEUE_ID_SIZE, "%08u", queue->next_id++);
    free(path);
    return hr;
}

/* Gives back the ids reserved and not used: QUEUE/next-id says the next one. */
static void release_ids(struct queue *queue)
{
    char *path, text[32], error[QUEUE_ERROR_SIZE];

    if (!queue->reserved_id || queue->reserved_id == queue->next_id || !(path = join(queue->dir, "next-id", NULL)))
        return;
    snprintf(text, sizeof(text), "%u\n", queue->next_id);
    if (SUCCEEDED(write_atomic(path, text, (DWORD)strlen(text), error))) queue->reserved_id = queue->next_id;
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
    if (FAILED(hr = meeting_check_addresses(message, words))) return fail(error, hr, "'%s': %s", path, words);
    if (!meeting_sender(message, &name, &e->sender, &field))
    {
        /* no sender address: the organizer's row, else nobody to tell */
        for (i = 0; i < message->recipient_count && !e->sender; i++)
        {
            LONG flags = 0;
            mapi_prop_get_long(mapi_propset_find(&message->recipients[i], PR_RECIPIENT_FLAGS), &flags);
            if (flags & RECIP_ORGANIZER) e->sender = meeting_smtp_address(&message->recipients[i], &field);
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
        if ((flags & RECIP_ORGANIZER) || !(address = meeting_smtp_address(&message->recipients[i], &field))) continue;
        strbuf_printf(&recipients, "%s%s", recipients.size ? ", " : "", address);
        if (type == RECIP_TO) strbuf_printf(&to, "%s%s", to.size ? ", " : "", address);
        else if (type == RECIP_CC) strbuf_printf(&cc, "%s%s", cc.size ? ", " : "", address);
        free(address);
    }
    e->recipients = strbuf_detach(&recipients);
    e->to = to.size ? strbuf_detach(&to) : strdup("");
    e->cc = cc.size ? strbuf_detach(&cc) : strdup("");
    if (!(e->subject = meeting_get_string(&message->props, PR_SUBJECT))) e->subject = strdup("");
    if (!(e->message_id = meeting_get_string(&message->props, PR_INTERNET_MESSAGE_ID))) e->message_id = strdup("");
    e->mdb = format_store_key(mapi_propset_find(&message->props, PR_STORE_RECORD_KEY));
    e->fid = format_source_key(mapi_propset_find(&message->props, PR_PARENT_SOURCE_KEY));
    e->mid = format_source_key(mapi_propset_find(&message->props, PR_SOURCE_KEY));
    e->source = strdup(path);
    if ((e->token = malloc(TOKEN_BYTES * 2 + 1)))
    {
        BYTE random[TOKEN_BYTES];
        int i;
        if (!RtlGenRandom(random, sizeof(random))) return fail(error, E_FAIL, "no random numbers for the token");
        for (i = 0; i < TOKEN_BYTES; i++) sprintf(e->token + i * 2, "%02x", random[i]);
    }
    e->last_error = strdup("");
    if (!e->to || !e->cc || !(e->pending = strdup(""))) return fail(error, E_OUTOFMEMORY, "out of memory");
    if (!e->sender || !e->recipients || !e->subject || !e->message_id || !e->mdb || !e->fid || !e->mid ||
        !e->source || !e->token || !e->last_error)
        return fail(error, E_OUTOFMEMORY, "out of memory");
    return S_OK;
}

/* Renames folder FROM to TO (both UTF-8), one durable step.  Through the
 * host: the state folders hold the whole queue (see hostfs.h). */
static HRESULT move_folder(struct queue *queue, const char *from, const char *to, char *error)
{
    HRESULT hr = hostfs_rename(from, to);

    if (FAILED(hr)) return fail(error, hr, "cannot move '%s' to '%s' (%#x)", from, to, (unsigned)hr);
    step(queue);
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
    if (FAILED(hr = msgfile_read(path, &message, read_error)))
        return fail(error, hr == E_OUTOFMEMORY ? hr : E_INVALIDARG, "cannot read %s", read_error);
    hr = describe(&message, path, &e, error);
    mapi_message_clear(&message);
    if (FAILED(hr)) goto done;

    if (!grow_for_one(&queue->pending, &queue->pending_capacity, queue->pending_count, sizeof(*queue->pending), 64))
    {
        hr = fail(error, E_OUTOFMEMORY, "out of memory");
        goto done;
    }
    if (FAILED(hr = allocate_id(queue, id, error))) goto done;
    e.submitted = e.next_retry = now;

    /* built in incoming/, moved into queued/ by the commit in one rename */
    if (!(incoming = join(queue->dir, INCOMING, NULL)) || !(folder = join(incoming, id, NULL)) ||
        !(target = entry_folder(queue, QUEUE_QUEUED, id)) || !(copy = join(folder, MESSAGE_FILE, NULL)) ||
        !(state_path = join(folder, STATE_FILE, NULL)))
    {
        hr = fail(error, E_OUTOFMEMORY, "out of memory");
        goto done;
    }
    if (FAILED(hr = make_folders(folder, error))) goto done;
    if (FAILED(hr = hostfs_read_file(path, QUEUE_MESSAGE_MAX, &source, &size)) ||
        FAILED(hr = hostfs_write_file(copy, GlobalLock(source), (size_t)size)))
    {
        char words[256];
        fail(error, hr, "cannot copy '%s' into the queue: %s", path, errmsg_describe(hr, words, sizeof(words)));
        goto done;
    }
    format_state(&e, &state);
    if (state.failed) hr = fail(error, E_OUTOFMEMORY, "out of memory");
    else if (FAILED(hr = hostfs_write_file(state_path, state.data, state.size)))
    {
        char words[256];
        fail(error, hr, "cannot write '%s': %s", state_path, errmsg_describe(hr, words, sizeof(words)));
    }
    if (FAILED(hr)) goto done;
    pending = &queue->pending[queue->pending_count++];
    memcpy(pending->id, id, QUEUE_ID_SIZE);
    pending->folder = folder;
    pending->target = target;
    folder = target = NULL;
done:
    if (FAILED(hr) && folder) remove_files(folder, "", TRUE);
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
    char *queued_folder = join(queue->dir, state_folders[QUEUE_QUEUED], NULL), words[256];
    HRESULT hr = S_OK;
    ULONG i;

    if (!queue->pending_count)
    {
        free(queued_folder);
        return S_OK;
    }
    /* every copy and state of the batch on disk at once, then the moves */
    if (!queued_folder) hr = fail(error, E_OUTOFMEMORY, "out of memory");
    else if (FAILED(hr = hostfs_sync(queued_folder)))
        fail(error, hr, "cannot flush the queue '%s' to disk: %s", queue->dir, errmsg_describe(hr, words, sizeof(words)));
    else
        step(queue);
    for (i = 0; i < queue->pending_count; i++)
    {
        struct queue_pending *p = &queue->pending[i];

        if (SUCCEEDED(hr) && SUCCEEDED(hr = move_folder(queue, p->folder, p->target, error)))
        {
            if (queued) queued(context, p->id);
        }
        else
            remove_files(p->folder, "", TRUE);
        free(p->folder);
        free(p->target);
    }
    queue->pending_count = 0;
    /* the moves themselves durable */
    if (queued_folder && FAILED(hostfs_sync_folder(queued_folder)) && SUCCEEDED(hr))
        hr = fail(error, E_FAIL, "cannot flush the folder '%s' to disk", queued_folder);
    free(queued_folder);
    return hr;
}

HRESULT queue_submit(struct queue *queue, const char *path, ULONGLONG now, char id[QUEUE_ID_SIZE],
                     char error[QUEUE_ERROR_SIZE])
{
    HRESULT hr = queue_submit_prepare(queue, path, now, id, error);

    return SUCCEEDED(hr) ? queue_submit_commit(queue, NULL, NULL, error) : hr;
}

/* Delivery attempts. */

/* the files a run flushes together at most (the rest of a pass follows):
 * a syncfs costs some 10 ms whatever it flushes */
#define RUN_BATCH 1024
/* messages a run keeps read at once (some 7 KB each parsed: the 50,000
 * stuck messages of the 100,000 bench hold about 330 MB) */
#define RUN_CACHE_MAX 100000

/* A queued copy as a run read it. */
struct run_cached
{
    BOOL loaded;
    struct mapi_message message;
    BOOL record_checked; /* looked for a delivery record left by a run that died */
};

/* A delivery to the drop folder, moved on once its record and its state are
 * on disk (commit_pass). */
struct run_move
{
    struct queue_entry *entry;
    char *from, *to;
    BOOL moved;
};

/* A line of the run, said once what it tells is on disk. */
struct run_line
{
    ULONGLONG when;
    const struct queue_entry *entry;
    char *text;
    BOOL event; /* it tells of an event 327 of the pass */
    ULONG move; /* 1 + the index of the delivery it tells of; 0: none */
};

struct run
{
    struct queue *queue;
    const struct queue_policy *policy;
    queue_report_fn report;
    void *ctx;
    char *error;
    struct gate_keys keys; /* the registry, read at every attempt through keys kept open */
    /* group commit: the pass's new states of messages that stay queued and
     * its events 327, flushed together at the end of the pass, then its lines */
    struct atomicfile_batch states;
    struct eventlog_327 *events;
    ULONG event_count, event_capacity;
    struct run_move *moves; /* deliveries to the drop folder */
    ULONG move_count, move_capacity;
    struct run_line *lines;
    ULONG line_count, line_capacity;
    /* each queued copy read once a run, kept while its message is queued
     * (up to RUN_CACHE_MAX of them; past that read at each attempt) */
    const struct queue_entry *entries;
    struct run_cached *cache;
    ULONG cached;
};

static void say(struct run *run, ULONGLONG when, const struct queue_entry *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Keeps a line for the end of the pass (commit_pass). */
static void keep_line(struct run *run, ULONGLONG when, const struct queue_entry *e, const char *text, BOOL event,
                      ULONG move)
{
    struct run_line *line;

    if (!run->report ||
        !grow_for_one(&run->lines, &run->line_capacity, run->line_count, sizeof(*run->lines), 64))
        return;
    line = &run->lines[run->line_count];
    if (!(line->text = strdup(text))) return;
    line->when = when;
    line->entry = e;
    line->event = event;
    line->move = move;
    run->line_count++;
}

static void say(struct run *run, ULONGLONG when, const struct queue_entry *e, const char *fmt, ...)
{
    char text[1024];
    va_list args;

    va_start(args, fmt);
    vsnprintf(text, sizeof(text), fmt, args);
    va_end(args);
    keep_line(run, when, e, text, FALSE, 0);
}

static HRESULT move_folder(struct queue *queue, const char *from, const char *to, char *error);
static void forget_cached(struct run *run, const struct queue_entry *e);

/* Flushes the queue's folder NAME (its renames durable); ERROR says a
 * failure. */
static HRESULT sync_named_folder(struct run *run, const char *parent, const char *name)
{
    char *folder = join(parent, name, NULL);
    HRESULT hr = folder ? hostfs_sync_folder(folder) : E_OUTOFMEMORY;

    if (FAILED(hr)) fail(run->error, hr, "cannot flush the folder '%s' to disk", folder ? folder : name);
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

    if (FAILED(hr = sync_named_folder(run, run->queue->server, "drop"))) return hr;
    for (i = 0; i < run->move_count; i++)
    {
        struct run_move *m = &run->moves[i];

        if (FAILED(hr = move_folder(run->queue, m->from, m->to, run->error))) return hr;
        m->moved = TRUE;
        m->entry->state = QUEUE_DELIVERED;
        forget_cached(run, m->entry);
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
            fail(run->error, hr, "cannot save the states of the pass: %s", errmsg_describe(hr, words, sizeof(words)));
        }
        else
            step(run->queue);
    }
    if (run->move_count && SUCCEEDED(hr)) hr = move_delivered(run);
    if (run->event_count)
    {
        if (!(log = join(run->queue->server, "eventlog.log", NULL))) events_hr = E_OUTOFMEMORY;
        else if (SUCCEEDED(hr)) events_hr = eventlog_write_327_many(log, run->events, run->event_count);
        else events_hr = hr;
        if (FAILED(events_hr) && SUCCEEDED(hr))
            hr = fail(run->error, events_hr, "cannot append to '%s' (%#x)", log ? log : "eventlog.log",
                      (unsigned)events_hr);
        else if (SUCCEEDED(events_hr))
            step(run->queue);
    }
    for (i = 0; i < run->line_count; i++)
    {
        struct run_line *line = &run->lines[i];
        if ((!line->event || SUCCEEDED(events_hr)) && (!line->move || run->moves[line->move - 1].moved))
            run->report(run->ctx, line->when, line->entry, line->text);
        free(line->text);
    }
    if (run->line_count && run->report) run->report(run->ctx, 0, NULL, NULL);
    for (i = 0; i < run->move_count; i++)
    {
        free(run->moves[i].from);
        free(run->moves[i].to);
    }
    run->line_count = run->event_count = run->move_count = 0;
    free(log);
    return hr;
}

/* The sender's mailbox folder under SERVER/mailboxes; caller frees. */
static char *mailbox_folder(const struct queue *queue, const char *sender)
{
    char *safe = strdup(sender), *p, *folder;

    if (!safe) return NULL;
    for (p = safe; *p; p++)
        if (strchr("\\/:*?\"<>|", *p) || (unsigned char)*p < 0x20) *p = '_';
    folder = join(queue->server, "mailboxes", safe);
    free(safe);
    return folder;
}

/* Writes TEXT as FOLDER/NAME atomically, creating FOLDER; one durable step.
 * Names are fixed by the message id, so a file already there was written
 * for this very message and stays as it is.  *WRITTEN: the path (caller
 * frees). */
static HRESULT write_file(struct queue *queue, const char *folder, const char *name, const char *text, char **written,
                          char *error)
{
    char *path;
    HRESULT hr;

    *written = NULL;
    if (FAILED(hr = make_folders(folder, error))) return hr;
    if (!(path = join(folder, name, NULL))) return fail(error, E_OUTOFMEMORY, "out of memory");
    if (hostfs_exists(path))
    {
        /* written by a run that died before it moved the message on */
        *written = path;
        return S_OK;
    }
    if (FAILED(hr = write_atomic(path, text, (DWORD)strlen(text), error)))
    {
        free(path);
        return hr;
    }
    step(queue);
    *written = path;
    return S_OK;
}

/* When E expires, and when its delay notification is due, under P. */
static ULONGLONG expiry_time(const struct queue_policy *p, const struct queue_entry *e)
{
    return e->submitted + (ULONGLONG)p->expire_minutes * SYSTIME_TICKS_PER_MINUTE;
}

static ULONGLONG delay_time(const struct queue_policy *p, const struct queue_entry *e)
{
    return e->submitted + (ULONGLONG)p->delay_minutes * SYSTIME_TICKS_PER_MINUTE;
}

/* Whom E still waits to be delivered to: all its recipients until a
 * server took some of them. */
static const char *pending_of(const struct queue_entry *e)
{
    return *e->pending ? e->pending : e->recipients;
}

/* The addresses of the ", "-separated LIST, each in its own string: *COUNT
 * of them, NULL-terminated; free with free_addresses.  NULL when out of
 * memory. */
static char **split_addresses(const char *list, size_t *count)
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

static void free_addresses(char **addresses)
{
    size_t i;

    for (i = 0; addresses && addresses[i]; i++) free(addresses[i]);
    free(addresses);
}

/* Writes the report of ACTION about RECIPIENTS of E to the sender's
 * mailbox folder as NAME. */
static HRESULT write_report(struct run *run, struct queue_entry *e, enum dsn_action action,
                            const struct dsn_recipient *recipients, size_t count, const char *name, ULONGLONG now,
                            char **written)
{
    struct dsn_subject s = {e->id, e->sender, recipients, count, e->to, e->cc, e->subject, e->message_id,
                            e->submitted, e->last_attempt, expiry_time(run->policy, e), e->last_error};
    char *report = dsn_build(action, &s, now), *folder = mailbox_folder(run->queue, e->sender);
    HRESULT hr;

    if (!report || !folder) hr = fail(run->error, E_OUTOFMEMORY, "out of memory");
    else hr = write_file(run->queue, folder, name, report, written, run->error);
    free(report);
    free(folder);
    return hr;
}

/* The delay notification or the 4.4.7 NDR for every recipient still
 * waiting. */
static HRESULT notify(struct run *run, struct queue_entry *e, enum dsn_action action, ULONGLONG now)
{
    char name[QUEUE_ID_SIZE + 16], *written = NULL, **addresses;
    struct dsn_recipient *recipients = NULL;
    size_t i, count = 0;
    HRESULT hr;

    snprintf(name, sizeof(name), "%s.%s.eml", e->id, action == DSN_FAILED ? "ndr" : "delay");
    if ((addresses = split_addresses(pending_of(e), &count)) &&
        (recipients = calloc(count ? count : 1, sizeof(*recipients))))
    {
        for (i = 0; i < count; i++) recipients[i] = (struct dsn_recipient){addresses[i], "4.4.7", NULL};
        hr = write_report(run, e, action, recipients, count, name, now, &written);
    }
    else
        hr = fail(run->error, E_OUTOFMEMORY, "out of memory");
    if (SUCCEEDED(hr))
        say(run, now, e, action == DSN_FAILED ? "expired after %u attempts: NDR 4.4.7 to %s in %s"
                                              : "still queued after %u attempts: delay notification to %s in %s",
            e->attempts, e->sender, written);
    free(written);
    free(recipients);
    free_addresses(addresses);
    return hr;
}

static enum systime_path track_path(const struct queue_policy *policy, const struct gate_reader *registry)
{
    struct gate_status gate;

    if (policy->fix >= 0) return policy->fix ? SYSTIME_PATH_CLAMPED : SYSTIME_PATH_LEGACY;
    gate_read(registry, &gate); /* at every attempt: no restart needed */
    return gate.active ? SYSTIME_PATH_CLAMPED : SYSTIME_PATH_LEGACY;
}

/* Reads E's queued copy (in FOLDER) into MESSAGE. */
static HRESULT read_queued(const char *folder, const struct queue_entry *e, struct mapi_message *message, char *error)
{
    char read_error[MSGFILE_ERROR_SIZE], words[256], *path = join(folder, MESSAGE_FILE, NULL);
    HRESULT hr;

    if (!path) return fail(error, E_OUTOFMEMORY, "out of memory");
    if (FAILED(hr = msgfile_read(path, message, read_error)))
    {
        /* the reason goes into mail: the host's paths stay out of it */
        WINE_WARN("%s\n", read_error);
        fail(error, hr, "the queued copy of message %s cannot be read: %s", e->id,
             errmsg_describe(hr, words, sizeof(words)));
    }
    free(path);
    return hr;
}

/* EcGetMime on E's MESSAGE along the gate's path now: *MIME, marked with
 * E's token; caller frees. */
static HRESULT convert_read(const struct mapi_message *message, const struct queue_entry *e,
                            const struct queue_policy *policy, const struct gate_reader *registry, ULONGLONG now,
                            char **mime, char *error)
{
    /* the queue id in the Message-ID: two messages of one meeting converted
     * at the same moment still get two ids */
    struct ecgetmime_options options = {FALSE, track_path(policy, registry), now, (ULONG)strtoul(e->id, NULL, 10)};
    struct ecgetmime_result result;
    char convert_error[ECGETMIME_ERROR_SIZE], name[QUEUE_ID_SIZE + 16];
    HRESULT hr;

    *mime = NULL;
    snprintf(name, sizeof(name), "message %s", e->id);
    hr = ecgetmime_convert(message, name, &options, &result, convert_error);
    if (FAILED(hr)) fail(error, hr, "%s", convert_error);
    else if (!*e->token) *mime = result.mime;
    else
    {
        /* the delivery record says whose it is (see record_is_ours) */
        struct strbuf marked = {0};
        strbuf_printf(&marked, TOKEN_HEADER "%s.%s\r\n%s", e->id, e->token, result.mime);
        free(result.mime);
        if (!(*mime = strbuf_detach(&marked))) hr = fail(error, E_OUTOFMEMORY, "out of memory");
    }
    return hr;
}

/* E's queued copy in FOLDER converted now (queue open). */
static HRESULT convert_message(const char *folder, const struct queue_entry *e, const struct queue_policy *policy,
                               ULONGLONG now, char **mime, char *error)
{
    struct mapi_message message;
    HRESULT hr;

    *mime = NULL;
    if (FAILED(hr = read_queued(folder, e, &message, error))) return hr;
    hr = convert_read(&message, e, policy, gate_reader_registry(), now, mime, error);
    mapi_message_clear(&message);
    return hr;
}

static ULONGLONG retry_interval(const struct queue_policy *policy, ULONG attempts)
{
    ULONG index = attempts - 1 < policy->retry_count ? attempts - 1 : policy->retry_count - 1;

    return (ULONGLONG)policy->retry_minutes[index] * SYSTIME_TICKS_PER_MINUTE;
}

/* Logs event 327 for E's failed EcGetMime (HR) when the store-driver
 * diagnostics level asks for it. */
/* Event 327 for E's failed conversion, when the diagnostics level asks for
 * it: written at the end of the pass, after E's new state (commit_pass). */
static HRESULT log_event_327(struct run *run, const struct queue_entry *e, ULONGLONG now, HRESULT failure)
{
    struct gate_dword level;
    struct eventlog_327 *event;
    char *log, text[1024];

    gate_read_dword(&run->keys.reader, REG_ITEM_STORE_DRIVER_LEVEL, &level);
    if (!level.valid || level.value < EVENTLOG_LEVEL_MAXIMUM) return S_OK;
    if (!(log = join(run->queue->server, "eventlog.log", NULL)) ||
        !grow_for_one(&run->events, &run->event_capacity, run->event_count, sizeof(*run->events), 64))
    {
        free(log);
        return fail(run->error, E_OUTOFMEMORY, "out of memory");
    }
    event = &run->events[run->event_count++];
    event->now = now;
    event->hr = failure;
    event->mdb = e->mdb;
    event->fid = e->fid;
    event->mid = e->mid;
    snprintf(text, sizeof(text), "event 327 logged in %s", log);
    keep_line(run, now, e, text, TRUE, 0);
    free(log);
    return S_OK;
}

/* FOLDER/NAME written with TEXT into the pass's batch, for the end of the
 * pass. */
static HRESULT defer_write(struct run *run, const char *folder, const char *name, const char *text, size_t size)
{
    char *path = join(folder, name, NULL), words[256];
    HRESULT hr;

    if (!path) return fail(run->error, E_OUTOFMEMORY, "out of memory");
    if (FAILED(hr = atomicfile_batch_write(&run->states, path, text, (DWORD)size)))
        fail(run->error, hr, "cannot write '%s': %s", path, errmsg_describe(hr, words, sizeof(words)));
    free(path);
    return hr;
}

/* E's new state into FOLDER, for the end of the pass. */
static HRESULT defer_state(struct run *run, const char *folder, const struct queue_entry *e)
{
    struct strbuf sb = {0};
    HRESULT hr;

    format_state(e, &sb);
    if (sb.failed) hr = fail(run->error, E_OUTOFMEMORY, "out of memory");
    else
        hr = defer_write(run, folder, STATE_FILE, sb.data, sb.size);
    strbuf_free(&sb);
    return hr;
}

/* A long pass commits as it goes. */
static HRESULT commit_if_full(struct run *run)
{
    return run->states.count >= RUN_BATCH ? commit_pass(run) : S_OK;
}

/* E converted to MIME, delivered to the drop folder RECORDS as NAME at the
 * end of the pass: the record (unless REDO: a run that died had written
 * it) and E's state written into the pass's batch, E's folder moved from
 * FOLDER to TARGET once they are on disk (commit_pass).  Names are fixed
 * by the message id, so a record already there was written for this very
 * message and stays as it is. */
static HRESULT defer_delivery(struct run *run, struct queue_entry *e, const char *folder, const char *target,
                              const char *records, const char *name, const char *mime, BOOL redo, ULONGLONG now)
{
    char *written = join(records, name, NULL);
    struct run_move *m;
    HRESULT hr;

    e->last_hresult = S_OK;
    free(e->last_error);
    e->last_error = strdup("");
    if (!written || !e->last_error ||
        !grow_for_one(&run->moves, &run->move_capacity, run->move_count, sizeof(*run->moves), 64))
    {
        hr = fail(run->error, E_OUTOFMEMORY, "out of memory");
        goto done;
    }
    if (FAILED(hr = make_folders(records, run->error))) goto done;
    if (!redo && !hostfs_exists(written) &&
        FAILED(hr = defer_write(run, records, name, mime ? mime : "", mime ? strlen(mime) : 0)))
        goto done;
    if (FAILED(hr = defer_state(run, folder, e))) goto done;
    m = &run->moves[run->move_count];
    m->entry = e;
    m->moved = FALSE;
    if (!(m->from = strdup(folder)) || !(m->to = strdup(target)))
    {
        free(m->from);
        hr = fail(run->error, E_OUTOFMEMORY, "out of memory");
        goto done;
    }
    run->move_count++;
    {
        char text[1024];
        snprintf(text, sizeof(text), "attempt %u: delivered to %s", e->attempts, written);
        keep_line(run, now, e, text, FALSE, run->move_count);
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
static HRESULT send_smtp(struct run *run, struct queue_entry *e, const char *mime, ULONGLONG now, char *reason,
                         BOOL *none_accepted)
{
    size_t i, count = 0, refused = 0, accepted = 0;
    char **addresses = split_addresses(pending_of(e), &count), error[SMTP_ERROR_SIZE], *written = NULL;
    struct smtp_recipient *results = calloc(count ? count : 1, sizeof(*results));
    struct dsn_recipient *reports = calloc(count ? count : 1, sizeof(*reports));
    char (*statuses)[16] = calloc(count ? count : 1, sizeof(*statuses));
    struct strbuf waiting = {0};
    HRESULT hr;

    *none_accepted = FALSE;
    reason[0] = 0;
    if (!addresses || !results || !reports || !statuses)
    {
        hr = fail(run->error, E_OUTOFMEMORY, "out of memory");
        goto done;
    }
    for (i = 0; i < count; i++) results[i].address = addresses[i];
    if (FAILED(hr = smtp_send(run->policy->smtp_server, e->sender, results, count, mime, error)))
    {
        fail(run->error, hr, "%s", error);
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
        if (FAILED(hr = write_report(run, e, DSN_FAILED, reports, refused, name, now, &written))) goto done;
        say(run, now, e, "attempt %u: %u recipient%s refused for good (%s): NDR %s to %s in %s", e->attempts,
            (unsigned)refused, refused == 1 ? "" : "s", reports[0].diagnostic, reports[0].status, e->sender, written);
    }
    if (accepted && waiting.size)
    {
        /* the copy of what went out now; SERVER/sent/ID.eml is kept for the
         * attempt that leaves nobody waiting, as the record of the end */
        char name[QUEUE_ID_SIZE + 32], *records = join(run->queue->server, "sent", NULL);
        snprintf(name, sizeof(name), "%s.attempt%u.eml", e->id, e->attempts);
        free(written);
        written = NULL;
        hr = records ? write_file(run->queue, records, name, mime, &written, run->error)
                     : fail(run->error, E_OUTOFMEMORY, "out of memory");
        free(records);
        if (FAILED(hr)) goto done;
        say(run, now, e, "attempt %u: accepted for %u recipient%s by %s, copy in %s", e->attempts, (unsigned)accepted,
            accepted == 1 ? "" : "s", run->policy->smtp_server, written);
    }
    if (waiting.failed)
    {
        hr = fail(run->error, E_OUTOFMEMORY, "out of memory");
        goto done;
    }
    free(e->pending);
    e->pending = waiting.size ? strbuf_detach(&waiting) : strdup("");
    if (!e->pending)
    {
        hr = fail(run->error, E_OUTOFMEMORY, "out of memory");
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
    free_addresses(addresses);
    return hr;
}

/* TRUE when the delivery record PATH is E's own: it starts with the line
 * that delivery puts first, E's id and token.  A file of that name from an
 * earlier queue in the same folder (ids start again when a queue folder is
 * made anew) is not; for an entry from before tokens, the name decides. */
static BOOL record_is_ours(const char *path, const struct queue_entry *e)
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

/* E converted now from its queued copy in FOLDER, read once a run (kept
 * while there is room, else read again): the gate is still read and
 * EcGetMime still called at every attempt. */
static HRESULT convert_cached(struct run *run, const char *folder, const struct queue_entry *e, ULONGLONG now,
                              char **mime, char *error)
{
    struct run_cached *slot = &run->cache[e - run->entries];
    struct mapi_message once;
    HRESULT hr;

    *mime = NULL;
    if (!slot->loaded && run->cached < RUN_CACHE_MAX)
    {
        if (FAILED(hr = read_queued(folder, e, &slot->message, error))) return hr;
        slot->loaded = TRUE;
        run->cached++;
    }
    if (slot->loaded) return convert_read(&slot->message, e, run->policy, &run->keys.reader, now, mime, error);
    if (FAILED(hr = read_queued(folder, e, &once, error))) return hr;
    hr = convert_read(&once, e, run->policy, &run->keys.reader, now, mime, error);
    mapi_message_clear(&once);
    return hr;
}

/* Drops the copy of E the run kept: E has left queued/. */
static void forget_cached(struct run *run, const struct queue_entry *e)
{
    struct run_cached *slot = &run->cache[e - run->entries];

    if (!slot->loaded) return;
    mapi_message_clear(&slot->message);
    slot->loaded = FALSE;
    run->cached--;
}

/* One delivery attempt of E at NOW.  The record of a delivery is
 * SERVER/drop/ID.eml, or SERVER/sent/ID.eml when it went out over SMTP;
 * a record already there means a run died after delivering, and the
 * message is only moved on. */
static HRESULT attempt(struct run *run, struct queue_entry *e, ULONGLONG now)
{
    const char *smtp = run->policy->smtp_server;
    char *folder = entry_folder(run->queue, QUEUE_QUEUED, e->id), *mime = NULL, *written = NULL, *records = NULL;
    char *target = NULL, reason[QUEUE_ERROR_SIZE], name[QUEUE_ID_SIZE + 8], next[SYSTIME_ISO_SIZE];
    BOOL redo = FALSE, none_accepted = FALSE;
    HRESULT hr = S_OK, result;

    snprintf(name, sizeof(name), "%s.eml", e->id);
    if (!folder || !(records = join(run->queue->server, smtp ? "sent" : "drop", NULL)) ||
        !(written = join(records, name, NULL)) || !(target = entry_folder(run->queue, QUEUE_DELIVERED, e->id)))
    {
        hr = fail(run->error, E_OUTOFMEMORY, "out of memory");
        goto done;
    }
    /* a record appears only when a run delivers, and this run moves on
     * what it delivers: one look a run is enough */
    if (!run->cache[e - run->entries].record_checked && (redo = record_is_ours(written, e)))
    {
        /* if the run died before saving the state too, count that attempt,
         * made when it was due */
        result = S_OK;
        if (FAILED(e->last_hresult) || !e->attempts)
        {
            e->attempts++;
            e->last_attempt = e->next_retry;
        }
    }
    else
    {
        run->cache[e - run->entries].record_checked = TRUE;
        result = convert_cached(run, folder, e, now, &mime, reason);
        e->attempts++;
        e->last_attempt = now;
        if (SUCCEEDED(result) && smtp && (result = send_smtp(run, e, mime, now, reason, &none_accepted)) == E_OUTOFMEMORY)
        {
            hr = result;
            goto done;
        }
    }
    free(written);
    written = NULL;

    if (SUCCEEDED(result) && none_accepted)
    {
        /* every recipient refused for good, each told in an NDR: done, as failed */
        char *failed = entry_folder(run->queue, QUEUE_EXPIRED, e->id);

        e->last_hresult = E_FAIL;
        free(e->last_error);
        e->last_error = strdup("refused for good by the server for every recipient");
        if (!failed || !e->last_error) hr = fail(run->error, E_OUTOFMEMORY, "out of memory");
        else if (SUCCEEDED(hr = save_state(run->queue, folder, e, run->error)) &&
                 SUCCEEDED(hr = move_folder(run->queue, folder, failed, run->error)))
        {
            e->state = QUEUE_EXPIRED;
            forget_cached(run, e);
            say(run, now, e, "attempt %u: refused for every recipient; not retried", e->attempts);
        }
        free(failed);
        goto done;
    }
    if (SUCCEEDED(result) && !smtp)
    {
        if (SUCCEEDED(hr = defer_delivery(run, e, folder, target, records, name, mime, redo, now)))
            hr = commit_if_full(run);
        goto done;
    }
    if (SUCCEEDED(result))
    {
        if (SUCCEEDED(hr = write_file(run->queue, records, name, mime ? mime : "", &written, run->error)))
        {
            e->last_hresult = S_OK;
            free(e->last_error);
            e->last_error = strdup("");
            if (SUCCEEDED(hr = save_state(run->queue, folder, e, run->error)) &&
                SUCCEEDED(hr = move_folder(run->queue, folder, target, run->error)))
            {
                e->state = QUEUE_DELIVERED;
                forget_cached(run, e);
                say(run, now, e, !redo ? "attempt %u: delivered to %s over SMTP, copy in %s" : "attempt %u: delivered to %s",
                    e->attempts, !redo ? smtp : written, written);
            }
        }
        goto done;
    }

    e->last_hresult = result;
    free(e->last_error);
    e->last_error = strdup(reason);
    e->next_retry = now + retry_interval(run->policy, e->attempts);
    if (FAILED(hr = defer_state(run, folder, e))) goto done;
    systime_format_iso(e->next_retry, next);
    if (!mime) /* EcGetMime failed; an SMTP failure leaves MIME in hand */
    {
        say(run, now, e, "attempt %u: EcGetMime failed %#x, Unable to open for delivery; next retry %s", e->attempts,
            (unsigned)result, next);
        hr = log_event_327(run, e, now, result);
    }
    else
        say(run, now, e, "attempt %u: %s; next retry %s", e->attempts, reason, next);
    if (SUCCEEDED(hr)) hr = commit_if_full(run);
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
    char *folder = entry_folder(run->queue, QUEUE_QUEUED, e->id), *target = entry_folder(run->queue, QUEUE_EXPIRED, e->id);
    HRESULT hr;

    if (!folder || !target) hr = fail(run->error, E_OUTOFMEMORY, "out of memory");
    else if (SUCCEEDED(hr = notify(run, e, DSN_FAILED, now)) &&
             SUCCEEDED(hr = move_folder(run->queue, folder, target, run->error)))
    {
        e->state = QUEUE_EXPIRED;
        forget_cached(run, e);
    }
    free(folder);
    free(target);
    return hr;
}

/* Does what is due for E at NOW. */
static HRESULT process(struct run *run, struct queue_entry *e, ULONGLONG now)
{
    HRESULT hr;

    if (now >= expiry_time(run->policy, e)) return expire(run, e, now);
    if (!e->delay_notified && now >= delay_time(run->policy, e) && e->attempts)
    {
        char *folder = entry_folder(run->queue, QUEUE_QUEUED, e->id);
        if (!folder) return fail(run->error, E_OUTOFMEMORY, "out of memory");
        if (SUCCEEDED(hr = notify(run, e, DSN_DELAYED, now)))
        {
            e->delay_notified = TRUE;
            hr = save_state(run->queue, folder, e, run->error);
        }
        free(folder);
        if (FAILED(hr)) return hr;
    }
    if (e->next_retry <= now) return attempt(run, e, now);
    return S_OK;
}

/* The next time something is due for E after NOW, or ~0. */
static ULONGLONG next_due(const struct queue_policy *p, const struct queue_entry *e)
{
    ULONGLONG expires = expiry_time(p, e), delay = delay_time(p, e);
    ULONGLONG next = e->next_retry < expires ? e->next_retry : expires;

    if (!e->delay_notified && e->attempts && delay < next) next = delay;
    return next;
}

HRESULT queue_run(struct queue *queue, const struct queue_policy *policy, ULONGLONG now, ULONGLONG until,
                  queue_report_fn report, void *ctx, char error[QUEUE_ERROR_SIZE])
{
    struct run run;
    struct queue_entry *entries = NULL;
    ULONG count = 0, i;
    ULONGLONG clock = now;
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
    gate_keys_init(&run.keys);
    if (FAILED(hr = list_states(queue, 1u << QUEUE_QUEUED, &entries, &count, error))) return hr;
    run.entries = entries;
    if (count && !(run.cache = calloc(count, sizeof(*run.cache))))
    {
        queue_entries_free(entries, count);
        return fail(error, E_OUTOFMEMORY, "out of memory");
    }
    for (;;)
    {
        ULONGLONG next = ~0ULL;

        for (i = 0; i < count; i++)
        {
            if (entries[i].state != QUEUE_QUEUED) continue;
            if (FAILED(hr = process(&run, &entries[i], clock))) goto done;
        }
        if (FAILED(hr = commit_pass(&run))) goto done;
        for (i = 0; i < count; i++)
        {
            ULONGLONG due;
            if (entries[i].state != QUEUE_QUEUED) continue;
            due = next_due(policy, &entries[i]);
            if (due < next) next = due;
        }
        /* the clock only moves forward, and only as far as UNTIL */
        if (next == ~0ULL || next > until) break;
        clock = next > clock ? next : clock + 1;
    }
done:
    /* what the pass did before a failure is kept, and said; the failure is told */
    if (FAILED(hr))
    {
        char first[QUEUE_ERROR_SIZE];
        memcpy(first, error, QUEUE_ERROR_SIZE);
        commit_pass(&run);
        memcpy(error, first, QUEUE_ERROR_SIZE);
    }
    atomicfile_batch_free(&run.states);
    free(run.events);
    free(run.lines);
    free(run.moves);
    gate_keys_close(&run.keys);
    for (i = 0; i < count; i++)
        if (run.cache[i].loaded) mapi_message_clear(&run.cache[i].message);
    free(run.cache);
    queue_entries_free(entries, count);
    return hr;
}

HRESULT queue_open_message(struct queue *queue, const char *id, const struct queue_policy *policy, ULONGLONG now,
                           char **mime, char error[QUEUE_ERROR_SIZE])
{
    struct queue_entry e;
    char *folder;
    HRESULT hr;

    *mime = NULL;
    if (FAILED(hr = find_entry(queue, ALL_STATES, id, &e, error))) return hr;
    if (e.state == QUEUE_CORRUPT)
    {
        hr = fail(error, HRESULT_FROM_WIN32(ERROR_FILE_CORRUPT), "message %s is set aside in %s/%s: %s", id, queue->dir,
                  state_folders[QUEUE_CORRUPT], e.last_error);
        queue_entry_clear(&e);
        return hr;
    }
    if (!(folder = entry_folder(queue, e.state, id))) hr = fail(error, E_OUTOFMEMORY, "out of memory");
    else hr = convert_message(folder, &e, policy, now, mime, error);
    free(folder);
    queue_entry_clear(&e);
    return hr;
}

HRESULT queue_retry(struct queue *queue, const char *id, ULONGLONG now, char error[QUEUE_ERROR_SIZE])
{
    struct queue_entry e;
    char *folder;
    HRESULT hr;

    if (FAILED(hr = find_entry(queue, 1u << QUEUE_QUEUED, id, &e, error))) return hr;
    e.next_retry = now;
    if (!(folder = entry_folder(queue, QUEUE_QUEUED, id))) hr = fail(error, E_OUTOFMEMORY, "out of memory");
    else hr = save_state(queue, folder, &e, error);
    free(folder);
    queue_entry_clear(&e);
    return hr;
}

HRESULT queue_delete(struct queue *queue, const char *id, char error[QUEUE_ERROR_SIZE])
{
    struct queue_entry e;
    char *folder = NULL, *incoming = NULL, *gone = NULL;
    HRESULT hr;

    if (FAILED(hr = find_entry(queue, ALL_STATES, id, &e, error))) return hr;
    /* out of every state in one rename, then emptied; a leftover is cleared
     * at the next open */
    if (!(folder = entry_folder(queue, e.state, id)) || !(incoming = join(queue->dir, INCOMING, NULL)) ||
        !(gone = join(incoming, id, NULL)))
        hr = fail(error, E_OUTOFMEMORY, "out of memory");
    else if (SUCCEEDED(hr = move_folder(queue, folder, gone, error)))
        remove_files(gone, "", TRUE);
    free(folder);
    free(incoming);
    free(gone);
    queue_entry_clear(&e);
    return hr;
}
