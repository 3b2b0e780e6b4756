/*
 * trackfix scan: the KB 938650 impact scan.  Reads every .msg under the
 * paths given, in this one process, writes nothing, and tells which
 * organizers' meetings would get stuck and which attendees caused it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cli.h"
#include "errmsg.h"
#include "gate.h"
#include "msgfile.h"
#include "scan.h"
#include "scanpage.h"
#include "strbuf.h"

static const char usage_text[] =
    "usage: trackfix scan [--fix=auto|on|off] [--format=text|json|csv|html] [--no-recursive]\n"
    "                     [--now=TIME] PATH...\n"
    "\n"
    "Reads every .msg file under each PATH (a file, or a folder and its\n"
    "subfolders) and tells, before any update is sent, which meetings EcGetMime\n"
    "would refuse: each recipient row's PR_RECIPIENT_TRACKSTATUS_TIME is judged\n"
    "on the legacy path (the 1601 sentinel, another time before 1899-12-30, a\n"
    "time past 9999) and each meeting item is converted on both paths, in\n"
    "memory.  Organizers' appointments, meeting requests, updates and\n"
    "cancellations are meeting items; anything else is counted and skipped.\n"
    "A meeting is counted once per series: its exceptions are named under it.\n"
    "A meeting is at risk when an item of it fails on the path the gate picks.\n"
    "The table's ATTENDEES are those whose track time the legacy path refuses.\n"
    "Nothing is written, the .msg files included.\n"
    "\n"
    "  --fix=auto      the gate of the simulated server, read from the registry\n"
    "                  once at the start (default); on or off forces a path\n"
    "  --format=text   a table per organizer, the meetings at risk, a total line\n"
    "  --format=json   one object per item, then {\"summary\":...}\n"
    "  --format=csv    one row per attendee at risk (one per item without one),\n"
    "                  RFC 4180, with a header row; every field quoted, and one\n"
    "                  that begins with = + - @ or a tab or CR starts with ' so\n"
    "                  that a spreadsheet does not run it as a formula\n"
    "  --format=html   one self-contained page: meetings at risk per organizer\n"
    "                  and per attendee domain as bars, the worst track times,\n"
    "                  the meetings that need the fix\n"
    "  --no-recursive  read only the .msg files directly in each folder\n"
    "  --now=TIME      the clock of the trial conversions (ISO-8601 UTC)\n"
    "\n"
    "On a terminal a progress line shows items done, the rate and the time left.\n"
    "Exit status: 0 nothing at risk, 4 a meeting at risk, 2 usage error or an\n"
    "unreadable file (named on stderr, counted; the scan goes on), 1 out of memory.\n";

static const char *const scan_format_choices[] = {"text", "json", "csv", "html", NULL};
enum scan_format { FORMAT_TEXT, FORMAT_JSON, FORMAT_CSV, FORMAT_HTML };

struct scan_run
{
    enum scan_format format;
    enum systime_path gate;
    ULONGLONG now;
    struct scan_report report;
    ULONG items, other, unreadable;
};

/* The attendee as the reports name it: "Name <address>", or either alone. */
static void row_label(const struct scan_row *row, char *out, size_t size)
{
    if (row->name && *row->name && row->address) snprintf(out, size, "%s <%s>", row->name, row->address);
    else snprintf(out, size, "%s", row->address ? row->address : row->name ? row->name : "(no name)");
}

/* One CSV field, safe in a spreadsheet (OWASP's CSV injection rule):
 * always quoted, quotes doubled, and a field that begins with '=', '+',
 * '-', '@', a tab or a CR gets a leading "'" so that no spreadsheet
 * reads it as a formula. */
static void print_csv_field(const char *text)
{
    putchar('"');
    if (*text && strchr("=+-@\t\r", *text)) putchar('\'');
    for (; *text; text++)
    {
        if (*text == '"') putchar('"');
        putchar(*text);
    }
    putchar('"');
}

