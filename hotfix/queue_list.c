/*
 * queue_list: listing the queue: the ids of every state folder read by name
 * (an id map), then each message's state read one at a time, damaged ones set
 * aside as corrupt, one entry per id.  Nothing of a message is kept once it is
 * visited: a listing's memory is the id map, half a byte an id.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <wine/debug.h>

#include "errmsg.h"
#include "grow.h"
#include "hostfs.h"
#include "queue_private.h"
#include "strbuf.h"

WINE_DEFAULT_DEBUG_CHANNEL(trackfix);

/* ids a page of the map holds: 4 bits each, 32 KB a page */
#define ID_PAGE 65536

/* A name in a state folder that is not one of the queue's own ids. */
struct other_id
{
    char id[QUEUE_ID_SIZE];
    unsigned mask;
};

/* The ids the state folders hold, read by name only: for each id a mask of
 * the folders that hold it (a bit per state).  The queue's own ids ("%08u")
 * are kept in pages made as ids need them; any other name apart, by name. */
struct id_map
{
    unsigned char **pages;
    ULONG page_count;
    ULONGLONG end; /* past the highest own id held: where map_next stops */
    struct other_id *others;
    ULONG other_count, other_capacity;
    unsigned bit; /* the folder being read */
    BOOL oom;
};

/* TRUE with *NUMBER when NAME is an id the queue gives ("%08u"). */
static BOOL own_id(const char *name, ULONG *number)
{
    char again[QUEUE_ID_SIZE];
    unsigned long long value = 0;
    const char *p;

    for (p = name; *p >= '0' && *p <= '9' && value <= 0xffffffffull; p++) value = value * 10 + (ULONG)(*p - '0');
    if (*p || p == name || value > 0xffffffffull) return FALSE;
    snprintf(again, sizeof(again), "%08u", (ULONG)value);
    *number = (ULONG)value;
    return !strcmp(again, name);
}

static unsigned map_mask(const struct id_map *map, ULONG number)
{
    const unsigned char *page = number / ID_PAGE < map->page_count ? map->pages[number / ID_PAGE] : NULL;

    return page ? (page[number % ID_PAGE / 2] >> (number % 2 * 4)) & 0xf : 0;
}

/* The first own id from *NUMBER on that some folder holds: TRUE with
 * *NUMBER and its FOLDERS; FALSE past the last.  A page never made is
 * passed over whole. */
static BOOL map_next(const struct id_map *map, ULONGLONG *number, unsigned *folders)
{
    for (; *number < map->end; (*number)++)
    {
        if (!map->pages[*number / ID_PAGE])
            *number += ID_PAGE - 1 - *number % ID_PAGE;
        else if ((*folders = map_mask(map, (ULONG)*number)))
            return TRUE;
    }
    return FALSE;
}

static void map_add(void *ctx, const char *folder, const char *name)
{
    struct id_map *map = ctx;
    ULONG number, i;

    (void)folder;
    if (map->oom || strlen(name) >= QUEUE_ID_SIZE) return;
    if (own_id(name, &number))
    {
        ULONG index = number / ID_PAGE;
        if (index >= map->page_count)
        {
            unsigned char **pages = realloc(map->pages, (index + 1) * sizeof(*pages));
            if (!pages)
            {
                map->oom = TRUE;
                return;
            }
            memset(pages + map->page_count, 0, (index + 1 - map->page_count) * sizeof(*pages));
            map->pages = pages;
            map->page_count = index + 1;
        }
        if (!map->pages[index] && !(map->pages[index] = calloc(ID_PAGE / 2, 1)))
        {
            map->oom = TRUE;
            return;
        }
        map->pages[index][number % ID_PAGE / 2] |= map->bit << (number % 2 * 4);
        if (number >= map->end) map->end = number + 1ull;
        return;
    }
    for (i = 0; i < map->other_count; i++)
        if (!strcmp(map->others[i].id, name))
        {
            map->others[i].mask |= map->bit;
            return;
        }
    if (!grow_for_one(&map->others, &map->other_capacity, map->other_count, sizeof(*map->others), 8))
    {
        map->oom = TRUE;
        return;
    }
    strcpy(map->others[map->other_count].id, name);
    map->others[map->other_count++].mask = map->bit;
}

static void map_free(struct id_map *map)
{
    ULONG i;

    for (i = 0; i < map->page_count; i++) free(map->pages[i]);
    free(map->pages);
    free(map->others);
}

static int compare_others(const void *a, const void *b)
{
    return strcmp(((const struct other_id *)a)->id, ((const struct other_id *)b)->id);
}

/* Reads the names of every state folder into MAP.  A folder unread is
 * messages unlisted: never a shorter list. */
