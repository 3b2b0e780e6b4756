/*
 * queue_history: each message's history of attempts and notices, the file
 * history in its folder: one line per event,
 *   ATTEMPT <tab> TIME <tab> KIND <tab> HRESULT <tab> FIX <tab> VALUE <tab> EVENT <tab> .
 * (FIX "on", "off" or "-" unasked; EVENT "327" when event 327 was logged,
 * else "-")
 * appended, never rewritten.  The final "." tells a whole line from one a
 * crash cut.  A line counts when its attempt is one the state counts (a
 * line for an attempt the state does not count yet was written by a run
 * that died before its commit); of the lines of one attempt, or of one
 * kind of notice, the last counts (the run after the crash made it again).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "errmsg.h"
#include "grow.h"
#include "hostfs.h"
#include "queue_private.h"
#include "strbuf.h"
#include "systime.h"

/* a history larger than this is damaged: a year of attempts every minute
 * is some 40 MB */
#define HISTORY_MAX_SIZE (64u * 1024 * 1024)

static const char *const kind_names[QUEUE_EVENT_KIND_COUNT] = {"failed", "deferred", "delivered", "refused", "delay",
                                                                "expired"};

const char *queue_event_name(enum queue_event_kind kind)
{
    return kind < QUEUE_EVENT_KIND_COUNT ? kind_names[kind] : "unknown";
}

static BOOL is_notice(enum queue_event_kind kind)
{
    return kind == QUEUE_EVENT_DELAY || kind == QUEUE_EVENT_EXPIRED;
}

HRESULT qhistory_append(struct run *run, const char *folder, const struct queue_entry *e, enum queue_event_kind kind,
                        HRESULT hresult, BOOL event_327, ULONGLONG now, BOOL flush)
{
    char iso[SYSTIME_ISO_SIZE], *path = strbuf_path(folder, HISTORY_FILE, NULL), *c;
    enum queue_fix_seen fix = is_notice(kind) ? QUEUE_FIX_UNASKED : run->fix_seen;
    struct strbuf line = {0};
    HRESULT hr;

    systime_format_iso(now, iso);
    strbuf_printf(&line, "%u\t%s\t%s\t%#x\t%s\t", e->attempts, iso, kind_names[kind], (unsigned)hresult,
                  fix == QUEUE_FIX_ON ? "on" : fix == QUEUE_FIX_OFF ? "off" : "-");
    if (fix != QUEUE_FIX_UNASKED)
    {
        size_t start = line.size;
        strbuf_puts(&line, run->value_seen);
        /* the value as the gate described it: no field or line break in it */
        for (c = line.data ? line.data + start : NULL; c && *c; c++)
            if (*c == '\t' || *c == '\r' || *c == '\n') *c = ' ';
    }
    strbuf_puts(&line, event_327 ? "\t327\t.\n" : "\t-\t.\n");
    if (!path || line.failed) hr = errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
    else
    {
        /* once this run has appended to it whole, its last line is known whole */
        struct run_slot *slot = &run->slots[run->current];
        if (FAILED(hr = hostfs_append_line(path, line.data, line.size, flush, slot->history_whole)))
        {
            char words[256];
            errmsg_format(run->error, hr, "cannot append to '%s': %s", path, errmsg_describe(hr, words, sizeof(words)));
        }
        slot->history_whole = SUCCEEDED(hr);
    }
    strbuf_free(&line);
    free(path);
    return hr;
}

/* Parses the whole LINE (no line break) into EVENT; FALSE when it is not
 * a line of a history (cut by a crash). */
