/*
 * faults: the wrappers that fail the N-th call of the kind under test, and
 * the harness that runs an operation for every N (faults.h).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <execinfo.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <windows.h>

#include "cmocka_wine.h"
#include "errmsg.h"
#include "faults.h"

void *__real_malloc(size_t size);
void *__real_calloc(size_t count, size_t size);
void *__real_realloc(void *p, size_t size);
char *__real_strdup(const char *s);
char *__real_strndup(const char *s, size_t size);
HGLOBAL WINAPI __real_GlobalAlloc(UINT flags, SIZE_T size);
ssize_t __real_write(int fd, const void *data, size_t size);
int __real_fsync(int fd);
int __real_syncfs(int fd);
int __real_rename(const char *from, const char *to);
int __real_renameat2(int from_dir, const char *from, int to_dir, const char *to, unsigned flags);
int __real_close(int fd);
int __real_unlink(const char *path);
int __real_mkdir(const char *path, mode_t mode);
int __real_ftruncate(int fd, off_t size);
BOOL WINAPI __real_WriteFile(HANDLE file, const void *data, DWORD size, DWORD *written, OVERLAPPED *overlapped);
BOOL WINAPI __real_FlushFileBuffers(HANDLE file);
int __real_open(const char *path, int flags, ...);
int __real_openat(int dir, const char *path, int flags, ...);
FILE *__real_fopen(const char *path, const char *mode);
DIR *__real_opendir(const char *path);
ssize_t __real_read(int fd, void *data, size_t size);
ssize_t __real_pread(int fd, void *data, size_t size, off_t offset);
off_t __real_lseek(int fd, off_t offset, int whence);
int __real_fstat(int fd, struct stat *st);
HANDLE WINAPI __real_CreateFileW(const WCHAR *name, DWORD access, DWORD sharing, SECURITY_ATTRIBUTES *security,
                                 DWORD creation, DWORD attributes, HANDLE template);
BOOL WINAPI __real_ReadFile(HANDLE file, void *data, DWORD size, DWORD *got, OVERLAPPED *overlapped);
BOOL WINAPI __real_GetFileSizeEx(HANDLE file, LARGE_INTEGER *size);
LSTATUS WINAPI __real_RegCreateKeyExW(HKEY key, const WCHAR *name, DWORD reserved, WCHAR *class_name, DWORD options,
                                      REGSAM access, SECURITY_ATTRIBUTES *security, HKEY *result, DWORD *disposition);
LSTATUS WINAPI __real_RegSetValueExW(HKEY key, const WCHAR *name, DWORD reserved, DWORD type, const BYTE *data, DWORD size);
LSTATUS WINAPI __real_RegDeleteTreeW(HKEY key, const WCHAR *name);
LSTATUS WINAPI __real_RegEnumValueW(HKEY key, DWORD index, WCHAR *name, DWORD *name_size, DWORD *reserved, DWORD *type,
                                    BYTE *data, DWORD *size);
LSTATUS WINAPI __real_RegOpenKeyExW(HKEY key, const WCHAR *name, DWORD options, REGSAM access, HKEY *result);
LSTATUS WINAPI __real_RegQueryValueExW(HKEY key, const WCHAR *name, DWORD *reserved, DWORD *type, BYTE *data,
                                       DWORD *size);

static const char *const fault_names[] = {"allocations", "file writes, flushes and renames", "file opens and reads",
                                          "reads and writes interrupted", "registry calls"};

/* The kind under test; its calls counted, the FAIL_AT-th failing (0: count
 * only); the other kinds pass through. */
static enum fault_kind under_test;
static LONG calls, fail_at;

/* While RECORDING (the run that counts, when only the first call of each
 * path is to fail), the call path of each call: a hash of its innermost
 * PATH_FRAMES return addresses, PATHS[N] the N-th call's; PATHS_SIZE
 * entries allocated.  The runs that fail a call record nothing. */
#define PATH_FRAMES 8
static BOOL recording;
static UINT64 *paths;
static LONG paths_size;

static void record_path(void)
{
    void *frames[PATH_FRAMES];
    int count = backtrace(frames, PATH_FRAMES), i;
    UINT64 hash = 14695981039346656037ull;

    if (calls >= paths_size)
    {
        LONG size = max(2 * paths_size, 1024);
        UINT64 *grown = __real_realloc(paths, (size_t)size * sizeof(*paths));
        assert_non_null(grown);
        paths = grown;
        paths_size = size;
    }
    for (i = 0; i < count; i++) hash = (hash ^ (UINT64)(ULONG_PTR)frames[i]) * 1099511628211ull;
    paths[calls] = hash;
}

