/*
 * convertbatch: many conversions, threads and one flush a window.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "atomicfile.h"
#include "convertbatch.h"
#include "errmsg.h"
#include "hostfs.h"
#include "msgfile.h"
#include "strbuf.h"

/* One message's outcome, with the strings it owns. */
struct outcome
{
    struct convertbatch_outcome public;
    char *path, *output, *text;
};

struct batch
{
    const struct convertbatch_job *job; /* JOB_COPY: the threads read nothing on the caller's stack */
    struct convertbatch_job job_copy;
    struct atomicfile_batch files;
    struct outcome outcomes[CONVERTBATCH_WINDOW]; /* of the window's messages */
    ULONG outcome_count;
    /* the window of messages the threads share: they take the next one */
    char **paths;
    LONG window_start, window_end, next;
    CRITICAL_SECTION lock; /* the files' list (each file is written outside it), the job's track_path */
};

/* DIR/<base name of PATH without .msg>.eml; caller frees. */
static char *output_path(const char *dir, const char *path)
{
    const char *base = strrchr(path, '/'), *back = strrchr(path, '\\');
    struct strbuf sb = {0};
    size_t len;

    if (back > base) base = back;
    base = base ? base + 1 : path;
    len = strlen(base);
    if (len > 4 && !strcasecmp(base + len - 4, ".msg")) len -= 4;
    strbuf_printf(&sb, "%s/%.*s.eml", dir, (int)len, base);
    return strbuf_detach(&sb);
}

/* A write of the window that did not reach its name: its message failed. */
static void write_failed(const char *output, HRESULT hr, void *context)
{
    struct batch *b = context;
    char words[256], text[ECGETMIME_ERROR_SIZE];
    ULONG i;

    errmsg_format(text, hr, "cannot write '%s': %s", output, errmsg_describe(hr, words, sizeof(words)));
    for (i = b->outcome_count; i-- > 0;)
    {
        struct outcome *o = &b->outcomes[i];
        if (SUCCEEDED(o->public.hr) && !strcmp(o->output, output))
        {
            o->public.hr = hr;
            free(o->text);
            o->text = strdup(text);
            break;
        }
    }
}

/* Puts the window's outputs on disk, then hands back its outcomes. */
static void commit(struct batch *b)
{
    ULONG i;

    atomicfile_batch_commit(&b->files, write_failed, b);
    for (i = 0; i < b->outcome_count; i++)
    {
        struct outcome *o = &b->outcomes[i];

        o->public.path = o->path ? o->path : "";
        o->public.output = o->output ? o->output : "";
        o->public.text = o->text ? o->text : ERRMSG_OOM;
        b->job->done(b->job->context, &o->public);
        free(o->path);
        free(o->output);
        free(o->text);
    }
    b->outcome_count = 0;
}

/* Converts message I of the window into its outcome and the window's files. */
static void convert_one(struct batch *b, LONG i)
{
    const struct convertbatch_job *job = b->job;
    const char *path = b->paths[i];
    struct outcome *o = &b->outcomes[i - b->window_start];
    struct ecgetmime_options options = job->options;
    struct mapi_message message;
    struct ecgetmime_result result = {0};
    char error[ECGETMIME_ERROR_SIZE] = "", read_error[MSGFILE_ERROR_SIZE];
    HRESULT hr;

    memset(o, 0, sizeof(*o));
    o->public.track_path = SYSTIME_PATH_LEGACY;
    if (!(o->path = strdup(path)) || !(o->output = output_path(job->output_dir, path)))
    {
        o->public.hr = E_OUTOFMEMORY;
        return;
    }
    if (FAILED(o->public.hr = msgfile_read(path, &message, read_error)))
    {
        o->text = strdup(read_error);
        o->public.unreadable = TRUE;
        return;
    }
    if (!job->now_fixed)
    {
        FILETIME ft;
        GetSystemTimeAsFileTime(&ft);
        options.now = (ULONGLONG)ft.dwHighDateTime << 32 | ft.dwLowDateTime;
    }
    EnterCriticalSection(&b->lock);
    options.track_path = o->public.track_path = job->track_path(job->context);
    LeaveCriticalSection(&b->lock);
    options.serial = (ULONG)i + 1;
    hr = ecgetmime_convert(&message, path, &options, &result, error);
    if (SUCCEEDED(hr))
    {
        hr = atomicfile_batch_write(&b->files, o->output, result.mime, (DWORD)strlen(result.mime));
        if (FAILED(hr))
        {
            char words[256];
            errmsg_format(error, hr, "cannot write '%s': %s", o->output, errmsg_describe(hr, words, sizeof(words)));
        }
    }
    if (FAILED(hr)) hostfs_remove(o->output);
    o->public.hr = hr;
    o->text = strdup(error);
    o->public.method = result.method;
    o->public.attendees = result.attendees;
    o->public.uid_generated = result.uid_generated;
    free(result.mime);
    mapi_message_clear(&message);
}

/* Takes the window's next message until none is left. */
static DWORD WINAPI convert_window(void *context)
{
    struct batch *b = context;
    LONG i;

    while ((i = InterlockedIncrement(&b->next) - 1) < b->window_end) convert_one(b, i);
    return 0;
}

HRESULT convertbatch_run(const struct convertbatch_job *job, char **paths, LONG count)
{
    /* on the heap: the threads share it */
    struct batch *b = calloc(1, sizeof(*b));
    HANDLE helpers[CONVERTBATCH_THREADS - 1];
    SYSTEM_INFO system;
    DWORD threads, t;

    if (!b) return E_OUTOFMEMORY;
    InitializeCriticalSection(&b->lock);
    b->files.lock = &b->lock;
    b->job_copy = *job;
    b->job = &b->job_copy;
    b->paths = paths;
    GetSystemInfo(&system);
#ifdef TRACKFIX_COVERAGE
    /* pinned in the coverage build: the same branches taken on any machine */
    threads = CONVERTBATCH_THREADS;
    (void)system;
#else
    threads = min(CONVERTBATCH_THREADS, max(1, system.dwNumberOfProcessors));
#endif
    for (b->window_start = 0; b->window_start < count; b->window_start = b->window_end)
    {
        DWORD started = 0;

        b->window_end = min(count, b->window_start + CONVERTBATCH_WINDOW);
        b->next = b->window_start;
        b->outcome_count = (ULONG)(b->window_end - b->window_start);
        for (t = 1; t < threads && b->window_end - b->window_start > 1; t++)
            if ((helpers[started] = CreateThread(NULL, 0, convert_window, b, 0, NULL))) started++;
        convert_window(b);
        WaitForMultipleObjects(started, helpers, TRUE, INFINITE);
        for (t = 0; t < started; t++) CloseHandle(helpers[t]);
        commit(b);
        if (b->job->progress) b->job->progress(b->job->context, (ULONG)b->window_end);
    }
    atomicfile_batch_free(&b->files);
    DeleteCriticalSection(&b->lock);
    free(b);
    return S_OK;
}
