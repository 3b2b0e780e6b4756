/*
 * queue: the SMTP retry queue of the simulated Exchange 2003 server
 * (DESIGN.md §1, §6).
 *
 * A queue folder QUEUE holds one folder per message, in exactly one of
 *   QUEUE/queued/ID/     waiting for its next retry
 *   QUEUE/delivered/ID/  its MIME is SERVER/drop/ID.eml (or went out over
 *                        SMTP, a copy kept as SERVER/sent/ID.eml)
 *   QUEUE/expired/ID/    its NDR is SERVER/mailboxes/SENDER/ID.ndr.eml
 *   QUEUE/corrupt/ID/    set aside: its state could not be read; the file
 *                        'reason' says why (like Postfix's corrupt queue)
 * where SERVER is the folder that holds QUEUE (its layout: serverdir.h).  Each message folder has
 * message.msg and state (key=value lines), and once a run has attempted
 * it state.old, a state before, never read: the run writes the next state
 * over it and exchanges the two names (no new file per attempt).  A state
 * change writes the state file as temp, flushes, renames; a change of place is one rename of
 * the message folder, made after the files it promises (the .eml, the NDR)
 * are on disk under names fixed by the id, so a run killed at any point and
 * started again redoes at most a write of the same file: nothing is lost
 * and nothing is delivered twice.  QUEUE/lock, held with the kernel's lock
 * (flock), keeps a second run out, from any Wine prefix.  The event log is
 * SERVER/eventlog.log.
 */
#ifndef TRACKFIX_QUEUE_H
#define TRACKFIX_QUEUE_H

#include <windef.h>

#include "errmsg.h"

#include "ecgetmime.h"
#include "strbuf.h"

#define QUEUE_ERROR_SIZE ERRMSG_SIZE
#define QUEUE_ID_SIZE 16
/* Exchange 2003 SMTP virtual server defaults (DESIGN.md §6), in minutes */
#define QUEUE_RETRY_MAX 8
#define QUEUE_DELAY_MINUTES (12 * 60)
#define QUEUE_EXPIRE_MINUTES (2 * 24 * 60)
/* The longest retry, delay or expiry interval the queue takes: a year of
 * 366 days, in minutes (a literal: the usage text names it, QUEUE_TEXT) */
#define QUEUE_MINUTES_MAX 527040
/* The latest clock the queue takes, as the usage text says it */
#define QUEUE_CLOCK_MAX_ISO "9998-01-01T00:00:00Z"
/* A number macro as text: QUEUE_TEXT(QUEUE_MINUTES_MAX) is "527040" */
#define QUEUE_TEXT(number) QUEUE_TEXT_(number)
#define QUEUE_TEXT_(number) #number
/* The latest clock the queue takes (--now, --until): QUEUE_CLOCK_MAX_ISO,
 * the end of year 9999 less its 365 days and the 365 of 9998, so that every
 * time derived from it (at most QUEUE_MINUTES_MAX later) stays inside the
 * four-digit years its state file holds */
#define QUEUE_CLOCK_MAX (SYSTIME_T_MAX + SYSTIME_TICKS_PER_SECOND - 730 * SYSTIME_TICKS_PER_DAY)

enum queue_state
{
    QUEUE_QUEUED,
    QUEUE_DELIVERED,
    QUEUE_EXPIRED,
    QUEUE_CORRUPT, /* set aside, never attempted; last_error says why */
    QUEUE_STATE_COUNT
};

struct queue_entry
{
    char id[QUEUE_ID_SIZE];
    enum queue_state state;
    char *source;     /* the file it was submitted from */
    char *token;      /* random, set at submission: marks this entry's delivery records */
    char *sender;
    char *recipients; /* ", "-separated: every recipient of the message */
    char *pending;    /* those still to deliver to; "" for all of RECIPIENTS */
    char *to, *cc;    /* the To and the Cc addresses the message shows (never Bcc), for reports */
    char *subject, *message_id;
    char *mdb, *fid, *mid; /* where the store keeps it, for event 327 */
    ULONGLONG submitted, next_retry, last_attempt;
    ULONG attempts;
    BOOL delay_notified;
    HRESULT last_hresult; /* S_OK before the first failure */
    char *last_error;
};

/* The last_hresult of a message a server told to wait (an SMTP 4xx, a lost
 * line): ERROR_RETRY, so that only EcGetMime's failures read "Unable to
 * open for delivery". */
#define QUEUE_E_DEFERRED HRESULT_FROM_WIN32(ERROR_RETRY)

/* The fields of a message's state file, in one table that save, load,
 * clear and the listings all go by.  The file is "KEY=VALUE" lines; a
 * value has no length limit and no line break (breaks become spaces). */
