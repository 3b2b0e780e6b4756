/*
 * queuereport: the queue as a picture: rows, a compressed time axis, the
 * marks, the toggle lines, the table.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "errmsg.h"
#include "grow.h"
#include "htmlpage.h"
#include "queuereport.h"
#include "strbuf.h"
#include "systime.h"

/* the picture's geometry, in pixels */
#define LABEL_WIDTH 250
#define PLOT_LEFT (LABEL_WIDTH + 10)
#define PLOT_WIDTH 900
#define SPAN_MIN_WIDTH 90
#define BREAK_WIDTH 44
#define TOGGLE_TOP 14
#define AXIS_Y 60
#define ROWS_TOP 76
#define ROW_HEIGHT 22
/* a stretch with nothing in it longer than this is cut out of the axis */
#define GAP_TICKS (6 * 60 * SYSTIME_TICKS_PER_MINUTE)
/* ticks of the axis at least this far apart */
#define TICK_MIN_SPACING 70.0
/* messages of the table in one chunk (see htmlpage's style) */
#define TABLE_CHUNK 100
/* the columns of the table of events, the same in every chunk */
#define EVENTS_COLUMNS                                                                                           \
    "<colgroup><col style=\"width:9em\"><col style=\"width:14em\"><col style=\"width:6em\"><col style=\"width:3em\">" \
    "<col style=\"width:13em\"><col style=\"width:9em\"><col style=\"width:7em\"><col style=\"width:5em\">"         \
    "<col style=\"width:3em\"><col style=\"width:13em\"></colgroup><tr><th>message</th><th>subject</th><th>state</th>"    \
    "<th>#</th><th>time (UTC)</th><th>event</th><th>HRESULT</th><th>event 327</th><th>fix</th>"                   \
    "<th>FixRecipientTrackStatusTime</th></tr>"
/* the toggle lines drawn at most (the table lists them all) */
#define TOGGLES_DRAWN_MAX 50

/* A message and what the run recorded of it. */
struct message
{
    const struct queue_entry *entry;
    struct queue_event *events;
    ULONG event_count;
    char *history_error; /* why its history could not be read; NULL */
};

/* A row: one message, or messages with the same history. */
struct row
{
    ULONG *members; /* indexes into the messages, in id order */
    ULONG count;
};

/* A stretch of the axis, drawn from X over WIDTH pixels. */
struct span
{
    ULONGLONG from, to;
    double x, width;
};

/* Where the runs saw FixRecipientTrackStatusTime change. */
struct toggle
{
    ULONGLONG before, after; /* the last attempt that read the old value, the first with the new */
    char old_value[QUEUE_VALUE_SIZE], new_value[QUEUE_VALUE_SIZE];
    double x;
};

struct report
{
    struct message *messages;
    ULONG message_count;
    struct row *rows;
    ULONG row_count, rows_drawn;
    BOOL grouped;
    struct span *spans;
    ULONG span_count;
    double plot_width;
    struct toggle *toggles;
    ULONG toggle_count, toggle_capacity;
    struct queuereport_figures *figures;
};

/* Whether the I-th of COUNT events is drawn: all of a short history, the
 * first and last halves of a long one. */
static BOOL event_drawn(ULONG i, ULONG count)
{
    return count <= QUEUEREPORT_MARKS_MAX || i < QUEUEREPORT_MARKS_MAX / 2 || i >= count - QUEUEREPORT_MARKS_MAX / 2;
}

/* A history as text, to find messages that share one. */
static void history_signature(const struct message *m, struct strbuf *out)
{
    ULONG i;

    strbuf_printf(out, "%d|%llx|%s|", m->entry->state, (unsigned long long)m->entry->submitted, m->history_error ? "!" : "");
    for (i = 0; i < m->event_count; i++)
    {
        const struct queue_event *ev = &m->events[i];
        strbuf_printf(out, "%u,%llx,%d,%x,%d,%d,%s;", ev->attempt, (unsigned long long)ev->when, ev->kind, (unsigned)ev->hresult, ev->fix,
                      ev->event_327, ev->value);
    }
}

struct keyed
{
    char *key;
    ULONG index;
};

static int compare_keyed(const void *a, const void *b)
{
    const struct keyed *x = a, *y = b;
    int order = strcmp(x->key, y->key);

    return order ? order : x->index < y->index ? -1 : x->index > y->index;
}

