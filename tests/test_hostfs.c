/*
 * Unit tests of hotfix/hostfs and the atomic write built on it: which host
 * path a program path names, and what rename, remove and write do when the
 * name is taken or missing.  In a folder under build/.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <windows.h>

#include "atomicfile.h"
#include "cmocka_wine.h"
#include "hostfs.h"

#define TEST_DIR "test_hostfs-dir"

static char cwd[4096];

static int setup(void **state)
{
    (void)state;
    system("rm -rf " TEST_DIR);
    assert_int_equal(mkdir(TEST_DIR, 0777), 0);
    assert_non_null(getcwd(cwd, sizeof(cwd)));
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    system("rm -rf " TEST_DIR);
    return 0;
}

static void expect_host(const char *path, const char *want_under_cwd)
{
    char want[sizeof(cwd) + 64], *host = NULL;

    snprintf(want, sizeof(want), "%s/%s", cwd, want_under_cwd);
    assert_int_equal(hostfs_resolve(path, &host), S_OK);
    assert_string_equal(host, want);
    free(host);
}

static void relative_drive_and_other_case_paths_name_one_file(void **state)
{
    char drive[sizeof(cwd) + 64], *p;

    (void)state;
    expect_host(TEST_DIR "/a.eml", TEST_DIR "/a.eml");
    expect_host(TEST_DIR "\\a.eml", TEST_DIR "/a.eml");
    /* the folder found in another case, as Windows would; the name as given */
    expect_host("TEST_HOSTFS-DIR/A.eml", TEST_DIR "/A.eml");
    snprintf(drive, sizeof(drive), "Z:%s\\" TEST_DIR "\\a.eml", cwd);
    for (p = drive; *p; p++)
        if (*p == '/') *p = '\\';
    expect_host(drive, TEST_DIR "/a.eml");
    expect_host("a.eml", "a.eml");
}

static void a_missing_folder_or_an_empty_name_is_refused(void **state)
{
    char *host = (char *)1;

    (void)state;
    assert_int_equal(hostfs_resolve(TEST_DIR "/no/such/a.eml", &host), HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND));
    assert_null(host);
    assert_int_equal(hostfs_resolve(TEST_DIR "/", &host), HRESULT_FROM_WIN32(ERROR_INVALID_NAME));
    assert_null(host);
}

static void rename_never_replaces_and_remove_forgives_a_missing_file(void **state)
{
    (void)state;
    assert_int_equal(atomicfile_write(TEST_DIR "/a", "A", 1), S_OK);
    assert_int_equal(atomicfile_write(TEST_DIR "/b", "B", 1), S_OK);
    assert_int_equal(hostfs_rename(TEST_DIR "/a", TEST_DIR "/b"), HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS));
    assert_true(hostfs_exists(TEST_DIR "/a"));
    assert_int_equal(hostfs_rename(TEST_DIR "/a", TEST_DIR "/c"), S_OK);
    assert_false(hostfs_exists(TEST_DIR "/a"));
    assert_true(hostfs_exists(TEST_DIR "/c"));
    assert_int_equal(hostfs_rename(TEST_DIR "/a", TEST_DIR "/d"), HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND));

    assert_int_equal(hostfs_remove(TEST_DIR "/c"), S_OK);
    assert_false(hostfs_exists(TEST_DIR "/c"));
    assert_int_equal(hostfs_remove(TEST_DIR "/c"), S_OK);
    assert_int_equal(hostfs_remove(TEST_DIR "/no/such/c"), S_OK);
}

