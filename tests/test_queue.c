/*
 * Unit tests of hotfix/queue: the schedule a policy gives, the lock, ids,
 * retry, delete and open, on a queue folder under build/.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cmocka_wine.h"
#include "unfold.h"
#include "msgfile.h"
#include "msgtext.h"
#include "gate.h"
#include "hostfs.h"
#include "queue.h"
#include "queuereport.h"
#include "strbuf.h"
#include "server.h"
#include "serverdir.h"
#include "systime.h"
#include "textmsg.h"

/* Unit tests run in build/ */
#define SAMPLE TEST_SOURCE_DIR "/data/update-1601.txt"
#define MESSAGE "test_queue-update.msg"
#define QUEUE_DIR "test_queue-server/queue"
#define MINUTE (60 * SYSTIME_TICKS_PER_SECOND)

static ULONGLONG t0(void)
{
    ULONGLONG t;

    assert_int_equal(systime_parse("2007-08-03T14:00:00Z", &t), S_OK);
    return t;
}

/* A fresh queue folder, the sample as a .msg, diagnostics level 0. */
static int setup(void **state)
{
    char server_error[SERVER_TEXT_SIZE];

    (void)state;
    system("rm -rf test_queue-server");
    textmsg_write(SAMPLE, MESSAGE);
    assert_int_equal(server_init(7638, 0, server_error), S_OK);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    system("rm -rf test_queue-server");
    DeleteFileA(MESSAGE);
    return 0;
}

struct record
{
    char lines[64][160];
    int count;
    ULONGLONG start;
};

static void remember(void *ctx, ULONGLONG when, const struct queue_entry *entry, const char *what)
{
    struct record *r = ctx;
    char kind[32];

    if (!entry) return; /* the end of a group commit's lines */
    sscanf(what, "%31s", kind);
    if (r->count < 64)
        snprintf(r->lines[r->count++], sizeof(r->lines[0]), "%u %s", (unsigned)((when - r->start) / MINUTE), kind);
}

/* A message that fails every time, run a day under the test's policy with
 * KEPT_BYTES of states kept read between passes. */
static void run_the_schedule(ULONG kept_bytes)
{
    /* retries after 5, then every 20 minutes; delay notice at 60; expiry at 120 */
    static const char *const expected[] = {"0 attempt", "5 attempt", "25 attempt", "45 attempt", "60 still",
                                           "65 attempt", "85 attempt", "105 attempt", "120 expired"};
    struct queue queue;
    struct queue_policy policy;
    struct record record = {{{0}}, 0, 0};
    char error[QUEUE_ERROR_SIZE], id[QUEUE_ID_SIZE];
    size_t i;

    record.start = t0();
    queue_policy_default(&policy);
    policy.retry_minutes[0] = 5;
    policy.retry_minutes[1] = 20;
    policy.retry_count = 2;
    policy.delay_minutes = 60;
    policy.expire_minutes = 120;
    policy.fix = 0; /* legacy: the 1601 track time fails every time */
    policy.kept_states_bytes = kept_bytes;
    assert_int_equal(queue_open(QUEUE_DIR, TRUE, &queue, error), S_OK);
    assert_int_equal(queue_submit(&queue, MESSAGE, t0(), id, error), S_OK);
    assert_string_equal(id, "00000001");
    assert_int_equal(queue_run(&queue, &policy, t0(), t0() + 24 * 60 * MINUTE, remember, &record, error), S_OK);
    queue_close(&queue);
    for (i = 0; i < ARRAYSIZE(expected) && i < (size_t)record.count; i++)
        assert_string_equal(record.lines[i], expected[i]);
    assert_int_equal(record.count, ARRAYSIZE(expected));
}

static void the_schedule_follows_the_policy(void **state)
{
    (void)state;
    run_the_schedule(16u * 1024 * 1024);
}

/* nothing kept read: each pass reads the state from disk */
static void the_schedule_is_the_same_read_from_disk_at_every_pass(void **state)
{
    (void)state;
    run_the_schedule(0);
}

#define MIXED_COUNT 150 /* more than RUN_AHEAD messages held at once */

struct mixed_record
{
    char lines[11 * MIXED_COUNT][64]; /* an id and two words of 23 */
    int count;
};

static void remember_mixed(void *ctx, ULONGLONG when, const struct queue_entry *entry, const char *what)
{
    struct mixed_record *r = ctx;
    char words[2][24] = {"", ""};

    (void)when;
    if (!entry) return;
    sscanf(what, "%*s %23s %23s", words[0], words[1]);
    if (r->count < (int)ARRAYSIZE(r->lines))
        snprintf(r->lines[r->count++], sizeof(r->lines[0]), "%s %s %s", entry->id, words[0], words[1]);
}

/* MIXED_COUNT messages, every third one that converts along the legacy
 * path and the others that fail there, run two hours with CONVERT_AHEAD
 * into *RECORD. */
static void run_mixed(BOOL convert_ahead, struct mixed_record *record)
{
    char error[QUEUE_ERROR_SIZE], id[QUEUE_ID_SIZE];
    struct queue_policy policy;
    struct queue queue;
    ULONG i;

    system("rm -rf " QUEUE_DIR);
    textmsg_write(TEST_SOURCE_DIR "/data/update-realtime.txt", "test_queue-realtime.msg");
    queue_policy_default(&policy);
    policy.fix = 0;
    policy.convert_ahead = convert_ahead;
    record->count = 0;
    assert_int_equal(queue_open(QUEUE_DIR, TRUE, &queue, error), S_OK);
    for (i = 0; i < MIXED_COUNT; i++)
        assert_int_equal(queue_submit_prepare(&queue, i % 3 ? MESSAGE : "test_queue-realtime.msg", t0(), id, error), S_OK);
    assert_int_equal(queue_submit_commit(&queue, NULL, NULL, error), S_OK);
    assert_int_equal(queue_run(&queue, &policy, t0(), t0() + 2 * 60 * MINUTE, remember_mixed, record, error), S_OK);
    queue_close(&queue);
    DeleteFileA("test_queue-realtime.msg");
}

