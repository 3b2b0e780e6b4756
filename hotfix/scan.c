/*
 * scan: one item's fate in EcGetMime on both track-time paths.
 */
#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "meeting.h"
#include "grow.h"
#include "scan.h"

/* Bytes 16..19 of a global object id: the instance date (MS-OXOCAL
 * 2.2.1.27: YH, YL, M, D), zero for the whole series. */
#define GOID_INSTANCE_OFFSET 16
#define GOID_INSTANCE_SIZE 4

static const char *const kind_names[] = {
    [SCAN_APPOINTMENT] = "appointment",
    [SCAN_REQUEST] = "request",
    [SCAN_CANCELLATION] = "cancellation",
    [SCAN_OTHER] = "other",
};
static const char *const status_names[] = {
    [SCAN_CONVERTS] = "converts",
    [SCAN_NEEDS_FIX] = "needs-fix",
    [SCAN_FAILS_BOTH] = "fails-both",
    [SCAN_INVALID] = "invalid",
};
static const char *const status_words[] = {
    [SCAN_CONVERTS] = "converts on both paths",
    [SCAN_NEEDS_FIX] = "converts only with the fix",
    [SCAN_FAILS_BOTH] = "fails with the fix too",
    [SCAN_INVALID] = "cannot be converted",
};
static const char *const risk_names[] = {
    [SCAN_TIME_SENTINEL] = "1601-sentinel",
    [SCAN_TIME_BEFORE_1899] = "before-1899",
    [SCAN_TIME_PAST_9999] = "past-9999",
};

const char *scan_kind_name(enum scan_kind kind)
{
    return kind_names[kind];
}

const char *scan_status_name(enum scan_status status)
{
    return status_names[status];
}

const char *scan_status_words(enum scan_status status)
{
    return status_words[status];
}

const char *scan_risk_name(enum scan_time_risk risk)
{
    return risk_names[risk];
}

ULONGLONG scan_time_distance(ULONGLONG t)
{
    if (t < SYSTIME_OLE_EPOCH) return SYSTIME_OLE_EPOCH - t;
    if (t > SYSTIME_T_MAX) return t - SYSTIME_T_MAX;
    return 0;
}

/* The first row flagged as the organizer's, as EcGetMime picks it; -1 if none. */
static LONG organizer_row(const struct mapi_message *message)
{
    ULONG i;

    for (i = 0; i < message->recipient_count; i++)
    {
        LONG flags = 0;
        mapi_prop_get_long(mapi_propset_find(&message->recipients[i], PR_RECIPIENT_FLAGS), &flags);
        if (flags & RECIP_ORGANIZER) return (LONG)i;
    }
    return -1;
}

static enum scan_kind read_kind(const char *message_class, ULONG attendees)
{
    static const enum scan_kind kinds[] = {
        [MEETING_CLASS_REQUEST] = SCAN_REQUEST,
        [MEETING_CLASS_CANCELLATION] = SCAN_CANCELLATION,
        [MEETING_CLASS_APPOINTMENT] = SCAN_APPOINTMENT,
        [MEETING_CLASS_OTHER] = SCAN_OTHER,
    };
    enum scan_kind kind = kinds[meeting_class_of(message_class)];

    /* an appointment nobody was invited to is no meeting */
    return kind == SCAN_APPOINTMENT && !attendees ? SCAN_OTHER : kind;
}

/* The series id (the global object id with its instance date zeroed) and
 * the instance date, if any. */
static HRESULT read_series(const struct mapi_message *message, struct scan_item *item)
{
    const struct mapi_prop *goid = mapi_propset_find_lid(&message->props, LID_GLOBAL_OBJECT_ID);
    struct mapi_prop series;
    struct mapi_value value;
    const BYTE *date;

    if (!goid || !goid->count || !goid->values[0].size) return S_OK;
    value = goid->values[0];
    if (value.size < GOID_INSTANCE_OFFSET + GOID_INSTANCE_SIZE)
        return (item->series = meeting_uid(goid)) ? S_OK : E_OUTOFMEMORY;
    date = value.data + GOID_INSTANCE_OFFSET;
    if (date[0] || date[1] || date[2] || date[3])
        snprintf(item->exception, sizeof(item->exception), "%04u-%02u-%02u", date[0] << 8 | date[1], date[2], date[3]);
    if (!(value.data = malloc(value.size))) return E_OUTOFMEMORY;
    memcpy(value.data, goid->values[0].data, value.size);
    memset(value.data + GOID_INSTANCE_OFFSET, 0, GOID_INSTANCE_SIZE);
    series = *goid;
    series.values = &value;
    item->series = meeting_uid(&series);
    free(value.data);
    return item->series ? S_OK : E_OUTOFMEMORY;
}