static void an_atomic_write_replaces_whole_or_leaves_nothing(void **state)
{
    char text[16] = {0};
    FILE *in;

    (void)state;
    assert_int_equal(atomicfile_write(TEST_DIR "/f", "first", 5), S_OK);
    assert_int_equal(atomicfile_write(TEST_DIR "/f", "second", 6), S_OK);
    assert_non_null(in = fopen(TEST_DIR "/f", "rb"));
    assert_int_equal(fread(text, 1, sizeof(text) - 1, in), 6);
    fclose(in);
    assert_string_equal(text, "second");
    assert_false(hostfs_exists(TEST_DIR "/f.tmp"));

    /* the name taken by a folder: refused, and no temp file left */
    assert_int_equal(mkdir(TEST_DIR "/taken", 0777), 0);
    assert_int_equal(atomicfile_write(TEST_DIR "/taken", "x", 1), HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED));
    assert_false(hostfs_exists(TEST_DIR "/taken.tmp"));
    assert_int_equal(atomicfile_write(TEST_DIR "/no/such/f", "x", 1), HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND));
}

/* TEXT is the whole of the host file PATH. */
static void expect_file(const char *path, const char *text)
{
    char read[64] = {0};
    FILE *in;

    assert_non_null(in = fopen(path, "rb"));
    assert_int_equal(fread(read, 1, sizeof(read) - 1, in), strlen(text));
    fclose(in);
    assert_string_equal(read, text);
}

static ino_t inode_of(const char *path)
{
    struct stat st;

    assert_int_equal(stat(path, &st), 0);
    return st.st_ino;
}

/* A name rewritten commit after commit through its spare: the old file
 * becomes NAME.old, the next write goes over it in place, and after the
 * first commit no new file is made (the two inodes take turns). */
static void a_spare_batch_rewrites_in_place(void **state)
{
    struct atomicfile_batch batch = {0};
    ino_t first, second;

    (void)state;
    batch.keep_spares = TRUE;
    batch.names_unique = TRUE;
    assert_int_equal(atomicfile_batch_write(&batch, TEST_DIR "/state", "one", 3), S_OK);
    assert_int_equal(atomicfile_batch_commit(&batch, NULL, NULL), S_OK); /* no old file: renamed */
    expect_file(TEST_DIR "/state", "one");
    assert_false(hostfs_exists(TEST_DIR "/state.old"));
    first = inode_of(TEST_DIR "/state");

    assert_int_equal(atomicfile_batch_write(&batch, TEST_DIR "/state", "a longer two", 12), S_OK);
    expect_file(TEST_DIR "/state", "one"); /* nothing changes before the commit */
    assert_int_equal(atomicfile_batch_commit(&batch, NULL, NULL), S_OK);
    expect_file(TEST_DIR "/state", "a longer two");
    expect_file(TEST_DIR "/state.old", "one");
    second = inode_of(TEST_DIR "/state");
    assert_int_equal(inode_of(TEST_DIR "/state.old"), first);

    /* shorter than the spare it overwrites: cut to its own length */
    assert_int_equal(atomicfile_batch_write(&batch, TEST_DIR "/state", "3", 1), S_OK);
    assert_int_equal(atomicfile_batch_commit(&batch, NULL, NULL), S_OK);
    expect_file(TEST_DIR "/state", "3");
    expect_file(TEST_DIR "/state.old", "a longer two");
    assert_int_equal(inode_of(TEST_DIR "/state"), first);
    assert_int_equal(inode_of(TEST_DIR "/state.old"), second);
    assert_false(hostfs_exists(TEST_DIR "/state.tmp"));
    atomicfile_batch_free(&batch);
}

#define WRITERS 4
#define WRITES 60 /* each, over 20 names: every name written 12 times */

struct writer
{
    struct atomicfile_batch *batch;
    int number;
    int failures;
};

/* Writes WRITES files "n<k>" of the form "n<k> by <writer> <i>", and
 * one, "bad<writer>", into the way of a folder "bad<writer>.tmp" (a name
 * of its own: another writer's "bad" still in its place would send this
 * one to "bad.N.tmp", which can be made). */
static DWORD WINAPI write_many(void *context)
{
    struct writer *w = context;
    char path[64], text[64];
    int i;

    for (i = 0; i < WRITES; i++)
    {
        snprintf(path, sizeof(path), TEST_DIR "/n%02d", (i + w->number) % 20);
        snprintf(text, sizeof(text), "n%02d by %d %d", (i + w->number) % 20, w->number, i);
        if (FAILED(atomicfile_batch_write(w->batch, path, text, (DWORD)strlen(text)))) w->failures++;
        snprintf(path, sizeof(path), TEST_DIR "/bad%d", w->number);
        if (i == WRITES / 2 && FAILED(atomicfile_batch_write(w->batch, path, "x", 1))) w->failures++;
    }
    return 0;
}

