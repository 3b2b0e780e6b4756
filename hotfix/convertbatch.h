/*
 * convertbatch: EcGetMime on many .msg files in one process, window by
 * window: up to CONVERTBATCH_THREADS threads share a window of
 * CONVERTBATCH_WINDOW messages, the window's outputs share one flush to
 * disk (atomicfile_batch), then each message's outcome is handed back in
 * the order given.  No output file is left for a message that failed, not
 * even one from an earlier run.
 */
#ifndef TRACKFIX_CONVERTBATCH_H
#define TRACKFIX_CONVERTBATCH_H

#include <windef.h>

#include "ecgetmime.h"
#include "systime.h"

#define CONVERTBATCH_WINDOW 256
#define CONVERTBATCH_THREADS 2

/* What became of one message, its output on disk when HR succeeded. */
struct convertbatch_outcome
{
    const char *path, *output;  /* the .msg, and OUTPUT_DIR/<its base name>.eml */
    const char *text;           /* why it failed, else "" */
    HRESULT hr;
    BOOL unreadable;            /* msgfile_read failed: TEXT says why */
    enum ecgetmime_method method;
    ULONG attendees;
    BOOL uid_generated;
    enum systime_path track_path;
};

struct convertbatch_job
{
    const char *output_dir;
    struct ecgetmime_options options; /* serial set per message; now too unless NOW_FIXED */
    BOOL now_fixed;
    /* the track-time path for the next conversion (the switch read anew),
     * called one at a time */
    enum systime_path (*track_path)(void *context);
    /* each outcome, in the order of PATHS, once the window is on disk */
    void (*done)(void *context, const struct convertbatch_outcome *outcome);
    /* after each window: how many messages are done */
    void (*progress)(void *context, ULONG done);
    void *context;
};

/* Converts the COUNT messages of PATHS as JOB says (copied: it may live
 * on the caller's stack; its CONTEXT, which the threads reach, on the
 * heap).  S_OK, or E_OUTOFMEMORY before anything was converted. */
HRESULT convertbatch_run(const struct convertbatch_job *job, char **paths, LONG count);

#endif