/* The conversions made ahead come back to their own messages, in order:
 * the run says what a run on one thread says, line for line. */
static void conversions_made_ahead_are_each_their_own_messages(void **state)
{
    static struct mixed_record ahead, one_thread;
    int i, delivered = 0;
    (void)state;

    run_mixed(TRUE, &ahead);
    run_mixed(FALSE, &one_thread);
    assert_int_equal(ahead.count, one_thread.count);
    for (i = 0; i < ahead.count; i++)
    {
        unsigned id;
        char kind[24];

        assert_string_equal(ahead.lines[i], one_thread.lines[i]);
        assert_int_equal(sscanf(ahead.lines[i], "%u %*s %23s", &id, kind), 2);
        /* ids from 1: 1, 4, 7... are the ones that convert */
        assert_string_equal(kind, (id - 1) % 3 ? "EcGetMime" : "delivered");
        delivered += (id - 1) % 3 == 0;
    }
    assert_int_equal(delivered, MIXED_COUNT / 3);
    /* each failing one attempted at 0, 10, 20, 30, 45, 60, 75, 90, 105, 120 */
    assert_int_equal(ahead.count, MIXED_COUNT / 3 + 10 * (MIXED_COUNT - MIXED_COUNT / 3));
}

/* What queue_submit_files said, in order. */
#define FILES_COUNT 600
struct files_record
{
    const char *queued_paths[FILES_COUNT];
    char queued_ids[FILES_COUNT][QUEUE_ID_SIZE];
    char failures[8][QUEUE_ERROR_SIZE];
    int queued_count, failure_count, commits;
};

static void record_queued(void *context, const char *path, const char *id)
{
    struct files_record *r = context;

    if (!path)
    {
        /* the end of a commit's lines */
        r->commits++;
        return;
    }
    assert_true(r->queued_count < FILES_COUNT);
    r->queued_paths[r->queued_count] = path;
    strcpy(r->queued_ids[r->queued_count++], id);
}

static void record_failed(void *context, const char *error)
{
    struct files_record *r = context;

    assert_true(r->failure_count < 8);
    snprintf(r->failures[r->failure_count++], QUEUE_ERROR_SIZE, "%s", error);
}

/* The whole of file PATH, NUL-terminated after *SIZE bytes. */
static char *read_whole(const char *path, long *size)
{
    FILE *in = fopen(path, "rb");
    char *data;

    assert_non_null(in);
    fseek(in, 0, SEEK_END);
    *size = ftell(in);
    rewind(in);
    assert_non_null(data = malloc(*size + 1));
    assert_int_equal(fread(data, 1, *size, in), *size);
    data[*size] = 0;
    fclose(in);
    return data;
}

/* A file named like a .msg that is none. */
#define NOT_A_MSG "test_queue-not-a.msg"
static void write_not_a_msg(void)
{
    FILE *bad = fopen(NOT_A_MSG, "wb");

    assert_non_null(bad);
    fputs("no compound file", bad);
    fclose(bad);
}

/* COUNT files (up to FILES_COUNT: two kinds of message, and three files
 * that are no .msg) submitted on the threads, the queue's windows holding
 * WINDOW_BYTES of copies (0: as it opens): each file queued under the next
 * id, in the order given, with its own bytes as its copy; each bad one
 * said, in order, and passed over.  RECORD: what it said. */
static void submit_mixed_files(ULONG count, ULONG window_bytes, struct files_record *record)
{
    static const char *const kinds[] = {MESSAGE, "test_queue-realtime.msg", NOT_A_MSG};
    char *paths[FILES_COUNT], error[QUEUE_ERROR_SIZE], expected[QUEUE_ID_SIZE];
    struct queue_entry *entries;
    struct queue queue;
    ULONG listed, i;
    int next = 0;

    memset(record, 0, sizeof(*record));
    textmsg_write(TEST_SOURCE_DIR "/data/update-realtime.txt", "test_queue-realtime.msg");
    write_not_a_msg();
    for (i = 0; i < count; i++)
        paths[i] = (char *)kinds[i == 5 || i == count / 2 || i == count - 1 ? 2 : i % 2];
    assert_int_equal(queue_open(QUEUE_DIR, TRUE, &queue, error), S_OK);
    if (window_bytes) queue.submit_window_bytes = window_bytes;
    assert_int_equal(queue_submit_files(&queue, paths, count, t0(), record_queued, record_failed, record),
                     E_INVALIDARG);
    assert_int_equal(record->failure_count, 3);
    for (i = 0; i < 3; i++) assert_non_null(strstr(record->failures[i], NOT_A_MSG));
    assert_int_equal(record->queued_count, count - 3);
    for (i = 0; i < count; i++)
    {
        if (paths[i] == kinds[2]) continue;
        snprintf(expected, sizeof(expected), "%08d", next + 1);
        assert_string_equal(record->queued_ids[next], expected);
        assert_ptr_equal(record->queued_paths[next], paths[i]);
        next++;
    }
    /* on disk: each message's source, and its copy byte for byte */
    assert_int_equal(queue_list(&queue, &entries, &listed, error), S_OK);
    assert_int_equal(listed, count - 3);
    for (i = 0; i < listed; i++)
    {
        char copy_path[256];
        long copy_size, source_size;
        char *copy, *source;

        assert_int_equal(entries[i].state, QUEUE_QUEUED);
        assert_string_equal(entries[i].id, record->queued_ids[i]);
        assert_string_equal(entries[i].source, record->queued_paths[i]);
        snprintf(copy_path, sizeof(copy_path), QUEUE_DIR "/queued/%s/message.msg", entries[i].id);
        copy = read_whole(copy_path, &copy_size);
        source = read_whole(entries[i].source, &source_size);
        assert_int_equal(copy_size, source_size);
        assert_memory_equal(copy, source, copy_size);
        free(copy);
        free(source);
    }
    queue_entries_free(entries, listed);
    queue_close(&queue);
    DeleteFileA("test_queue-realtime.msg");
    DeleteFileA(NOT_A_MSG);
}

