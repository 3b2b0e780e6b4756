/*
 * fuzz: mutated .msg files and iMIP replies through the reader, EcGetMime
 * and the reply path, all in this one process (make fuzz, make test).
 *
 * usage: fuzz.exe run N SEED SAVE MEETING INPUT...
 *        fuzz.exe replay MEETING DIR
 *
 * run feeds N mutations of the INPUT files (.msg to msgfile_read and then
 * ecgetmime_convert along both track-time paths and the impact scan
 * (scan_item_evaluate), and their series blobs (PidLidAppointmentRecur, the
 * time zones) mutated again through recur_parse and tzdef, every output
 * held to the field-escape oracle (escaped_line), and msg dump's
 * text of it read back by msg new, as is (the same text again) and mutated;
 * anything else, as a reply, to imipreply_read and then imipreply_apply to
 * MEETING).  Mutations: bit
 * flips, truncation, a stream size in the compound file's directory set to
 * 0, 0xFFFFFFFF or 0x7FFFFFFF, a directory entry removed, a stream name
 * duplicated, two recipient storages swapped; for replies, bit flips,
 * truncation, lines dropped, doubled or swapped.  Each input must end in
 * S_OK or in a failure with a message.  An input that crashes, runs longer
 * than FUZZ_TIMEOUT seconds (default 10) or fails without a message is
 * copied to SAVE (crash-, hang-, silent-, escaped-, dump-unread- or dump-changed-SEED-I.EXT; the mutated input
 * itself is written in FUZZ_WORK, default the current folder) and the run exits
 * nonzero; so does a working set that grew by more than 256 MB (a leak).
 * replay feeds every file in DIR once, as is: the regression files.
 * Prints what it did; exit 0 when every input ended cleanly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <psapi.h>

#include "coverage.h"
#include "ecgetmime.h"
#include "imipreply.h"
#include "scan.h"
#include "leakcheck.h"
#include "msgfile.h"
#include "msgtext.h"
#include "recur.h"
#include "tzdef.h"

#define LEAK_LIMIT (256u * 1024 * 1024)

struct input
{
    char *path;
    BYTE *data;
    size_t size;
    BOOL is_msg;
};

static struct mapi_message meeting;
static char current[MAX_PATH * 2 + 8]; /* the file being fed now */
static char save_dir[MAX_PATH * 2];   /* where a bad input goes; "" in replay */
static char save_name[64];            /* "SEED-I.EXT" of the input being fed */
static char work_prefix[MAX_PATH * 2]; /* the mutated input, less its extension */
static volatile LONGLONG started;     /* GetTickCount64 when it was handed in */
static DWORD timeout_ms = 10000;
static ULONG accepted;                /* inputs the reader took (and fed on) */
static ULONG contained;               /* outputs the field-escape oracle passed */
static ULONGLONG blob_state = 1;      /* the random state of the series' mutations */
/* what feed found wrong when it returns FALSE: the kind names the kept copy */
static const char *fault_kind, *fault_why;
static char fault_text[MSGTEXT_ERROR_SIZE + 64];

/* Copies the current input to SAVE_DIR/KIND-SAVE_NAME and says so. */
static void keep(const char *kind, const char *why)
{
    char target[MAX_PATH * 5];

    if (save_dir[0])
    {
        snprintf(target, sizeof(target), "%s/%s-%s", save_dir, kind, save_name);
        CopyFileA(current, target, FALSE);
        fprintf(stderr, "fuzz: %s: %s, input kept as %s\n", kind, why, target);
    }
    else
        fprintf(stderr, "fuzz: %s: %s, input %s\n", kind, why, current);
    fflush(stderr);
}

static LONG WINAPI on_crash(EXCEPTION_POINTERS *info)
{
    char why[64];

    snprintf(why, sizeof(why), "exception %#x", (unsigned)info->ExceptionRecord->ExceptionCode);
    keep("crash", why);
    coverage_dump();
    TerminateProcess(GetCurrentProcess(), 4);
    return EXCEPTION_EXECUTE_HANDLER;
}