static void print_csv_row(const char *const *fields, size_t count)
{
    size_t i;

    for (i = 0; i < count; i++)
    {
        if (i) putchar(',');
        print_csv_field(fields[i] ? fields[i] : "");
    }
    fputs("\r\n", stdout);
}

static const char *const csv_header[] = {"file", "kind", "status", "at_risk", "organizer", "subject", "series",
                                         "exception", "row", "attendee", "address", "domain", "track_time",
                                         "risk", "reason"};

static void print_csv_item(const char *file, const struct scan_item *item, BOOL at_risk, const char *reason)
{
    const char *fields[ARRAYSIZE(csv_header)] = {file, item ? scan_kind_name(item->kind) : "unreadable"};
    char row[16], iso[SYSTIME_ISO_SIZE];
    ULONG i;

    if (item && item->kind != SCAN_OTHER)
    {
        fields[2] = scan_status_name(item->status);
        fields[3] = at_risk ? "yes" : "no";
        fields[4] = item->organizer;
        fields[5] = item->subject;
        fields[6] = item->series;
        fields[7] = item->exception;
    }
    fields[14] = reason;
    if (!item || !item->row_count)
    {
        print_csv_row(fields, ARRAYSIZE(fields));
        return;
    }
    for (i = 0; i < item->row_count; i++)
    {
        const struct scan_row *r = &item->rows[i];
        snprintf(row, sizeof(row), "%u", r->row);
        systime_format_iso(r->time, iso);
        fields[8] = row;
        fields[9] = r->name;
        fields[10] = r->address;
        fields[11] = scan_row_domain(r);
        fields[12] = iso;
        fields[13] = scan_risk_name(r->risk);
        print_csv_row(fields, ARRAYSIZE(fields));
    }
}

static void print_json_field(const char *name, const char *value)
{
    printf(",\"%s\":", name);
    if (value) cli_print_json_string(value);
    else printf("null");
}

static void print_json_item(const char *file, const struct scan_item *item, BOOL at_risk)
{
    char iso[SYSTIME_ISO_SIZE];
    ULONG i;

    printf("{\"file\":");
    cli_print_json_string(file);
    print_json_field("kind", scan_kind_name(item->kind));
    print_json_field("class", item->message_class);
    if (item->kind == SCAN_OTHER)
    {
        printf("}\n");
        return;
    }
    print_json_field("subject", item->subject);
    print_json_field("organizer", item->organizer);
    print_json_field("series", item->series);
    print_json_field("exception", item->exception[0] ? item->exception : NULL);
    printf(",\"attendees\":%u", item->attendees);
    print_json_field("status", scan_status_name(item->status));
    printf(",\"at_risk\":%s,\"legacy\":{\"converts\":%s", at_risk ? "true" : "false",
           SUCCEEDED(item->legacy_hr) ? "true" : "false");
    if (FAILED(item->legacy_hr))
    {
        printf(",\"hresult\":\"%#x\"", (unsigned)item->legacy_hr);
        print_json_field("reason", item->legacy_reason);
    }
    printf("},\"clamped\":{\"converts\":%s", SUCCEEDED(item->clamped_hr) ? "true" : "false");
    if (FAILED(item->clamped_hr))
    {
        printf(",\"hresult\":\"%#x\"", (unsigned)item->clamped_hr);
        print_json_field("reason", item->clamped_reason);
    }
    printf("},\"rows_at_risk\":[");
    for (i = 0; i < item->row_count; i++)
    {
        const struct scan_row *r = &item->rows[i];
        systime_format_iso(r->time, iso);
        printf("%s{\"row\":%u", i ? "," : "", r->row);
        print_json_field("name", r->name);
        print_json_field("address", r->address);
        print_json_field("track_time", iso);
        print_json_field("risk", scan_risk_name(r->risk));
        printf("}");
    }
    printf("]}\n");
}