/* Three windows of 256 files and fewer, a bad file in each. */
static void many_files_are_queued_in_order_each_with_its_own_copy(void **state)
{
    static struct files_record record;
    (void)state;

    submit_mixed_files(FILES_COUNT, 0, &record);
    assert_int_equal(record.commits, (FILES_COUNT + QUEUE_SUBMIT_WINDOW - 1) / QUEUE_SUBMIT_WINDOW);
}

/* Windows that may hold 16 copies' bytes end at the file that passes
 * them, though both threads read at once: at most 17 files a window and
 * the one or two the other thread read on (fewer when one thread ran
 * ahead of the other: what it read past the end is read again), each
 * file still queued once, in order, with its own copy. */
static void a_window_holds_no_more_copies_than_the_queue_allows(void **state)
{
    static struct files_record record;
    long size;
    char *copy;
    (void)state;

    copy = read_whole(MESSAGE, &size);
    free(copy);
    submit_mixed_files(120, 16 * (ULONG)size, &record);
    assert_true(record.commits >= 120 / 19);
}

/* A write that fails in the middle of a window on the threads stops the
 * submission there, as one file after another would: the files before it
 * queued, none after it (a bad one after it not even said, the next window
 * not begun), and the ids after it not used up. */
static void a_failed_write_stops_the_files_after_it(void **state)
{
    static struct files_record record;
    char *paths[300], error[QUEUE_ERROR_SIZE], id[QUEUE_ID_SIZE];
    ULONG counts[QUEUE_STATE_COUNT], i;
    struct queue queue;
    FILE *blocker;
    HRESULT hr;
    (void)state;

    memset(&record, 0, sizeof(record));
    write_not_a_msg();
    for (i = 0; i < ARRAYSIZE(paths); i++) paths[i] = (char *)(i == 60 ? NOT_A_MSG : MESSAGE);
    assert_int_equal(queue_open(QUEUE_DIR, TRUE, &queue, error), S_OK);
    /* a file where message 40's folder would be made */
    assert_non_null(blocker = fopen(QUEUE_DIR "/incoming/00000040", "wb"));
    fclose(blocker);
    hr = queue_submit_files(&queue, paths, ARRAYSIZE(paths), t0(), record_queued, record_failed, &record);
    assert_true(FAILED(hr) && hr != E_INVALIDARG);
    assert_int_equal(record.failure_count, 1);
    assert_non_null(strstr(record.failures[0], "00000040"));
    assert_int_equal(record.queued_count, 39);
    assert_string_equal(record.queued_ids[38], "00000039");
    assert_int_equal(queue_count(&queue, counts, error), S_OK);
    assert_int_equal(counts[QUEUE_QUEUED], 39);
    /* nothing of the files after it left behind, in its window or the next */
    for (i = 41; i <= ARRAYSIZE(paths); i++)
    {
        char folder[64];
        snprintf(folder, sizeof(folder), QUEUE_DIR "/incoming/%08u", (unsigned)i);
        assert_int_equal(GetFileAttributesA(folder), INVALID_FILE_ATTRIBUTES);
    }
    DeleteFileA(QUEUE_DIR "/incoming/00000040");
    assert_int_equal(queue_submit(&queue, MESSAGE, t0(), id, error), S_OK);
    assert_string_equal(id, "00000041");
    queue_close(&queue);
    DeleteFileA(NOT_A_MSG);
}

/* A folder where message 300 would be moved, made while the first window
 * is reported: the second window's commit fails at its move. */
static void record_queued_and_block(void *context, const char *path, const char *id)
{
    if (id && !strcmp(id, "00000001")) assert_true(CreateDirectoryA(QUEUE_DIR "/queued/00000300", NULL));
    record_queued(context, path, id);
}

/* A commit that fails while the next window is read (three windows on the
 * threads): the messages it moved before the failure stay queued, the
 * rest of its window is removed, and the window after it never queued. */
