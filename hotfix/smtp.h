/*
 * smtp: hands a MIME message to an SMTP server (RFC 5321), the other way the
 * queue can deliver besides its drop folder (DESIGN.md §6).
 */
#ifndef TRACKFIX_SMTP_H
#define TRACKFIX_SMTP_H

#include <windef.h>

#include "errmsg.h"

#define SMTP_ERROR_SIZE ERRMSG_SIZE
/* no reply within this many seconds counts as a failure, never a hang */
#define SMTP_TIMEOUT_SECONDS 30

/* Sends MIME (CRLF lines) from FROM to each address of RECIPIENTS (", "-
 * separated) through SERVER ("host" or "host:port", port 25 by default):
 * EHLO, MAIL FROM, RCPT TO, DATA with dot-stuffing, QUIT.  Returns S_OK
 * once the server accepted the data; otherwise the HRESULT of the socket
 * error, or E_FAIL for a refusing reply, with ERROR naming the server, the
 * command and what it answered. */
HRESULT smtp_send(const char *server, const char *from, const char *recipients, const char *mime,
                  char error[SMTP_ERROR_SIZE]);

#endif