/* Reads and judges one file; FALSE only when out of memory. */
static BOOL scan_file(struct scan_run *run, const char *path)
{
    struct mapi_message message;
    struct scan_item item;
    char error[MSGFILE_ERROR_SIZE];
    BOOL at_risk, ok = TRUE;
    HRESULT hr;

    run->items++;
    if (FAILED(hr = msgfile_read(path, &message, error)))
    {
        cli_message(MSG_CANNOT_READ, error);
        run->unreadable++;
        if (run->format == FORMAT_JSON)
        {
            printf("{\"file\":");
            cli_print_json_string(path);
            printf(",\"kind\":\"unreadable\",\"hresult\":\"%#x\"", (unsigned)hr);
            print_json_field("reason", error);
            printf("}\n");
        }
        else if (run->format == FORMAT_CSV)
            print_csv_item(path, NULL, FALSE, error);
        return hr != E_OUTOFMEMORY;
    }
    hr = scan_item_evaluate(&message, path, run->now, &item);
    mapi_message_clear(&message);
    if (FAILED(hr)) return FALSE;
    at_risk = item.kind != SCAN_OTHER &&
              FAILED(run->gate == SYSTIME_PATH_CLAMPED ? item.clamped_hr : item.legacy_hr);
    if (run->format == FORMAT_JSON) print_json_item(path, &item, at_risk);
    else if (run->format == FORMAT_CSV)
        print_csv_item(path, &item, at_risk,
                       run->gate == SYSTIME_PATH_CLAMPED ? item.clamped_reason : item.legacy_reason);
    if (item.kind == SCAN_OTHER) run->other++;
    else ok = scan_report_add(&run->report, path, &item, at_risk);
    scan_item_clear(&item);
    return ok;
}

/* The worst track time of T, or "-". */
static void worst_text(const struct scan_tally *t, char out[SYSTIME_ISO_SIZE])
{
    if (t->has_worst) systime_format_iso(t->worst, out);
    else strcpy(out, "-");
}

static void print_domains(const struct scan_names *domains)
{
    ULONG i;

    for (i = 0; i < domains->count; i++) printf("%s%s", i ? ", " : "", domains->names[i]);
    if (!domains->count) printf("-");
}


/* The meetings worth naming of records [FIRST, END), one organizer's. */
static void print_meetings(const struct scan_record *first, const struct scan_record *end)
{
    const struct scan_record *meeting, *next, *r;
    char label[600], iso[SYSTIME_ISO_SIZE];
    ULONG i;

    for (meeting = first; meeting < end; meeting = next)
    {
        enum scan_status worst = SCAN_CONVERTS;
        BOOL at_risk = FALSE, any_exception = FALSE;

        next = scan_group_end(meeting, end, TRUE);
        if (!scan_worth_naming(meeting, next)) continue;
        for (r = meeting; r < next; r++)
        {
            at_risk |= r->at_risk;
            if (r->status > worst) worst = r->status;
        }
        printf("  \"%s\": %s; %s; %d item%s\n", scan_meeting_subject(meeting, next), scan_status_words(worst),
               at_risk ? "AT RISK with this gate" : "converts with this gate", (int)(next - meeting),
               next - meeting == 1 ? "" : "s");
        printf("    series %s\n", meeting->series);
        for (r = meeting; r < next; r++)
        {
            if (!r->exception[0]) continue;
            printf("%s%s", any_exception ? ", " : "    exceptions: ", r->exception);
            any_exception = TRUE;
        }
        if (any_exception) printf("\n");
        for (r = meeting; r < next; r++)
        {
            printf("    %s%s%s%s: %s\n", r->file, r->exception[0] ? " (exception " : "", r->exception,
                   r->exception[0] ? ")" : "", scan_status_name(r->status));
            for (i = 0; i < r->row_count; i++)
            {
                row_label(&r->rows[i], label, sizeof(label));
                systime_format_iso(r->rows[i].time, iso);
                printf("      row %u %s: PR_RECIPIENT_TRACKSTATUS_TIME %s (%s)\n", r->rows[i].row, label, iso,
                       scan_risk_name(r->rows[i].risk));
            }
        }
    }
}