static HRESULT map_read(struct queue *queue, struct id_map *map, char *error)
{
    char words[256];
    HRESULT hr = S_OK;
    int i;

    memset(map, 0, sizeof(*map));
    for (i = 0; i < QUEUE_STATE_COUNT && !map->oom && SUCCEEDED(hr); i++)
    {
        char *folder = strbuf_path(queue->dir, state_folders[i], NULL);
        map->bit = 1u << i;
        if (!folder) map->oom = TRUE;
        else if ((hr = qstore_for_each_folder(folder, map_add, map)) == E_OUTOFMEMORY) map->oom = TRUE;
        else if (FAILED(hr)) errmsg_format(error, hr, "cannot read the folder '%s': %s", folder,
                                           errmsg_describe(hr, words, sizeof(words)));
        free(folder);
    }
    if (map->oom || FAILED(hr))
    {
        map_free(map);
        memset(map, 0, sizeof(*map));
        return FAILED(hr) && hr != E_OUTOFMEMORY ? hr : errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    }
    qsort(map->others, map->other_count, sizeof(*map->others), compare_others);
    return S_OK;
}

/* The state a message whose folders are MASK is in: the one furthest along.
 * A message only ever moves forward (queued, then delivered, expired or
 * corrupt), so a copy in an earlier folder was left behind (or moved on
 * while the names were read) and is neither listed nor attempted. */
static enum queue_state latest_state(unsigned mask)
{
    int state = QUEUE_STATE_COUNT - 1;

    while (state > 0 && !(mask & 1u << state)) state--;
    return (enum queue_state)state;
}

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
    if (SUCCEEDED(hr) && queue->lock >= 0 && SUCCEEDED(qstore_move_folder(queue, folder, corrupt, error)) &&
        (path = strbuf_path(corrupt, REASON_FILE, NULL)))
        qstore_write_atomic(path, reason, (DWORD)strlen(reason), error);
    WINE_WARN("%s set aside: %s\n", e->id, reason);
    free(path);
    free(corrupt);
    return hr;
}

/* The first state after STATE whose folder holds message ID, or
 * QUEUE_STATE_COUNT. */
static int later_state(const struct queue *queue, int state, const char *id, BOOL *oom)
{
    while (++state < QUEUE_STATE_COUNT)
    {
        char *path = qstore_entry_folder(queue, (enum queue_state)state, id);
        HRESULT found = path ? hostfs_check_folder(path) : E_OUTOFMEMORY;
        *oom |= found == E_OUTOFMEMORY;
        free(path);
        if (found == S_OK) break;
    }
    return state;
}

HRESULT qlist_load(struct queue *queue, enum queue_state state, const char *id, struct queue_entry *e, char *error)
{
    char *path, reason[QUEUE_ERROR_SIZE];
    BOOL oom = FALSE;
    HRESULT hr;
    int later;

    for (;;)
    {
        memset(e, 0, sizeof(*e));
        strcpy(e->id, id);
        e->state = state;
        if (!(path = qstore_entry_folder(queue, state, id))) hr = E_OUTOFMEMORY;
        else if (state == QUEUE_CORRUPT)
            hr = qstore_load_reason(path, e);
        else if ((hr = qstore_load_state_of(queue, state, path, e, reason)) == E_INVALIDARG ||
                 hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND))
        {
            /* moved on since its name was read (a run delivered it): read
             * where it went */
            HRESULT there = hostfs_check_folder(path);
            oom |= there == E_OUTOFMEMORY;
            if (there == S_FALSE && (later = later_state(queue, state, id, &oom)) < QUEUE_STATE_COUNT)
            {
                queue_entry_clear(e);
                free(path);
                state = (enum queue_state)later;
                continue;
            }
            hr = oom ? E_OUTOFMEMORY : set_aside(queue, path, e, reason);
        }
        break;
    }
    free(path);
    if (FAILED(hr))
    {
        /* out of memory, or a state the disk would not give: the message
         * stays where it is */
        queue_entry_clear(e);
        if (hr == E_OUTOFMEMORY) errmsg_format(error, hr, ERRMSG_OOM);
        else errmsg_format(error, hr, "%s", reason);
    }
    return hr;
}

/* Loads message ID (its folders MASK of the map) and visits it when the
 * state it is in is one of WANTED. */
static HRESULT visit_one(struct queue *queue, const char *id, unsigned mask, unsigned wanted, queue_visit_fn visit,
                         void *ctx, char *error)
{
    const enum queue_state state = latest_state(mask);
    struct queue_entry e;
    HRESULT hr;

    if (!mask || !(wanted & 1u << state)) return S_OK;
    if (mask & ((1u << state) - 1)) WINE_WARN("%s in %s is also in an earlier folder: a copy left behind\n", id, state_folders[state]);
    if (FAILED(hr = qlist_load(queue, state, id, &e, error))) return hr;
    /* a queued message found damaged is corrupt now, as the listing says */
    if (wanted & 1u << e.state) hr = visit(ctx, &e, error);
    queue_entry_clear(&e);
    return hr;
}