enum queue_field_kind
{
    QUEUE_FIELD_TEXT,    /* char *, UTF-8 */
    QUEUE_FIELD_TIME,    /* ULONGLONG FILETIME, ISO-8601 UTC; empty for 0 */
    QUEUE_FIELD_COUNT,   /* ULONG, decimal */
    QUEUE_FIELD_YES_NO,  /* BOOL, "yes" or "no" */
    QUEUE_FIELD_HRESULT, /* HRESULT, "0x..." */
};

struct queue_field
{
    const char *key;
    enum queue_field_kind kind;
    size_t offset; /* of the value in struct queue_entry */
    BOOL required; /* in every state file: one without it is corrupt */
};

extern const struct queue_field queue_fields[];
extern const size_t queue_field_count;

/* Appends FIELD of E to OUT as the state file has it. */
void queue_field_format(const struct queue_entry *e, const struct queue_field *field, struct strbuf *out);

/* Called after each durable step of the queue with the steps so far. */
typedef void (*queue_step_fn)(void *ctx, ULONG steps);

struct queue
{
    char *dir;      /* QUEUE */
    char *server;   /* the folder that holds QUEUE */
    int lock;       /* QUEUE/lock, open with the kernel's lock on it (hostfs_lock); -1 when not locked */
    int folder_fds[QUEUE_STATE_COUNT]; /* each state folder held open to read states in (-1: not yet) */
    ULONG steps;    /* durable steps taken (a file written and flushed, a rename) */
    queue_step_fn on_step; /* told after each durable step; NULL: nobody */
    void *step_ctx;
    ULONG next_id;     /* the id the next submission gets; 0 until first read */
    ULONG reserved_id; /* QUEUE/next-id says this: ids below it are this process's to give */
    struct queue_pending *pending; /* submissions written in incoming/, not yet moved in */
    ULONG pending_count, pending_capacity;
    /* the copies a window of queue_submit_files holds read at once, in
     * bytes (QUEUE_SUBMIT_WINDOW_BYTES): the window ends at the file whose
     * copy passes it */
    ULONG submit_window_bytes;
};

/* How a run attempts deliveries. */
struct queue_policy
{
    ULONG retry_minutes[QUEUE_RETRY_MAX]; /* the last one repeats */
    ULONG retry_count;
    ULONG delay_minutes, expire_minutes;
    int fix;                 /* -1 ask the gate at each attempt, 0 legacy, 1 clamped */
    const char *smtp_server; /* "host[:port]" to deliver over SMTP; NULL: the drop folder */
    /* what a run keeps read between passes, in bytes: the states of the
     * messages due again (some 1 KB each); past it, a message's state is
     * read again when due */
    ULONG kept_states_bytes;
    /* a pass of many messages has their conversions made ahead on a thread
     * of their own while this one writes and commits (the default); FALSE:
     * each at its attempt, all on one thread */
    BOOL convert_ahead;
};

/* Called for each thing a run does, with a line that says it, once it is on
 * disk; after the lines of each group commit, called with ENTRY and WHAT
 * NULL (a reporter that buffers writes its lines out then). */
typedef void (*queue_report_fn)(void *ctx, ULONGLONG when, const struct queue_entry *entry, const char *what);

/* Opens the queue in DIR (UTF-8), creating its folders.  With LOCK, takes
 * QUEUE/lock and clears what a killed run left half-done (temp files,
 * half-submitted messages); fails with HRESULT_FROM_WIN32(
 * ERROR_SHARING_VIOLATION) when another run holds it.  Returns S_OK or the
 * failure, ERROR saying what. */
HRESULT queue_open(const char *dir, BOOL lock, struct queue *queue, char error[QUEUE_ERROR_SIZE]);

/* Releases the lock and frees QUEUE. */
void queue_close(struct queue *queue);

/* Fills POLICY with the Exchange 2003 defaults: 10, 10, 10 then every 15
 * minutes; delay notification at 12 hours; expiry at 2 days; the gate;
 * 16 MB of states kept read. */
void queue_policy_default(struct queue_policy *policy);

/* The schedule of message E under P (queue_policy.c): when E expires
 * (submitted + expire_minutes), when its delay notice is due (submitted +
 * delay_minutes), the wait after its ATTEMPTS-th failed attempt (the retry
 * table's entry, its last repeated), and the next time anything is due
 * for it (its retry, its delay notice when not sent and it was tried,
 * its expiry: the earliest), all in FILETIME. */
ULONGLONG queue_policy_expiry(const struct queue_policy *p, const struct queue_entry *e);
ULONGLONG queue_policy_delay(const struct queue_policy *p, const struct queue_entry *e);
ULONGLONG queue_policy_retry_interval(const struct queue_policy *p, ULONG attempts);
ULONGLONG queue_policy_next_due(const struct queue_policy *p, const struct queue_entry *e);