static void a_failed_commit_stops_the_windows_after_it(void **state)
{
    static struct files_record record;
    char *paths[FILES_COUNT], error[QUEUE_ERROR_SIZE];
    ULONG counts[QUEUE_STATE_COUNT], i;
    struct queue queue;
    HRESULT hr;
    (void)state;

    memset(&record, 0, sizeof(record));
    for (i = 0; i < FILES_COUNT; i++) paths[i] = (char *)MESSAGE;
    assert_int_equal(queue_open(QUEUE_DIR, TRUE, &queue, error), S_OK);
    hr = queue_submit_files(&queue, paths, FILES_COUNT, t0(), record_queued_and_block, record_failed, &record);
    assert_true(FAILED(hr) && hr != E_INVALIDARG);
    assert_int_equal(record.failure_count, 1);
    assert_non_null(strstr(record.failures[0], "00000300"));
    assert_int_equal(record.queued_count, 299);
    assert_string_equal(record.queued_ids[298], "00000299");
    assert_int_equal(record.commits, 2);
    /* the 299 and the folder in the way; nothing of the rest anywhere */
    assert_int_equal(queue_count(&queue, counts, error), S_OK);
    assert_int_equal(counts[QUEUE_QUEUED], 300);
    for (i = 301; i <= FILES_COUNT; i++)
    {
        char folder[64];
        snprintf(folder, sizeof(folder), QUEUE_DIR "/incoming/%08u", (unsigned)i);
        assert_int_equal(GetFileAttributesA(folder), INVALID_FILE_ATTRIBUTES);
        snprintf(folder, sizeof(folder), QUEUE_DIR "/queued/%08u", (unsigned)i);
        assert_int_equal(GetFileAttributesA(folder), INVALID_FILE_ATTRIBUTES);
    }
    queue_close(&queue);
}

/* Appends TEXT to the history of queued message ID as a run would have. */
static void append_history(const char *id, const char *text)
{
    char path[256];
    FILE *out;

    snprintf(path, sizeof(path), QUEUE_DIR "/queued/%s/history", id);
    assert_non_null(out = fopen(path, "ab"));
    fputs(text, out);
    fclose(out);
}

static void the_history_keeps_what_the_state_counts(void **state)
{
    struct queue queue;
    struct queue_policy policy;
    struct queue_entry entry = {0};
    struct queue_event *events;
    char error[QUEUE_ERROR_SIZE], id[QUEUE_ID_SIZE];
    ULONG count;
    (void)state;

    queue_policy_default(&policy);
    policy.fix = 0;
    assert_int_equal(queue_open(QUEUE_DIR, TRUE, &queue, error), S_OK);
    assert_int_equal(queue_submit(&queue, MESSAGE, t0(), id, error), S_OK);
    /* not attempted yet: no history */
    assert_int_equal(queue_find(&queue, id, &entry, error), S_OK);
    assert_int_equal(queue_history(&queue, &entry, &events, &count, error), S_OK);
    assert_int_equal(count, 0);
    queue_entry_clear(&entry);
    /* two failed attempts, as the run wrote them */
    assert_int_equal(queue_run(&queue, &policy, t0(), t0() + 10 * MINUTE, NULL, NULL, error), S_OK);
    assert_int_equal(queue_find(&queue, id, &entry, error), S_OK);
    assert_int_equal(queue_history(&queue, &entry, &events, &count, error), S_OK);
    assert_int_equal(count, 2);
    assert_int_equal(events[0].attempt, 1);
    assert_int_equal(events[0].when, t0());
    assert_int_equal(events[0].kind, QUEUE_EVENT_FAILED);
    assert_int_equal(events[0].hresult, E_FAIL);
    assert_int_equal(events[0].fix, QUEUE_FIX_OFF);
    assert_string_equal(events[0].value, "--fix=off");
    assert_int_equal(events[1].attempt, 2);
    assert_int_equal(events[1].when, t0() + 10 * MINUTE);
    free(events);
    /* what a crash leaves: attempt 2 made again (the last one counts), a
     * line for attempt 3 the state does not count yet, a cut line, a
     * line of another kind of file */
    append_history(id, "2\t2007-08-03T14:11:00Z\tfailed\t0x80004005\ton\tREG_DWORD 1\t327\t.\n");
    append_history(id, "3\t2007-08-03T14:20:00Z\tdelivered\t0\ton\tREG_DWORD 1\t-\t.\n");
    /* lines no run writes, each wrong in one field: passed over */
    append_history(id, "x2\t2007-08-03T14:13:00Z\tfailed\t0x80004005\ton\tv\t327\t.\n"
                       "99999999999\t2007-08-03T14:13:00Z\tfailed\t0x80004005\ton\tv\t327\t.\n"
                       "\t2007-08-03T14:13:00Z\tfailed\t0x80004005\ton\tv\t327\t.\n"
                       "2\t14:13\tfailed\t0x80004005\ton\tv\t327\t.\n"
                       "2\t2007-08-03\tfailed\t0x80004005\ton\tv\t327\t.\n"
                       "2\t2007-08-03T14:13:00Z\texploded\t0x80004005\ton\tv\t327\t.\n"
                       "2\t2007-08-03T14:13:00Z\tfailed\t80004005x\ton\tv\t327\t.\n"
                       "2\t2007-08-03T14:13:00Z\tfailed\t80004005\ton\tv\t327\t.\n"
                       "2\t2007-08-03T14:13:00Z\tfailed\t0x80004005\tmaybe\tv\t327\t.\n"
                       "2\t2007-08-03T14:13:00Z\tfailed\t0x80004005\ton\tv\t328\t.\n"
                       "2\t2007-08-03T14:13:00Z\tfailed\t0x80004005\ton\tv\t327\t,\n"
                       "2\t2007-08-03T14:13:00Z\tfailed\t0x80004005\ton\tv\t327\t.\textra\n");
    append_history(id, "garbage\n2\t2007-08-03T14:12:00Z\tfailed\t0x80004005\ton\tREG_DW");
    assert_int_equal(queue_history(&queue, &entry, &events, &count, error), S_OK);
    assert_int_equal(count, 2);
    assert_int_equal(events[1].attempt, 2);
    assert_int_equal(events[1].when, t0() + 11 * MINUTE);
    assert_int_equal(events[1].fix, QUEUE_FIX_ON);
    assert_true(events[1].event_327);
    assert_string_equal(events[1].value, "REG_DWORD 1");
    free(events);
    /* the next run appends after the cut line, not onto it */
    assert_int_equal(queue_run(&queue, &policy, t0() + 20 * MINUTE, t0() + 20 * MINUTE, NULL, NULL, error), S_OK);
    queue_entry_clear(&entry);
    assert_int_equal(queue_find(&queue, id, &entry, error), S_OK);
    assert_int_equal(entry.attempts, 3);
    assert_int_equal(queue_history(&queue, &entry, &events, &count, error), S_OK);
    assert_int_equal(count, 3);
    assert_int_equal(events[2].attempt, 3);
    assert_int_equal(events[2].kind, QUEUE_EVENT_FAILED);
    assert_int_equal(events[2].when, t0() + 20 * MINUTE);
    free(events);
    queue_entry_clear(&entry);
    queue_close(&queue);
}