/* Threads writing into one batch at once, under its lock: every write
 * gets its own temporary file (a name written twice: NAME.N.tmp), one
 * that fails leaves nothing and an empty place the commit passes over,
 * and after the commit each name holds one write whole and no temporary
 * file is left. */
static void threads_write_one_batch_at_once(void **state)
{
    /* on the heap: the threads share it (valgrind does not follow one
     * thread into another's stack as Wine lays them out) */
    struct shared
    {
        CRITICAL_SECTION lock;
        struct atomicfile_batch batch;
        struct writer writers[WRITERS];
    } *shared = calloc(1, sizeof(*shared));
    HANDLE threads[WRITERS];
    char path[64], text[64] = {0};
    FILE *in;
    int t, k;

    (void)state;
    assert_non_null(shared);
    InitializeCriticalSection(&shared->lock);
    shared->batch.lock = &shared->lock;
    /* the temporary files of "bad" and each "bad<writer>" cannot be made */
    assert_int_equal(mkdir(TEST_DIR "/bad.tmp", 0777), 0);
    for (t = 0; t < WRITERS; t++)
    {
        snprintf(path, sizeof(path), TEST_DIR "/bad%d.tmp", t);
        assert_int_equal(mkdir(path, 0777), 0);
        shared->writers[t] = (struct writer){&shared->batch, t, 0};
        assert_non_null(threads[t] = CreateThread(NULL, 0, write_many, &shared->writers[t], 0, NULL));
    }
    assert_int_equal(WaitForMultipleObjects(WRITERS, threads, TRUE, INFINITE), WAIT_OBJECT_0);
    for (t = 0; t < WRITERS; t++)
    {
        CloseHandle(threads[t]);
        assert_int_equal(shared->writers[t].failures, 1); /* "bad<writer>" alone */
        snprintf(path, sizeof(path), TEST_DIR "/bad%d", t);
        assert_false(hostfs_exists(path));
    }
    assert_int_equal(shared->batch.count, WRITERS * (WRITES + 1));
    assert_int_equal(atomicfile_batch_commit(&shared->batch, NULL, NULL), S_OK);
    for (k = 0; k < 20; k++)
    {
        char want[8];
        size_t length;

        snprintf(path, sizeof(path), TEST_DIR "/n%02d", k);
        snprintf(want, sizeof(want), "n%02d by ", k);
        assert_non_null(in = fopen(path, "rb"));
        length = fread(text, 1, sizeof(text) - 1, in);
        fclose(in);
        text[length] = 0;
        assert_memory_equal(text, want, strlen(want));
        assert_true(length >= strlen(want) + 3); /* "<writer> <i>" whole */
    }
    assert_int_equal(system("test \"$(ls " TEST_DIR " | grep -v '^n[0-9][0-9]$' | tr '\\n' ' ')\" = "
                            "'bad.tmp bad0.tmp bad1.tmp bad2.tmp bad3.tmp '"),
                     0);

    /* a batch whose every write failed commits nothing */
    assert_int_equal(atomicfile_batch_write(&shared->batch, TEST_DIR "/bad", "x", 1), HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED));
    assert_int_equal(shared->batch.count, 1);
    assert_int_equal(atomicfile_batch_commit(&shared->batch, NULL, NULL), S_OK);
    assert_int_equal(shared->batch.count, 0);
    assert_false(hostfs_exists(TEST_DIR "/bad"));
    atomicfile_batch_free(&shared->batch);
    DeleteCriticalSection(&shared->lock);
    free(shared);
}

struct seen
{
    char names[8][16];
    int count;
};