/* Copies the .msg PATH into the queue, submitted at NOW and due at once.
 * Needs the lock.  Returns S_OK with ID set; E_INVALIDARG when PATH is not
 * a .msg file it can read; else the failure to write (a full disk...).
 * ERROR says what.  The message is queued (durable, listed) when this
 * returns: queue_submit_prepare, then queue_submit_commit. */
HRESULT queue_submit(struct queue *queue, const char *path, ULONGLONG now, char id[QUEUE_ID_SIZE],
                     char error[QUEUE_ERROR_SIZE]);

/* A batch of submissions sharing one flush: prepare writes the copy and
 * the state of each into QUEUE/incoming/ID without a flush (results as
 * queue_submit's); commit flushes them all with one syncfs, moves each
 * into queued/ (calling QUEUED(CONTEXT, ID) for each, in order), and
 * flushes queued/.  Until its commit a prepared submission is not in the
 * queue: a crash leaves it in incoming/, which the next open clears.
 * Commit returns S_OK or the first failure (those not moved are removed). */
HRESULT queue_submit_prepare(struct queue *queue, const char *path, ULONGLONG now, char id[QUEUE_ID_SIZE],
                             char error[QUEUE_ERROR_SIZE]);
HRESULT queue_submit_commit(struct queue *queue, void (*queued)(void *context, const char *id), void *context,
                            char error[QUEUE_ERROR_SIZE]);

/* Submits the COUNT .msg files of PATHS as queue_submit_prepare and
 * queue_submit_commit would, QUEUE_SUBMIT_WINDOW at a time (ids in the
 * order given, and fewer when their copies pass the queue's
 * submit_window_bytes), faster: a window's files are read and written on
 * two threads while the one before is flushed on a third.  Needs the lock.
 * Calls QUEUED(CONTEXT, PATH, ID) for each file queued, in order, after
 * its commit (then with PATH and ID NULL: a reporter that buffers writes
 * its lines out), and FAILED(CONTEXT, ERROR) for each failure, in order:
 * a file it cannot read is passed over (E_INVALIDARG), any other failure
 * stops it, what was prepared before it still committed.  Returns S_OK,
 * E_INVALIDARG when a file was passed over, or the failure that stopped
 * it. */
#define QUEUE_SUBMIT_WINDOW 256
#define QUEUE_SUBMIT_WINDOW_BYTES (16u << 20)
HRESULT queue_submit_files(struct queue *queue, char **paths, ULONG count, ULONGLONG now,
                           void (*queued)(void *context, const char *path, const char *id),
                           void (*failed)(void *context, const char *error), void *context);

/* Called for each message a listing reads, ENTRY filled from its state
 * file; a visitor that keeps ENTRY takes it whole and leaves it zeroed.
 * S_OK goes on, S_FALSE stops the listing, a failure (ERROR saying it)
 * stops it and is returned. */
typedef HRESULT (*queue_visit_fn)(void *ctx, struct queue_entry *entry, char error[QUEUE_ERROR_SIZE]);

/* A mask of states: one bit per state (1u << QUEUE_QUEUED ...). */
#define QUEUE_ALL_STATES ((1u << QUEUE_STATE_COUNT) - 1)

/* Visits every message of the queue in a state of STATES, in id order (the
 * queue's own ids by number, then any other name a state folder holds),
 * reading one at a time: its memory is half a byte an id, whatever the
 * queue holds.  A message whose state cannot be read is visited as
 * QUEUE_CORRUPT, set aside first as queue_list says.  S_OK or the failure. */
HRESULT queue_for_each(struct queue *queue, unsigned states, queue_visit_fn visit, void *ctx,
                       char error[QUEUE_ERROR_SIZE]);

/* How many messages each state holds, from the folders' names alone (no
 * state file read). */
HRESULT queue_count(struct queue *queue, ULONG counts[QUEUE_STATE_COUNT], char error[QUEUE_ERROR_SIZE]);

/* Reads every message of the queue, in id order (as queue_for_each).  A
 * message whose state cannot be read is listed as QUEUE_CORRUPT with the
 * reason in last_error, and, when QUEUE holds the lock, moved to
 * QUEUE/corrupt/ID first: one bad entry never stops the others.  *ENTRIES: caller frees with
 * queue_entries_free.  Returns S_OK or the failure (out of memory). */
