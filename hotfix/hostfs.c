/*
 * hostfs: the folder through Wine, the name through the host.
 */
#define _GNU_SOURCE /* renameat2, syncfs */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <windows.h>

#include "hostfs.h"
#include "strbuf.h"

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

/* Folders resolved, most recently used first: a batch resolves the same
 * one or two folders for every file, and Wine's lookup costs a dozen
 * system calls; a folder of a cached parent is found with one stat, and
 * kept too (the parent, used again at once, stays near the front).  A
 * folder removed since is found missing by the host call that uses it. */
#define FOLDER_CACHE_SIZE 32
static struct
{
    char *folder; /* as the program names it, separator included */
    char *host;   /* its host path, without a final separator */
} folder_cache[FOLDER_CACHE_SIZE];
static CRITICAL_SECTION folder_cache_lock;
static CRITICAL_SECTION_DEBUG folder_cache_lock_debug = {
    0, 0, &folder_cache_lock, {&folder_cache_lock_debug.ProcessLocksList, &folder_cache_lock_debug.ProcessLocksList},
    0, 0, {0}};
static CRITICAL_SECTION folder_cache_lock = {&folder_cache_lock_debug, -1, 0, 0, 0, 0};

/* The cached host path of FOLDER (new; caller frees), or NULL. */
static char *cached_folder(const char *folder, BOOL *oom)
{
    char *host = NULL;
    int i;

    EnterCriticalSection(&folder_cache_lock);
    for (i = 0; i < FOLDER_CACHE_SIZE && folder_cache[i].folder; i++)
        if (!strcmp(folder_cache[i].folder, folder))
        {
            if (!(host = strdup(folder_cache[i].host))) *oom = TRUE;
            if (i)
            {
                char *key = folder_cache[i].folder, *value = folder_cache[i].host;
                memmove(&folder_cache[1], &folder_cache[0], i * sizeof(folder_cache[0]));
                folder_cache[0].folder = key;
                folder_cache[0].host = value;
            }
            break;
        }
    LeaveCriticalSection(&folder_cache_lock);
    return host;
}

/* Keeps FOLDER's host path HOST at the front of the cache (nothing when
 * out of memory: the cache only saves time). */
static void cache_folder(const char *folder, const char *host)
{
    char *key = strdup(folder), *value = strdup(host);

    if (!key || !value)
    {
        free(key);
        free(value);
        return;
    }
    EnterCriticalSection(&folder_cache_lock);
    free(folder_cache[FOLDER_CACHE_SIZE - 1].folder);
    free(folder_cache[FOLDER_CACHE_SIZE - 1].host);
    memmove(&folder_cache[1], &folder_cache[0], (FOLDER_CACHE_SIZE - 1) * sizeof(folder_cache[0]));
    folder_cache[0].folder = key;
    folder_cache[0].host = value;
    LeaveCriticalSection(&folder_cache_lock);
}

/* FOLDER ("a/b/c/") as a folder of a cached parent ("a/b/"), named as given,
 * when that folder exists (new; caller frees); else NULL.  The queue's
 * folder per message is found with one stat this way. */
static char *child_of_cached(const char *folder, BOOL *oom)
{
    size_t length = strlen(folder), child;
    char *parent, *host = NULL, *candidate = NULL;
    struct stat st;

    if (length < 2) return NULL;
    for (child = length - 1; child > 0 && folder[child - 1] != '/' && folder[child - 1] != '\\'; child--) continue;
    if (!child || child == length - 1) return NULL;
    if (!(parent = strndup(folder, child)))
    {
        *oom = TRUE;
        return NULL;
    }
    host = cached_folder(parent, oom);
    free(parent);
    if (host && !(candidate = malloc(strlen(host) + length - child + 2))) *oom = TRUE;
    else if (host)
    {
        sprintf(candidate, "%s%s%.*s", host, strcmp(host, "/") ? "/" : "", (int)(length - child - 1), folder + child);
        if (stat(candidate, &st) || !S_ISDIR(st.st_mode))
        {
            free(candidate);
            candidate = NULL;
        }
    }
    free(host);
    return candidate;
}