static DWORD WINAPI watchdog(void *arg)
{
    (void)arg;
    for (;;)
    {
        LONGLONG since = started;
        Sleep(100);
        if (since && since == started && GetTickCount64() - since > timeout_ms)
        {
            keep("hang", "over the time limit");
            coverage_dump();
            TerminateProcess(GetCurrentProcess(), 5);
        }
    }
    return 0;
}

static BYTE *read_all(const char *path, size_t *size)
{
    FILE *in = fopen(path, "rb");
    BYTE *data = NULL;
    long length;

    if (!in) return NULL;
    if (!fseek(in, 0, SEEK_END) && (length = ftell(in)) >= 0 && !fseek(in, 0, SEEK_SET) &&
        (data = malloc(length + 1)) && fread(data, 1, length, in) == (size_t)length)
        *size = length;
    else
    {
        free(data);
        data = NULL;
    }
    fclose(in);
    return data;
}

static BOOL write_all(const char *path, const BYTE *data, size_t size)
{
    FILE *out = fopen(path, "wb");
    BOOL ok = out && fwrite(data, 1, size, out) == size;

    if (out && fclose(out)) ok = FALSE;
    return ok;
}

static BOOL has_suffix(const char *path, const char *suffix)
{
    size_t len = strlen(path), n = strlen(suffix);
    return len >= n && !lstrcmpiA(path + len - n, suffix);
}

/* Feeds the file CURRENT to its target.  FALSE when it failed silently. */
static ULONG next_random(ULONGLONG *state);
static void put_le32(BYTE *p, DWORD v);
static size_t flip_or_cut(BYTE *data, size_t size, ULONGLONG *state);

/* The series blobs of MESSAGE, each also in SERIES_MUTATIONS mutated
 * copies (bits flipped, cut short, or a 32-bit field set to 0, 0xFFFFFFFF
 * or anything), through the pattern and time-zone readers, the instance
 * list and the RRULE: each ends in S_OK or in a failure with a message. */
#define SERIES_MUTATIONS 16
static BOOL fuzz_series(const struct mapi_message *message)
{
    static const enum mapi_lid_prop lids[] = {LID_APPOINTMENT_RECUR, LID_TZ_DEFINITION_RECUR, LID_TIME_ZONE_STRUCT};
    static struct recur_instance instances[64];
    size_t i, j;

    for (i = 0; i < ARRAYSIZE(lids); i++)
    {
        const struct mapi_prop *prop = mapi_propset_find_lid(&message->props, lids[i]);
        const struct mapi_value *value;
        BYTE *copy;

        if (!prop || PROP_TYPE(prop->tag) != PT_BINARY || !prop->count || !(value = &prop->values[0])->size) continue;
        if (!(copy = malloc(value->size))) return FALSE;
        for (j = 0; j <= SERIES_MUTATIONS; j++)
        {
            size_t size = value->size;
            char error[RECUR_ERROR_SIZE] = "";
            HRESULT hr;

            memcpy(copy, value->data, size);
            if (j && next_random(&blob_state) % 3) size = flip_or_cut(copy, size, &blob_state);
            else if (j && size >= 4)
            {
                static const DWORD values[] = {0, 0xFFFFFFFF, 0x7FFFFFFF, 0x2022, 1};
                size_t at = next_random(&blob_state) % (size - 3);
                put_le32(copy + at, values[next_random(&blob_state) % ARRAYSIZE(values)]);
            }
            if (lids[i] == LID_APPOINTMENT_RECUR)
            {
                struct recur_pattern pattern;
                if (SUCCEEDED(hr = recur_parse(copy, (ULONG)size, &pattern, error)))
                {
                    recur_instances(&pattern, ARRAYSIZE(instances), instances);
                    recur_rrule(&pattern, icaltime_null_time());
                    recur_free(&pattern);
                }
            }
            else
            {
                struct tzdef zone;
                hr = lids[i] == LID_TIME_ZONE_STRUCT ? tzdef_parse_struct(copy, (ULONG)size, NULL, &zone, error)
                                                     : tzdef_parse_definition(copy, (ULONG)size, &zone, error);
                if (SUCCEEDED(hr))
                {
                    struct strbuf vtimezone = {0};
                    tzdef_write_vtimezone(&vtimezone, &zone);
                    strbuf_free(&vtimezone);
                }
            }
            if (FAILED(hr) && !error[0])
            {
                free(copy);
                return FALSE;
            }
        }
        free(copy);
    }
    return TRUE;
}

