/*
 * atomicfile: temp file, flush, rename.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <windows.h>

#include "atomicfile.h"
#include "hostfs.h"

BOOL atomicfile_names(const char *path, WCHAR *wpath, WCHAR *wtemp)
{
    int len = MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath, MAX_PATH);

    if (!len || len + 4 > MAX_PATH) return FALSE;
    lstrcpyW(wtemp, wpath);
    lstrcatW(wtemp, L".tmp");
    return TRUE;
}

HRESULT atomicfile_commit(const WCHAR *temp, const WCHAR *path)
{
    HANDLE file = CreateFileW(temp, GENERIC_WRITE, 0, NULL, OPEN_EXISTING, 0, NULL);
    HRESULT hr = S_OK;

    if (file == INVALID_HANDLE_VALUE || !FlushFileBuffers(file)) hr = HRESULT_FROM_WIN32(GetLastError());
    if (file != INVALID_HANDLE_VALUE) CloseHandle(file);
    if (SUCCEEDED(hr) && !MoveFileExW(temp, path, MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH))
        hr = HRESULT_FROM_WIN32(GetLastError());
    if (FAILED(hr)) DeleteFileW(temp);
    return hr;
}

/* Writes all SIZE bytes of DATA to FD and flushes them to disk; 0 or an errno. */
static int write_all(int fd, const char *data, size_t size)
{
    while (size)
    {
        ssize_t written = write(fd, data, size);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return written < 0 ? errno : EIO;
        data += written;
        size -= (size_t)written;
    }
    return fsync(fd) ? errno : 0;
}

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
        error = write_all(fd, data, size);
        if (close(fd) && !error) error = errno;
        if (!error && rename(temp, host)) error = errno;
        if (error) unlink(temp);
    }
    free(temp);
    free(host);
    return error ? hostfs_error(error) : S_OK;
}
