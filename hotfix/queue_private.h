/*
 * queue_private: what the rooms of the queue share, and nothing outside
 * them sees (queue.h is the contract).  Postfix splits its queue manager
 * so; each group of prototypes below is one file's:
 *   queue_store.c    paths, open and lock, the crash sweep, the state file, moves
 *   queue_list.c     listing, corrupt messages set aside
 *   queue_submit.c   ids, submission
 *   queue_policy.c   the schedule (public: queue.h)
 *   queue_notify.c   delay DSN, 4.4.7 NDR, event 327
 *   queue_deliver.c  conversion and delivery of one message
 *   queue_run.c      the run loop and its group commit
 *   queue_admin.c    open, retry, delete
 *   queue_history.c  each message's history of attempts and notices
 *   queue_ahead.c    the run's conversions made ahead, on a thread of their own
 */
#ifndef TRACKFIX_QUEUE_PRIVATE_H
#define TRACKFIX_QUEUE_PRIVATE_H

#include <windef.h>

#include "atomicfile.h"
#include "dsn.h"
#include "gate.h"
#include "mapimsg.h"
#include "queue.h"
#include "strbuf.h"
#include "systime.h"


#define MESSAGE_FILE "message.msg"
#define STATE_FILE "state"
#define HISTORY_FILE "history"
/* there while a process holds the lock: found by the next one, it says the
 * holder was killed and left temp files */
#define OPEN_MARK "open"
/* where submissions and deletions pass through; cleared at every open */
#define INCOMING "incoming"
/* a state file larger than this is damaged, not a message's state */
#define STATE_MAX_SIZE (256 * 1024 * 1024)
/* a source key: the replica GUID, then a 6-byte big-endian global counter */
#define SOURCE_KEY_SIZE 22

/* ids reserved in QUEUE/next-id at a time: one flushed write per this many
 * submissions; a crash skips the rest of a reserve, never reuses one */
#define ID_RESERVE 256

/* A prepared submission: its folder in incoming/ and where it goes. */
struct queue_pending
{
    char id[QUEUE_ID_SIZE];
    char *folder, *target;
};

static const char *const state_folders[QUEUE_STATE_COUNT] = {"queued", "delivered", "expired", "corrupt"};
/* in a corrupt message's folder: why it was set aside */
#define REASON_FILE "reason"
/* the first line of every message the queue delivers: its id and token */
#define TOKEN_HEADER "X-Trackfix-Queue-Id: "
#define TOKEN_BYTES 8

#define FIELD(key, kind, member, required) {key, QUEUE_FIELD_##kind, offsetof(struct queue_entry, member), required}

#define FIELD_AT(e, field, type) ((type *)((char *)(e) + (field)->offset))

/* Delivery attempts. */

/* the files a run flushes together at most (the rest of a pass follows):
 * a syncfs's time goes with what it flushes (4,096 a commit took as long
 * in all as 1,024, for 6 MB more) */
#define RUN_BATCH 1024
/* the queued messages a run schedules at once (40 bytes each): a larger
 * queue is run in rounds of this many, in id order */
#define RUN_SLOTS_MAX (256u * 1024)
/* the due time of a message that has left queued/ */
#define RUN_DONE (~0ULL)

/* A queued message as the run schedules it. */
struct run_slot
{
    char id[QUEUE_ID_SIZE];
    ULONGLONG due;             /* when it is next due (RUN_DONE: no longer queued) */
    struct queue_entry *kept;  /* its state as last saved, kept read between passes; NULL: read when due */
    BYTE record_checked;       /* looked for a delivery record left by a run that died */
    BYTE history_whole;        /* its history ends with a whole line: this run appended to it */
};

/* A message read for this pass, kept until the pass's commit: the commit's
 * lines, events and moves point into it. */
struct run_live
{
    ULONG slot;
    struct queue_entry *entry;
};

/* the messages a run holds read before attempting them, their conversions
 * made meanwhile on a thread of their own (queue_ahead.c) */
#define RUN_AHEAD 64
struct run_ahead;