static void the_default_schedule_is_exchange_2003s(void **state)
{
    struct queue_policy policy;
    (void)state;

    queue_policy_default(&policy);
    assert_int_equal(policy.retry_count, 4);
    assert_int_equal(policy.retry_minutes[0], 10);
    assert_int_equal(policy.retry_minutes[1], 10);
    assert_int_equal(policy.retry_minutes[2], 10);
    assert_int_equal(policy.retry_minutes[3], 15);
    assert_int_equal(policy.delay_minutes, 12 * 60);
    assert_int_equal(policy.expire_minutes, 2 * 24 * 60);
    assert_int_equal(policy.fix, -1); /* the gate decides */
}

static void a_second_run_is_refused_while_one_holds_the_lock(void **state)
{
    struct queue first, second, reader;
    char error[QUEUE_ERROR_SIZE];
    (void)state;

    assert_int_equal(queue_open(QUEUE_DIR, TRUE, &first, error), S_OK);
    assert_int_equal(queue_open(QUEUE_DIR, TRUE, &second, error), HRESULT_FROM_WIN32(ERROR_SHARING_VIOLATION));
    assert_non_null(strstr(error, "is in use by another run"));
    queue_close(&second);
    /* reading (list, open) needs no lock */
    assert_int_equal(queue_open(QUEUE_DIR, FALSE, &reader, error), S_OK);
    queue_close(&reader);
    queue_close(&first);
    assert_int_equal(queue_open(QUEUE_DIR, TRUE, &second, error), S_OK);
    queue_close(&second);
}

static void ids_are_never_reused_and_retry_delete_open_work(void **state)
{
    struct queue queue;
    struct queue_policy policy;
    struct queue_entry *entries;
    char error[QUEUE_ERROR_SIZE], id[QUEUE_ID_SIZE], *mime = NULL, *unfolded;
    ULONG count;
    (void)state;

    queue_policy_default(&policy);
    assert_int_equal(queue_open(QUEUE_DIR, TRUE, &queue, error), S_OK);
    assert_int_equal(queue_submit(&queue, MESSAGE, t0(), id, error), S_OK);
    assert_int_equal(queue_submit(&queue, MESSAGE, t0(), id, error), S_OK);
    assert_string_equal(id, "00000002");
    assert_int_equal(queue_delete(&queue, "00000002", error), S_OK);
    assert_int_equal(queue_submit(&queue, MESSAGE, t0(), id, error), S_OK);
    assert_string_equal(id, "00000003");
    assert_int_equal(queue_delete(&queue, "00000002", error), HRESULT_FROM_WIN32(ERROR_NOT_FOUND));

    assert_int_equal(queue_retry(&queue, "00000003", t0() + 7 * MINUTE, error), S_OK);
    assert_int_equal(queue_list(&queue, &entries, &count, error), S_OK);
    assert_int_equal(count, 2);
    assert_string_equal(entries[1].id, "00000003");
    assert_int_equal(entries[1].next_retry, t0() + 7 * MINUTE);
    assert_string_equal(entries[1].sender, "olivia@contoso.example");
    assert_string_equal(entries[1].recipients, "adam@fabrikam.example");
    assert_string_equal(entries[1].mdb, "5e4bd0a7-1f63-4df7-a2b1-5d5e1e2c1d1f");
    assert_string_equal(entries[1].fid, "1-B3C");
    assert_string_equal(entries[1].mid, "1-94DA1");
    queue_entries_free(entries, count);

    policy.fix = 0;
    assert_int_equal(queue_open_message(&queue, "00000001", &policy, t0(), &mime, error), E_FAIL);
    assert_null(mime);
    assert_non_null(strstr(error, "PR_RECIPIENT_TRACKSTATUS_TIME 0x0000000000000000"));
    policy.fix = 1;
    assert_int_equal(queue_open_message(&queue, "00000001", &policy, t0(), &mime, error), S_OK);
    unfolded = unfold(mime);
    assert_non_null(strstr(unfolded, "X-REPLYTIME=18991230T000000Z"));
    free(unfolded);
    free(mime);
    /* open changes nothing */
    assert_int_equal(queue_list(&queue, &entries, &count, error), S_OK);
    assert_int_equal(entries[0].attempts, 0);
    assert_int_equal(entries[0].state, QUEUE_QUEUED);
    queue_entries_free(entries, count);
    queue_close(&queue);
}

/* A queue past QUEUEREPORT_GROUP_ABOVE messages, stuck with the value off
 * (through the gate) and then delivered once it is set on, the run going
 * on: its page draws one row a history, lists each row's ids as ranges,
 * marks the switch seen to change, and counts a folder that is no
 * message's (a name the queue never gives) as set aside. */