/* Adds the attendee rows whose track time the legacy path refuses. */
static HRESULT read_rows(const struct mapi_message *message, LONG organizer, struct scan_item *item)
{
    const char *field;
    ULONG i;

    for (i = 0; i < message->recipient_count; i++)
    {
        const struct mapi_propset *row = &message->recipients[i];
        struct scan_row *added;
        SYSTEMTIME st;
        ULONGLONG t;
        LONG status;

        if ((LONG)i == organizer) continue;
        if (!mapi_prop_get_long(mapi_propset_find(row, PR_RECIPIENT_TRACKSTATUS), &status) ||
            !mapi_prop_get_systime(mapi_propset_find(row, PR_RECIPIENT_TRACKSTATUS_TIME), &t) ||
            SUCCEEDED(systime_to_systemtime(t, SYSTIME_PATH_LEGACY, &st)))
            continue;
        if (!(added = realloc(item->rows, (item->row_count + 1) * sizeof(*added)))) return E_OUTOFMEMORY;
        item->rows = added;
        added = &item->rows[item->row_count++];
        memset(added, 0, sizeof(*added));
        added->row = i + 1;
        added->time = t;
        added->risk = t == 0 ? SCAN_TIME_SENTINEL : t < SYSTIME_OLE_EPOCH ? SCAN_TIME_BEFORE_1899 : SCAN_TIME_PAST_9999;
        if (FAILED(meeting_read_string(row, PR_DISPLAY_NAME, &added->name)) ||
            FAILED(meeting_read_smtp_address(row, &added->address, &field)))
            return E_OUTOFMEMORY;
    }
    return S_OK;
}

/* The organizer's address into ITEM: its row's, else the sender's. */
static HRESULT read_organizer(const struct mapi_message *message, LONG organizer, struct scan_item *item)
{
    const char *field;
    char *name;

    if (organizer >= 0 && FAILED(meeting_read_smtp_address(&message->recipients[organizer], &item->organizer, &field)))
        return E_OUTOFMEMORY;
    if (item->organizer) return S_OK;
    if (meeting_read_sender(message, &name, &item->organizer, &field) == E_OUTOFMEMORY) return E_OUTOFMEMORY;
    free(name);
    return S_OK;
}

/* Converts MESSAGE along PATH; the result is thrown away, only whether and
 * why it failed is kept. */
static HRESULT try_convert(const struct mapi_message *message, const char *name, ULONGLONG now,
                           enum systime_path path, char reason[ERRMSG_SIZE])
{
    struct ecgetmime_options options = {FALSE, path, now, 1};
    struct ecgetmime_result result = {0};
    HRESULT hr = ecgetmime_convert(message, name, &options, &result, reason);

    free(result.mime);
    if (SUCCEEDED(hr)) reason[0] = 0;
    return hr;
}

HRESULT scan_item_evaluate(const struct mapi_message *message, const char *name, ULONGLONG now,
                           struct scan_item *item)
{
    LONG organizer = organizer_row(message);
    HRESULT hr;