/* A message held for its attempt, and its conversion made ahead. */
struct run_ahead_item
{
    ULONG slot;
    struct queue_entry *entry; /* owned by whoever holds the item */
    ULONGLONG now;             /* the attempt's time */
    BOOL wanted;               /* an attempt is due: convert it ahead */
    BOOL converted;            /* the conversion below was made; else the attempt makes it */
    HRESULT result;
    char *mime;
    enum queue_fix_seen fix;
    char value[QUEUE_VALUE_SIZE];
    char reason[QUEUE_ERROR_SIZE];
};

/* A delivery to the drop folder, moved on once its record and its state are
 * on disk (commit_pass). */
struct run_move
{
    struct queue_entry *entry;
    char *from, *to;
    BOOL moved;
};

/* A line of the run, said once what it tells is on disk. */
struct run_line
{
    ULONGLONG when;
    const struct queue_entry *entry;
    char *text;
    BOOL event; /* it tells of an event 327 of the pass */
    ULONG move; /* 1 + the index of the delivery it tells of; 0: none */
};

struct run
{
    struct queue *queue;
    const struct queue_policy *policy;
    queue_report_fn report;
    void *ctx;
    char *error;
    struct gate_keys keys; /* the registry, read at every attempt through keys kept open */
    /* the Exchange Store Driver's diagnostics level: read once for the
     * attempts committed together (commit_pass forgets it) */
    enum { LEVEL_UNREAD, LEVEL_BELOW_MAXIMUM, LEVEL_LOGS_327 } level;
    /* group commit: the pass's new states of messages that stay queued and
     * its events 327, flushed together at the end of the pass, then its lines */
    struct atomicfile_batch states;
    struct eventlog_327 *events;
    ULONG event_count, event_capacity;
    struct run_move *moves; /* deliveries to the drop folder */
    ULONG move_count, move_capacity;
    struct run_line *lines;
    ULONG line_count, line_capacity;
    BOOL line_lost;              /* a line could not be kept: the commit fails, out of memory */
    /* the round's queued messages, in id order */
    struct run_slot *slots;
    ULONG slot_count, slot_capacity;
    ULONG current;   /* the slot of the message being attempted */
    ULONGLONG start; /* the clock of each round's first pass */
    /* the messages read since the last commit */
    struct run_live *live;
    ULONG live_count, live_capacity;
    struct run_ahead *ahead; /* the messages held for their attempts (queue_ahead.c) */
    ULONGLONG kept_bytes; /* of the states kept read (the policy's kept_states_bytes) */
    /* what the attempt being made saw of the gate, for its history */
    enum queue_fix_seen fix_seen;
    char value_seen[QUEUE_VALUE_SIZE];
};

/* queue_store.c */

/* One durable step done: counted, and told to the step observer. */
void qstore_step(struct queue *queue);

/* Creates PATH and its missing parents. */
HRESULT qstore_make_folders(const char *path, char *error);

/* Deletes every file in FOLDER whose name ends with SUFFIX. */
void qstore_remove_files(const char *folder, const char *suffix);

/* Calls VISIT for each subfolder name of FOLDER: as hostfs_for_each. */
HRESULT qstore_for_each_folder(const char *folder, void (*visit)(void *ctx, const char *folder, const char *name),
                               void *ctx);

/* The folder of message ID in STATE; caller frees. */
char *qstore_entry_folder(const struct queue *queue, enum queue_state state, const char *id);

/* atomicfile_write of PATH, its failure said in words in ERROR. */
HRESULT qstore_write_atomic(const char *path, const char *data, DWORD size, char *error);

/* E's state file as text into SB. */
void qstore_format_state(const struct queue_entry *e, struct strbuf *sb);

/* The memory E takes, its texts and their allocations counted. */
size_t qstore_entry_bytes(const struct queue_entry *e);

/* Writes E's state file into FOLDER atomically. */
HRESULT qstore_save_state(struct queue *queue, const char *folder, const struct queue_entry *e, char *error);

/* Sets every text field of E that is NULL to "": a message read from an
 * older state file, or set aside, has them all. */
HRESULT qstore_fill_texts(struct queue_entry *e);

/* Reads the state file of FOLDER into E (id and state set by the caller).
 * S_OK; E_OUTOFMEMORY; ERROR_FILE_NOT_FOUND or E_INVALIDARG when the
 * file is not a message's state (missing, no regular file, too large, a
 * field bad or missing); any other failure is the disk's (an I/O error),
 * and says nothing of the file.  ERROR says why. */
