/*
 * atomicfile: files that appear whole or not at all: written as NAME.tmp in
 * the same folder, flushed, closed, then renamed over NAME.
 */
#ifndef TRACKFIX_ATOMICFILE_H
#define TRACKFIX_ATOMICFILE_H

#include <windef.h>
#include <winbase.h>

/* Writes SIZE bytes of DATA to PATH (UTF-8) atomically, PATH's folder
 * resolved by Wine and the two names made by the host (see hostfs.h).
 * Returns S_OK, or the HRESULT of the failing step; PATH is then untouched
 * and PATH.tmp removed. */
HRESULT atomicfile_write(const char *path, const void *data, DWORD size);

/* A batch of atomic writes that share one flush: each file is written and
 * closed as a temporary NAME.tmp beside NAME (NAME.N.tmp when the batch
 * already holds one for NAME); the commit flushes them all with one
 * syncfs, renames each over its NAME, and flushes each folder.  A crash
 * leaves every NAME whole (old or new) or absent, and at most some
 * temporary files, never a part of one under NAME. */
struct atomicfile_batch
{
    struct atomicfile_pending *items;
    ULONG count, capacity;
    ULONGLONG bytes;   /* written since the last commit */
    BOOL names_unflushed; /* the commit leaves the folders unflushed: a
                             crash may then keep an older whole file */
    BOOL keep_spares;     /* writes go to NAME.old, which the commit
                             exchanges with NAME: the old NAME stays as
                             NAME.old, and the next write of NAME rewrites
                             that file in place, so a file rewritten again
                             and again costs no new file.  NAME.old is
                             never read: after a crash it may hold a part */
    BOOL names_unique;    /* the caller writes a name at most once a
                             commit: a write does not look through the
                             batch for its name (see below) */
    CRITICAL_SECTION *lock; /* set where threads write at once: the list is
                               kept under it, each file written outside it */
};

/* Writes SIZE bytes of DATA as PATH's temporary file, for the next commit.
 * S_OK, or the HRESULT of the failure (nothing is then left of it).  Each
 * write looks through the batch for its name (unless names_unique): keep
 * such batches to hundreds.  With LOCK set, threads may write at once; a
 * commit or free still waits for every write to return. */
HRESULT atomicfile_batch_write(struct atomicfile_batch *batch, const char *path, const void *data, DWORD size);

/* Flushes and renames every file written since the last commit; calls
 * FAILED(PATH, HR, CONTEXT) for each that did not reach its name (its
 * temporary file removed).  Returns S_OK, or the first failure. */
HRESULT atomicfile_batch_commit(struct atomicfile_batch *batch,
                                void (*failed)(const char *path, HRESULT hr, void *context), void *context);

/* Frees what the batch holds (after a commit, or to drop its writes: their
 * temporary files are removed). */
void atomicfile_batch_free(struct atomicfile_batch *batch);

#endif