    memset(item, 0, sizeof(*item));
    if (FAILED(hr = meeting_read_string(&message->props, PR_MESSAGE_CLASS, &item->message_class)) ||
        FAILED(hr = meeting_read_string(&message->props, PR_SUBJECT, &item->subject)))
        goto fail;
    item->attendees = message->recipient_count - (organizer >= 0);
    item->kind = read_kind(item->message_class, item->attendees);
    if (item->kind == SCAN_OTHER) return S_OK;
    if (FAILED(hr = read_organizer(message, organizer, item)) || FAILED(hr = read_series(message, item)) ||
        FAILED(hr = read_rows(message, organizer, item)))
        goto fail;
    item->legacy_hr = try_convert(message, name, now, SYSTIME_PATH_LEGACY, item->legacy_reason);
    item->clamped_hr = try_convert(message, name, now, SYSTIME_PATH_CLAMPED, item->clamped_reason);
    if (item->legacy_hr == E_OUTOFMEMORY || item->clamped_hr == E_OUTOFMEMORY)
    {
        hr = E_OUTOFMEMORY;
        goto fail;
    }
    if (SUCCEEDED(item->legacy_hr)) item->status = SCAN_CONVERTS;
    else if (SUCCEEDED(item->clamped_hr)) item->status = SCAN_NEEDS_FIX;
    else item->status = item->clamped_hr == E_FAIL ? SCAN_FAILS_BOTH : SCAN_INVALID;
    return S_OK;
fail:
    scan_item_clear(item);
    return hr;
}

void scan_rows_free(struct scan_row *rows, ULONG count)
{
    ULONG i;

    for (i = 0; i < count; i++)
    {
        free(rows[i].name);
        free(rows[i].address);
    }
    free(rows);
}

void scan_item_clear(struct scan_item *item)
{
    scan_rows_free(item->rows, item->row_count);
    free(item->message_class);
    free(item->subject);
    free(item->organizer);
    free(item->series);
    memset(item, 0, sizeof(*item));
}

/* The report over many items. */

const char *scan_row_domain(const struct scan_row *row)
{
    const char *at = row->address ? strrchr(row->address, '@') : NULL;
    return at ? at + 1 : "";
}
/* Keeps what the text and summary reports need of ITEM, taking its rows. */
BOOL scan_report_add(struct scan_report *report, const char *file, struct scan_item *item, BOOL at_risk)
{
    struct scan_record *r;

    if (!grow_for_one(&report->records, &report->capacity, report->count, sizeof(*report->records), 256))
        return FALSE;
    r = &report->records[report->count];
    memset(r, 0, sizeof(*r));
    r->file = strdup(file);
    r->organizer = strdup(item->organizer ? item->organizer : "(no organizer address)");
    /* an item with no id is a meeting of its own */
    r->series = strdup(item->series ? item->series : file);
    r->subject = item->subject ? strdup(item->subject) : NULL;
    if (!r->file || !r->organizer || !r->series || (item->subject && !r->subject))
    {
        free(r->file);
        free(r->organizer);
        free(r->series);
        free(r->subject);
        return FALSE;
    }
    strcpy(r->exception, item->exception);
    r->kind = item->kind;
    r->status = item->status;
    r->at_risk = at_risk;
    r->rows = item->rows;
    r->row_count = item->row_count;
    item->rows = NULL;
    item->row_count = 0;
    report->count++;
    return TRUE;
}
static int compare_records(const void *a, const void *b)
{
    const struct scan_record *x = a, *y = b;
    int c = strcmp(x->organizer, y->organizer);

    if (!c) c = strcmp(x->series, y->series);
    if (!c) c = strcmp(x->exception, y->exception);
    return c ? c : strcmp(x->file, y->file);
}

/* The attendee a row names, for counting distinct ones: the address in
 * lower case, else the display name. */
static void attendee_key(const struct scan_row *row, char *out, size_t size)
{
    size_t i;

    snprintf(out, size, "%s", row->address ? row->address : row->name ? row->name : "");
    if (row->address)
        for (i = 0; out[i]; i++) out[i] = (char)tolower((unsigned char)out[i]);
}


static int compare_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static BOOL names_add(struct scan_names *set, const char *name)
{
    char **found = set->count ? bsearch(&name, set->names, set->count, sizeof(*set->names), compare_names) : NULL;
    ULONG i;

    if (found) return TRUE;
    if (!grow_for_one(&set->names, &set->capacity, set->count, sizeof(*set->names), 8)) return FALSE;
    for (i = set->count; i > 0 && strcmp(set->names[i - 1], name) > 0; i--) set->names[i] = set->names[i - 1];
    if (!(set->names[i] = strdup(name)))
    {
        for (; i < set->count; i++) set->names[i] = set->names[i + 1];
        return FALSE;
    }
    set->count++;
    return TRUE;
}

