/*
 * eventlog: event 327 records, written and shown.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "eventlog.h"
#include "hostfs.h"
#include "strbuf.h"
#include "systime.h"

#define EVENT_SOURCE "MSExchangeTransport"
#define EVENT_CATEGORY "Exchange Store Driver"
/* the category number of "Exchange Store Driver" in MSExchangeTransport's
 * message file is not public; 1 stands for it in ReportEventW */
#define EVENT_CATEGORY_ID 1
/* longest record line read back */
#define LINE_MAX_SIZE 4096

/* Event 327's description of E, into OUT. */
static void describe_327(const struct eventlog_327 *e, struct strbuf *out)
{
    strbuf_printf(out,
                  "The following call : EcGetMime to the store failed. Error code : %d. MDB : %s. FID : %s . MID : %s. "
                  "File : .",
                  (int)e->hr, e->mdb, e->fid, e->mid);
}

/* Reports DESCRIPTION to the Windows event log, as the real service does. */
static void report_327(const char *description)
{
    int chars = MultiByteToWideChar(CP_UTF8, 0, description, -1, NULL, 0);
    WCHAR *wdescription = malloc(chars * sizeof(WCHAR));
    HANDLE source;

    if (wdescription && (source = RegisterEventSourceW(NULL, L"" EVENT_SOURCE)))
    {
        const WCHAR *strings[1] = {wdescription};
        MultiByteToWideChar(CP_UTF8, 0, description, -1, wdescription, chars);
        ReportEventW(source, EVENTLOG_WARNING_TYPE, EVENT_CATEGORY_ID, EVENTLOG_ECGETMIME_FAILED, NULL, 1, 0, strings,
                     NULL);
        DeregisterEventSource(source);
    }
    free(wdescription);
}

HRESULT eventlog_write_327(const char *log_path, const struct eventlog_327 *events, ULONG count)
{
    struct strbuf lines = {0}, description = {0};
    char iso[SYSTIME_ISO_SIZE];
    WCHAR wpath[MAX_PATH];
    HANDLE file;
    DWORD written = 0;
    HRESULT result = S_OK;
    ULONG i;

    for (i = 0; i < count; i++)
    {
        strbuf_clear(&description);
        describe_327(&events[i], &description);
        systime_format_iso(events[i].now, iso);
        strbuf_printf(&lines, "%s\tWarning\t" EVENT_SOURCE "\t" EVENT_CATEGORY "\t%d\t%s\r\n", iso,
                      EVENTLOG_ECGETMIME_FAILED, description.data ? description.data : "");
    }
    if (lines.failed || description.failed)
    {
        result = E_OUTOFMEMORY;
        goto done;
    }
    if (!count) goto done;
    hostfs_widen(log_path, wpath, MAX_PATH);
    file = CreateFileW(wpath, FILE_APPEND_DATA, FILE_SHARE_READ, NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (file == INVALID_HANDLE_VALUE)
    {
        result = HRESULT_FROM_WIN32(GetLastError());
        goto done;
    }
    if (!WriteFile(file, lines.data, (DWORD)lines.size, &written, NULL) || written != lines.size ||
        !FlushFileBuffers(file))
        result = written != lines.size ? HRESULT_FROM_WIN32(ERROR_WRITE_FAULT) : HRESULT_FROM_WIN32(GetLastError());
    CloseHandle(file);
    if (FAILED(result)) goto done;
    for (i = 0; i < count; i++)
    {
        strbuf_clear(&description);
        describe_327(&events[i], &description);
        if (!description.failed) report_327(description.data);
    }
done:
    strbuf_free(&lines);
    strbuf_free(&description);
    return result;
}

/* Splits LINE at tabs into up to COUNT fields; returns how many. */
static int split_fields(char *line, char **fields, int count)
{
    int n = 0;

    while (n < count)
    {
        fields[n++] = line;
        if (!(line = strchr(line, '\t'))) break;
        *line++ = 0;
    }
    return n;
}

HRESULT eventlog_print(const char *log_path, ULONGLONG since, FILE *out)
{
    FILE *in = hostfs_fopen_read(log_path);
    char line[LINE_MAX_SIZE];
    HRESULT hr;

    if (!in)
    {
        hr = hostfs_error(errno);
        return hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) || hr == HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND) ? S_FALSE : hr;
    }
    while (fgets(line, sizeof(line), in))
    {
        char *fields[6];
        ULONGLONG t;
        SYSTEMTIME st;

        line[strcspn(line, "\r\n")] = 0;
        if (split_fields(line, fields, 6) != 6 || FAILED(systime_parse(fields[0], &t))) continue;
        if (t < since || FAILED(systime_to_systemtime(t, SYSTIME_PATH_LEGACY, &st))) continue;
        fprintf(out,
                "Event Type:\t%s\nEvent Source:\t%s\nEvent Category:\t%s\nEvent ID:\t%s\n"
                "Date:\t\t%u/%u/%04u\nTime:\t\t%u:%02u:%02u %s\nUser:\t\tN/A\nComputer:\tEXCHANGE2003\n"
                "Description:\n%s\n\n",
                fields[1], fields[2], fields[3], fields[4], st.wMonth, st.wDay, st.wYear,
                st.wHour % 12 ? st.wHour % 12 : 12, st.wMinute, st.wSecond, st.wHour < 12 ? "AM" : "PM", fields[5]);
    }
    hr = ferror(in) ? HRESULT_FROM_WIN32(ERROR_READ_FAULT) : S_OK;
    fclose(in);
    return hr;
}