/* The table per organizer and the total, then the meetings worth naming. */
static BOOL print_text(struct scan_run *run, struct scan_tally *total)
{
    const struct scan_record *first, *next, *meeting, *end = run->report.records + run->report.count;
    char worst[SYSTIME_ISO_SIZE];
    BOOL ok = TRUE, named_any = FALSE;

    printf("%-36s %8s %8s %9s  %-20s  %s\n", "ORGANIZER", "MEETINGS", "AT RISK", "ATTENDEES", "WORST TRACK TIME",
           "DOMAINS");
    for (first = run->report.records; ok && first < end; first = next)
    {
        const struct scan_record *meeting_end;
        struct scan_tally t = {0};

        next = scan_group_end(first, end, FALSE);
        for (meeting = first; ok && meeting < next; meeting = meeting_end)
        {
            meeting_end = scan_group_end(meeting, next, TRUE);
            ok = scan_tally_meeting(&t, meeting, meeting_end) && scan_tally_meeting(total, meeting, meeting_end);
        }
        worst_text(&t, worst);
        printf("%-36s %8u %8u %9u  %-20s  ", first->organizer, t.meetings, t.at_risk, t.attendees.count, worst);
        print_domains(&t.domains);
        printf("\n");
        scan_tally_free(&t);
    }
    worst_text(total, worst);
    printf("%-36s %8u %8u %9u  %-20s  ", "TOTAL", total->meetings, total->at_risk, total->attendees.count, worst);
    print_domains(&total->domains);
    printf("\n");
    for (first = run->report.records; first < end; first = next)
    {
        next = scan_group_end(first, end, FALSE);
        if (!scan_worth_naming(first, next)) continue;
        if (!named_any) printf("\nMeetings that fail or have attendees the legacy path cannot convert:\n");
        named_any = TRUE;
        printf("%s:\n", first->organizer);
        print_meetings(first, next);
    }
    return ok;
}

static void print_summary_json(struct scan_run *run, const struct scan_tally *total, double seconds)
{
    char worst[SYSTIME_ISO_SIZE];
    ULONG i;

    worst_text(total, worst);
    printf("{\"summary\":{\"items\":%u,\"meeting_items\":%u,\"meetings\":%u,\"at_risk\":%u,\"other\":%u,"
           "\"unreadable\":%u,\"gate\":\"%s\",\"attendees_at_risk\":[",
           run->items, run->report.count, total->meetings, total->at_risk, run->other, run->unreadable,
           systime_path_name(run->gate));
    for (i = 0; i < total->attendees.count; i++)
    {
        if (i) putchar(',');
        cli_print_json_string(total->attendees.names[i]);
    }
    printf("],\"domains\":[");
    for (i = 0; i < total->domains.count; i++)
    {
        if (i) putchar(',');
        cli_print_json_string(total->domains.names[i]);
    }
    printf("],\"worst_track_time\":");
    if (total->has_worst) printf("\"%s\"", worst);
    else printf("null");
    printf(",\"seconds\":%.3f}}\n", seconds);
}

/* The page of the sorted report, on stdout. */
static BOOL print_html(struct scan_run *run)
{
    struct scanpage_counts counts = {run->items, run->other, run->unreadable, run->gate};
    struct strbuf page = {0};
    BOOL ok = SUCCEEDED(scanpage_build(&run->report, &counts, &page));

    if (ok) fwrite(page.data, 1, page.size, stdout);
    strbuf_free(&page);
    return ok;
}

/* Sorts the records and adds up every meeting into TOTAL; prints the text
 * report or the page on the way when asked for. */