static void a_large_queue_is_drawn_a_row_a_history(void **state)
{
    enum { COUNT = QUEUEREPORT_GROUP_ABOVE + 5 };
    char error[QUEUE_ERROR_SIZE], server_error[SERVER_TEXT_SIZE], id[QUEUE_ID_SIZE];
    struct queuereport_figures figures;
    struct queue_policy policy;
    struct strbuf page = {0};
    struct queue queue;
    ULONG i;
    (void)state;

    assert_int_equal(server_install_hotfix(gate_reader_registry(), "20070801", server_error), S_OK);
    assert_int_equal(server_set_fix_value(0, server_error), S_OK);
    queue_policy_default(&policy);
    policy.fix = -1; /* the gate's */
    assert_int_equal(queue_open(QUEUE_DIR, TRUE, &queue, error), S_OK);
    for (i = 0; i < COUNT; i++) assert_int_equal(queue_submit_prepare(&queue, MESSAGE, t0(), id, error), S_OK);
    assert_int_equal(queue_submit_commit(&queue, NULL, NULL, error), S_OK);
    /* one message held back: a history of its own */
    assert_int_equal(queue_retry(&queue, "00000100", t0() + 5 * MINUTE, error), S_OK);
    assert_int_equal(CreateDirectoryA(QUEUE_DIR "/queued/notes", NULL), TRUE);
    /* each first attempt fails; the retries after the switch deliver */
    assert_int_equal(queue_run(&queue, &policy, t0(), t0() + 4 * MINUTE, NULL, NULL, error), S_OK);
    assert_int_equal(server_set_fix_value(1, server_error), S_OK);
    assert_int_equal(queue_run(&queue, &policy, t0() + 4 * MINUTE, t0() + 15 * MINUTE, NULL, NULL, error), S_OK);

    assert_int_equal(queuereport_build(&queue, &page, &figures, error), S_OK);
    assert_false(page.failed);
    assert_int_equal(figures.messages, COUNT + 1);
    assert_int_equal(figures.corrupt, 1);
    assert_int_equal(figures.rows, 2);
    assert_int_equal(figures.toggles, 1);
    assert_non_null(strstr(page.data, "FixRecipientTrackStatusTime seen to change 1 time."));
    assert_non_null(strstr(page.data, "205 messages in 2 rows"));
    assert_non_null(strstr(page.data, "00000001&ndash;00000099, 00000101&ndash;00000205"));
    strbuf_free(&page);
    queue_close(&queue);
    assert_int_equal(server_set_fix_value(0, server_error), S_OK);
}

/* Folders of names the queue never gives (not eight digits, or past
 * 4294967295) are listed apart, after its own ids, and counted; without
 * a state they list as set aside; a copy left behind in an earlier
 * folder is not listed twice; names that are no folder's are not found. */
static void names_the_queue_never_gives_are_listed_apart(void **state)
{
    static const char *const folders[] = {QUEUE_DIR "/queued/notes", QUEUE_DIR "/queued/99999999999",
                                          QUEUE_DIR "/queued/7", QUEUE_DIR "/delivered/notes",
                                          QUEUE_DIR "/queued/abc", QUEUE_DIR "/delivered/00000002"};
    static const char *const not_ids[] = {"", ".", "..", "a/b", "a\\b", "000000001234567890123456789012345678901234567890"};
    char error[QUEUE_ERROR_SIZE], id[QUEUE_ID_SIZE];
    ULONG counts[QUEUE_STATE_COUNT], count, i;
    struct queue_entry *entries, e;
    struct queue queue;
    (void)state;

    assert_int_equal(queue_open(QUEUE_DIR, TRUE, &queue, error), S_OK);
    assert_int_equal(queue_submit(&queue, MESSAGE, t0(), id, error), S_OK);
    assert_int_equal(queue_submit(&queue, MESSAGE, t0(), id, error), S_OK);
    queue_close(&queue);
    for (i = 0; i < ARRAYSIZE(folders); i++) assert_int_equal(CreateDirectoryA(folders[i], NULL), TRUE);

    /* read without the lock: nothing moved */
    assert_int_equal(queue_open(QUEUE_DIR, FALSE, &queue, error), S_OK);
    assert_int_equal(queue_count(&queue, counts, error), S_OK);
    assert_int_equal(counts[QUEUE_QUEUED], 4); /* 00000001, 7, 99999999999, abc */
    assert_int_equal(counts[QUEUE_DELIVERED], 2); /* 00000002 (its queued copy left behind), notes */
    assert_int_equal(queue_list(&queue, &entries, &count, error), S_OK);
    assert_int_equal(count, 6);
    assert_string_equal(entries[0].id, "00000001");
    assert_int_equal(entries[0].state, QUEUE_QUEUED);
    assert_string_equal(entries[1].id, "00000002");
    assert_int_equal(entries[1].state, QUEUE_CORRUPT); /* the delivered folder has no state */
    assert_string_equal(entries[2].id, "7");
    assert_string_equal(entries[3].id, "99999999999");
    assert_string_equal(entries[4].id, "abc");
    assert_string_equal(entries[5].id, "notes");
    for (i = 2; i < count; i++) assert_int_equal(entries[i].state, QUEUE_CORRUPT);
    assert_non_null(strstr(entries[5].last_error, "no state file"));
    queue_entries_free(entries, count);

    assert_int_equal(queue_find(&queue, "notes", &e, error), S_OK);
    assert_int_equal(e.state, QUEUE_CORRUPT);
    queue_entry_clear(&e);
    for (i = 0; i < ARRAYSIZE(not_ids); i++)
    {
        assert_int_equal(queue_find(&queue, not_ids[i], &e, error), HRESULT_FROM_WIN32(ERROR_NOT_FOUND));
        assert_non_null(strstr(error, "no message"));
    }
    queue_close(&queue);
}

