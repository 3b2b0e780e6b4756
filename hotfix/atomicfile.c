/*
 * atomicfile: temp file, flush, rename.
 */
#define _GNU_SOURCE /* syncfs, renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <windows.h>

#include "atomicfile.h"
#include "grow.h"
#include "hostfs.h"

/* Through the host (see hostfs.h): in an output folder of thousands of
 * files, Wine's lookup of the two new names would cost more than the write. */
HRESULT atomicfile_write(const char *path, const void *data, DWORD size)
{
    char *host, *temp;
    HRESULT hr;
    int fd, error;

    if (FAILED(hr = hostfs_resolve(path, &host))) return hr;
    if (!(temp = malloc(strlen(host) + sizeof(".tmp"))))
    {
        free(host);
        return E_OUTOFMEMORY;
    }
    sprintf(temp, "%s.tmp", host);
    if ((fd = open(temp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0) error = errno;
    else
    {
        error = hostfs_write_all(fd, data, size);
        if (!error && fsync(fd)) error = errno;
        if (close(fd) && !error) error = errno;
        if (!error && rename(temp, host)) error = errno;
        if (error) unlink(temp);
    }
    free(temp);
    free(host);
    return error ? hostfs_error(error) : S_OK;
}

struct atomicfile_pending
{
    char *path;  /* as the caller named it, for its report */
    char *host;  /* the host path of NAME */
    char *temp;  /* ... and of NAME.N.tmp */
};

static void pending_free(struct atomicfile_pending *p, BOOL remove_temp)
{
    if (remove_temp && p->temp) unlink(p->temp);
    free(p->path);
    free(p->host);
    free(p->temp);
}

static void batch_lock(struct atomicfile_batch *batch)
{
    if (batch->lock) EnterCriticalSection(batch->lock);
}

static void batch_unlock(struct atomicfile_batch *batch)
{
    if (batch->lock) LeaveCriticalSection(batch->lock);
}

/* Takes a place in the batch for the write of PATH to HOST, owning the
 * strings PATH, HOST and TEMP from then on, and names TEMP; returns the
 * place's index.  Under the batch's lock. */
static ULONG reserve(struct atomicfile_batch *batch, char *path, char *host, char *temp)
{
    struct atomicfile_pending *p = &batch->items[batch->count];
    ULONG i;

    /* NAME.tmp, as atomicfile_write names it (NAME.old, the spare, with
     * keep_spares); an output named twice in one batch keeps a second
     * temporary file, NAME.N.tmp, and the later wins */
    sprintf(temp, batch->keep_spares ? "%s.old" : "%s.tmp", host);
    for (i = 0; i < batch->count && !batch->names_unique; i++)
        if (batch->items[i].host && !strcmp(batch->items[i].host, host)) sprintf(temp, "%s.%u.tmp", host, batch->count);
    p->path = path;
    p->host = host;
    p->temp = temp;
    return batch->count++;
}

HRESULT atomicfile_batch_write(struct atomicfile_batch *batch, const char *path, const void *data, DWORD size)
{
    char *host, *copy, *temp;
    HRESULT hr;
    BOOL room;
    int fd, error;
    ULONG index;

    if (FAILED(hr = hostfs_resolve(path, &host))) return hr;
    copy = strdup(path);
    temp = malloc(strlen(host) + 16);
    batch_lock(batch);
    if ((room = copy && temp && grow_for_one(&batch->items, &batch->capacity, batch->count, sizeof(*batch->items), 64)))
        index = reserve(batch, copy, host, temp);
    batch_unlock(batch);
    if (!room)
    {
        free(copy);
        free(host);
        free(temp);
        return E_OUTOFMEMORY;
    }
    /* outside the lock: TEMP is this write's alone.  A spare is rewritten
     * in place: no new file, its blocks reused */
    if ((fd = open(temp, O_WRONLY | O_CREAT | (batch->keep_spares ? 0 : O_TRUNC) | O_CLOEXEC, 0666)) < 0)
        error = errno;
    else
    {
        error = hostfs_write_all(fd, data, size);
        if (!error && batch->keep_spares && ftruncate(fd, size)) error = errno;
        if (close(fd) && !error) error = errno;
    }
    batch_lock(batch);
    if (error)
    {
        /* its place stays, empty: the commit passes over it */
        pending_free(&batch->items[index], TRUE);
        memset(&batch->items[index], 0, sizeof(batch->items[index]));
    }
    else batch->bytes += size;
    batch_unlock(batch);
    return error ? hostfs_error(error) : S_OK;
}

/* Puts P's temporary file under its name: with SPARE, by exchanging the
 * two (the old file stays as the spare), where there is an old file and
 * the file system can; else by a rename.  0 or an errno. */
static int install(const struct atomicfile_pending *p, BOOL spare)
{
    if (spare && !renameat2(AT_FDCWD, p->temp, AT_FDCWD, p->host, RENAME_EXCHANGE)) return 0;
    if (spare && errno != ENOENT && errno != EINVAL && errno != ENOSYS) return errno;
    return rename(p->temp, p->host) ? errno : 0;
}

/* Flushes the folder holding HOST_FILE (a host path): its new names are
 * then durable.  0, also where the file system cannot flush a folder, or
 * an errno. */
static int sync_host_folder(const char *host_file)
{
    const char *slash = strrchr(host_file, '/');
    char *folder = slash ? strndup(host_file, slash == host_file ? 1 : (size_t)(slash - host_file)) : strdup(".");
    int fd, error = 0;

    if (!folder) return ENOMEM;
    if ((fd = open(folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0 || fsync(fd)) error = errno;
    if (fd >= 0) close(fd);
    free(folder);
    return error == EINVAL ? 0 : error;
}

/* syncfs of the file system that holds the host file HOST. */
static HRESULT sync_host_file_system(const char *host)
{
    int fd = open(host, O_RDONLY | O_CLOEXEC), error = 0;

    if (fd < 0 || syncfs(fd)) error = errno;
    if (fd >= 0) close(fd);
    return error ? hostfs_error(error) : S_OK;
}

HRESULT atomicfile_batch_commit(struct atomicfile_batch *batch,
                                void (*failed)(const char *path, HRESULT hr, void *context), void *context)
{
    HRESULT first = S_OK, synced, hr;
    ULONG i, j;

    /* a write that failed left its place empty */
    for (i = 0; i < batch->count && !batch->items[i].temp; i++) continue;
    if (i == batch->count)
    {
        batch->count = 0;
        return S_OK;
    }
    /* one flush of the file system for every temporary file's data */
    synced = sync_host_file_system(batch->items[i].temp);
    for (; i < batch->count; i++)
    {
        struct atomicfile_pending *p = &batch->items[i];
        size_t length;
        BOOL spare;
        int error;

        if (!p->temp) continue;
        /* only NAME.old is a spare: a second write of NAME in the batch
         * (NAME.N.tmp) is renamed */
        length = strlen(p->host);
        spare = batch->keep_spares && !strncmp(p->temp, p->host, length) && !strcmp(p->temp + length, ".old");
        hr = FAILED(synced) ? synced : (error = install(p, spare)) ? hostfs_error(error) : S_OK;
        if (FAILED(hr))
        {
            unlink(p->temp);
            if (failed) failed(p->path, hr, context);
            if (SUCCEEDED(first)) first = hr;
        }
    }
    /* each folder once: its renames durable */
    for (i = 0; i < batch->count && !batch->names_unflushed; i++)
    {
        const char *host = batch->items[i].host, *slash = host ? strrchr(host, '/') : NULL;
        size_t length = slash ? (size_t)(slash - host) : 0;
        int error;

        if (!host) continue;
        for (j = 0; j < i; j++)
            if (batch->items[j].host && !strncmp(batch->items[j].host, host, length + 1) &&
                !strchr(batch->items[j].host + length + 1, '/'))
                break;
        if (j == i && (error = sync_host_folder(host)) && SUCCEEDED(first)) first = hostfs_error(error);
    }
    for (i = 0; i < batch->count; i++)
    {
        free(batch->items[i].temp);
        batch->items[i].temp = NULL;
        pending_free(&batch->items[i], FALSE);
    }
    batch->count = 0;
    batch->bytes = 0;
    return first;
}

void atomicfile_batch_free(struct atomicfile_batch *batch)
{
    ULONG i;

    for (i = 0; i < batch->count; i++) pending_free(&batch->items[i], TRUE);
    free(batch->items);
    batch->items = NULL;
    batch->count = batch->capacity = 0;
    batch->bytes = 0;
}