static int compare_rows(const void *a, const void *b)
{
    const struct row *x = a, *y = b;

    return x->members[0] < y->members[0] ? -1 : x->members[0] > y->members[0];
}

/* The rows: a message each, or above QUEUEREPORT_GROUP_ABOVE messages,
 * one for each history.  FALSE when out of memory. */
static BOOL make_rows(struct report *r)
{
    struct keyed *keys = NULL;
    ULONG i, j;
    BOOL ok = FALSE;

    if (!r->message_count) return TRUE;
    if (!(r->rows = calloc(r->message_count, sizeof(*r->rows)))) return FALSE;
    r->grouped = r->message_count > QUEUEREPORT_GROUP_ABOVE;
    if (!r->grouped)
    {
        for (i = 0; i < r->message_count; i++)
        {
            if (!(r->rows[i].members = malloc(sizeof(ULONG)))) return FALSE;
            r->rows[i].members[0] = i;
            r->rows[i].count = 1;
            r->row_count++;
        }
        return TRUE;
    }
    if (!(keys = calloc(r->message_count, sizeof(*keys)))) return FALSE;
    for (i = 0; i < r->message_count; i++)
    {
        struct strbuf sb = {0};
        history_signature(&r->messages[i], &sb);
        keys[i].index = i;
        if (!(keys[i].key = strbuf_detach(&sb))) goto done;
    }
    qsort(keys, r->message_count, sizeof(*keys), compare_keyed);
    for (i = 0; i < r->message_count; i = j)
    {
        struct row *row = &r->rows[r->row_count];
        for (j = i + 1; j < r->message_count && !strcmp(keys[j].key, keys[i].key); j++) {}
        if (!(row->members = malloc((j - i) * sizeof(ULONG)))) goto done;
        for (row->count = 0; row->count < j - i; row->count++) row->members[row->count] = keys[i + row->count].index;
        r->row_count++;
    }
    qsort(r->rows, r->row_count, sizeof(*r->rows), compare_rows);
    ok = TRUE;
done:
    for (i = 0; i < r->message_count; i++) free(keys[i].key);
    free(keys);
    return ok;
}

static int compare_times(const void *a, const void *b)
{
    const ULONGLONG *x = a, *y = b;

    return *x < *y ? -1 : *x > *y;
}

/* The axis over every time drawn: stretches of activity, the gaps between
 * them longer than GAP_TICKS cut out.  FALSE when out of memory. */
static BOOL make_axis(struct report *r)
{
    ULONGLONG *times = NULL, total = 0;
    ULONG count = 0, capacity = 0, span_capacity = 0, i, k;
    double x, room;

    for (i = 0; i < r->rows_drawn; i++)
    {
        const struct message *m = &r->messages[r->rows[i].members[0]];
        if (m->entry->submitted)
        {
            if (!grow_for_one(&times, &capacity, count, sizeof(*times), 64)) goto oom;
            times[count++] = m->entry->submitted;
        }
        for (k = 0; k < m->event_count; k++)
        {
            if (!event_drawn(k, m->event_count)) continue;
            if (!grow_for_one(&times, &capacity, count, sizeof(*times), 64)) goto oom;
            times[count++] = m->events[k].when;
        }
    }
    if (!count)
    {
        free(times);
        return TRUE;
    }
    qsort(times, count, sizeof(*times), compare_times);
    for (i = 0; i < count; i++)
    {
        struct span *s = r->span_count ? &r->spans[r->span_count - 1] : NULL;
        if (s && times[i] - s->to <= GAP_TICKS)
        {
            s->to = times[i];
            continue;
        }
        if (!grow_for_one(&r->spans, &span_capacity, r->span_count, sizeof(*r->spans), 4)) goto oom;
        r->spans[r->span_count++] = (struct span){times[i], times[i], 0, 0};
    }
    free(times);
    /* a margin either side, so that no mark sits on the edge */
    for (i = 0; i < r->span_count; i++)
    {
        struct span *s = &r->spans[i];
        ULONGLONG margin = (s->to - s->from) / 30;
        if (margin < 5 * SYSTIME_TICKS_PER_MINUTE) margin = 5 * SYSTIME_TICKS_PER_MINUTE;
        s->from -= s->from > margin ? margin : s->from;
        s->to += margin;
        total += s->to - s->from;
    }
    r->plot_width = PLOT_WIDTH;
    if (r->span_count * (SPAN_MIN_WIDTH + BREAK_WIDTH) > PLOT_WIDTH)
        r->plot_width = r->span_count * (SPAN_MIN_WIDTH + BREAK_WIDTH);
    room = r->plot_width - (r->span_count - 1) * BREAK_WIDTH - r->span_count * SPAN_MIN_WIDTH;
    for (i = 0, x = PLOT_LEFT; i < r->span_count; i++)
    {
        struct span *s = &r->spans[i];
        s->x = x;
        s->width = SPAN_MIN_WIDTH + room * (double)(s->to - s->from) / (double)total;
        x += s->width + BREAK_WIDTH;
    }
    return TRUE;
oom:
    free(times);
    return FALSE;
}