HRESULT qstore_load_state(const char *folder, struct queue_entry *e, char *error);

/* qstore_load_state of E (its id set) in STATE, whose FOLDER that is, read
 * through the state folder QUEUE holds open. */
HRESULT qstore_load_state_of(struct queue *queue, enum queue_state state, const char *folder, struct queue_entry *e,
                             char *error);

/* Reads why corrupt message E in FOLDER was set aside into its last_error. */
HRESULT qstore_load_reason(const char *folder, struct queue_entry *e);

/* Renames folder FROM to TO (both UTF-8), one durable step.  Through the
 * host: the state folders hold the whole queue (see hostfs.h). */
HRESULT qstore_move_folder(struct queue *queue, const char *from, const char *to, char *error);

/* Writes TEXT as FOLDER/NAME atomically, creating FOLDER; one durable step.
 * Names are fixed by the message id, so a file already there was written
 * for this very message and stays as it is.  *WRITTEN: the path (caller
 * frees). */
HRESULT qstore_write_file(struct queue *queue, const char *folder, const char *name, const char *text, char **written,
                          char *error);

/* The outcome of E's last attempt: RESULT, and TEXT (copied) as its
 * last_error.  E_OUTOFMEMORY leaves E as it was. */
HRESULT qstore_set_result(struct queue_entry *e, HRESULT result, const char *text);

/* queue_list.c */

/* Visits, as queue_for_each does, the messages in the states of MASK (bit
 * per state), from the one after id AFTER in the listing's order (NULL:
 * from the first). */
HRESULT qlist_each(struct queue *queue, unsigned mask, const char *after, queue_visit_fn visit, void *ctx, char *error);

/* Reads message ID of STATE into E; a state that cannot be read sets the
 * message aside (E then QUEUE_CORRUPT).  S_OK or E_OUTOFMEMORY. */
HRESULT qlist_load(struct queue *queue, enum queue_state state, const char *id, struct queue_entry *e, char *error);

/* Finds message ID in the states of MASK; fills E. */
HRESULT qlist_find(struct queue *queue, unsigned mask, const char *id, struct queue_entry *e, char *error);

/* queue_submit.c */

/* Gives back the ids reserved and not used: QUEUE/next-id says the next one. */
void qsubmit_release_ids(struct queue *queue);

/* queue_notify.c */

/* Whom E still waits to be delivered to: all its recipients until a
 * server took some of them. */
const char *qnotify_pending(const struct queue_entry *e);

/* The addresses of the ", "-separated LIST, each in its own string: *COUNT
 * of them, NULL-terminated; free with free_addresses.  NULL when out of
 * memory. */
char **qnotify_split_addresses(const char *list, size_t *count);

void qnotify_free_addresses(char **addresses);

/* Writes the report of ACTION about RECIPIENTS of E to the sender's
 * mailbox folder as NAME. */
HRESULT qnotify_report(struct run *run, struct queue_entry *e, enum dsn_action action,
                            const struct dsn_recipient *recipients, size_t count, const char *name, ULONGLONG now,
                            char **written);

/* The delay notification or the 4.4.7 NDR for every recipient still
 * waiting. */
HRESULT qnotify_all(struct run *run, struct queue_entry *e, enum dsn_action action, ULONGLONG now);

/* Whether a failed conversion is logged as event 327 now: the 'Exchange
 * Store Driver' diagnostics level is 5 or more, as read for the attempts
 * the next commit saves (an administrator's change counts from there). */
BOOL qnotify_logs_327(struct run *run);

/* Event 327 for E's failed conversion (the caller asked qnotify_logs_327):
 * written at the end of the pass, after E's new state (commit_pass). */
HRESULT qnotify_event_327(struct run *run, const struct queue_entry *e, ULONGLONG now, HRESULT failure);

/* queue_deliver.c */

/* E's queued copy in FOLDER read and converted now (a run's attempt,
 * queue open), along POLICY's path or the gate's as REGISTRY reads it:
 * *MIME marked with E's token (caller frees), what was seen of the gate
 * into *FIX and VALUE, ERROR saying a failure.  The copy is read again at
 * every attempt: kept parsed in memory, it saved nothing measurable. */