static BOOL parse_line(char *line, struct queue_event *event)
{
    char *fields[8], *end;
    int count = 0, kind;

    for (fields[count++] = line; count < 8 && (line = strchr(line, '\t')); fields[count++] = ++line)
        *line = 0;
    if (count != 8 || strcmp(fields[7], ".")) return FALSE;
    errno = 0;
    event->attempt = strtoul(fields[0], &end, 10);
    if (*end || end == fields[0] || errno) return FALSE;
    if (FAILED(systime_parse(fields[1], &event->when)) || !strchr(fields[1], 'T')) return FALSE;
    for (kind = 0; kind < QUEUE_EVENT_KIND_COUNT && strcmp(fields[2], kind_names[kind]); kind++) {}
    if (kind == QUEUE_EVENT_KIND_COUNT) return FALSE;
    event->kind = kind;
    event->hresult = (HRESULT)strtoul(fields[3], &end, 16);
    if (*end || strncmp(fields[3], "0", 1)) return FALSE;
    if (!strcmp(fields[4], "on")) event->fix = QUEUE_FIX_ON;
    else if (!strcmp(fields[4], "off")) event->fix = QUEUE_FIX_OFF;
    else if (!strcmp(fields[4], "-")) event->fix = QUEUE_FIX_UNASKED;
    else return FALSE;
    snprintf(event->value, sizeof(event->value), "%s", fields[5]);
    if (!strcmp(fields[6], "327")) event->event_327 = TRUE;
    else if (!strcmp(fields[6], "-")) event->event_327 = FALSE;
    else return FALSE;
    return TRUE;
}

/* Whether A and B are one event told twice: the same attempt, or the same
 * notice. */
static BOOL same_event(const struct queue_event *a, const struct queue_event *b)
{
    if (is_notice(a->kind) || is_notice(b->kind)) return a->kind == b->kind;
    return a->attempt == b->attempt;
}

/* Keeps EVENT in *EVENTS: in place of the one it tells again, else last.
 * A run after a crash makes again only what the last pass of the one that
 * died did: a notice and an attempt at most, so the one told again is
 * among the last few. */
#define REDONE_WITHIN 4
static BOOL keep_event(struct queue_event **events, ULONG *count, ULONG *capacity, const struct queue_event *event)
{
    ULONG i;

    for (i = *count; i-- > 0 && i + REDONE_WITHIN >= *count;)
    {
        if (!same_event(&(*events)[i], event)) continue;
        memmove(&(*events)[i], &(*events)[i + 1], (*count - i - 1) * sizeof(**events));
        (*events)[*count - 1] = *event;
        return TRUE;
    }
    if (!grow_for_one(events, capacity, *count, sizeof(**events), 16)) return FALSE;
    (*events)[(*count)++] = *event;
    return TRUE;
}

HRESULT queue_history(struct queue *queue, const struct queue_entry *e, struct queue_event **events, ULONG *count,
                      char error[QUEUE_ERROR_SIZE])
{
    char *folder = qstore_entry_folder(queue, e->state, e->id), *path = NULL, *text, *line, *next;
    ULONGLONG size = 0;
    HGLOBAL memory = NULL;
    ULONG capacity = 0;
    HRESULT hr;

    *events = NULL;
    *count = 0;
    if (!folder || !(path = strbuf_path(folder, HISTORY_FILE, NULL)))
    {
        hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
        goto done;
    }
    hr = hostfs_read_file(path, HISTORY_MAX_SIZE, &memory, &size);
    if (hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) || hr == HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND))
    {
        hr = S_OK; /* submitted and not attempted yet, or from before histories */
        goto done;
    }
    if (FAILED(hr))
    {
        char words[256];
        errmsg_format(error, hr, "cannot read the history '%s': %s", path, errmsg_describe(hr, words, sizeof(words)));
        goto done;
    }
    text = GlobalLock(memory);
    for (line = text; line < text + size && (next = memchr(line, '\n', text + size - line)); line = next + 1)
    {
        struct queue_event event;
        *next = 0;
        if (!parse_line(line, &event) || event.attempt > e->attempts) continue;
        if (!keep_event(events, count, &capacity, &event))
        {
            hr = errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
            break;
        }
    }
    GlobalUnlock(memory);
done:
    if (memory) GlobalFree(memory);
    if (FAILED(hr))
    {
        free(*events);
        *events = NULL;
        *count = 0;
    }
    free(path);
    free(folder);
    return hr;
}