/* The x of T, which lies in a stretch of the axis. */
static double axis_x(const struct report *r, ULONGLONG t)
{
    ULONG low = 0, high = r->span_count;
    const struct span *s;

    while (high - low > 1)
    {
        ULONG mid = (low + high) / 2;
        if (r->spans[mid].from <= t) low = mid;
        else high = mid;
    }
    s = &r->spans[low];
    if (t <= s->from) return s->x;
    if (t >= s->to) return s->x + s->width;
    return s->x + s->width * (double)(t - s->from) / (double)(s->to - s->from);
}

static int compare_seen(const void *a, const void *b)
{
    const struct queue_event *const *x = a, *const *y = b;

    return (*x)->when < (*y)->when ? -1 : (*x)->when > (*y)->when;
}

/* Where the runs saw the value change: every attempt that read the gate,
 * in time order, each change between two of them.  FALSE when out of
 * memory. */
static BOOL find_toggles(struct report *r)
{
    const struct queue_event **seen = NULL;
    ULONG count = 0, capacity = 0, i, k;
    BOOL ok = FALSE;

    for (i = 0; i < r->row_count; i++)
    {
        const struct message *m = &r->messages[r->rows[i].members[0]];
        for (k = 0; k < m->event_count; k++)
        {
            if (m->events[k].fix == QUEUE_FIX_UNASKED) continue;
            if (!grow_for_one(&seen, &capacity, count, sizeof(*seen), 64)) goto done;
            seen[count++] = &m->events[k];
        }
    }
    qsort(seen, count, sizeof(*seen), compare_seen);
    for (i = 1; i < count; i++)
    {
        struct toggle *t;
        if (!strcmp(seen[i]->value, seen[i - 1]->value)) continue;
        if (!grow_for_one(&r->toggles, &r->toggle_capacity, r->toggle_count, sizeof(*r->toggles), 4)) goto done;
        t = &r->toggles[r->toggle_count++];
        t->before = seen[i - 1]->when;
        t->after = seen[i]->when;
        memcpy(t->old_value, seen[i - 1]->value, sizeof(t->old_value));
        memcpy(t->new_value, seen[i]->value, sizeof(t->new_value));
        t->x = r->span_count ? (axis_x(r, t->before) + axis_x(r, t->after)) / 2 : PLOT_LEFT;
    }
    ok = TRUE;
done:
    free(seen);
    return ok;
}

/* "2 d 5 h", "40 min": the length of a cut-out stretch. */
static void format_length(ULONGLONG ticks, char *out, size_t size)
{
    unsigned long long minutes = ticks / SYSTIME_TICKS_PER_MINUTE, days = minutes / 1440, hours = minutes % 1440 / 60;

    if (days) snprintf(out, size, hours ? "%llu d %llu h" : "%llu d", days, hours);
    else if (hours) snprintf(out, size, "%llu h %llu min", hours, minutes % 60);
    else snprintf(out, size, "%llu min", minutes);
}

/* The axis: per stretch its ticks (dates where the day changes), between
 * stretches the cut, marked with the time it leaves out. */