/* The host path of FOLDER (new; caller frees), from the cache or from Wine;
 * NULL when it has none, or with *OOM set when an allocation failed. */
static char *resolve_folder(const char *folder, BOOL *oom)
{
    WCHAR wfolder[MAX_PATH];
    char *unix_folder, *host;
    size_t length;

    if ((host = cached_folder(folder, oom)) || *oom) return host;
    if ((host = child_of_cached(folder, oom)) || *oom)
    {
        if (host) cache_folder(folder, host);
        return host;
    }
    if (!hostfs_widen(folder, wfolder, MAX_PATH) ||
        !(unix_folder = wine_get_unix_file_name(wfolder)))
        return NULL;
    length = strlen(unix_folder);
    if (length > 1 && unix_folder[length - 1] == '/') unix_folder[--length] = 0;
    if (!(host = strdup(unix_folder))) *oom = TRUE;
    HeapFree(GetProcessHeap(), 0, unix_folder);
    if (host) cache_folder(folder, host);
    return host;
}

HRESULT hostfs_resolve(const char *path, char **host)
{
    const char *slash = strrchr(path, '/'), *backslash = strrchr(path, '\\'), *name, *separator;
    char *folder, *host_folder;
    BOOL oom = FALSE;
    size_t length;

    *host = NULL;
    if (backslash > slash) slash = backslash;
    name = slash ? slash + 1 : path;
    if (!*name) return HRESULT_FROM_WIN32(ERROR_INVALID_NAME);
    /* the folder with its separator, so "/" and "C:\" stay roots */
    length = slash ? (size_t)(name - path) : 1;
    if (length >= MAX_PATH) return HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE);
    if (!(folder = malloc(length + 1))) return E_OUTOFMEMORY;
    memcpy(folder, slash ? path : ".", length);
    folder[length] = 0;
    host_folder = resolve_folder(folder, &oom);
    free(folder);
    if (!host_folder) return oom ? E_OUTOFMEMORY : HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
    length = strlen(host_folder);
    separator = length && host_folder[length - 1] == '/' ? "" : "/";
    length += strlen(separator) + strlen(name) + 1;
    if ((*host = malloc(length))) snprintf(*host, length, "%s%s%s", host_folder, separator, name);
    free(host_folder);
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

/* The HRESULT of a read that failed with ERROR: a folder read as a file
 * is not what the caller asked for (E_INVALIDARG); an I/O error is the
 * disk's (ERROR_READ_FAULT), not the file's. */
static HRESULT read_error(int error)
{
    HRESULT hr;

    if (error == ENOENT) return HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);
    if (error == EISDIR) return E_INVALIDARG;
    hr = hostfs_error(error);
    return hr == HRESULT_FROM_WIN32(ERROR_WRITE_FAULT) ? HRESULT_FROM_WIN32(ERROR_READ_FAULT) : hr;
}

/* The host path of FOLDER, named with or without a final separator (new;
 * caller frees); NULL when it has none, or with *OOM set. */
static char *resolve_folder_named(const char *folder, BOOL *oom)
{
    size_t length = strlen(folder);
    char *named = malloc(length + 2), *host;

    if (!named)
    {
        *oom = TRUE;
        return NULL;
    }
    /* the folder with a final separator, as resolve_folder keys it */
    sprintf(named, "%s%s", folder, length && (folder[length - 1] == '/' || folder[length - 1] == '\\') ? "" : "/");
    host = resolve_folder(named, oom);
    free(named);
    return host;
}