/* MESSAGE in msg dump's text form (new; the caller frees), or NULL. */
static char *dump_text(const struct mapi_message *message)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);
    HRESULT hr;

    if (!out) return NULL;
    hr = msgtext_write(out, message);
    if (fclose(out) || FAILED(hr))
    {
        free(text);
        return NULL;
    }
    return text;
}

/* Removes TEXT's comment lines (msg dump's notes, which msg new skips). */
static void drop_comments(char *text)
{
    char *from = text, *to = text;

    while (*from)
    {
        size_t length = strcspn(from, "\n");
        if (from[length] == '\n') length++;
        if (*from != '#')
        {
            memmove(to, from, length);
            to += length;
        }
        from += length;
    }
    *to = 0;
}

/* The field-escape oracle (tests/injectcheck.py's, for every mutation):
 * the line of MIME that is not trackfix's own, or NULL when every header
 * line is a header trackfix writes or a fold of one, and every line of the
 * calendar a property or component trackfix writes or a fold; a CR or LF
 * alone in either escapes too. */
static const char *escaped_line(const char *mime)
{
    static const char *const headers[] = {"X-MimeOLE", "Content-class", "MIME-Version", "Content-Type", "Subject",
                                          "Date", "Message-ID", "X-MS-Has-Attach", "X-MS-TNEF-Correlator",
                                          "Thread-Topic", "Thread-Index", "From", "To", "Cc"};
    static const char *const properties[] = {
        "BEGIN", "END", "METHOD", "PRODID", "VERSION", "TZID", "DTSTART", "TZOFFSETFROM", "TZOFFSETTO", "RRULE",
        "DTSTAMP", "SUMMARY", "UID", "ATTENDEE", "ORGANIZER", "LOCATION", "DTEND", "RECURRENCE-ID", "EXDATE",
        "DESCRIPTION", "SEQUENCE", "PRIORITY", "CLASS", "CREATED", "LAST-MODIFIED", "STATUS", "TRANSP", "ACTION",
        "TRIGGER", "X-MICROSOFT-CDO-TZID", "X-MICROSOFT-CDO-BUSYSTATUS", "X-MICROSOFT-CDO-INSTTYPE",
        "X-MICROSOFT-CDO-INTENDEDSTATUS", "X-MICROSOFT-CDO-ALLDAYEVENT", "X-MICROSOFT-CDO-IMPORTANCE",
        "X-MICROSOFT-CDO-OWNERAPPTID", "X-MICROSOFT-CDO-APPT-SEQUENCE", "X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE",
        "X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE"};
    const char *head_end = strstr(mime, "\r\n\r\n"), *calendar = strstr(mime, "\r\nBEGIN:VCALENDAR\r\n");
    const char *calendar_end = calendar ? strstr(calendar, "\r\nEND:VCALENDAR\r\n") : NULL, *line, *next;
    size_t i;

    if (!head_end || !calendar || !calendar_end) return "the message has no header block or no calendar";
    for (line = mime; line < calendar_end + 2; line = next + 2)
    {
        const char *const *names = line < head_end + 2 ? headers : properties;
        size_t count = line < head_end + 2 ? ARRAYSIZE(headers) : ARRAYSIZE(properties);

        if (!(next = strstr(line, "\r\n"))) return line;
        if (line > head_end && line <= calendar) continue; /* the parts between: the plain body is its own */
        if (memchr(line, '\r', next - line) || memchr(line, '\n', next - line)) return line;
        if (*line == ' ' || *line == '\t') continue;
        for (i = 0; i < count; i++)
        {
            size_t len = strlen(names[i]);
            if (!strncmp(line, names[i], len) && strchr(line < head_end + 2 ? ":" : ":;", line[len])) break;
        }
        if (i == count) return line;
    }
    return NULL;
}