HRESULT qdeliver_convert_copy(const char *folder, const struct queue_entry *e, const struct queue_policy *policy,
                              const struct gate_reader *registry, ULONGLONG now, char **mime, enum queue_fix_seen *fix,
                              char value[QUEUE_VALUE_SIZE], char *error);

/* E converted to MIME, delivered to the drop folder RECORDS as NAME at the
 * end of the pass: the record (unless REDO: a run that died had written
 * it) and E's state written into the pass's batch, E's folder moved from
 * FOLDER to TARGET once they are on disk (commit_pass).  Names are fixed
 * by the message id, so a record already there was written for this very
 * message and stays as it is. */
HRESULT qdeliver_defer(struct run *run, struct queue_entry *e, const char *folder, const char *target,
                              const char *records, const char *name, const char *mime, BOOL redo, ULONGLONG now);

/* Sends MIME of E over SMTP, each recipient judged apart as an MTA does:
 * the accepted ones are done, the refused ones (5xx) get an NDR with the
 * server's status and words now, the others wait in E->recipients.
 * Returns S_OK when none waits (*NONE_ACCEPTED when none got it either),
 * QUEUE_E_DEFERRED with REASON when some wait, E_OUTOFMEMORY. */
HRESULT qdeliver_smtp(struct run *run, struct queue_entry *e, const char *mime, ULONGLONG now, char *reason,
                         BOOL *none_accepted);

/* TRUE when the delivery record PATH is E's own: it starts with the line
 * that delivery puts first, E's id and token.  A file of that name from an
 * earlier queue in the same folder (ids start again when a queue folder is
 * made anew) is not; for an entry from before tokens, the name decides. */
BOOL qdeliver_record_is_ours(const char *path, const struct queue_entry *e);

/* queue_ahead.c */

/* Starts the conversions ahead of RUN; with THREAD, a pass that holds
 * enough messages has them made on a thread of their own (else, or when
 * the thread cannot start, each attempt converts as it comes: a small
 * queue stays on one thread).  S_OK or E_OUTOFMEMORY. */
HRESULT qahead_start(struct run *run, BOOL thread);

/* How many messages are held (RUN_AHEAD at most). */
ULONG qahead_held(const struct run *run);

/* Holds E (read for slot SLOT, owned from now on) for an attempt at NOW;
 * with WANTED, its conversion is made meanwhile.  Fewer than RUN_AHEAD
 * must be held. */
void qahead_hold(struct run *run, ULONG slot, struct queue_entry *e, ULONGLONG now, BOOL wanted);

/* Takes the oldest message held into *ITEM (its entry the caller's), once
 * its conversion, where wanted, is made.  One at least must be held. */
void qahead_take(struct run *run, struct run_ahead_item *item);

/* Frees ITEM's conversion. */
void qahead_clear(struct run_ahead_item *item);

/* Drops every message held: each conversion waited for, then freed with
 * its entry. */
void qahead_drop(struct run *run);

/* Drops what is held and stops the thread. */
void qahead_stop(struct run *run);

/* queue_history.c */

/* Appends what happened to E at NOW (KIND, HRESULT, whether EVENT_327 was
 * logged, the gate RUN saw for an attempt) to the history in FOLDER.  With
 * FLUSH on disk when this returns; else the pass's commit flushes it
 * (before the state that counts it).  ERROR says a failure. */
HRESULT qhistory_append(struct run *run, const char *folder, const struct queue_entry *e, enum queue_event_kind kind,
                        HRESULT hresult, BOOL event_327, ULONGLONG now, BOOL flush);

/* queue_run.c */

void qrun_say(struct run *run, ULONGLONG when, const struct queue_entry *e, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

/* Keeps a line for the end of the pass (commit_pass). */
void qrun_keep_line(struct run *run, ULONGLONG when, const struct queue_entry *e, const char *text, BOOL event,
                      ULONG move);

/* FOLDER/NAME written with TEXT into the pass's batch, for the end of the
 * pass. */
HRESULT qrun_defer_write(struct run *run, const char *folder, const char *name, const char *text, size_t size);

/* E's new state into FOLDER, for the end of the pass. */
HRESULT qrun_defer_state(struct run *run, const char *folder, const struct queue_entry *e);

#endif