/* A state with one field wrong is damage, set aside naming the field; a
 * field of a later version is passed over; CRLF line ends read the same. */
static void damaged_states_are_set_aside_naming_the_field(void **state)
{
    static const struct
    {
        int line;
        const char *key;      /* the line of this field ... */
        const char *replaced; /* ... replaced by this one ("": removed) */
        const char *reason;   /* NULL: still queued */
    } rows[] = {
        {__LINE__, "attempts=", "attempts=abc", "bad value for attempts: 'abc'"},
        {__LINE__, "attempts=", "attempts=99999999999", "bad value for attempts"},
        {__LINE__, "attempts=", "attempts=", "bad value for attempts"},
        {__LINE__, "next_retry=", "next_retry=2007-08-03", "bad value for next_retry"},
        {__LINE__, "next_retry=", "next_retry=10000-01-01T00:00:00Z", "bad value for next_retry"},
        {__LINE__, "delay_notified=", "delay_notified=maybe", "bad value for delay_notified"},
        {__LINE__, "last_hresult=", "last_hresult=zz", "bad value for last_hresult"},
        {__LINE__, "subject=", "", "no subject field"},
        {__LINE__, "subject=", "subject=x\nfuture_field=1\nno equals sign here", NULL},
    };
    char error[QUEUE_ERROR_SIZE], id[QUEUE_ID_SIZE], *original, *text;
    const char *path = QUEUE_DIR "/queued/00000001/state";
    struct queue queue;
    struct queue_entry e;
    size_t i;
    (void)state;

    assert_int_equal(queue_open(QUEUE_DIR, TRUE, &queue, error), S_OK);
    assert_int_equal(queue_submit(&queue, MESSAGE, t0(), id, error), S_OK);
    queue_close(&queue);
    assert_int_equal(hostfs_read_text(path, 65536, &original), S_OK);
    /* read without the lock: found damaged, not moved */
    assert_int_equal(queue_open(QUEUE_DIR, FALSE, &queue, error), S_OK);
    for (i = 0; i < ARRAYSIZE(rows); i++)
    {
        const char *start = strstr(original, rows[i].key), *end = start ? strchr(start, '\n') + 1 : NULL;
        struct strbuf changed = {0};

        _assert_true(start != NULL, rows[i].key, __FILE__, rows[i].line);
        strbuf_add(&changed, original, start - original);
        if (*rows[i].replaced) strbuf_printf(&changed, "%s\n", rows[i].replaced);
        strbuf_puts(&changed, end);
        assert_int_equal(hostfs_write_file(path, changed.data, changed.size), S_OK);
        strbuf_free(&changed);
        _assert_int_equal(queue_find(&queue, "00000001", &e, error), S_OK, __FILE__, rows[i].line);
        if (!rows[i].reason) _assert_int_equal(e.state, QUEUE_QUEUED, __FILE__, rows[i].line);
        else if (e.state != QUEUE_CORRUPT || !strstr(e.last_error, rows[i].reason))
            print_error("state %d, '%s'\n", e.state, e.last_error), _fail(__FILE__, rows[i].line);
        queue_entry_clear(&e);
    }
    /* the whole state with CRLF line ends */
    {
        struct strbuf crlf = {0};
        for (text = original; *text; text++) strbuf_puts(&crlf, *text == '\n' ? "\r\n" : (char[]){*text, 0});
        assert_int_equal(hostfs_write_file(path, crlf.data, crlf.size), S_OK);
        strbuf_free(&crlf);
    }
    assert_int_equal(queue_find(&queue, "00000001", &e, error), S_OK);
    assert_int_equal(e.state, QUEUE_QUEUED);
    assert_string_equal(e.sender, "olivia@contoso.example");
    queue_entry_clear(&e);
    queue_close(&queue);
    free(original);
}

#define T0 128305152000000000ULL /* 2007-08-02T08:00:00Z, submitted */

/* The schedule at each bound, to the 100 ns tick: Exchange 2003's retry
 * table (10, 10, 10, then 15 minutes), the delay notice at 12 hours and
 * expiry at 2 days after submission; the next due time the earliest. */
static const struct
{
    int line;
    ULONG attempts;
    BOOL delay_notified;
    ULONGLONG next_retry;
    ULONGLONG next_due;
} due_rows[] = {
    {__LINE__, 0, FALSE, T0, T0},                                   /* never tried: its first attempt */
    {__LINE__, 1, FALSE, T0 + 10 * MINUTE, T0 + 10 * MINUTE},        /* the retry before the delay notice */
    {__LINE__, 1, FALSE, T0 + 720 * MINUTE - 1, T0 + 720 * MINUTE - 1},
    {__LINE__, 1, FALSE, T0 + 720 * MINUTE, T0 + 720 * MINUTE},      /* the same instant: one time */
    {__LINE__, 1, FALSE, T0 + 720 * MINUTE + 1, T0 + 720 * MINUTE},  /* the delay notice first */
    {__LINE__, 0, FALSE, T0 + 720 * MINUTE + 1, T0 + 720 * MINUTE + 1}, /* untried: no notice */
    {__LINE__, 1, TRUE, T0 + 720 * MINUTE + 1, T0 + 720 * MINUTE + 1},  /* notice sent */
    {__LINE__, 5, TRUE, T0 + 2880 * MINUTE - 1, T0 + 2880 * MINUTE - 1},
    {__LINE__, 5, TRUE, T0 + 2880 * MINUTE, T0 + 2880 * MINUTE},
    {__LINE__, 5, TRUE, T0 + 2880 * MINUTE + 1, T0 + 2880 * MINUTE}, /* expiry first */
};