HRESULT hostfs_for_each(const char *folder, BOOL folders,
                        void (*visit)(void *ctx, const char *folder, const char *name), void *ctx)
{
    struct dirent *entry;
    BOOL oom = FALSE;
    HRESULT hr = S_OK;
    char *host = resolve_folder_named(folder, &oom);
    DIR *dir;

    if (!host) return oom ? E_OUTOFMEMORY : S_OK;
    if ((dir = opendir(host)))
    {
        for (errno = 0; (entry = readdir(dir)); errno = 0)
        {
            BOOL is_folder = entry->d_type == DT_DIR;
            struct stat st;

            if (!strcmp(entry->d_name, ".") || !strcmp(entry->d_name, "..")) continue;
            if (entry->d_type == DT_UNKNOWN) is_folder = !fstatat(dirfd(dir), entry->d_name, &st, 0) && S_ISDIR(st.st_mode);
            if (is_folder == !!folders) visit(ctx, folder, entry->d_name);
        }
        hr = errno ? read_error(errno) : S_OK;
        closedir(dir);
    }
    else if (errno != ENOENT)
        hr = read_error(errno);
    free(host);
    return hr;
}

/* hostfs_read_text's reading of the file open as FD (closed here; -1: the
 * open failed, errno says why). */
static HRESULT read_text_fd(int fd, size_t max, char **text)
{
    struct stat st;
    size_t done = 0;
    HRESULT hr = S_OK;
    char first[4096];
    ssize_t got;

    *text = NULL;
    if (fd < 0) return read_error(errno);
    /* a small file (a message's state) in one read, without asking its size */
    while ((got = read(fd, first, sizeof(first))) < 0 && errno == EINTR) continue;
    if (got >= 0 && (size_t)got < sizeof(first) && (size_t)got <= max)
    {
        if ((*text = malloc((size_t)got + 1)))
        {
            memcpy(*text, first, (size_t)got);
            (*text)[got] = 0;
        }
        close(fd);
        return *text ? S_OK : E_OUTOFMEMORY;
    }
    /* a folder fails its read; a larger file is read whole from the start */
    if (got < 0 || lseek(fd, 0, SEEK_SET) || fstat(fd, &st)) hr = read_error(errno);
    else if (!S_ISREG(st.st_mode) || (ULONGLONG)st.st_size > max) hr = E_INVALIDARG;
    else if (!(*text = malloc((size_t)st.st_size + 1))) hr = E_OUTOFMEMORY;
    else
    {
        /* the size it had: a file that grows meanwhile is read as it was */
        while (done < (size_t)st.st_size)
        {
            got = read(fd, *text + done, (size_t)st.st_size - done);
            if (got < 0 && errno == EINTR) continue;
            if (got < 0) hr = read_error(errno);
            if (got <= 0) break;
            done += (size_t)got;
        }
        (*text)[done] = 0;
    }
    close(fd);
    if (FAILED(hr))
    {
        free(*text);
        *text = NULL;
    }
    return hr;
}

HRESULT hostfs_read_text(const char *path, size_t max, char **text)
{
    char *host;
    HRESULT hr;
    int fd;

    *text = NULL;
    if (FAILED(hr = hostfs_resolve(path, &host)))
        return hr == E_OUTOFMEMORY ? hr : HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND);
    /* not blocking: a pipe or device of that name is refused, not waited on */
    fd = open(host, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    free(host);
    return read_text_fd(fd, max, text);
}