static BOOL report(struct scan_run *run, struct scan_tally *total)
{
    scan_report_sort(&run->report);
    if (run->format == FORMAT_TEXT) return print_text(run, total);
    return scan_report_total(&run->report, total) && (run->format != FORMAT_HTML || print_html(run));
}

enum { OPT_FIX, OPT_FORMAT, OPT_NO_RECURSIVE, OPT_NOW };
static const struct cli_option options[] = {
    [OPT_FIX] = CLI_OPTION_FIX,
    [OPT_FORMAT] = {"--format", CLI_VALUE_CHOICE, scan_format_choices, "text, json, csv or html"},
    [OPT_NO_RECURSIVE] = {"--no-recursive", CLI_VALUE_NONE, NULL, NULL},
    [OPT_NOW] = CLI_OPTION_NOW,
};

int cmd_scan(int argc, char **argv)
{
    struct scan_run run = {0};
    struct cli_paths files = {0};
    struct cli_parsed parsed;
    struct cli_progress progress;
    struct scan_tally total = {0};
    char warning[GATE_TEXT_SIZE * 2] = "";
    LARGE_INTEGER start, stop, frequency;
    int i, ret = EXIT_USAGE;
    BOOL ok = TRUE;
    HRESULT hr = cli_parse("scan", usage_text, options, ARRAYSIZE(options), CLI_ANY, argc, argv, &parsed);

    if (hr != S_OK)
    {
        ret = cli_parse_status(hr);
        goto done;
    }
    for (i = 0; i < parsed.operand_count; i++)
    {
        if (cli_paths_add(&files, parsed.operands[i], ".msg", !parsed.given[OPT_NO_RECURSIVE])) continue;
        cli_message(MSG_FAILED, "scan", ERRMSG_OOM);
        ret = EXIT_ERROR;
        goto done;
    }
    if (!files.count)
    {
        cli_message(MSG_MISSING_ARGUMENT, "scan", parsed.operand_count ? "a .msg file: the folders given hold none"
                                                                       : "PATH", "scan");
        goto done;
    }
    run.format = (enum scan_format)parsed.choice[OPT_FORMAT];
    run.gate = cli_track_path((enum cli_fix_mode)parsed.choice[OPT_FIX], warning, sizeof(warning));
    if (parsed.given[OPT_NOW]) run.now = parsed.time[OPT_NOW];
    else
    {
        FILETIME ft;
        GetSystemTimeAsFileTime(&ft);
        run.now = (ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
    }
    if (run.format == FORMAT_CSV) print_csv_row(csv_header, ARRAYSIZE(csv_header));

    QueryPerformanceFrequency(&frequency);
    QueryPerformanceCounter(&start);
    cli_progress_start(&progress, files.count, "items");
    for (i = 0; ok && i < files.count; i++)
    {
        ok = scan_file(&run, files.paths[i]);
        cli_progress_update(&progress, i + 1);
    }
    if (ok && run.format == FORMAT_TEXT)
        printf("Scanned %u items: %u meeting items, %u other items skipped, %u unreadable.  Gate: %s path.\n\n",
               run.items, run.report.count, run.other, run.unreadable, systime_path_name(run.gate));
    ok = ok && report(&run, &total);
    QueryPerformanceCounter(&stop);
    if (!ok)
    {
        cli_message(MSG_FAILED, "scan", ERRMSG_OOM);
        ret = EXIT_ERROR;
        goto done;
    }
    if (run.format == FORMAT_JSON)
        print_summary_json(&run, &total, (double)(stop.QuadPart - start.QuadPart) / (double)frequency.QuadPart);
    ret = total.at_risk ? EXIT_AT_RISK : run.unreadable ? EXIT_USAGE : EXIT_OK;
done:
    scan_tally_free(&total);
    scan_report_free(&run.report);
    cli_paths_free(&files);
    cli_parsed_free(&parsed);
    return ret;
}
