/*
 * hostfs: a name's folder resolved once by Wine, the name itself then
 * created, tested, renamed or removed by the host's own calls.
 *
 * Wine gives programs Windows' case-insensitive names: to create a name that
 * does not exist yet it reads the whole folder for the same name in another
 * case, so each new file in a folder of N entries costs O(N), and filling
 * the folder O(N^2).  These calls resolve only the folder through Wine (it
 * exists, a direct lookup) and use the last name exactly as given, as the
 * host file system does; use them where a folder grows with the work
 * (conversion output, the queue's states, the drop folder); atomicfile
 * writes through them, and every file trackfix reads with the C library is
 * opened with hostfs_fopen_read, so that every path form works alike.
 *
 * Paths are UTF-8, in the program's own terms ("out/a.eml", "C:\\out\\a.eml",
 * "/tmp/out/a.eml"), relative ones against Wine's current folder.
 */
#ifndef TRACKFIX_HOSTFS_H
#define TRACKFIX_HOSTFS_H

#include <stdio.h>

#include <windef.h>

/* The host path of PATH in *HOST (caller frees).  Fails with the Win32
 * error as an HRESULT when PATH's folder does not exist. */
HRESULT hostfs_resolve(const char *path, char **host);

/* A host errno as the Win32 error Wine would give, as an HRESULT. */
HRESULT hostfs_error(int error);

/* Renames file or folder FROM to TO; fails with ERROR_ALREADY_EXISTS when TO
 * exists. */
HRESULT hostfs_rename(const char *from, const char *to);

/* Deletes the file PATH; S_OK when it was not there. */
HRESULT hostfs_remove(const char *path);

/* Deletes the folder PATH and all it holds (nothing when it is not there),
 * as far as it can: E_OUTOFMEMORY when an allocation failed on the way (a
 * part may be left), else S_OK. */
HRESULT hostfs_remove_tree(const char *path);

/* Deletes all folder PATH holds but the entry named KEEP (NULL: none), as
 * hostfs_remove_tree does. */
HRESULT hostfs_empty_folder(const char *path, const char *keep);

/* UTF8 as UTF-16 into OUT (SIZE characters); FALSE, OUT empty, when it
 * does not fit or is not UTF-8. */
BOOL hostfs_widen(const char *utf8, WCHAR *out, int size);

/* Calls VISIT(CTX, FOLDER, NAME) for each folder (FOLDERS) or each other
 * entry (!FOLDERS) of FOLDER but "." and "..", read by the host in one
 * pass, NAME as the host spells it: a queue of 100,000 messages is walked
 * with a few system calls per folder instead of Wine's dozens.  Nothing is
 * called when FOLDER does not exist.  S_OK; E_OUTOFMEMORY; else the error
 * that stopped the reading of the folder (ERROR_READ_FAULT for an I/O
 * error), some entries perhaps visited. */
HRESULT hostfs_for_each(const char *folder, BOOL folders,
                        void (*visit)(void *ctx, const char *folder, const char *name), void *ctx);

/* Opens file PATH (any form the program takes: a drive path, another
 * case, Unix) for reading with the C library: the folder found as Windows
 * finds it, the name used as given.  NULL with errno set when it cannot
 * (ENOMEM when an allocation failed). */
FILE *hostfs_fopen_read(const char *path);

/* Reads the regular file PATH whole into new movable global memory
 * *MEMORY (one extra zero byte after the data; caller frees with
 * GlobalFree), *SIZE its size: one open, one fstat, reads, through the host.
 * Fails with ERROR_FILE_NOT_FOUND or ERROR_PATH_NOT_FOUND when it is not
 * there, E_INVALIDARG when it is larger than MAX or no regular file,
 * ERROR_READ_FAULT on an I/O error or a short read, else the Win32 error
 * of the failure. */
HRESULT hostfs_read_file(const char *path, ULONGLONG max, HGLOBAL *memory, ULONGLONG *size);

/* Reads the whole file PATH into *TEXT (NUL-terminated; caller frees) with
 * one read: S_OK; HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND); E_OUTOFMEMORY;
 * E_INVALIDARG for something not a file or a file over MAX bytes (what is
 * there is not what was asked for); ERROR_READ_FAULT for an I/O error (the
 * disk failed, not the file), else the Win32 error of the failure. */
HRESULT hostfs_read_text(const char *path, size_t max, char **text);

/* Folder PATH held open, to read files under it by a name relative to it
 * (its own path not looked up again): the handle, or -1 when it cannot be
 * opened.  Close it with hostfs_close_folder. */
int hostfs_open_folder(const char *path);
void hostfs_close_folder(int folder);

/* hostfs_read_text of NAME (host separators, exact case) in FOLDER. */
HRESULT hostfs_read_text_at(int folder, const char *name, size_t max, char **text);

/* Writes all SIZE bytes of DATA to the host file descriptor FD, again
 * after a short write or EINTR.  0 or an errno. */
int hostfs_write_all(int fd, const void *data, size_t size);

/* Writes SIZE bytes of DATA as file PATH (created or emptied), with no
 * flush: the caller makes it durable (a syncfs) and visible (a rename of
 * its folder).  S_OK or the Win32 error of the failure. */
HRESULT hostfs_write_file(const char *path, const void *data, size_t size);

/* Appends the SIZE bytes of LINE (which ends with a line break) to file
 * PATH, created when missing; when the file does not end with a line break
 * (a crash cut its last line) one comes first, so that the cut line stays
 * cut and LINE whole.  WHOLE: the caller knows the file ends whole (its
 * own last append succeeded), and it is not looked at.  With FLUSH,
 * flushed to disk before it returns.  S_OK or the Win32 error. */
HRESULT hostfs_append_line(const char *path, const char *line, size_t size, BOOL flush, BOOL whole);

/* Flushes to disk everything written to the file system that holds PATH
 * (one syncfs); S_OK or the Win32 error. */
HRESULT hostfs_sync(const char *path);

/* Flushes folder PATH itself (its new and renamed names) to disk; S_OK, also
 * where the file system cannot flush a folder, or the Win32 error. */
HRESULT hostfs_sync_folder(const char *path);

/* Creates folder PATH and its missing parents, as CreateDirectory would
 * (a folder there in another case is the folder), by the host's mkdir:
 * an existing folder costs one stat.  S_OK when it is a folder after;
 * else the Win32 error of the failure. */
HRESULT hostfs_make_folders(const char *path);

/* Whether PATH exists. */
BOOL hostfs_exists(const char *path);

/* S_OK when PATH is a folder itself (a link to one is not), S_FALSE when
 * it is not or is not there, E_OUTOFMEMORY when that cannot be told. */
HRESULT hostfs_check_folder(const char *path);

/* The size of file PATH in *SIZE: S_OK, or the failure. */
HRESULT hostfs_file_size(const char *path, ULONGLONG *size);

/* Takes the kernel's exclusive lock (flock) on file PATH, created when
 * missing, into *FD: it holds across Wine prefixes and wineservers, which
 * Win32 sharing modes do not, and the kernel drops it when the holder
 * dies, however.  Fails with ERROR_SHARING_VIOLATION when another process
 * (or another open of the file in this one) holds it.  Release with
 * hostfs_unlock. */
HRESULT hostfs_lock(const char *path, int *fd);
void hostfs_unlock(int fd);

#endif