/* Writes SIZE bytes of 'a' to the host file PATH. */
static void spit_letters(const char *path, size_t size)
{
    char *data = malloc(size);
    FILE *out;

    assert_non_null(data);
    memset(data, 'a', size);
    assert_non_null(out = fopen(path, "wb"));
    assert_int_equal(fwrite(data, 1, size, out), size);
    fclose(out);
    free(data);
}

/* The two whole-file readers: a small file in one read, a larger one by
 * its size, each whole; a folder, a pipe, a file over the limit and a
 * missing one refused, each as its contract says. */
static void the_readers_take_a_whole_regular_file_or_refuse(void **state)
{
    char *text = (char *)1;
    HGLOBAL memory;
    ULONGLONG size;
    size_t i;
    (void)state;

    spit_letters(TEST_DIR "/small", 10);
    assert_int_equal(hostfs_read_text(TEST_DIR "/small", 100, &text), S_OK);
    assert_string_equal(text, "aaaaaaaaaa");
    free(text);
    /* past the one read's 4,096 bytes: read again from the start, whole */
    spit_letters(TEST_DIR "/large", 10000);
    assert_int_equal(hostfs_read_text(TEST_DIR "/large", 10000, &text), S_OK);
    assert_int_equal(strlen(text), 10000);
    for (i = 0; i < 10000; i++) assert_int_equal(text[i], 'a');
    free(text);
    assert_int_equal(hostfs_read_text(TEST_DIR "/large", 9999, &text), E_INVALIDARG);
    assert_null(text);
    assert_int_equal(hostfs_read_text(TEST_DIR "/small", 9, &text), E_INVALIDARG);
    assert_null(text);
    assert_int_equal(mkdir(TEST_DIR "/folder", 0777), 0);
    assert_int_equal(hostfs_read_text(TEST_DIR "/folder", 100, &text), E_INVALIDARG);
    assert_int_equal(hostfs_read_text(TEST_DIR "/none", 100, &text), HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND));
    /* a pipe with no writer is not waited on */
    assert_int_equal(mkfifo(TEST_DIR "/pipe", 0666), 0);
    assert_int_equal(hostfs_read_text(TEST_DIR "/pipe", 100, &text), S_OK);
    assert_string_equal(text, "");
    free(text);

    assert_int_equal(hostfs_read_file(TEST_DIR "/large", 10000, &memory, &size), S_OK);
    assert_int_equal(size, 10000);
    assert_int_equal(((const char *)GlobalLock(memory))[9999], 'a');
    GlobalUnlock(memory);
    GlobalFree(memory);
    assert_int_equal(hostfs_read_file(TEST_DIR "/large", 9999, &memory, &size), E_INVALIDARG);
    assert_null(memory);
    assert_int_equal(hostfs_read_file(TEST_DIR "/folder", 100, &memory, &size), E_INVALIDARG);
    assert_int_equal(hostfs_read_file(TEST_DIR "/pipe", 100, &memory, &size), E_INVALIDARG);
    assert_int_equal(hostfs_read_file(TEST_DIR "/none", 100, &memory, &size), HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND));
    assert_int_equal(hostfs_file_size(TEST_DIR "/large", &size), S_OK);
    assert_int_equal(size, 10000);
    assert_int_not_equal(hostfs_file_size(TEST_DIR "/none", &size), S_OK);
}

/* make_folders: a chain made, an existing folder kept, a file in the way
 * refused; the lock refused to a second taker. */
static void folders_are_made_where_no_file_is_in_the_way_and_a_lock_has_one_holder(void **state)
{
    int first, second;
    (void)state;

    assert_int_equal(hostfs_make_folders(TEST_DIR "/a/b/c"), S_OK);
    assert_int_equal(hostfs_check_folder(TEST_DIR "/a/b/c"), S_OK);
    assert_int_equal(hostfs_make_folders(TEST_DIR "/a/b/c/"), S_OK);
    spit_letters(TEST_DIR "/a/file", 1);
    assert_int_equal(hostfs_make_folders(TEST_DIR "/a/file"), HRESULT_FROM_WIN32(ERROR_DIRECTORY));
    assert_int_equal(hostfs_check_folder(TEST_DIR "/a/file"), S_FALSE);
    assert_int_not_equal(hostfs_make_folders(TEST_DIR "/a/file/under"), S_OK);

    assert_int_equal(hostfs_lock(TEST_DIR "/lock", &first), S_OK);
    assert_int_equal(hostfs_lock(TEST_DIR "/lock", &second), HRESULT_FROM_WIN32(ERROR_SHARING_VIOLATION));
    hostfs_unlock(first);
    assert_int_equal(hostfs_lock(TEST_DIR "/lock", &second), S_OK);
    hostfs_unlock(second);
}