HRESULT qlist_each(struct queue *queue, unsigned mask, const char *after, queue_visit_fn visit, void *ctx, char *error)
{
    struct id_map map;
    ULONGLONG number = 0;
    ULONG start_number, i = 0;
    BOOL start_other = FALSE;
    unsigned folders;
    HRESULT hr;

    if (FAILED(hr = map_read(queue, &map, error))) return hr;
    /* where to take up again: after id AFTER in the order of the listing */
    if (after && own_id(after, &start_number)) number = start_number + 1ull;
    else if (after)
    {
        start_other = TRUE;
        while (i < map.other_count && strcmp(map.others[i].id, after) <= 0) i++;
    }
    for (; !start_other && hr == S_OK && map_next(&map, &number, &folders); number++)
    {
        char id[QUEUE_ID_SIZE];

        snprintf(id, sizeof(id), "%08u", (ULONG)number);
        hr = visit_one(queue, id, folders, mask, visit, ctx, error);
    }
    for (; i < map.other_count && hr == S_OK; i++)
        hr = visit_one(queue, map.others[i].id, map.others[i].mask, mask, visit, ctx, error);
    map_free(&map);
    return FAILED(hr) ? hr : S_OK;
}

HRESULT queue_count(struct queue *queue, ULONG counts[QUEUE_STATE_COUNT], char error[QUEUE_ERROR_SIZE])
{
    struct id_map map;
    ULONGLONG number;
    unsigned folders;
    ULONG i;
    HRESULT hr;

    memset(counts, 0, QUEUE_STATE_COUNT * sizeof(*counts));
    if (FAILED(hr = map_read(queue, &map, error))) return hr;
    for (number = 0; map_next(&map, &number, &folders); number++) counts[latest_state(folders)]++;
    for (i = 0; i < map.other_count; i++) counts[latest_state(map.others[i].mask)]++;
    map_free(&map);
    return S_OK;
}

struct collected
{
    struct queue_entry *entries;
    ULONG count, capacity;
};

static HRESULT collect(void *ctx, struct queue_entry *e, char *error)
{
    struct collected *c = ctx;

    if (!grow_for_one(&c->entries, &c->capacity, c->count, sizeof(*c->entries), 32))
        return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    c->entries[c->count++] = *e;
    memset(e, 0, sizeof(*e));
    return S_OK;
}

HRESULT queue_list(struct queue *queue, struct queue_entry **entries, ULONG *count, char error[QUEUE_ERROR_SIZE])
{
    struct collected c = {NULL, 0, 0};
    HRESULT hr = qlist_each(queue, QUEUE_ALL_STATES, NULL, collect, &c, error);

    if (FAILED(hr))
    {
        queue_entries_free(c.entries, c.count);
        return hr;
    }
    *entries = c.entries;
    *count = c.count;
    return S_OK;
}

HRESULT queue_for_each(struct queue *queue, unsigned states, queue_visit_fn visit, void *ctx,
                       char error[QUEUE_ERROR_SIZE])
{
    return qlist_each(queue, states, NULL, visit, ctx, error);
}

/* Finds message ID in the states of MASK; fills E. */
HRESULT qlist_find(struct queue *queue, unsigned mask, const char *id, struct queue_entry *e, char *error)
{
    unsigned folders = 0;
    int state;

    memset(e, 0, sizeof(*e));
    /* a name a state folder could hold: no path, no "." or ".." */
    if (*id && strlen(id) < QUEUE_ID_SIZE && !strpbrk(id, "/\\") && strcmp(id, ".") && strcmp(id, ".."))
        for (state = 0; state < QUEUE_STATE_COUNT; state++)
        {
            char *path = qstore_entry_folder(queue, (enum queue_state)state, id);
            HRESULT there = path ? hostfs_check_folder(path) : E_OUTOFMEMORY;
            free(path);
            if (there == E_OUTOFMEMORY) return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
            if (there == S_OK) folders |= 1u << state;
        }
    if (folders && mask & 1u << latest_state(folders))
    {
        HRESULT hr = qlist_load(queue, latest_state(folders), id, e, error);
        if (FAILED(hr) || mask & 1u << e->state) return hr;
        queue_entry_clear(e);
    }
    return errmsg_format(error, HRESULT_FROM_WIN32(ERROR_NOT_FOUND), "no message '%s' in the queue '%s'", id, queue->dir);
}

HRESULT queue_find(struct queue *queue, const char *id, struct queue_entry *entry, char error[QUEUE_ERROR_SIZE])
{
    return qlist_find(queue, QUEUE_ALL_STATES, id, entry, error);
}