static void draw_axis(const struct report *r, struct strbuf *page, ULONG height)
{
    static const ULONG steps[] = {1, 2, 5, 10, 15, 30, 60, 120, 180, 360, 720, 1440, 2880, 10080, 43200, 525600};
    ULONG i, k;

    strbuf_printf(page, "<g class=\"axis\"><text x=\"%d\" y=\"%d\" class=\"dim\">time (UTC)</text>\n", PLOT_LEFT - 80,
                  AXIS_Y - 4);
    for (i = 0; i < r->span_count; i++)
    {
        const struct span *s = &r->spans[i];
        ULONGLONG step = 0, t, last_day = ~0ULL;
        for (k = 0; k < ARRAYSIZE(steps) && !step; k++)
            if (s->width * steps[k] * SYSTIME_TICKS_PER_MINUTE / (double)(s->to - s->from) >= TICK_MIN_SPACING)
                step = steps[k] * SYSTIME_TICKS_PER_MINUTE;
        if (!step) step = (s->to - s->from) + 1;
        strbuf_printf(page, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\"/>\n", s->x, AXIS_Y, s->x + s->width, AXIS_Y);
        for (t = (s->from + step - 1) / step * step; t <= s->to; t += step)
        {
            char iso[SYSTIME_ISO_SIZE];
            double x = axis_x(r, t);
            systime_format_iso(t, iso);
            strbuf_printf(page, "<line class=\"grid\" x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%u\"/>", x, AXIS_Y, x, height);
            strbuf_printf(page, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%.5s</text>", x, AXIS_Y - 4, iso + 11);
            if (t / SYSTIME_TICKS_PER_DAY != last_day)
                strbuf_printf(page, "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"dim\">%.10s</text>", x,
                              AXIS_Y - 18, iso);
            last_day = t / SYSTIME_TICKS_PER_DAY;
            strbuf_puts(page, "\n");
        }
        if (i + 1 < r->span_count)
        {
            char length[64];
            double x = s->x + s->width + BREAK_WIDTH / 2.0;
            format_length(r->spans[i + 1].from - s->to, length, sizeof(length));
            strbuf_printf(page, "<g class=\"cut\"><path class=\"gap\" d=\"M%.1f %d l-4 6 l8 6 l-8 6 l8 6 l-4 6 V%u\"/>"
                          "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" class=\"dim\">+%s</text>"
                          "<title>%s with nothing in it, cut out</title></g>\n",
                          x, AXIS_Y - 10, height, x, AXIS_Y + 12, length, length);
        }
    }
    strbuf_puts(page, "</g>\n");
}

/* The shapes of the marks, drawn by reference. */
static void draw_shapes(struct strbuf *page)
{
    strbuf_puts(page, "<defs>"
                      "<rect id=\"k-failed\" class=\"failed\" x=\"-4\" y=\"-6\" width=\"8\" height=\"12\"/>"
                      "<rect id=\"k-deferred\" class=\"deferred\" x=\"-4\" y=\"-6\" width=\"8\" height=\"12\"/>"
                      "<rect id=\"k-failed-thin\" class=\"failed\" x=\"-1\" y=\"-6\" width=\"2\" height=\"12\"/>"
                      "<rect id=\"k-deferred-thin\" class=\"deferred\" x=\"-1\" y=\"-6\" width=\"2\" height=\"12\"/>"
                      "<circle id=\"k-delivered\" class=\"delivered\" r=\"7\"/>"
                      "<path id=\"k-refused\" class=\"refused\" d=\"M-6 -6h12v12h-12z\"/>"
                      "<path id=\"k-delay\" class=\"delay\" d=\"M0 -9l7 9l-7 9l-7 -9z\" stroke=\"#7a5c00\"/>"
                      "<path id=\"k-expired\" class=\"expired\" d=\"M0 -9l9 9l-9 9l-9 -9z\"/>"
                      "<circle id=\"k-submitted\" class=\"submitted\" r=\"4\"/>"
                      "</defs>\n");
}

/* "00000002", or "00000002 and 41 more". */
static void row_name(const struct report *r, const struct row *row, char *out, size_t size)
{
    const char *id = r->messages[row->members[0]].entry->id;

    if (row->count == 1) snprintf(out, size, "%s", id);
    else snprintf(out, size, "%s and %u more", id, row->count - 1);
}

/* An event as its tooltip and the table say it. */
static void describe_event(const struct queue_event *ev, struct strbuf *page)
{
    char iso[SYSTIME_ISO_SIZE];

    systime_format_iso(ev->when, iso);
    if (ev->kind == QUEUE_EVENT_DELAY) htmlpage_textf(page, "%s: delay notification to the sender", iso);
    else if (ev->kind == QUEUE_EVENT_EXPIRED) htmlpage_textf(page, "%s: expired, NDR 4.4.7 to the sender", iso);
    else
        htmlpage_textf(page, "attempt %u, %s: %s, HRESULT %#x%s", ev->attempt, iso, queue_event_name(ev->kind),
                       (unsigned)ev->hresult, ev->event_327 ? ", event 327" : "");
    if (ev->fix != QUEUE_FIX_UNASKED)
        htmlpage_textf(page, "; fix %s (FixRecipientTrackStatusTime: %s)", ev->fix == QUEUE_FIX_ON ? "on" : "off",
                       ev->value);
}

static void draw_row(const struct report *r, const struct row *row, ULONG index, struct strbuf *page)
{
    const struct message *m = &r->messages[row->members[0]];
    const struct queue_entry *e = m->entry;
    double first = 0, last = 0;
    char name[64], iso[SYSTIME_ISO_SIZE];
    BOOL thin = FALSE;
    ULONG k;

    /* attempts closer than their marks are wide get thin marks */
    for (k = 1; k < m->event_count && r->span_count && !thin; k++)
        thin = axis_x(r, m->events[k].when) - axis_x(r, m->events[k - 1].when) < 9.0;
    row_name(r, row, name, sizeof(name));
    systime_format_iso(e->submitted, iso);
    strbuf_printf(page, "<g class=\"row\" data-ids=\"");
    for (k = 0; k < row->count; k++) strbuf_printf(page, "%s%s", k ? " " : "", r->messages[row->members[k]].entry->id);
    strbuf_printf(page, "\" data-state=\"%s\" data-submitted=\"%s\" data-events=\"%u\" transform=\"translate(0,%u)\">",
                  queue_state_name(e->state), iso, m->event_count, ROWS_TOP + index * ROW_HEIGHT);
    strbuf_printf(page, "<text x=\"4\" y=\"4\">");
    htmlpage_textf(page, "%s %.*s%s", name, row->count == 1 ? 26 : 0, e->subject,
                   row->count == 1 && strlen(e->subject) > 26 ? "..." : "");
    strbuf_puts(page, "<title>");
    htmlpage_textf(page, "%s: %s, %s, %u attempts", name, e->subject, queue_state_name(e->state), e->attempts);
    if (m->history_error) htmlpage_textf(page, "; no history: %s", m->history_error);
    if (m->event_count > QUEUEREPORT_MARKS_MAX)
        htmlpage_textf(page, "; %u events not drawn", m->event_count - QUEUEREPORT_MARKS_MAX);
    strbuf_puts(page, "</title></text>");
    if (r->span_count)
    {
        first = e->submitted ? axis_x(r, e->submitted) : 0;
        last = m->event_count ? axis_x(r, m->events[m->event_count - 1].when) : first;
        if (!e->submitted) first = m->event_count ? axis_x(r, m->events[0].when) : 0;
        if (last > first) strbuf_printf(page, "<line class=\"life\" x1=\"%.1f\" x2=\"%.1f\"/>", first, last);
        if (e->submitted)
            strbuf_printf(page, "<use href=\"#k-submitted\" x=\"%.1f\"><title>submitted %s</title></use>", first, iso);
    }
    for (k = 0; k < m->event_count && r->span_count; k++)
    {
        const struct queue_event *ev = &m->events[k];
        if (!event_drawn(k, m->event_count))
        {
            if (k == QUEUEREPORT_MARKS_MAX / 2)
                strbuf_printf(page, "<text class=\"dim\" x=\"%.1f\" y=\"-8\">%u not drawn</text>",
                              axis_x(r, ev->when), m->event_count - QUEUEREPORT_MARKS_MAX);
            continue;
        }
        strbuf_printf(page, "\n<use class=\"mark\" href=\"#k-%s%s\" x=\"%.1f\"><title>", queue_event_name(ev->kind),
                      thin && (ev->kind == QUEUE_EVENT_FAILED || ev->kind == QUEUE_EVENT_DEFERRED) ? "-thin" : "",
                      axis_x(r, ev->when));
        describe_event(ev, page);
        strbuf_puts(page, "</title></use>");
        r->figures->marks++;
    }
    strbuf_puts(page, "</g>\n");
}

static void draw_toggles(const struct report *r, struct strbuf *page, ULONG height)
{
    ULONG i;

    for (i = 0; i < r->toggle_count && i < TOGGLES_DRAWN_MAX; i++)
    {
        const struct toggle *t = &r->toggles[i];
        char before[SYSTIME_ISO_SIZE], after[SYSTIME_ISO_SIZE];
        BOOL right = t->x > PLOT_LEFT + r->plot_width * 0.6;
        systime_format_iso(t->before, before);
        systime_format_iso(t->after, after);
        strbuf_printf(page, "<g class=\"toggle\" data-before=\"%s\" data-after=\"%s\"><line x1=\"%.1f\" y1=\"%d\" "
                      "x2=\"%.1f\" y2=\"%u\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"%s\">",
                      before, after, t->x, TOGGLE_TOP + 2, t->x, height, right ? t->x - 4 : t->x + 4, TOGGLE_TOP,
                      right ? "end" : "start");
        htmlpage_textf(page, "FixRecipientTrackStatusTime: %s \xe2\x86\x92 %s", t->old_value, t->new_value);
        strbuf_puts(page, "</text><title>");
        htmlpage_textf(page, "FixRecipientTrackStatusTime read as %s at %s and as %s at %s", t->old_value, before,
                       t->new_value, after);
        strbuf_puts(page, "</title></g>\n");
    }
}

static void draw_legend(struct strbuf *page)
{
    static const struct { const char *kind, *words; } keys[] = {
        {"submitted", "submitted"},
        {"failed", "attempt failed (EcGetMime 0x80004005: Unable to open for delivery)"},
        {"deferred", "deferred by the SMTP server"},
        {"delivered", "delivered"},
        {"refused", "refused for good"},
        {"delay", "delay notification (12 hours)"},
        {"expired", "expired: NDR 4.4.7 (2 days)"},
    };
    ULONG i;

    strbuf_puts(page, "<p class=\"legend\">");
    for (i = 0; i < ARRAYSIZE(keys); i++)
        strbuf_printf(page, "<span><svg class=\"key\" viewBox=\"-9 -9 18 18\"><use href=\"#k-%s\"/></svg>%s</span>",
                      keys[i].kind, keys[i].words);
    strbuf_puts(page, "<span style=\"color:#1f5fbf\">- - the runs saw FixRecipientTrackStatusTime change</span></p>\n");
}

/* The ids of ROW, ranges of consecutive ones joined: "00000002-00000009, 00000012". */
static void row_ids(const struct report *r, const struct row *row, struct strbuf *page)
{
    ULONG k, end;

    for (k = 0; k < row->count; k = end + 1)
    {
        const char *id = r->messages[row->members[k]].entry->id;
        for (end = k; end + 1 < row->count &&
                      strtoul(r->messages[row->members[end + 1]].entry->id, NULL, 10) ==
                          strtoul(r->messages[row->members[end]].entry->id, NULL, 10) + 1;
             end++) {}
        if (k) strbuf_puts(page, ", ");
        htmlpage_text(page, id);
        if (end > k)
        {
            strbuf_puts(page, end > k + 1 ? "&ndash;" : ", ");
            htmlpage_text(page, r->messages[row->members[end]].entry->id);
        }
    }
}

static void write_tables(const struct report *r, struct strbuf *page)
{
    ULONG i, k;

    if (r->toggle_count)
    {
        strbuf_puts(page, "<h2>FixRecipientTrackStatusTime as the runs read it</h2>\n<table><tr><th>read as</th>"
                          "<th>at the last attempt</th><th>then read as</th><th>at the first attempt</th></tr>\n");
        for (i = 0; i < r->toggle_count; i++)
        {
            char before[SYSTIME_ISO_SIZE], after[SYSTIME_ISO_SIZE];
            systime_format_iso(r->toggles[i].before, before);
            systime_format_iso(r->toggles[i].after, after);
            strbuf_puts(page, "<tr><td>");
            htmlpage_text(page, r->toggles[i].old_value);
            strbuf_printf(page, "</td><td>%s</td><td>", before);
            htmlpage_text(page, r->toggles[i].new_value);
            strbuf_printf(page, "</td><td>%s</td></tr>\n", after);
        }
        strbuf_puts(page, "</table>\n");
    }
    strbuf_puts(page, "<h2>Every attempt and notice</h2>\n");
    for (i = 0; i < r->row_count; i++)
    {
        const struct message *m = &r->messages[r->rows[i].members[0]];
        ULONG lines = m->event_count ? m->event_count : 1;
        /* in chunks the browser lays out only when they come into view */
        if (i % TABLE_CHUNK == 0)
        {
            if (i) strbuf_puts(page, "</table></div>\n");
            strbuf_puts(page, "<div class=\"chunk\"><table class=\"events\">" EVENTS_COLUMNS "\n");
        }
        strbuf_printf(page, "<tr><td rowspan=\"%u\">", lines);
        row_ids(r, &r->rows[i], page);
        strbuf_printf(page, "</td><td rowspan=\"%u\">", lines);
        htmlpage_text(page, m->entry->subject);
        strbuf_printf(page, "</td><td rowspan=\"%u\">%s</td>", lines, queue_state_name(m->entry->state));
        if (!m->event_count)
        {
            strbuf_puts(page, "<td colspan=\"7\">");
            if (m->history_error) htmlpage_textf(page, "no history: %s", m->history_error);
            else strbuf_puts(page, "not attempted yet");
            strbuf_puts(page, "</td></tr>\n");
        }
        for (k = 0; k < m->event_count; k++)
        {
            const struct queue_event *ev = &m->events[k];
            char iso[SYSTIME_ISO_SIZE];
            systime_format_iso(ev->when, iso);
            strbuf_printf(page, "%s<td class=\"n\">%u</td><td>%s</td><td>%s</td><td>%#x</td><td>%s</td><td>%s</td><td>",
                          k ? "<tr>" : "", ev->attempt, iso,
                          ev->kind == QUEUE_EVENT_EXPIRED ? "expired: NDR 4.4.7" : queue_event_name(ev->kind),
                          (unsigned)ev->hresult, ev->event_327 ? "yes" : "",
                          ev->fix == QUEUE_FIX_ON ? "on" : ev->fix == QUEUE_FIX_OFF ? "off" : "");
            htmlpage_text(page, ev->value);
            strbuf_puts(page, "</td></tr>\n");
        }
    }
    if (r->row_count) strbuf_puts(page, "</table></div>\n");
}

static void write_corrupt(const struct report *r, const struct queue_entry *entries, ULONG count, struct strbuf *page)
{
    ULONG i;

    if (!r->figures->corrupt) return;
    strbuf_printf(page, "<h2>Set aside as corrupt (not drawn)</h2>\n<table><tr><th>message</th><th>reason</th></tr>\n");
    for (i = 0; i < count; i++)
    {
        if (entries[i].state != QUEUE_CORRUPT) continue;
        strbuf_puts(page, "<tr><td>");
        htmlpage_text(page, entries[i].id);
        strbuf_puts(page, "</td><td>");
        htmlpage_text(page, entries[i].last_error ? entries[i].last_error : "");
        strbuf_puts(page, "</td></tr>\n");
    }
    strbuf_puts(page, "</table>\n");
}

static void free_report(struct report *r)
{
    ULONG i;

    for (i = 0; i < r->message_count; i++)
    {
        free(r->messages[i].events);
        free(r->messages[i].history_error);
    }
    for (i = 0; r->rows && i < r->message_count; i++) free(r->rows[i].members);
    free(r->rows);
    free(r->messages);
    free(r->spans);
    free(r->toggles);
}

HRESULT queuereport_build(struct queue *queue, struct strbuf *page, struct queuereport_figures *figures,
                          char error[QUEUE_ERROR_SIZE])
{
    struct queue_entry *entries = NULL;
    struct report r;
    ULONG count = 0, i, height, states[QUEUE_STATE_COUNT] = {0};
    HRESULT hr;

    memset(&r, 0, sizeof(r));
    memset(figures, 0, sizeof(*figures));
    r.figures = figures;
    if (FAILED(hr = queue_list(queue, &entries, &count, error))) return hr;
    if (count && !(r.messages = calloc(count, sizeof(*r.messages)))) goto oom;
    for (i = 0; i < count; i++)
    {
        struct message *m = &r.messages[r.message_count];
        char history_error[QUEUE_ERROR_SIZE];
        states[entries[i].state]++;
        if (entries[i].state == QUEUE_CORRUPT) continue;
        m->entry = &entries[i];
        if ((hr = queue_history(queue, &entries[i], &m->events, &m->event_count, history_error)) == E_OUTOFMEMORY)
            goto oom;
        if (FAILED(hr) && !(m->history_error = strdup(history_error))) goto oom;
        if (FAILED(hr)) figures->unread++;
        r.message_count++;
    }
    figures->messages = count;
    figures->corrupt = states[QUEUE_CORRUPT];
    if (!make_rows(&r)) goto oom;
    r.rows_drawn = r.row_count < QUEUEREPORT_ROWS_MAX ? r.row_count : QUEUEREPORT_ROWS_MAX;
    if (!make_axis(&r) || !find_toggles(&r)) goto oom;
    figures->rows = r.rows_drawn;
    figures->toggles = r.toggle_count;

    htmlpage_begin(page, "trackfix: the SMTP retry queue");
    strbuf_puts(page, "<p class=\"sub\">");
    htmlpage_textf(page, "Queue %s: %u message%s (%u queued, %u delivered, %u expired, %u set aside as corrupt)",
                   queue->dir, count, count == 1 ? "" : "s", states[QUEUE_QUEUED], states[QUEUE_DELIVERED],
                   states[QUEUE_EXPIRED], states[QUEUE_CORRUPT]);
    if (r.toggle_count)
        htmlpage_textf(page, "; FixRecipientTrackStatusTime seen to change %u time%s", r.toggle_count,
                       r.toggle_count == 1 ? "" : "s");
    strbuf_puts(page, ".</p>\n");
    if (!r.message_count)
        strbuf_puts(page, count ? "<p class=\"note\">Every message of the queue is set aside as corrupt: nothing to draw.</p>\n"
                                : "<p class=\"note\">The queue is empty: no message to draw.</p>\n");
    if (r.grouped)
        strbuf_printf(page, "<p class=\"note\">%u messages in %u rows: messages with the same history (times, "
                       "results, values read) share a row; the table lists their ids.</p>\n",
                       r.message_count, r.row_count);
    if (r.rows_drawn < r.row_count)
    {
        strbuf_printf(page, "<p class=\"note\">The first %u rows are drawn; %u more are left out of the picture "
                      "(the table lists them all).</p>\n", r.rows_drawn, r.row_count - r.rows_drawn);
        figures->left_out += r.row_count - r.rows_drawn;
    }
    for (i = 0; i < r.row_count; i++)
    {
        const struct message *m = &r.messages[r.rows[i].members[0]];
        if (m->event_count > QUEUEREPORT_MARKS_MAX)
        {
            char name[64];
            row_name(&r, &r.rows[i], name, sizeof(name));
            strbuf_puts(page, "<p class=\"note\">");
            htmlpage_textf(page, "Message %s has %u attempts and notices: the first %u and the last %u are drawn, "
                           "%u are left out of the picture (the table lists them all).", name, m->event_count,
                           QUEUEREPORT_MARKS_MAX / 2, QUEUEREPORT_MARKS_MAX / 2, m->event_count - QUEUEREPORT_MARKS_MAX);
            strbuf_puts(page, "</p>\n");
            figures->left_out += m->event_count - QUEUEREPORT_MARKS_MAX;
        }
    }
    if (r.rows_drawn)
    {
        height = ROWS_TOP + r.rows_drawn * ROW_HEIGHT;
        strbuf_printf(page, "<figure><svg id=\"timeline\" role=\"img\" width=\"%.0f\" height=\"%u\" viewBox=\"0 0 %.0f %u\">"
                      "<title>Each message of the queue along time, its attempts and notices as marks</title>\n",
                      PLOT_LEFT + r.plot_width + 20, height, PLOT_LEFT + r.plot_width + 20, height);
        draw_shapes(page);
        draw_axis(&r, page, height);
        for (i = 0; i < r.rows_drawn; i++) draw_row(&r, &r.rows[i], i, page);
        draw_toggles(&r, page, height);
        strbuf_puts(page, "</svg><figcaption>Time runs left to right in UTC; each mark's tooltip gives its attempt, "
                          "time, result and HRESULT.</figcaption></figure>\n");
        draw_legend(page);
    }
    if (r.message_count) write_tables(&r, page);
    write_corrupt(&r, entries, count, page);
    htmlpage_end(page);
    if (page->failed) goto oom;
    free_report(&r);
    queue_entries_free(entries, count);
    return S_OK;
oom:
    free_report(&r);
    queue_entries_free(entries, count);
    return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
}

HRESULT queuereport_write(struct queue *queue, const char *path, struct queuereport_figures *figures,
                          char error[QUEUE_ERROR_SIZE])
{
    struct strbuf page = {0};
    HRESULT hr;

    if (SUCCEEDED(hr = queuereport_build(queue, &page, figures, error)) &&
        SUCCEEDED(hr = htmlpage_write(path, &page, error)))
        figures->bytes = page.size;
    strbuf_free(&page);
    return hr;
}