static void remember_name(void *ctx, const char *folder, const char *name)
{
    struct seen *seen = ctx;

    assert_string_equal(folder, TEST_DIR);
    assert_true(seen->count < 8);
    snprintf(seen->names[seen->count++], sizeof(seen->names[0]), "%s", name);
}

static int by_name(const void *a, const void *b)
{
    return strcmp(a, b);
}

/* Folders apart from files, "." and ".." never, nothing for a missing folder. */
static void for_each_tells_folders_from_files(void **state)
{
    struct seen folders = {0}, files = {0};

    (void)state;
    assert_int_equal(mkdir(TEST_DIR "/00000002", 0777), 0);
    assert_int_equal(mkdir(TEST_DIR "/00000001", 0777), 0);
    assert_int_equal(atomicfile_write(TEST_DIR "/a.tmp", "x", 1), S_OK);
    assert_int_equal(atomicfile_write(TEST_DIR "/b", "x", 1), S_OK);
    hostfs_for_each(TEST_DIR, TRUE, remember_name, &folders);
    hostfs_for_each(TEST_DIR, FALSE, remember_name, &files);
    qsort(folders.names, folders.count, sizeof(folders.names[0]), by_name);
    qsort(files.names, files.count, sizeof(files.names[0]), by_name);
    assert_int_equal(folders.count, 2);
    assert_string_equal(folders.names[0], "00000001");
    assert_string_equal(folders.names[1], "00000002");
    assert_int_equal(files.count, 2);
    assert_string_equal(files.names[0], "a.tmp");
    assert_string_equal(files.names[1], "b");
    hostfs_for_each(TEST_DIR "/missing", TRUE, remember_name, &folders);
    assert_int_equal(folders.count, 2);
}

/* Each host error as the Win32 error a caller tells apart. */
static void host_errors_map_to_their_win32_errors(void **state)
{
    /* not static: HRESULT_FROM_WIN32 is a function in Wine's headers */
    const struct
    {
        int error;
        HRESULT hr;
    } rows[] = {
        {ENOENT, HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND)},  {EEXIST, HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS)},
        {ENOTEMPTY, HRESULT_FROM_WIN32(ERROR_ALREADY_EXISTS)}, {EACCES, HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED)},
        {EPERM, HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED)},    {EISDIR, HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED)},
        {EROFS, HRESULT_FROM_WIN32(ERROR_WRITE_PROTECT)},    {ENOSPC, HRESULT_FROM_WIN32(ERROR_DISK_FULL)},
        {EDQUOT, HRESULT_FROM_WIN32(ERROR_DISK_FULL)},       {ENAMETOOLONG, HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE)},
        {ENOMEM, E_OUTOFMEMORY},                             {ENOTDIR, HRESULT_FROM_WIN32(ERROR_DIRECTORY)},
        {EXDEV, HRESULT_FROM_WIN32(ERROR_NOT_SAME_DEVICE)},  {EIO, HRESULT_FROM_WIN32(ERROR_WRITE_FAULT)},
    };
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(rows); i++) assert_int_equal(hostfs_error(rows[i].error), rows[i].hr);
}

/* Paths at their edges: too long, through a missing folder, with
 * backslashes and final separators, a drive alone, another case. */