/* FALSE with fault_kind KIND and fault_why WHY (and DETAIL, when given). */
static BOOL fault(const char *kind, const char *why, const char *detail)
{
    fault_kind = kind;
    snprintf(fault_text, sizeof(fault_text), "%s%s%s", why, detail ? ": " : "", detail ? detail : "");
    fault_why = fault_text;
    return FALSE;
}

/* The text msg dump writes of MESSAGE is read back by msg new into a
 * message whose text is the same but for dump's comments (dump, edit, new
 * is how test items are made); a mutated copy of that text (bits flipped or cut short) ends in
 * S_OK or in an error naming its line. */
static BOOL fuzz_text(const struct mapi_message *message)
{
    struct mapi_message parsed;
    char error[MSGTEXT_ERROR_SIZE] = "", *text, *again = NULL;
    size_t size;
    HRESULT hr;
    BOOL ok = TRUE;

    if (!(text = dump_text(message))) return fault("silent", "msg dump's text could not be made", NULL);
    if (FAILED(hr = msgtext_parse(text, "dump", &parsed, error)))
        ok = fault("dump-unread", "msg new refuses msg dump's text", error);
    else
    {
        if ((again = dump_text(&parsed)))
        {
            drop_comments(text);
            drop_comments(again);
        }
        if (!again || strcmp(text, again)) ok = fault("dump-changed", "dump(new(dump)) differs from the dump", NULL);
        mapi_message_clear(&parsed);
    }
    if (ok && (size = strlen(text)))
    {
        error[0] = 0;
        text[flip_or_cut((BYTE *)text, size, &blob_state)] = 0;
        if (SUCCEEDED(hr = msgtext_parse(text, "mutated dump", &parsed, error))) mapi_message_clear(&parsed);
        else if (!error[0]) ok = fault("silent", "msg new failed on a mutated dump without a message", NULL);
    }
    free(again);
    free(text);
    return ok;
}

static BOOL feed(BOOL is_msg)
{
    BOOL ok = TRUE;

    fault_kind = "silent";
    fault_why = "failed without a message";
    started = GetTickCount64();
    if (is_msg)
    {
        struct mapi_message message;
        char error[MSGFILE_ERROR_SIZE] = "";
        HRESULT hr = msgfile_read(current, &message, error);

        if (FAILED(hr)) ok = error[0] != 0;
        else
        {
            static const enum systime_path paths[] = {SYSTIME_PATH_LEGACY, SYSTIME_PATH_CLAMPED};
            const char *escaped;
            size_t i;

            for (i = 0; i < ARRAYSIZE(paths) && ok; i++)
            {
                struct ecgetmime_options options = {FALSE, paths[i], 128306052000000000ULL, 1};
                struct ecgetmime_result result = {0};
                char convert_error[ECGETMIME_ERROR_SIZE] = "";

                hr = ecgetmime_convert(&message, current, &options, &result, convert_error);
                if (FAILED(hr)) ok = convert_error[0] != 0;
                else if ((escaped = escaped_line(result.mime)))
                {
                    char shown[81];
                    snprintf(shown, sizeof(shown), "%.*s", (int)strcspn(escaped, "\r\n"), escaped);
                    ok = fault("escaped", "a line of the output is no header or property trackfix writes", shown);
                }
                else contained++;
                free(result.mime);
            }
            if (ok)
            {
                /* the impact scan of the same item: a failed path has its reason */
                struct scan_item item;
                if (SUCCEEDED(hr = scan_item_evaluate(&message, current, 128306052000000000ULL, &item)))
                {
                    ok = item.kind == SCAN_OTHER || ((SUCCEEDED(item.legacy_hr) || item.legacy_reason[0]) &&
                                                     (SUCCEEDED(item.clamped_hr) || item.clamped_reason[0]));
                    scan_item_clear(&item);
                }
            }
            if (ok) ok = fuzz_series(&message);
            if (ok) ok = fuzz_text(&message);
            mapi_message_clear(&message);
            accepted++;
        }
    }
    else
    {
        struct imip_reply reply = {0};
        char error[IMIPREPLY_ERROR_SIZE] = "";
        HRESULT hr = imipreply_read(current, &reply, error);

        if (FAILED(hr)) ok = error[0] != 0;
        else
        {
            struct imip_change change;
            char apply_error[IMIPREPLY_ERROR_SIZE] = "";

            /* a copy of the meeting each time would hide nothing: apply
             * only sets two properties of one row */
            hr = imipreply_apply(&meeting, &reply, &change, apply_error);
            if (hr != S_OK) ok = apply_error[0] != 0;
            accepted++;
        }
        imipreply_clear(&reply);
    }
    started = 0;
    return ok;
}

