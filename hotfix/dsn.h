/*
 * dsn: delivery status notifications (RFC 3464 multipart/report) that the
 * SMTP queue sends the organizer: "delayed" after the delay notification
 * time, "failed" with status 4.4.7 at expiry, and "failed" at once for the
 * recipients a server refused for good (5.x.x), with its own status and
 * words (DESIGN.md §7).
 */
#ifndef TRACKFIX_DSN_H
#define TRACKFIX_DSN_H

#include <windef.h>

enum dsn_action
{
    DSN_DELAYED,
    DSN_FAILED,
};

/* One recipient the report is about. */
struct dsn_recipient
{
    const char *address;
    const char *status;     /* RFC 3463 code: "4.4.7", "5.1.1" */
    const char *diagnostic; /* the server's reply ("550 5.1.1 ..."), NULL for our own 4.4.7 */
};

/* What the report is about: the queued message as the queue knows it. */
struct dsn_subject
{
    const char *id;          /* queue id, makes the report's Message-ID unique */
    const char *sender;      /* the organizer's address, who gets the report */
    const struct dsn_recipient *recipients;
    size_t recipient_count;
    const char *to, *cc;     /* ", "-separated To and Cc addresses of the original (never Bcc) */
    const char *subject;     /* UTF-8 */
    const char *message_id;  /* the original's, "" when unknown */
    ULONGLONG submitted;     /* arrival in the queue */
    ULONGLONG last_attempt;  /* 0 when none */
    ULONGLONG expires;       /* when the queue gives up */
    const char *last_error;  /* why the attempts failed, in words, no host path (UTF-8) */
};

/* Builds the report of ACTION about S at time NOW.  Every header line is
 * at most 78 characters; the human-readable part is UTF-8 in
 * quoted-printable.  Returns the message (CRLF lines; caller frees) or
 * NULL when out of memory or NOW is beyond year 9999. */
char *dsn_build(enum dsn_action action, const struct dsn_subject *s, ULONGLONG now);

#endif
