/*
 * hostfs: the folder through Wine, the name through the host.
 */
#define _GNU_SOURCE /* renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <windows.h>

#include "hostfs.h"

HRESULT hostfs_error(int error)
{
    switch (error)
    {
    case ENOENT: return HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
    case EEXIST:
    case ENOTEMPTY: return HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS);
    case EACCES:
    case EPERM:
    case EISDIR: return HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED);
    case EROFS: return HRESULT_FROM_WIN32(ERROR_WRITE_PROTECT);
    case ENOSPC:
    case EDQUOT: return HRESULT_FROM_WIN32(ERROR_DISK_FULL);
    case ENAMETOOLONG: return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
    case ENOMEM: return E_OUTOFMEMORY;
    case ENOTDIR: return HRESULT_FROM_WIN32(ERROR_DIRECTORY);
    case EXDEV: return HRESULT_FROM_WIN32(ERROR_NOT_SAME_DEVICE);
    default: return HRESULT_FROM_WIN32(ERROR_WRITE_FAULT);
    }
}

HRESULT hostfs_resolve(const char *path, char **host)
{
    const char *slash = strrchr(path, '/'), *backslash = strrchr(path, '\\'), *name, *separator;
    WCHAR wfolder[MAX_PATH];
    char *folder, *unix_folder;
    size_t length;

    *host = NULL;
    if (backslash > slash) slash = backslash;
    name = slash ? slash + 1 : path;
    if (!*name) return HRESULT_FROM_WIN32(ERROR_INVALID_NAME);
    /* the folder with its separator, so "/" and "C:\" stay roots */
    length = slash ? (size_t)(name - path) : 1;
    if (!(folder = malloc(length + 1))) return E_OUTOFMEMORY;
    memcpy(folder, slash ? path : ".", length);
    folder[length] = 0;
    length = MultiByteToWideChar(CP_UTF8, 0, folder, -1, wfolder, MAX_PATH);
    free(folder);
    if (!length) return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
    if (!(unix_folder = wine_get_unix_file_name(wfolder))) return HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
    length = strlen(unix_folder);
    separator = length && unix_folder[length - 1] == '/' ? "" : "/";
    length += strlen(separator) + strlen(name) + 1;
    if ((*host = malloc(length))) snprintf(*host, length, "%s%s%s", unix_folder, separator, name);
    HeapFree(GetProcessHeap(), 0, unix_folder);
    return *host ? S_OK : E_OUTOFMEMORY;
}

HRESULT hostfs_rename(const char *from, const char *to)
{
    char *host_from = NULL, *host_to = NULL;
    HRESULT hr;

    if (SUCCEEDED(hr = hostfs_resolve(from, &host_from)) && SUCCEEDED(hr = hostfs_resolve(to, &host_to)) &&
        renameat2(AT_FDCWD, host_from, AT_FDCWD, host_to, RENAME_NOREPLACE))
    {
        struct stat st;
        /* a file system without RENAME_NOREPLACE: test, then rename */
        if (errno != EINVAL) hr = hostfs_error(errno);
        else if (!lstat(host_to, &st)) hr = HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS);
        else if (rename(host_from, host_to)) hr = hostfs_error(errno);
    }
    free(host_from);
    free(host_to);
    return hr;
}

HRESULT hostfs_remove(const char *path)
{
    char *host;
    HRESULT hr;

    if (FAILED(hr = hostfs_resolve(path, &host))) return hr == HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND) ? S_OK : hr;
    if (unlink(host) && errno != ENOENT) hr = hostfs_error(errno);
    free(host);
    return hr;
}

BOOL hostfs_exists(const char *path)
{
    struct stat st;
    char *host;
    BOOL exists;

    if (FAILED(hostfs_resolve(path, &host))) return FALSE;
    exists = !lstat(host, &st);
    free(host);
    return exists;
}

HRESULT hostfs_lock(const char *path, int *fd)
{
    char *host;
    HRESULT hr = hostfs_resolve(path, &host);

    *fd = -1;
    if (FAILED(hr)) return hr;
    if ((*fd = open(host, O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0) hr = hostfs_error(errno);
    else if (flock(*fd, LOCK_EX | LOCK_NB))
    {
        hr = errno == EWOULDBLOCK ? HRESULT_FROM_WIN32(ERROR_SHARING_VIOLATION) : hostfs_error(errno);
        close(*fd);
        *fd = -1;
    }
    free(host);
    return hr;
}

void hostfs_unlock(int fd)
{
    if (fd >= 0) close(fd);
}

FILE *hostfs_fopen_read(const char *path)
{
    char *host;
    FILE *file;

    if (FAILED(hostfs_resolve(path, &host)))
    {
        errno = ENOENT;
        return NULL;
    }
    file = fopen(host, "rb");
    free(host);
    return file;
}