static ULONG next_random(ULONGLONG *state)
{
    *state ^= *state << 13;
    *state ^= *state >> 7;
    *state ^= *state << 17;
    return (ULONG)(*state >> 16);
}

static DWORD le32(const BYTE *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (DWORD)p[3] << 24;
}

static void put_le32(BYTE *p, DWORD v)
{
    p[0] = v & 0xff, p[1] = v >> 8 & 0xff, p[2] = v >> 16 & 0xff, p[3] = v >> 24;
}

/* Flips one to eight bits of DATA, or cuts it short; the new size. */
static size_t flip_or_cut(BYTE *data, size_t size, ULONGLONG *state)
{
    ULONG flips, i;

    if (next_random(state) % 2) return next_random(state) % size;
    for (flips = 1 + next_random(state) % 8, i = 0; i < flips; i++)
        data[next_random(state) % size] ^= 1 << (next_random(state) % 8);
    return size;
}

/* Offsets of up to MAX directory entries of the compound file DATA (its
 * header's first FAT sectors and the directory chain); the count. */
static ULONG directory_entries(const BYTE *data, size_t size, size_t *entries, ULONG max)
{
    ULONG sector_size, per_fat, sector, steps = 0, count = 0, i;

    if (size < 512 || le32(data) != 0xe011cfd0) return 0;
    sector_size = 1u << (data[0x1e] | data[0x1f] << 8);
    if (sector_size != 512 && sector_size != 4096) return 0;
    per_fat = sector_size / 4;
    sector = le32(data + 0x30);
    while (sector < 0xfffffffa && steps++ < 4096 && count < max)
    {
        size_t at = (size_t)(sector + 1) * sector_size, fat_at;
        ULONG fat_sector;

        if (at + sector_size > size) break;
        for (i = 0; i < sector_size / 128 && count < max; i++) entries[count++] = at + i * 128;
        if (sector / per_fat >= 109) break;
        fat_sector = le32(data + 0x4c + 4 * (sector / per_fat));
        fat_at = (size_t)(fat_sector + 1) * sector_size + 4 * (sector % per_fat);
        if (fat_sector >= 0xfffffffa || fat_at + 4 > size) break;
        sector = le32(data + fat_at);
    }
    return count;
}

/* A mutation of the .msg image DATA (SIZE bytes, room for it) in place; the
 * new size. */
static size_t mutate_msg(BYTE *data, size_t size, ULONGLONG *state)
{
    size_t entries[512], a, b;
    ULONG count = directory_entries(data, size, entries, ARRAYSIZE(entries));
    static const DWORD sizes[] = {0, 0xffffffff, 0x7fffffff, 4096, 1};
    BYTE name[64];

    switch (count ? next_random(state) % 6 : next_random(state) % 2)
    {
    case 0:
    case 1:
        return flip_or_cut(data, size, state);
    case 2: /* a stream size */
        put_le32(data + entries[next_random(state) % count] + 120, sizes[next_random(state) % ARRAYSIZE(sizes)]);
        return size;
    case 3: /* an entry removed: unallocated, its name gone */
        memset(data + entries[next_random(state) % count], 0, 68);
        return size;
    case 4: /* one entry's name given to another */
        a = entries[next_random(state) % count], b = entries[next_random(state) % count];
        memcpy(data + b, data + a, 66);
        return size;
    default: /* two names swapped: recipient storages out of order, among others */
        a = entries[next_random(state) % count], b = entries[next_random(state) % count];
        memcpy(name, data + a, 64), memcpy(data + a, data + b, 64), memcpy(data + b, name, 64);
        return size;
    }
}