static BOOL fails(enum fault_kind kind)
{
    if (kind != under_test) return FALSE;
    ++calls;
    if (recording) record_path();
    return calls == fail_at;
}

void *__wrap_malloc(size_t size)
{
    return fails(FAULT_ALLOCATION) ? NULL : __real_malloc(size);
}

void *__wrap_calloc(size_t count, size_t size)
{
    return fails(FAULT_ALLOCATION) ? NULL : __real_calloc(count, size);
}

void *__wrap_realloc(void *p, size_t size)
{
    return fails(FAULT_ALLOCATION) ? NULL : __real_realloc(p, size);
}

char *__wrap_strdup(const char *s)
{
    return fails(FAULT_ALLOCATION) ? NULL : __real_strdup(s);
}

char *__wrap_strndup(const char *s, size_t size)
{
    return fails(FAULT_ALLOCATION) ? NULL : __real_strndup(s, size);
}

HGLOBAL WINAPI __wrap_GlobalAlloc(UINT flags, SIZE_T size)
{
    if (!fails(FAULT_ALLOCATION)) return __real_GlobalAlloc(flags, size);
    SetLastError(ERROR_NOT_ENOUGH_MEMORY);
    return NULL;
}

/* A failed I/O call, as a disk that went bad. */
static int io_error(void)
{
    errno = EIO;
    return -1;
}

/* A call a signal interrupted before it did anything. */
static int interrupted(void)
{
    errno = EINTR;
    return -1;
}

ssize_t __wrap_write(int fd, const void *data, size_t size)
{
    if (fails(FAULT_INTERRUPT)) return interrupted();
    return fails(FAULT_IO) ? io_error() : __real_write(fd, data, size);
}

int __wrap_close(int fd)
{
    int result = __real_close(fd);
    return fails(FAULT_IO) ? io_error() : result;
}

int __wrap_unlink(const char *path)
{
    return fails(FAULT_IO) ? io_error() : __real_unlink(path);
}

int __wrap_mkdir(const char *path, mode_t mode)
{
    return fails(FAULT_IO) ? io_error() : __real_mkdir(path, mode);
}

int __wrap_ftruncate(int fd, off_t size)
{
    return fails(FAULT_IO) ? io_error() : __real_ftruncate(fd, size);
}

/* Set: the calls answer as a file system that has neither renameat2's
 * flags nor a flush of a folder (EINVAL). */
BOOL fault_plain_file_system;

int __wrap_fsync(int fd)
{
    struct stat st;

    if (fault_plain_file_system && !__real_fstat(fd, &st) && S_ISDIR(st.st_mode))
    {
        errno = EINVAL;
        return -1;
    }
    return fails(FAULT_IO) ? io_error() : __real_fsync(fd);
}

int __wrap_syncfs(int fd)
{
    return fails(FAULT_IO) ? io_error() : __real_syncfs(fd);
}

int __wrap_rename(const char *from, const char *to)
{
    return fails(FAULT_IO) ? io_error() : __real_rename(from, to);
}

int __wrap_renameat2(int from_dir, const char *from, int to_dir, const char *to, unsigned flags)
{
    if (fault_plain_file_system && flags)
    {
        errno = EINVAL;
        return -1;
    }
    return fails(FAULT_IO) ? io_error() : __real_renameat2(from_dir, from, to_dir, to, flags);
}

BOOL WINAPI __wrap_WriteFile(HANDLE file, const void *data, DWORD size, DWORD *written, OVERLAPPED *overlapped)
{
    if (!fails(FAULT_IO)) return __real_WriteFile(file, data, size, written, overlapped);
    SetLastError(ERROR_WRITE_FAULT);
    return FALSE;
}

BOOL WINAPI __wrap_FlushFileBuffers(HANDLE file)
{
    if (!fails(FAULT_IO)) return __real_FlushFileBuffers(file);
    SetLastError(ERROR_WRITE_FAULT);
    return FALSE;
}

/* open and openat take a mode after the flags with O_CREAT (trackfix
 * makes no O_TMPFILE files). */
int __wrap_open(const char *path, int flags, ...)
{
    mode_t mode = 0;
    va_list args;

    va_start(args, flags);
    if (flags & O_CREAT) mode = va_arg(args, mode_t);
    va_end(args);
    return fails(FAULT_READ) ? io_error() : __real_open(path, flags, mode);
}

