/*
 * queue_policy: the schedule (queue.h): retries, the delay notice, expiry.
 */
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <ntsecapi.h>
#include <wine/debug.h>

#include "atomicfile.h"
#include "dsn.h"
#include "eventlog.h"
#include "gate.h"
#include "grow.h"
#include "hostfs.h"
#include "meeting.h"
#include "mimeenc.h"
#include "msgfile.h"
#include "queue_private.h"
#include "smtp.h"
#include "strbuf.h"
#include "systime.h"

WINE_DEFAULT_DEBUG_CHANNEL(trackfix);

void queue_policy_default(struct queue_policy *policy)
{
    memset(policy, 0, sizeof(*policy));
    /* Exchange 2003 SMTP virtual server, Delivery tab: first, second and
     * third retry after 10 minutes, subsequent ones every 15 */
    policy->retry_minutes[0] = policy->retry_minutes[1] = policy->retry_minutes[2] = 10;
    policy->retry_minutes[3] = 15;
    policy->retry_count = 4;
    policy->delay_minutes = QUEUE_DELAY_MINUTES;
    policy->expire_minutes = QUEUE_EXPIRE_MINUTES;
    policy->fix = -1;
    /* a run's peak stays under 64 MB at any queue size */
    policy->kept_states_bytes = 16u * 1024 * 1024;
    policy->convert_ahead = TRUE;
}

ULONGLONG queue_policy_expiry(const struct queue_policy *p, const struct queue_entry *e)
{
    return e->submitted + (ULONGLONG)p->expire_minutes * SYSTIME_TICKS_PER_MINUTE;
}

ULONGLONG queue_policy_delay(const struct queue_policy *p, const struct queue_entry *e)
{
    return e->submitted + (ULONGLONG)p->delay_minutes * SYSTIME_TICKS_PER_MINUTE;
}

ULONGLONG queue_policy_retry_interval(const struct queue_policy *policy, ULONG attempts)
{
    ULONG index = attempts - 1 < policy->retry_count ? attempts - 1 : policy->retry_count - 1;

    return (ULONGLONG)policy->retry_minutes[index] * SYSTIME_TICKS_PER_MINUTE;
}

ULONGLONG queue_policy_next_due(const struct queue_policy *p, const struct queue_entry *e)
{
    ULONGLONG expires = queue_policy_expiry(p, e), delay = queue_policy_delay(p, e);
    ULONGLONG next = e->next_retry < expires ? e->next_retry : expires;

    if (!e->delay_notified && e->attempts && delay < next) next = delay;
    return next;
}