/* The line of TEXT that starts at or after OFFSET: its start and length. */
static void line_at(const BYTE *text, size_t size, size_t offset, size_t *start, size_t *length)
{
    size_t end;

    while (offset < size && offset && text[offset - 1] != '\n') offset++;
    end = offset;
    while (end < size && text[end] != '\n') end++;
    if (end < size) end++;
    *start = offset;
    *length = end - offset;
}

/* A mutation of the reply text DATA (SIZE bytes; room for 2 * SIZE). */
static size_t mutate_reply(BYTE *data, size_t size, ULONGLONG *state)
{
    size_t start, length, other, other_length;
    BYTE *copy;

    switch (next_random(state) % 5)
    {
    case 0:
    case 1:
        return flip_or_cut(data, size, state);
    case 2: /* a line dropped */
        line_at(data, size, next_random(state) % size, &start, &length);
        memmove(data + start, data + start + length, size - start - length);
        return size - length;
    case 3: /* a line doubled */
        line_at(data, size, next_random(state) % size, &start, &length);
        memmove(data + start + length, data + start, size - start);
        return size + length;
    default: /* two lines swapped, when they do not overlap */
        line_at(data, size, next_random(state) % size, &start, &length);
        line_at(data, size, next_random(state) % size, &other, &other_length);
        if (other < start + length || !(copy = malloc(size))) return size;
        memcpy(copy, data, size);
        memcpy(data + start, copy + other, other_length);
        memcpy(data + start + other_length, copy + start + length, other - start - length);
        memcpy(data + other - length + other_length, copy + start, length);
        free(copy);
        return size;
    }
}

static SIZE_T working_set(void)
{
    PROCESS_MEMORY_COUNTERS counters;

    memset(&counters, 0, sizeof(counters));
    counters.cb = sizeof(counters);
    return GetProcessMemoryInfo(GetCurrentProcess(), &counters, sizeof(counters)) ? counters.PagefileUsage : 0;
}

static int run(ULONG iterations, ULONGLONG seed, int count, char **paths)
{
    struct input *inputs = calloc(count, sizeof(*inputs));
    ULONGLONG state = seed ? seed : 1;

    blob_state = state ^ 0x9E3779B97F4A7C15ULL;
    ULONG i, by_kind[2] = {0};
    size_t largest = 0;
    SIZE_T baseline = 0, grown;
    BYTE *buffer = NULL;
    int k, ret = 2;

    if (!inputs) return 2;
    for (k = 0; k < count; k++)
    {
        inputs[k].path = paths[k];
        inputs[k].is_msg = has_suffix(paths[k], ".msg");
        if (!(inputs[k].data = read_all(paths[k], &inputs[k].size)) || !inputs[k].size)
        {
            fprintf(stderr, "fuzz: cannot read %s\n", paths[k]);
            goto done;
        }
        if (inputs[k].size > largest) largest = inputs[k].size;
    }
    if (!(buffer = malloc(largest * 2 + 1))) goto done;
    for (i = 0; i < iterations; i++)
    {
        const struct input *in = &inputs[i % count];
        size_t size;

        memcpy(buffer, in->data, in->size);
        size = in->is_msg ? mutate_msg(buffer, in->size, &state) : mutate_reply(buffer, in->size, &state);
        snprintf(current, sizeof(current), "%s%s", work_prefix, in->is_msg ? ".msg" : ".ics");
        snprintf(save_name, sizeof(save_name), "%llu-%u%s", (unsigned long long)seed, i, in->is_msg ? ".msg" : ".ics");
        if (!write_all(current, buffer, size))
        {
            fprintf(stderr, "fuzz: cannot write %s\n", current);
            goto done;
        }
        if (!feed(in->is_msg))
        {
            keep(fault_kind, fault_why);
            ret = 1;
            goto done;
        }
        by_kind[in->is_msg]++;
        if (i == 999) baseline = working_set();
        if (i > 999 && i % 1000 == 999 && (grown = working_set()) > baseline + LEAK_LIMIT)
        {
            fprintf(stderr, "fuzz: memory grew from %lu to %lu bytes over %u inputs: a leak\n",
                    (unsigned long)baseline, (unsigned long)grown, i - 999);
            ret = 1;
            goto done;
        }
    }
    DeleteFileA(current);
    grown = working_set();
    printf("fuzz: %u inputs (%u .msg, %u replies) from seed %llu ended cleanly, %u of them read without error, "
           "%u outputs contained; memory %lu KB at the end", iterations, by_kind[1], by_kind[0],
           (unsigned long long)seed, accepted, contained, (unsigned long)(grown / 1024));
    if (baseline) printf(", %lu KB after the first 1,000", (unsigned long)(baseline / 1024));
    printf("\n");
    ret = 0;
done:
    for (k = 0; k < count; k++) free(inputs[k].data);
    free(inputs);
    free(buffer);
    return ret;
}