int __wrap_openat(int dir, const char *path, int flags, ...)
{
    mode_t mode = 0;
    va_list args;

    va_start(args, flags);
    if (flags & O_CREAT) mode = va_arg(args, mode_t);
    va_end(args);
    return fails(FAULT_READ) ? io_error() : __real_openat(dir, path, flags, mode);
}

FILE *__wrap_fopen(const char *path, const char *mode)
{
    return fails(FAULT_READ) ? (io_error(), NULL) : __real_fopen(path, mode);
}

DIR *__wrap_opendir(const char *path)
{
    return fails(FAULT_READ) ? (io_error(), NULL) : __real_opendir(path);
}

ssize_t __wrap_read(int fd, void *data, size_t size)
{
    if (fails(FAULT_INTERRUPT)) return interrupted();
    return fails(FAULT_READ) ? io_error() : __real_read(fd, data, size);
}

ssize_t __wrap_pread(int fd, void *data, size_t size, off_t offset)
{
    return fails(FAULT_READ) ? io_error() : __real_pread(fd, data, size, offset);
}

off_t __wrap_lseek(int fd, off_t offset, int whence)
{
    return fails(FAULT_READ) ? io_error() : __real_lseek(fd, offset, whence);
}

int __wrap_fstat(int fd, struct stat *st)
{
    return fails(FAULT_READ) ? io_error() : __real_fstat(fd, st);
}

HANDLE WINAPI __wrap_CreateFileW(const WCHAR *name, DWORD access, DWORD sharing, SECURITY_ATTRIBUTES *security,
                                 DWORD creation, DWORD attributes, HANDLE template)
{
    if (!fails(FAULT_READ)) return __real_CreateFileW(name, access, sharing, security, creation, attributes, template);
    SetLastError(ERROR_READ_FAULT);
    return INVALID_HANDLE_VALUE;
}

BOOL WINAPI __wrap_ReadFile(HANDLE file, void *data, DWORD size, DWORD *got, OVERLAPPED *overlapped)
{
    if (!fails(FAULT_READ)) return __real_ReadFile(file, data, size, got, overlapped);
    SetLastError(ERROR_READ_FAULT);
    return FALSE;
}

BOOL WINAPI __wrap_GetFileSizeEx(HANDLE file, LARGE_INTEGER *size)
{
    if (!fails(FAULT_READ)) return __real_GetFileSizeEx(file, size);
    SetLastError(ERROR_READ_FAULT);
    return FALSE;
}

LSTATUS WINAPI __wrap_RegCreateKeyExW(HKEY key, const WCHAR *name, DWORD reserved, WCHAR *class_name, DWORD options,
                                      REGSAM access, SECURITY_ATTRIBUTES *security, HKEY *result, DWORD *disposition)
{
    return fails(FAULT_REGISTRY) ? ERROR_ACCESS_DENIED
                                 : __real_RegCreateKeyExW(key, name, reserved, class_name, options, access, security,
                                                          result, disposition);
}

LSTATUS WINAPI __wrap_RegSetValueExW(HKEY key, const WCHAR *name, DWORD reserved, DWORD type, const BYTE *data, DWORD size)
{
    return fails(FAULT_REGISTRY) ? ERROR_ACCESS_DENIED : __real_RegSetValueExW(key, name, reserved, type, data, size);
}

LSTATUS WINAPI __wrap_RegDeleteTreeW(HKEY key, const WCHAR *name)
{
    return fails(FAULT_REGISTRY) ? ERROR_ACCESS_DENIED : __real_RegDeleteTreeW(key, name);
}

LSTATUS WINAPI __wrap_RegEnumValueW(HKEY key, DWORD index, WCHAR *name, DWORD *name_size, DWORD *reserved, DWORD *type,
                                    BYTE *data, DWORD *size)
{
    return fails(FAULT_REGISTRY) ? ERROR_ACCESS_DENIED
                                 : __real_RegEnumValueW(key, index, name, name_size, reserved, type, data, size);
}

LSTATUS WINAPI __wrap_RegOpenKeyExW(HKEY key, const WCHAR *name, DWORD options, REGSAM access, HKEY *result)
{
    return fails(FAULT_REGISTRY) ? ERROR_ACCESS_DENIED : __real_RegOpenKeyExW(key, name, options, access, result);
}

