/*
 * faults: the fault tests' wrappers and their harness, as SQLite tests
 * out-of-memory and I/O errors.  A program linked with these and the
 * linker's --wrap for each call below (FAULT_WRAPS in the Makefile) routes
 * trackfix's own calls through them: the N-th call of the kind under test
 * fails, the other kinds pass through.  Five kinds:
 *   allocations  malloc, calloc, realloc, strdup, strndup and GlobalAlloc return
 *                NULL
 *   file I/O     write, fsync, syncfs, rename, renameat2, close, unlink,
 *                mkdir, ftruncate fail with EIO (every write, flush, rename,
 *                removal and new folder of hostfs and atomicfile; a failed
 *                close still closes, as Linux's does), WriteFile and
 *                FlushFileBuffers (the event log's)
 *   interrupts   read and write fail with EINTR, as when a signal comes:
 *                every run must do without it, its output the same
 *   file reads   open, openat, fopen, opendir, read, pread, lseek, fstat
 *                fail with EIO, CreateFileW, ReadFile, GetFileSizeEx with
 *                ERROR_READ_FAULT (every open and read of the host's files)
 *   registry     RegOpenKeyExW, RegQueryValueExW, RegEnumValueW,
 *                RegCreateKeyExW, RegSetValueExW, RegDeleteTreeW fail with
 *                access denied (every read and write of the registry)
 */
#ifndef TRACKFIX_TESTS_FAULTS_H
#define TRACKFIX_TESTS_FAULTS_H

#include <windows.h>

enum fault_kind { FAULT_ALLOCATION, FAULT_IO, FAULT_READ, FAULT_INTERRUPT, FAULT_REGISTRY };

/* An operation under test: its HRESULT, its error text (ERRMSG_SIZE
 * bytes) and its output (caller frees). */
typedef HRESULT (*operation_fn)(void *ctx, char *error, char **output);

/* Counts the calls of KIND that OPERATION makes, then runs it once for
 * each N with the N-th failing (under TRACKFIX_FAULTS_PATHS, as
 * first_call_of_each_path_fails: the memory check's shorter run); the
 * test fails unless each run ends in
 * success with the output of the run without the fault, or in an error
 * that is said (E_OUTOFMEMORY saying "out of memory" for an allocation),
 * so that a failure never passes for an absent value.  Prints what it
 * did, WHAT naming the operation. */
void every_call_fails_once(enum fault_kind kind, const char *what, operation_fn operation, void *ctx);
/* The calls are counted without a lock: an operation under faults runs on
 * one thread (a conversion of one message, not a batch of several, which
 * convert spreads over two threads). */

/* The same, but for the calls of one call path (the innermost 8 return
 * addresses: the same line of code, reached the same way) only the first
 * fails: an operation too long to run for every N, each handler of a
 * failure still taken where it is reached first. */
void first_call_of_each_path_fails(enum fault_kind kind, const char *what, operation_fn operation, void *ctx);

/* The test's own steps inside an operation: from fault_pause to
 * fault_resume no call fails or is counted. */
struct fault_pause
{
    LONG fail_at, calls;
};
void fault_pause(struct fault_pause *saved);
void fault_resume(const struct fault_pause *saved);

/* Set, the calls answer as a file system without renameat2's flags
 * (RENAME_NOREPLACE, RENAME_EXCHANGE) and without a flush of a folder:
 * EINVAL, as some network and FUSE file systems do. */
extern BOOL fault_plain_file_system;

/* Whether TEXT says it ran out of memory, in any case. */
BOOL says_out_of_memory(const char *text);

#endif