static int replay(const char *dir)
{
    char pattern[MAX_PATH * 2];
    WIN32_FIND_DATAA found;
    HANDLE find;
    ULONG count = 0;

    snprintf(pattern, sizeof(pattern), "%s/*", dir);
    if ((find = FindFirstFileA(pattern, &found)) == INVALID_HANDLE_VALUE)
    {
        fprintf(stderr, "fuzz: no regression files in %s\n", dir);
        return 2;
    }
    do
    {
        if (found.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY || found.cFileName[0] == '.' ||
            has_suffix(found.cFileName, ".md"))
            continue;
        snprintf(current, sizeof(current), "%s/%s", dir, found.cFileName);
        if (!feed(has_suffix(found.cFileName, ".msg")))
        {
            keep(fault_kind, fault_why);
            FindClose(find);
            return 1;
        }
        count++;
    } while (FindNextFileA(find, &found));
    FindClose(find);
    printf("fuzz: %u regression files from %s ended cleanly\n", count, dir);
    return count ? 0 : 2;
}

int main(int argc, char **argv)
{
    char error[MSGFILE_ERROR_SIZE];
    const char *limit = getenv("FUZZ_TIMEOUT");
    int ret;

    if (limit && atoi(limit) > 0) timeout_ms = atoi(limit) * 1000;
    SetUnhandledExceptionFilter(on_crash);
    CloseHandle(CreateThread(NULL, 0, watchdog, NULL, 0, NULL));
    if (argc >= 7 && !strcmp(argv[1], "run"))
    {
        const char *work = getenv("FUZZ_WORK");

        snprintf(save_dir, sizeof(save_dir), "%s", argv[4]);
        CreateDirectoryA(save_dir, NULL);
        snprintf(work_prefix, sizeof(work_prefix), "%s/fuzz-current-%u", work && *work ? work : ".",
                 (unsigned)GetCurrentProcessId());
    }
    else if (!(argc == 4 && !strcmp(argv[1], "replay")))
    {
        fprintf(stderr, "usage: fuzz.exe run N SEED SAVE MEETING INPUT...\n       fuzz.exe replay MEETING DIR\n");
        return 2;
    }
    if (FAILED(msgfile_read(argv[argc == 4 ? 2 : 5], &meeting, error)))
    {
        fprintf(stderr, "fuzz: the meeting: %s\n", error);
        return 2;
    }
    ret = argc == 4 ? replay(argv[3]) : run(strtoul(argv[2], NULL, 10), strtoull(argv[3], NULL, 10), argc - 6, argv + 6);
    mapi_message_clear(&meeting);
    return leakcheck_at_exit(ret);
}