int hostfs_open_folder(const char *path)
{
    char *host;
    int fd;

    if (FAILED(hostfs_resolve(path, &host))) return -1;
    fd = open(host, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(host);
    return fd;
}

void hostfs_close_folder(int folder)
{
    if (folder >= 0) close(folder);
}

HRESULT hostfs_read_text_at(int folder, const char *name, size_t max, char **text)
{
    return read_text_fd(openat(folder, name, O_RDONLY | O_NONBLOCK | O_CLOEXEC), max, text);
}

HRESULT hostfs_read_file(const char *path, ULONGLONG max, HGLOBAL *memory, ULONGLONG *size)
{
    struct stat st;
    char *host, *data;
    size_t done = 0;
    HRESULT hr;
    int fd;

    *memory = NULL;
    *size = 0;
    if (FAILED(hr = hostfs_resolve(path, &host))) return hr;
    /* not blocking: a pipe of that name is refused (not a regular file),
     * not waited on for a writer that never comes */
    fd = open(host, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    free(host);
    if (fd < 0 && errno == ENOENT)
    {
        /* the name in another case, as Windows finds it: Wine looks it up */
        WCHAR wpath[MAX_PATH];
        char *found;
        if (hostfs_widen(path, wpath, MAX_PATH) && (found = wine_get_unix_file_name(wpath)))
        {
            fd = open(found, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
            HeapFree(GetProcessHeap(), 0, found);
        }
        else
            errno = ENOENT;
    }
    if (fd < 0) return read_error(errno);
    if (fstat(fd, &st)) hr = read_error(errno);
    else if (!S_ISREG(st.st_mode) || (ULONGLONG)st.st_size > max) hr = E_INVALIDARG;
    else if (!(*memory = GlobalAlloc(GMEM_MOVEABLE, (SIZE_T)st.st_size + 1)) || !(data = GlobalLock(*memory)))
        hr = E_OUTOFMEMORY;
    else
    {
        while (done < (size_t)st.st_size)
        {
            ssize_t got = read(fd, data + done, (size_t)st.st_size - done);
            if (got < 0 && errno == EINTR) continue;
            if (got <= 0) break;
            done += (size_t)got;
        }
        data[done] = 0;
        GlobalUnlock(*memory);
        if (done != (size_t)st.st_size) hr = HRESULT_FROM_WIN32(ERROR_READ_FAULT);
        *size = done;
    }
    close(fd);
    if (FAILED(hr) && *memory)
    {
        GlobalFree(*memory);
        *memory = NULL;
    }
    return hr;
}

int hostfs_write_all(int fd, const void *data, size_t size)
{
    const char *next = data;

    while (size)
    {
        ssize_t written = write(fd, next, size);
        if (written < 0 && errno == EINTR) continue;
        if (written <= 0) return written < 0 ? errno : EIO;
        next += written;
        size -= (size_t)written;
    }
    return 0;
}

HRESULT hostfs_write_file(const char *path, const void *data, size_t size)
{
    char *host;
    HRESULT hr;
    int fd, error;

    if (FAILED(hr = hostfs_resolve(path, &host))) return hr;
    if ((fd = open(host, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666)) < 0) error = errno;
    else
    {
        error = hostfs_write_all(fd, data, size);
        if (close(fd) && !error) error = errno;
    }
    free(host);
    return error ? hostfs_error(error) : S_OK;
}

HRESULT hostfs_append_line(const char *path, const char *line, size_t size, BOOL flush, BOOL whole)
{
    char *host, last = '\n';
    HRESULT hr;
    int fd, error;

    if (FAILED(hr = hostfs_resolve(path, &host))) return hr;
    if ((fd = open(host, O_RDWR | O_APPEND | O_CREAT | O_CLOEXEC, 0666)) < 0) error = errno;
    else
    {
        off_t end = whole ? 0 : lseek(fd, 0, SEEK_END);
        error = end < 0 ? errno : 0;
        if (!error && end > 0 && pread(fd, &last, 1, end - 1) != 1) error = errno ? errno : EIO;
        if (!error && last != '\n') error = hostfs_write_all(fd, "\n", 1);
        if (!error) error = hostfs_write_all(fd, line, size);
        if (!error && flush && fsync(fd)) error = errno;
        if (close(fd) && !error) error = errno;
    }
    free(host);
    return error ? hostfs_error(error) : S_OK;
}

/* Opens PATH (a file or a folder) for reading into *FD: 0 or an errno. */
static int open_any(const char *path, int *fd)
{
    char *host;
    HRESULT hr;

    *fd = -1;
    if (FAILED(hr = hostfs_resolve(path, &host))) return hr == E_OUTOFMEMORY ? ENOMEM : ENOENT;
    *fd = open(host, O_RDONLY | O_CLOEXEC);
    free(host);
    return *fd < 0 ? errno : 0;
}

HRESULT hostfs_sync(const char *path)
{
    int fd, error = open_any(path, &fd);

    if (!error && syncfs(fd)) error = errno;
    if (fd >= 0) close(fd);
    return error ? hostfs_error(error) : S_OK;
}

HRESULT hostfs_sync_folder(const char *path)
{
    int fd, error = open_any(path, &fd);

    if (!error && fsync(fd)) error = errno;
    if (fd >= 0) close(fd);
    return error && error != EINVAL ? hostfs_error(error) : S_OK;
}

/* Makes the parent folder of TRIMMED (a path with no final separator). */
static HRESULT make_parent(char *trimmed)
{
    char *slash = strrchr(trimmed, '/'), *backslash = strrchr(trimmed, '\\');
    HRESULT hr;

    if (backslash > slash) slash = backslash;
    if (!slash || slash == trimmed || slash[-1] == ':') return HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND);
    *slash = 0;
    hr = hostfs_make_folders(trimmed);
    *slash = '/';
    return hr;
}

/* TRUE when NAME (UTF-8) could be spelt in another case: it has a letter
 * (any byte past ASCII counts as one).  A queue id never can. */
static BOOL has_case(const char *name)
{
    for (; *name; name++)
        if (((*name | 0x20) >= 'a' && (*name | 0x20) <= 'z') || (unsigned char)*name >= 0x80) return TRUE;
    return FALSE;
}

/* TRUE when S has no byte past ASCII. */
static BOOL is_ascii(const char *s)
{
    for (; *s; s++)
        if ((unsigned char)*s >= 0x80) return FALSE;
    return TRUE;
}

/* The host path of the folder HOST (a host path whose last name is not
 * there) names in another case, as Windows would find it (new; caller
 * frees), or NULL; PATH is the same folder in the program's terms.  When
 * the name and every entry beside it are ASCII and the name has no '~'
 * (no short 8.3 name to match), Wine's case-insensitive match is ASCII's,
 * and the host's one reading of the folder decides; else, or when the
 * folder cannot be read, Wine looks the whole path up (two dozen system
 * calls a folder on the way). */
static char *folder_in_other_case(const char *host, const char *path)
{
    const char *slash = strrchr(host, '/'), *name = slash + 1;
    char *parent, *found = NULL, *unix_found;
    BOOL ask_wine = strchr(name, '~') || !is_ascii(name);
    WCHAR wpath[MAX_PATH];
    struct dirent *entry;
    DIR *dir;

    if (!ask_wine && (parent = strndup(host, slash == host ? 1 : (size_t)(slash - host))))
    {
        if ((dir = opendir(parent)))
        {
            for (errno = 0; !found && !ask_wine && (entry = readdir(dir)); errno = 0)
            {
                if (!is_ascii(entry->d_name)) ask_wine = TRUE;
                else if (!strcasecmp(entry->d_name, name) &&
                         (found = malloc(strlen(parent) + strlen(entry->d_name) + 2)))
                    sprintf(found, "%s/%s", strcmp(parent, "/") ? parent : "", entry->d_name);
            }
            if (errno) ask_wine = TRUE;
            closedir(dir);
        }
        else
            ask_wine = TRUE;
        free(parent);
        if (!ask_wine) return found;
        free(found);
        found = NULL;
    }
    if (hostfs_widen(path, wpath, MAX_PATH) && (unix_found = wine_get_unix_file_name(wpath)))
    {
        found = strdup(unix_found);
        HeapFree(GetProcessHeap(), 0, unix_found);
    }
    return found;
}

HRESULT hostfs_make_folders(const char *path)
{
    size_t length = strlen(path);
    char *trimmed, *host = NULL, *found = NULL;
    struct stat st;
    HRESULT hr;

    /* "a/b/" names the folder "a/b"; "Q:\\" stays a drive's root */
    while (length > 1 && (path[length - 1] == '/' || path[length - 1] == '\\') && path[length - 2] != ':') length--;
    if (!(trimmed = strndup(path, length))) return E_OUTOFMEMORY;
    hr = hostfs_resolve(trimmed, &host);
    if (hr == HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND) && SUCCEEDED(hr = make_parent(trimmed)))
        hr = hostfs_resolve(trimmed, &host);
    if (FAILED(hr) || (!stat(host, &st) && S_ISDIR(st.st_mode))) goto done;
    /* not there by this name: in another case, as Windows finds it? */
    if (has_case(strrchr(host, '/') + 1) && (found = folder_in_other_case(host, trimmed)) && !stat(found, &st) &&
        S_ISDIR(st.st_mode))
        goto done;
    if (!mkdir(host, 0777)) goto done;
    if (errno == ENOENT && SUCCEEDED(hr = make_parent(trimmed))) mkdir(host, 0777);
    if (SUCCEEDED(hr) && (stat(host, &st) || !S_ISDIR(st.st_mode)))
        hr = errno == ENOENT ? HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND) : HRESULT_FROM_WIN32(ERROR_DIRECTORY);
done:
    free(found);
    free(host);
    free(trimmed);
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

HRESULT hostfs_check_folder(const char *path)
{
    struct stat st;
    char *host;
    HRESULT hr;

    if (FAILED(hr = hostfs_resolve(path, &host))) return hr == E_OUTOFMEMORY ? hr : S_FALSE;
    hr = !lstat(host, &st) && S_ISDIR(st.st_mode) ? S_OK : S_FALSE;
    free(host);
    return hr;
}

HRESULT hostfs_file_size(const char *path, ULONGLONG *size)
{
    struct stat st;
    char *host;
    HRESULT hr;

    *size = 0;
    if (FAILED(hr = hostfs_resolve(path, &host))) return hr;
    if (stat(host, &st)) hr = hostfs_error(errno);
    else *size = (ULONGLONG)st.st_size;
    free(host);
    return hr;
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

    HRESULT hr = hostfs_resolve(path, &host);

    if (FAILED(hr))
    {
        errno = hr == E_OUTOFMEMORY ? ENOMEM : ENOENT;
        return NULL;
    }
    file = fopen(host, "rb");
    free(host);
    return file;
}

BOOL hostfs_widen(const char *utf8, WCHAR *out, int size)
{
    if (MultiByteToWideChar(CP_UTF8, 0, utf8, -1, out, size)) return TRUE;
    out[0] = 0;
    return FALSE;
}

/* What remove_entry removes (folders or the rest), what it keeps, and
 * whether it ran out of memory. */
struct removal
{
    BOOL folders, oom;
    const char *keep;
};

/* Removes FOLDER/NAME, a file, or a folder with all it holds (CTX: a
 * struct removal), but the name it keeps. */
static void remove_entry(void *ctx, const char *folder, const char *name)
{
    struct removal *removal = ctx;
    char *path;

    if (removal->keep && !strcmp(name, removal->keep)) return;
    if (!(path = strbuf_path(folder, name, NULL))) removal->oom = TRUE;
    else if (removal->folders) removal->oom |= hostfs_remove_tree(path) == E_OUTOFMEMORY;
    else removal->oom |= hostfs_remove(path) == E_OUTOFMEMORY;
    free(path);
}

HRESULT hostfs_empty_folder(const char *path, const char *keep)
{
    struct removal folders = {TRUE, FALSE, keep}, files = {FALSE, FALSE, keep};

    if (hostfs_for_each(path, TRUE, remove_entry, &folders) == E_OUTOFMEMORY ||
        hostfs_for_each(path, FALSE, remove_entry, &files) == E_OUTOFMEMORY || files.oom || folders.oom)
        return E_OUTOFMEMORY;
    return S_OK;
}

HRESULT hostfs_remove_tree(const char *path)
{
    BOOL oom = FALSE;
    char *host;

    if (FAILED(hostfs_empty_folder(path, NULL))) return E_OUTOFMEMORY;
    /* the folder found as hostfs_for_each found it, removed by the host:
     * RemoveDirectoryW would look the path up again through Wine (two
     * dozen system calls and three wineserver requests a folder) */
    if ((host = resolve_folder_named(path, &oom))) rmdir(host);
    free(host);
    return oom ? E_OUTOFMEMORY : S_OK;
}