HRESULT queue_list(struct queue *queue, struct queue_entry **entries, ULONG *count, char error[QUEUE_ERROR_SIZE]);
void queue_entries_free(struct queue_entry *entries, ULONG count);
/* Reads message ID, whatever its state, into ENTRY (caller clears it).
 * S_OK, or HRESULT_FROM_WIN32(ERROR_NOT_FOUND) with ERROR saying so. */
HRESULT queue_find(struct queue *queue, const char *id, struct queue_entry *entry, char error[QUEUE_ERROR_SIZE]);
/* Frees what one entry owns and empties it. */
void queue_entry_clear(struct queue_entry *entry);

/* Processes what is due at NOW; with UNTIL > NOW, goes on to each next due
 * time up to UNTIL, as the clock would.  An attempt converts the message
 * with the gate read at that moment; a failure is logged as event 327 when
 * the store-driver diagnostics level is 5 or more.  Needs the lock.
 * Returns S_OK, or the HRESULT of an I/O failure (ERROR says what). */
HRESULT queue_run(struct queue *queue, const struct queue_policy *policy, ULONGLONG now, ULONGLONG until,
                  queue_report_fn report, void *ctx, char error[QUEUE_ERROR_SIZE]);

/* Converts message ID as delivery would at NOW, without changing it.
 * Returns S_OK with *MIME (caller frees), or the conversion's HRESULT with
 * ERROR saying why, or HRESULT_FROM_WIN32(ERROR_NOT_FOUND). */
HRESULT queue_open_message(struct queue *queue, const char *id, const struct queue_policy *policy, ULONGLONG now,
                           char **mime, char error[QUEUE_ERROR_SIZE]);

/* Makes queued message ID due at NOW.  Needs the lock.  S_OK, or
 * HRESULT_FROM_WIN32(ERROR_NOT_FOUND) when no queued message has that id. */
HRESULT queue_retry(struct queue *queue, const char *id, ULONGLONG now, char error[QUEUE_ERROR_SIZE]);

/* Removes message ID from the queue, whatever its state, without an NDR
 * (its .eml or NDR stays where it was written).  Needs the lock.  S_OK or
 * HRESULT_FROM_WIN32(ERROR_NOT_FOUND). */
HRESULT queue_delete(struct queue *queue, const char *id, char error[QUEUE_ERROR_SIZE]);

/* The history of a message: each attempt and each notice, in the file
 * history of its folder (DESIGN.md §6), one line each, appended as the run
 * goes and flushed with the state that counts it, so that what a state
 * says was attempted is in the history after any crash.  Lines a crash cut
 * are skipped; an attempt a run made again after a crash is listed once,
 * as last made. */
enum queue_event_kind
{
    QUEUE_EVENT_FAILED,    /* EcGetMime failed, or the SMTP server could not take it: retried */
    QUEUE_EVENT_DEFERRED,  /* some recipients accepted, the others told to wait: retried */
    QUEUE_EVENT_DELIVERED, /* delivered to the drop folder, or over SMTP */
    QUEUE_EVENT_REFUSED,   /* refused for good for every recipient: not retried */
    QUEUE_EVENT_DELAY,     /* the delay notification went to the sender */
    QUEUE_EVENT_EXPIRED,   /* expired: the 4.4.7 NDR went to the sender */
    QUEUE_EVENT_KIND_COUNT
};

/* The FixRecipientTrackStatusTime an attempt saw: what its conversion read
 * of the gate (QUEUE_FIX_UNASKED: no conversion, as for a notice). */
enum queue_fix_seen { QUEUE_FIX_UNASKED = -1, QUEUE_FIX_OFF = 0, QUEUE_FIX_ON = 1 };
#define QUEUE_VALUE_SIZE 160

struct queue_event
{
    ULONG attempt;     /* its number; a notice: the attempts made before it */
    ULONGLONG when;
    enum queue_event_kind kind;
    HRESULT hresult;   /* S_OK but for a failed attempt */
    BOOL event_327;    /* the failure was logged as event 327 */
    enum queue_fix_seen fix;
    char value[QUEUE_VALUE_SIZE]; /* the registry value as read: "REG_DWORD 1", "no value"; "--fix=on"
                                     when the run forced a path; "" unasked */
};

/* Reads the history of message E (as listed or found) into *EVENTS (caller
 * frees), *COUNT of them, in order: no file is no event.  Returns S_OK,
 * E_OUTOFMEMORY, or the failure to read, ERROR saying what. */
HRESULT queue_history(struct queue *queue, const struct queue_entry *e, struct queue_event **events, ULONG *count,
                      char error[QUEUE_ERROR_SIZE]);

/* "failed", "deferred", "delivered", "refused", "delay", "expired". */
const char *queue_event_name(enum queue_event_kind kind);

/* "queued", "delivered", "expired". */
const char *queue_state_name(enum queue_state state);

#endif
