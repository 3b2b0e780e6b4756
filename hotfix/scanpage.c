/*
 * scanpage: the impact scan as one HTML page.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "grow.h"
#include "htmlpage.h"
#include "scanpage.h"

/* A bar: a name and the meetings at risk it has. */
struct bar
{
    char *label;
    ULONG value;
};

struct bars
{
    struct bar *items;
    ULONG count, capacity;
};

/* Adds ADD to the bar LABEL, made when new.  FALSE when out of memory. */
static BOOL bars_add(struct bars *bars, const char *label, ULONG add)
{
    ULONG i;

    for (i = 0; i < bars->count; i++)
        if (!strcmp(bars->items[i].label, label)) break;
    if (i == bars->count)
    {
        if (!grow_for_one(&bars->items, &bars->capacity, bars->count, sizeof(*bars->items), 8)) return FALSE;
        if (!(bars->items[i].label = strdup(label))) return FALSE;
        bars->items[i].value = 0;
        bars->count++;
    }
    bars->items[i].value += add;
    return TRUE;
}

static int compare_bars(const void *a, const void *b)
{
    const struct bar *x = a, *y = b;

    if (x->value != y->value) return x->value > y->value ? -1 : 1;
    return strcmp(x->label, y->label);
}

static void bars_free(struct bars *bars)
{
    ULONG i;

    for (i = 0; i < bars->count; i++) free(bars->items[i].label);
    free(bars->items);
}

/* The chart and its table: the bars with a value, largest first. */
static BOOL draw_bars(struct strbuf *page, const char *caption, const char *heading, struct bars *bars)
{
    const char **labels = calloc(bars->count ? bars->count : 1, sizeof(*labels));
    ULONG *values = calloc(bars->count ? bars->count : 1, sizeof(*values));
    ULONG i, shown = 0;

    if (!labels || !values)
    {
        free(labels);
        free(values);
        return FALSE;
    }
    qsort(bars->items, bars->count, sizeof(*bars->items), compare_bars);
    for (i = 0; i < bars->count; i++)
    {
        if (!bars->items[i].value) continue;
        labels[shown] = bars->items[i].label;
        values[shown++] = bars->items[i].value;
    }
    if (shown) htmlpage_bars(page, caption, labels, values, shown);
    else
    {
        strbuf_puts(page, "<p>");
        htmlpage_textf(page, "%s: none.", caption);
        strbuf_puts(page, "</p>\n");
    }
    if (!shown) goto done;
    strbuf_puts(page, "<table><tr><th>");
    htmlpage_text(page, heading);
    strbuf_puts(page, "</th><th>meetings at risk</th></tr>\n");
    for (i = 0; i < shown; i++)
    {
        strbuf_puts(page, "<tr><td>");
        htmlpage_text(page, labels[i]);
        strbuf_printf(page, "</td><td class=\"n\">%u</td></tr>\n", values[i]);
    }
    strbuf_puts(page, "</table>\n");
done:
    free(labels);
    free(values);
    return TRUE;
}

/* A row at risk and the record it is in. */
struct worst
{
    const struct scan_row *row;
    const struct scan_record *record;
};

static int compare_worst(const void *a, const void *b)
{
    const struct worst *x = a, *y = b;
    ULONGLONG dx = scan_time_distance(x->row->time), dy = scan_time_distance(y->row->time);

    if (dx != dy) return dx > dy ? -1 : 1;
    return x->record < y->record ? -1 : x->record > y->record ? 1 : x->row->row < y->row->row ? -1 : x->row->row > y->row->row;
}

/* The SCANPAGE_WORST_MAX rows farthest outside the legacy path's range. */
static BOOL list_worst(const struct scan_report *report, struct strbuf *page)
{
    struct worst *all = NULL;
    ULONG count = 0, capacity = 0, i, k;

    for (i = 0; i < report->count; i++)
        for (k = 0; k < report->records[i].row_count; k++)
        {
            if (!grow_for_one(&all, &capacity, count, sizeof(*all), 64))
            {
                free(all);
                return FALSE;
            }
            all[count++] = (struct worst){&report->records[i].rows[k], &report->records[i]};
        }
    qsort(all, count, sizeof(*all), compare_worst);
    strbuf_printf(page, "<h2>The worst track times</h2>\n");
    if (!count) strbuf_puts(page, "<p>No attendee row has a track time the legacy path refuses.</p>\n");
    else
        strbuf_puts(page, "<table class=\"worst\"><tr><th>PR_RECIPIENT_TRACKSTATUS_TIME</th><th>why</th><th>attendee</th>"
                          "<th>organizer</th><th>subject</th><th>file</th></tr>\n");
    for (i = 0; i < count && i < SCANPAGE_WORST_MAX; i++)
    {
        const struct scan_row *row = all[i].row;
        char iso[SYSTIME_ISO_SIZE];
        systime_format_iso(row->time, iso);
        strbuf_printf(page, "<tr><td>%s</td><td>%s</td><td>", iso, scan_risk_name(row->risk));
        if (row->name && *row->name) htmlpage_textf(page, "%s ", row->name);
        htmlpage_textf(page, "%s%s%s", row->address ? "<" : "", row->address ? row->address : "", row->address ? ">" : "");
        strbuf_puts(page, "</td><td>");
        htmlpage_text(page, all[i].record->organizer);
        strbuf_puts(page, "</td><td>");
        htmlpage_text(page, all[i].record->subject ? all[i].record->subject : "");
        strbuf_puts(page, "</td><td>");
        htmlpage_text(page, all[i].record->file);
        strbuf_puts(page, "</td></tr>\n");
    }
    if (count) strbuf_puts(page, "</table>\n");
    if (count > SCANPAGE_WORST_MAX)
        strbuf_printf(page, "<p>%u more rows at risk are not listed here (trackfix scan --format=csv lists them all).</p>\n",
                      count - SCANPAGE_WORST_MAX);
    free(all);
    return TRUE;
}