static void paths_at_their_edges_are_found_or_refused(void **state)
{
    char long_path[MAX_PATH + 16], *host = NULL, *text = NULL;
    HGLOBAL memory;
    ULONGLONG size;
    WCHAR wide[8];
    FILE *out;
    (void)state;

    /* a folder of MAX_PATH characters, then a name */
    memset(long_path, 'a', sizeof(long_path) - 1);
    long_path[sizeof(long_path) - 1] = 0;
    long_path[MAX_PATH] = '/';
    assert_int_equal(hostfs_resolve(long_path, &host), HRESULT_FROM_WIN32(ERROR_FILENAME_EXCED_RANGE));
    assert_false(hostfs_widen(long_path, wide, ARRAYSIZE(wide)));
    assert_false(hostfs_exists(TEST_DIR "/none/file"));
    assert_int_equal(hostfs_read_text(TEST_DIR "/none/file", 100, &text), HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND));

    assert_int_equal(hostfs_make_folders(TEST_DIR "\\Made\\in\\steps\\"), S_OK);
    assert_int_equal(hostfs_check_folder(TEST_DIR "/Made/in/steps"), S_OK);
    /* the same folders named in another case: found, not made again */
    assert_int_equal(hostfs_make_folders(TEST_DIR "/made/IN/Steps/"), S_OK);
    assert_int_equal(system("test $(find " TEST_DIR " -type d | wc -l) = 4"), 0);
    /* Wine decides where ASCII cannot: a name past ASCII ("Über" as
     * "üBER"), one with a '~' (a short name's mark), and an ASCII name
     * beside an entry past ASCII; found all the same */
    assert_int_equal(hostfs_make_folders(TEST_DIR "/Made/\xc3\x9c" "ber"), S_OK);
    assert_int_equal(hostfs_make_folders(TEST_DIR "/made/\xc3\xbc" "BER"), S_OK);
    assert_int_equal(hostfs_make_folders(TEST_DIR "/Made/a~b"), S_OK);
    assert_int_equal(hostfs_make_folders(TEST_DIR "/made/A~B"), S_OK);
    assert_int_equal(hostfs_make_folders(TEST_DIR "/made/IN"), S_OK);
    assert_int_equal(system("test $(find " TEST_DIR " -type d | wc -l) = 6"), 0);
    /* a drive the prefix does not have: nothing made, not even "./Q:" */
    assert_int_equal(hostfs_make_folders("Q:\\sub"), HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND));
    assert_true(FAILED(hostfs_make_folders("Q:\\\\sub")));
    assert_true(FAILED(hostfs_make_folders("Q:\\")));
    assert_false(hostfs_exists("Q:"));

    assert_non_null(out = fopen(TEST_DIR "/Made/in/Case.txt", "wb"));
    fputs("case", out);
    fclose(out);
    assert_int_equal(hostfs_read_file(TEST_DIR "/made/IN/case.TXT", 100, &memory, &size), S_OK);
    assert_int_equal(size, 4);
    GlobalFree(memory);
    assert_int_equal(hostfs_remove(TEST_DIR "/none/file"), S_OK);
    free(host);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(relative_drive_and_other_case_paths_name_one_file, setup, teardown),
        cmocka_unit_test(host_errors_map_to_their_win32_errors),
        cmocka_unit_test_setup_teardown(paths_at_their_edges_are_found_or_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(a_missing_folder_or_an_empty_name_is_refused, setup, teardown),
        cmocka_unit_test_setup_teardown(rename_never_replaces_and_remove_forgives_a_missing_file, setup, teardown),
        cmocka_unit_test_setup_teardown(an_atomic_write_replaces_whole_or_leaves_nothing, setup, teardown),
        cmocka_unit_test_setup_teardown(a_spare_batch_rewrites_in_place, setup, teardown),
        cmocka_unit_test_setup_teardown(threads_write_one_batch_at_once, setup, teardown),
        cmocka_unit_test_setup_teardown(for_each_tells_folders_from_files, setup, teardown),
        cmocka_unit_test_setup_teardown(the_readers_take_a_whole_regular_file_or_refuse, setup, teardown),
        cmocka_unit_test_setup_teardown(folders_are_made_where_no_file_is_in_the_way_and_a_lock_has_one_holder, setup,
                                        teardown),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("hostfs", tests, NULL, NULL));
}
