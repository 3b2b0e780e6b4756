/*
 * queue_ahead: a run's conversions made ahead, on a thread of their own.
 *
 * The run reads each message, holds it here, and attempts it once RUN_AHEAD
 * more are held (or the pass ends): meanwhile this thread reads its queued
 * copy, asks the gate and converts it, while the run's own thread writes
 * the histories and states of the messages before it and commits them.
 * The thread starts when a pass first holds AHEAD_WAKE messages: a small
 * queue is run on one thread, as the fault tests need (faults.h).
 * Messages are taken in the order they were held, so the run's lines,
 * events and durable steps come in the same order as without the thread.
 * Nothing here writes a file.
 *
 * The held messages are a ring with one writer on each side: the run's
 * thread adds (HELD) and takes (TAKEN), this thread converts (DONE), each
 * count only ever growing and written by its side alone.  The lock is
 * taken only to sleep and to wake the other side: a lock taken per message
 * put both threads to sleep on each other some 20,000 times in a run of
 * 10,000 messages.
 */
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "errmsg.h"
#include "queue_private.h"
#include "strbuf.h"

/* The thread wakes for this many conversions at once (or for the one the
 * run waits for): a wake-up is a context switch, dearer than a
 * conversion's bookkeeping. */
#define AHEAD_WAKE (RUN_AHEAD / 2)

struct run_ahead
{
    struct run_ahead_item items[RUN_AHEAD]; /* item N in [N % RUN_AHEAD] */
    LONG held, taken;   /* the run's thread's */
    LONG done;          /* this thread's: items before it need nothing more */
    LONG sleeping;      /* this thread sleeps, or is about to */
    LONG waiting;       /* the run's thread waits for item TAKEN */
    BOOL stop;
    SRWLOCK lock;       /* to sleep and wake only */
    CONDITION_VARIABLE asked, answered;
    BOOL allowed;       /* the thread may start */
    HANDLE thread;      /* NULL: the attempts convert as they come */
    /* the thread's own copies: it reads nothing of the run */
    char *dir; /* QUEUE */
    struct queue_policy policy;
};

/* A count the other side writes, read as it is now. */
static LONG now_of(const LONG *count)
{
    return *(const volatile LONG *)count;
}

/* ITEM's conversion, made on the thread with the gate as REGISTRY reads it. */
static void convert(struct run_ahead *ahead, struct run_ahead_item *item, const struct gate_reader *registry)
{
    char *folder = strbuf_path(ahead->dir, state_folders[QUEUE_QUEUED], item->entry->id);

    if (!folder) item->result = errmsg_format(item->reason, E_OUTOFMEMORY, ERRMSG_OOM);
    else
        item->result = qdeliver_convert_copy(folder, item->entry, &ahead->policy, registry, item->now, &item->mime,
                                             &item->fix, item->value, item->reason);
    item->converted = TRUE;
    free(folder);
}

/* Whether the thread has enough to wake for (or must stop). */
static BOOL worth_waking(struct run_ahead *ahead)
{
    return ahead->stop || now_of(&ahead->held) - ahead->done >= (now_of(&ahead->waiting) ? 1 : AHEAD_WAKE);
}

static DWORD WINAPI convert_ahead(void *context)
{
    struct run_ahead *ahead = context;
    struct gate_keys keys; /* the thread's own: a reader is one thread's */

    gate_keys_init(&keys);
    for (;;)
    {
        if (ahead->done == now_of(&ahead->held))
        {
            AcquireSRWLockExclusive(&ahead->lock);
            InterlockedExchange(&ahead->sleeping, TRUE);
            while (!worth_waking(ahead)) SleepConditionVariableSRW(&ahead->asked, &ahead->lock, INFINITE, 0);
            InterlockedExchange(&ahead->sleeping, FALSE);
            ReleaseSRWLockExclusive(&ahead->lock);
            if (ahead->stop) break;
        }
        else
        {
            struct run_ahead_item *item = &ahead->items[ahead->done % RUN_AHEAD];

            MemoryBarrier(); /* the item read only after the count that gives it */
            if (item->wanted) convert(ahead, item, &keys.reader);
            InterlockedIncrement(&ahead->done);
            if (now_of(&ahead->waiting))
            {
                AcquireSRWLockExclusive(&ahead->lock);
                WakeConditionVariable(&ahead->answered);
                ReleaseSRWLockExclusive(&ahead->lock);
            }
        }
    }
    gate_keys_close(&keys);
    return 0;
}