/* One row of the meetings table: [FIRST, END) is one meeting. */
static BOOL list_meeting(struct strbuf *page, const struct scan_record *first, const struct scan_record *end)
{
    struct scan_tally t = {0};
    enum scan_status worst = SCAN_CONVERTS;
    const struct scan_record *r;
    BOOL at_risk = FALSE;
    ULONG i;

    if (!scan_tally_meeting(&t, first, end))
    {
        scan_tally_free(&t);
        return FALSE;
    }
    for (r = first; r < end; r++)
    {
        at_risk |= r->at_risk;
        if (r->status > worst) worst = r->status;
    }
    strbuf_printf(page, "<tr class=\"%s\"><td>", at_risk ? "risk" : "ok");
    htmlpage_text(page, first->organizer);
    strbuf_puts(page, "</td><td>");
    htmlpage_text(page, scan_meeting_subject(first, end));
    strbuf_printf(page, "</td><td>%s</td><td>%s</td><td class=\"n\">%d</td><td>", scan_status_words(worst),
                  at_risk ? "yes" : "no", (int)(end - first));
    for (i = 0; i < t.attendees.count; i++)
    {
        if (i) strbuf_puts(page, ", ");
        htmlpage_text(page, t.attendees.names[i]);
    }
    strbuf_puts(page, "</td></tr>\n");
    scan_tally_free(&t);
    return TRUE;
}

HRESULT scanpage_build(const struct scan_report *report, const struct scanpage_counts *counts, struct strbuf *page)
{
    const struct scan_record *first, *next, *meeting, *meeting_end, *end = report->records + report->count;
    struct bars organizers = {0}, domains = {0};
    struct scan_tally total = {0};
    BOOL ok = TRUE, named = FALSE;
    ULONG i;

    /* the figures: meetings at risk per organizer and per attendee domain */
    for (first = report->records; ok && first < end; first = next)
    {
        next = scan_group_end(first, end, FALSE);
        ok = bars_add(&organizers, first->organizer, 0);
        for (meeting = first; ok && meeting < next; meeting = meeting_end)
        {
            struct scan_tally t = {0};
            meeting_end = scan_group_end(meeting, next, TRUE);
            ok = scan_tally_meeting(&t, meeting, meeting_end) && scan_tally_meeting(&total, meeting, meeting_end);
            if (ok && t.at_risk) ok = bars_add(&organizers, first->organizer, 1);
            for (i = 0; ok && i < t.domains.count; i++) ok = bars_add(&domains, t.domains.names[i], t.at_risk);
            scan_tally_free(&t);
        }
    }
    if (!ok) goto done;

    htmlpage_begin(page, "trackfix: KB 938650 impact scan");
    strbuf_puts(page, "<p class=\"sub\">");
    htmlpage_textf(page, "%u items read: %u meeting items in %u meeting(s), %u other items skipped, %u unreadable.  "
                   "Gate: the %s path.  %u meeting%s at risk, %u attendee%s whose track time the legacy path refuses.",
                   counts->items, report->count, total.meetings, counts->other, counts->unreadable,
                   systime_path_name(counts->gate), total.at_risk, total.at_risk == 1 ? "" : "s",
                   total.attendees.count, total.attendees.count == 1 ? "" : "s");
    strbuf_puts(page, "</p>\n<h2>Meetings at risk per organizer</h2>\n");
    ok = draw_bars(page, "Meetings at risk per organizer", "organizer", &organizers);
    strbuf_puts(page, "<h2>Meetings at risk per attendee domain</h2>\n");
    ok = ok && draw_bars(page, "Meetings at risk per domain of an attendee whose track time the legacy path refuses",
                         "domain", &domains);
    ok = ok && list_worst(report, page);
    strbuf_puts(page, "<h2>Meetings that need the fix</h2>\n");
    for (first = report->records; ok && first < end; first = next)
    {
        next = scan_group_end(first, end, TRUE);
        if (!scan_worth_naming(first, next)) continue;
        if (!named)
            strbuf_puts(page, "<table class=\"meetings\"><tr><th>organizer</th><th>subject</th><th>status</th>"
                              "<th>at risk with this gate</th><th>items</th><th>attendees at risk</th></tr>\n");
        named = TRUE;
        ok = list_meeting(page, first, next);
    }
    strbuf_puts(page, named ? "</table>\n" : "<p>No meeting fails or has an attendee the legacy path cannot convert.</p>\n");
    htmlpage_end(page);
done:
    bars_free(&organizers);
    bars_free(&domains);
    scan_tally_free(&total);
    return ok && !page->failed ? S_OK : E_OUTOFMEMORY;
}