LSTATUS WINAPI __wrap_RegQueryValueExW(HKEY key, const WCHAR *name, DWORD *reserved, DWORD *type, BYTE *data,
                                       DWORD *size)
{
    return fails(FAULT_REGISTRY) ? ERROR_ACCESS_DENIED
                                 : __real_RegQueryValueExW(key, name, reserved, type, data, size);
}

void fault_pause(struct fault_pause *saved)
{
    saved->fail_at = fail_at;
    saved->calls = calls;
    fail_at = 0;
}

void fault_resume(const struct fault_pause *saved)
{
    fail_at = saved->fail_at;
    calls = saved->calls;
}

BOOL says_out_of_memory(const char *text)
{
    static const char words[] = "out of memory";

    for (; *text; text++)
        if (!strncasecmp(text, words, sizeof(words) - 1)) return TRUE;
    return FALSE;
}

/* Whether HASH is among the COUNT of SEEN; adds it when not. */
static BOOL seen_before(UINT64 *seen, LONG *count, UINT64 hash)
{
    LONG i;

    for (i = 0; i < *count; i++)
        if (seen[i] == hash) return TRUE;
    seen[(*count)++] = hash;
    return FALSE;
}

/* every_call_fails_once, or with DISTINCT the first call of each call
 * path only. */
static void fail_calls(enum fault_kind kind, const char *what, operation_fn operation, void *ctx, BOOL distinct)
{
    char error[ERRMSG_SIZE], *expected = NULL, *output;
    LONG total, n, failed = 0, tried = 0, seen_count = 0;
    UINT64 *seen = NULL;
    HRESULT hr;

    under_test = kind;
    calls = fail_at = 0;
    recording = distinct;
    hr = operation(ctx, error, &expected);
    recording = FALSE;
    if (FAILED(hr)) fail_msg("%s without faults: %#x %s", what, (unsigned)hr, error);
    total = calls;
    assert_true(total > 0);
    if (distinct) assert_non_null(seen = __real_calloc((size_t)total, sizeof(*seen)));
    for (n = 1; n <= total; n++)
    {
        if (distinct && seen_before(seen, &seen_count, paths[n])) continue;
        tried++;
        error[0] = 0;
        output = NULL;
        calls = 0;
        fail_at = n;
        hr = operation(ctx, error, &output);
        fail_at = 0;
        if (FAILED(hr) && kind == FAULT_INTERRUPT)
            fail_msg("%s, call %d of %d interrupted: failed with %#x '%s'", what, n, total, (unsigned)hr, error);
        if (FAILED(hr))
        {
            /* a clear error: said, and for E_OUTOFMEMORY said so; a failed
             * allocation is never passed off as something else (no such
             * value, a bad file, no address) */
            failed++;
            if (!error[0] || (hr == E_OUTOFMEMORY && !says_out_of_memory(error)) || strstr(error, "not applied"))
                fail_msg("%s, call %d of %d: %#x with '%s'", what, n, total, (unsigned)hr, error);
            if (kind == FAULT_ALLOCATION && hr != E_OUTOFMEMORY)
                fail_msg("%s, allocation %d of %d failed, reported as %#x '%s'", what, n, total, (unsigned)hr, error);
        }
        else if (strcmp(output ? output : "", expected ? expected : ""))
            fail_msg("%s, call %d of %d failed unseen: the output differs:\n%s\nexpected:\n%s", what, n, total,
                     output ? output : "", expected ? expected : "");
        free(output);
    }
    free(expected);
    free(seen);
    free(paths);
    paths = NULL;
    paths_size = 0;
    under_test = FAULT_ALLOCATION;
    if (distinct) print_message("%s: %d %s on %d call paths, the first of each failed", what, total, fault_names[kind], tried);
    else print_message("%s: %d %s, each failed once", what, total, fault_names[kind]);
    print_message(": %d runs failed with an error", failed);
    if (kind == FAULT_ALLOCATION) print_message(", each said as out of memory");
    print_message(", the rest did without it, their output the same\n");
}

void every_call_fails_once(enum fault_kind kind, const char *what, operation_fn operation, void *ctx)
{
    fail_calls(kind, what, operation, ctx, getenv("TRACKFIX_FAULTS_PATHS") != NULL);
}

void first_call_of_each_path_fails(enum fault_kind kind, const char *what, operation_fn operation, void *ctx)
{
    fail_calls(kind, what, operation, ctx, TRUE);
}