/* Wakes the thread when it sleeps with enough to do. */
static void wake_thread(struct run_ahead *ahead)
{
    if (!now_of(&ahead->sleeping)) return;
    AcquireSRWLockExclusive(&ahead->lock);
    if (worth_waking(ahead)) WakeConditionVariable(&ahead->asked);
    ReleaseSRWLockExclusive(&ahead->lock);
}

HRESULT qahead_start(struct run *run, BOOL thread)
{
    /* on the heap, with copies of what the thread reads: it shares
     * nothing on the run's stack */
    struct run_ahead *ahead = calloc(1, sizeof(*ahead));

    if (!ahead || !(ahead->dir = strdup(run->queue->dir)))
    {
        free(ahead);
        return errmsg_format(run->error, E_OUTOFMEMORY, ERRMSG_OOM);
    }
    InitializeSRWLock(&ahead->lock);
    InitializeConditionVariable(&ahead->asked);
    InitializeConditionVariable(&ahead->answered);
    ahead->policy = *run->policy;
    ahead->policy.smtp_server = NULL; /* a conversion does not send */
    ahead->allowed = thread;
    run->ahead = ahead;
    return S_OK;
}

ULONG qahead_held(const struct run *run)
{
    return (ULONG)(run->ahead->held - run->ahead->taken);
}

void qahead_hold(struct run *run, ULONG slot, struct queue_entry *e, ULONGLONG now, BOOL wanted)
{
    struct run_ahead *ahead = run->ahead;
    struct run_ahead_item *item = &ahead->items[ahead->held % RUN_AHEAD];

    /* without the thread (or when it cannot start), each attempt converts */
    if (!ahead->thread && ahead->allowed && ahead->held - ahead->taken + 1 >= AHEAD_WAKE &&
        !(ahead->thread = CreateThread(NULL, 0, convert_ahead, ahead, 0, NULL)))
        ahead->allowed = FALSE;
    memset(item, 0, sizeof(*item));
    item->slot = slot;
    item->entry = e;
    item->now = now;
    item->wanted = wanted && ahead->thread;
    /* the item whole before the thread sees it */
    InterlockedIncrement(&ahead->held);
    if (!ahead->thread) ahead->done = ahead->held;
    else
        wake_thread(ahead);
}

void qahead_take(struct run *run, struct run_ahead_item *item)
{
    struct run_ahead *ahead = run->ahead;

    if (now_of(&ahead->done) == ahead->taken)
    {
        AcquireSRWLockExclusive(&ahead->lock);
        InterlockedExchange(&ahead->waiting, TRUE);
        if (now_of(&ahead->sleeping)) WakeConditionVariable(&ahead->asked);
        while (now_of(&ahead->done) == ahead->taken)
            SleepConditionVariableSRW(&ahead->answered, &ahead->lock, INFINITE, 0);
        InterlockedExchange(&ahead->waiting, FALSE);
        ReleaseSRWLockExclusive(&ahead->lock);
    }
    MemoryBarrier(); /* the answer read only after the count that gives it */
    *item = ahead->items[ahead->taken % RUN_AHEAD];
    ahead->taken++;
}

void qahead_clear(struct run_ahead_item *item)
{
    free(item->mime);
    item->mime = NULL;
}

void qahead_drop(struct run *run)
{
    struct run_ahead_item item;

    while (qahead_held(run))
    {
        qahead_take(run, &item);
        qahead_clear(&item);
        queue_entry_clear(item.entry);
        free(item.entry);
    }
}

void qahead_stop(struct run *run)
{
    struct run_ahead *ahead = run->ahead;

    qahead_drop(run);
    if (ahead->thread)
    {
        AcquireSRWLockExclusive(&ahead->lock);
        ahead->stop = TRUE;
        WakeConditionVariable(&ahead->asked);
        ReleaseSRWLockExclusive(&ahead->lock);
        WaitForSingleObject(ahead->thread, INFINITE);
        CloseHandle(ahead->thread);
    }
    free(ahead->dir);
    free(ahead);
    run->ahead = NULL;
}