static void the_schedule_is_pinned_to_the_tick(void **state)
{
    static const ULONG waits[] = {10, 10, 10, 10, 15, 15, 15};
    struct queue_policy policy;
    struct queue_entry e;
    size_t i;
    (void)state;

    queue_policy_default(&policy);
    memset(&e, 0, sizeof(e));
    e.submitted = T0;
    assert_int_equal(queue_policy_delay(&policy, &e), T0 + 720 * MINUTE);
    assert_int_equal(queue_policy_expiry(&policy, &e), T0 + 2880 * MINUTE);
    for (i = 1; i < ARRAYSIZE(waits); i++)
        _assert_int_equal(queue_policy_retry_interval(&policy, (ULONG)i), waits[i] * MINUTE, __FILE__, __LINE__);
    assert_int_equal(queue_policy_retry_interval(&policy, 1000), 15 * MINUTE);
    for (i = 0; i < ARRAYSIZE(due_rows); i++)
    {
        e.attempts = due_rows[i].attempts;
        e.delay_notified = due_rows[i].delay_notified;
        e.next_retry = due_rows[i].next_retry;
        _assert_int_equal(queue_policy_next_due(&policy, &e), due_rows[i].next_due, __FILE__, due_rows[i].line);
    }
}

/* The server folder a queue stands in, for every path form (a drive path
 * once put event 327 and the NDRs in the current folder). */
static const struct
{
    int line;
    const char *queue, *server;
} server_rows[] = {
    {__LINE__, "queue", "."},
    {__LINE__, "./queue", "."},
    {__LINE__, "srv/queue", "srv"},
    {__LINE__, "srv/queue/", "srv"},
    {__LINE__, "a//b//", "a"},
    {__LINE__, "srv\\queue", "srv"},
    {__LINE__, "Z:\\srv\\s\\queue", "Z:\\srv\\s"},
    {__LINE__, "Z:\\srv\\s\\queue\\", "Z:\\srv\\s"},
    {__LINE__, "Z:/srv/queue", "Z:/srv"},
    {__LINE__, "Z:\\queue", "Z:\\"},
    {__LINE__, "Z:queue", "Z:"},
    {__LINE__, "/queue", "/"},
    {__LINE__, "/srv/queue", "/srv"},
    /* a root alone, or nothing: the root, or the current folder */
    {__LINE__, "/", "/"},
    {__LINE__, "Z:\\", "Z:\\"},
    {__LINE__, "Z:", "Z:"},
    {__LINE__, "", "."},
};

static void the_server_folder_is_the_queues_parent_in_every_path_form(void **state)
{
    size_t i;
    char *path;
    (void)state;

    for (i = 0; i < ARRAYSIZE(server_rows); i++)
    {
        char *server = serverdir_of_queue(server_rows[i].queue);
        if (!server || strcmp(server, server_rows[i].server))
            print_error("'%s' gave '%s'\n", server_rows[i].queue, server ? server : "(null)"),
                _fail(__FILE__, server_rows[i].line);
        free(server);
    }
    path = serverdir_mailbox("Z:\\srv", "a/b:c\x01@x.example", "1.ndr.eml");
    assert_string_equal(path, "Z:\\srv/mailboxes/a_b_c_@x.example/1.ndr.eml");
    free(path);
    path = serverdir_path("srv", SERVER_EVENTLOG, NULL);
    assert_string_equal(path, "srv/eventlog.log");
    free(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(the_schedule_follows_the_policy, setup, teardown),
        cmocka_unit_test_setup_teardown(the_schedule_is_the_same_read_from_disk_at_every_pass, setup, teardown),
        cmocka_unit_test_setup_teardown(conversions_made_ahead_are_each_their_own_messages, setup, teardown),
        cmocka_unit_test_setup_teardown(many_files_are_queued_in_order_each_with_its_own_copy, setup, teardown),
        cmocka_unit_test_setup_teardown(a_window_holds_no_more_copies_than_the_queue_allows, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_write_stops_the_files_after_it, setup, teardown),
        cmocka_unit_test_setup_teardown(a_failed_commit_stops_the_windows_after_it, setup, teardown),
        cmocka_unit_test(the_default_schedule_is_exchange_2003s),
        cmocka_unit_test(the_schedule_is_pinned_to_the_tick),
        cmocka_unit_test(the_server_folder_is_the_queues_parent_in_every_path_form),
        cmocka_unit_test_setup_teardown(a_second_run_is_refused_while_one_holds_the_lock, setup, teardown),
        cmocka_unit_test_setup_teardown(the_history_keeps_what_the_state_counts, setup, teardown),
        cmocka_unit_test_setup_teardown(ids_are_never_reused_and_retry_delete_open_work, setup, teardown),
        cmocka_unit_test_setup_teardown(a_large_queue_is_drawn_a_row_a_history, setup, teardown),
        cmocka_unit_test_setup_teardown(names_the_queue_never_gives_are_listed_apart, setup, teardown),
        cmocka_unit_test_setup_teardown(damaged_states_are_set_aside_naming_the_field, setup, teardown),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("queue", tests, NULL, NULL));
}
