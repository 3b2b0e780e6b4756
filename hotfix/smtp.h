/*
 * smtp: hands a MIME message to an SMTP server (RFC 5321), the other way the
 * queue can deliver besides its drop folder (DESIGN.md §6).
 */
#ifndef TRACKFIX_SMTP_H
#define TRACKFIX_SMTP_H

#include <windef.h>

#include "errmsg.h"

#define SMTP_ERROR_SIZE ERRMSG_SIZE
/* the first line of a server reply kept for a recipient */
#define SMTP_REPLY_SIZE 512
/* no reply within this many seconds counts as a failure, never a hang */
#define SMTP_TIMEOUT_SECONDS 30

/* What became of one recipient, as an MTA judges it (RFC 5321 4.2.1). */
enum smtp_outcome
{
    SMTP_ACCEPTED,  /* 2xx to RCPT and to the data: delivered */
    SMTP_RETRY,     /* a 4xx, or no answer: try again later */
    SMTP_REFUSED,   /* a 5xx: refused for good */
};

struct smtp_recipient
{
    const char *address;
    enum smtp_outcome outcome;
    char reply[SMTP_REPLY_SIZE]; /* the reply that decided it ("550 5.1.1 ..."); "" when accepted */
};

/* Whether SERVER is "host" or "host:port" as smtp_send takes it: a host
 * name or an address literal (letters, digits, '.', '-', ':' and
 * brackets), a port from 1 to 65535; else *WHY says what is wrong. */
BOOL smtp_server_is_valid(const char *server, const char **why);

/* Sends MIME (CRLF lines) from FROM to the COUNT RECIPIENTS through SERVER
 * ("host" or "host:port", port 25 by default): EHLO, MAIL FROM (with
 * BODY=8BITMIME when the message has 8-bit bytes and the server offers it,
 * and SIZE when it offers that), RCPT TO for each, DATA with dot-stuffing
 * for the accepted ones, and QUIT, also after a refusal.  Each recipient's
 * OUTCOME and REPLY are set: a refusal of the whole message (to MAIL FROM
 * or to the data, such as 552 too big) applies to every recipient it
 * reached, 4xx or 5xx alike; a lost connection is a retry.  Returns S_OK
 * when every recipient has its outcome, with ERROR saying why the first
 * recipient told to wait waits, else the last thing refused ("" if
 * nothing); E_OUTOFMEMORY otherwise. */
HRESULT smtp_send(const char *server, const char *from, struct smtp_recipient *recipients, size_t count,
                  const char *mime, char error[SMTP_ERROR_SIZE]);

#endif