static void names_free(struct scan_names *set)
{
    ULONG i;

    for (i = 0; i < set->count; i++) free(set->names[i]);
    free(set->names);
    memset(set, 0, sizeof(*set));
}


static BOOL tally_rows(struct scan_tally *t, const struct scan_record *r)
{
    char key[512], domain[256];
    ULONG i, j;

    for (i = 0; i < r->row_count; i++)
    {
        const struct scan_row *row = &r->rows[i];
        attendee_key(row, key, sizeof(key));
        /* a domain in any case is one domain (RFC 4343) */
        snprintf(domain, sizeof(domain), "%s", scan_row_domain(row));
        for (j = 0; domain[j]; j++) domain[j] = (char)tolower((unsigned char)domain[j]);
        if (!names_add(&t->attendees, key) || (*domain && !names_add(&t->domains, domain)))
            return FALSE;
        if (!t->has_worst || scan_time_distance(row->time) > scan_time_distance(t->worst))
        {
            t->worst = row->time;
            t->has_worst = TRUE;
        }
    }
    return TRUE;
}

/* Adds the meeting of records [FIRST, END) (one organizer, one series). */
BOOL scan_tally_meeting(struct scan_tally *t, const struct scan_record *first, const struct scan_record *end)
{
    const struct scan_record *r;
    BOOL at_risk = FALSE;

    t->meetings++;
    for (r = first; r < end; r++)
    {
        at_risk |= r->at_risk;
        if (!tally_rows(t, r)) return FALSE;
    }
    t->at_risk += at_risk;
    return TRUE;
}

void scan_tally_free(struct scan_tally *t)
{
    names_free(&t->attendees);
    names_free(&t->domains);
    memset(t, 0, sizeof(*t));
}

/* The end of the run of records with the same organizer (and with SERIES,
 * the same series) as FIRST. */
const struct scan_record *scan_group_end(const struct scan_record *first, const struct scan_record *end, BOOL series)
{
    const struct scan_record *r = first;

    while (r < end && !strcmp(r->organizer, first->organizer) && (!series || !strcmp(r->series, first->series))) r++;
    return r;
}
/* TRUE when the meeting of records [FIRST, END) is worth naming: it is at
 * risk, or an item of it fails on a path, or a row defeats the legacy path. */
BOOL scan_worth_naming(const struct scan_record *first, const struct scan_record *end)
{
    const struct scan_record *r;

    for (r = first; r < end; r++)
        if (r->at_risk || r->status != SCAN_CONVERTS || r->row_count) return TRUE;
    return FALSE;
}

/* The subject that names the meeting of records [FIRST, END): the
 * organizer's appointment's, else a request's, else the first one's. */
const char *scan_meeting_subject(const struct scan_record *first, const struct scan_record *end)
{
    const struct scan_record *r, *best = first;

    for (r = first; r < end; r++)
        if (r->subject && (r->kind < best->kind || !best->subject)) best = r;
    return best->subject ? best->subject : "";
}
void scan_report_free(struct scan_report *report)
{
    ULONG i;

    for (i = 0; i < report->count; i++)
    {
        struct scan_record *r = &report->records[i];
        scan_rows_free(r->rows, r->row_count);
        free(r->file);
        free(r->organizer);
        free(r->series);
        free(r->subject);
    }
    free(report->records);
    memset(report, 0, sizeof(*report));
}

void scan_report_sort(struct scan_report *report)
{
    if (report->count) qsort(report->records, report->count, sizeof(*report->records), compare_records);
}

BOOL scan_report_total(const struct scan_report *report, struct scan_tally *total)
{
    const struct scan_record *meeting, *meeting_end, *end = report->records + report->count;

    for (meeting = report->records; meeting < end; meeting = meeting_end)
    {
        meeting_end = scan_group_end(meeting, end, TRUE);
        if (!scan_tally_meeting(total, meeting, meeting_end)) return FALSE;
    }
    return TRUE;
}

