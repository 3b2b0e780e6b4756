/*
 * errmsg: the one way trackfix writes an error message into a caller's
 * buffer.  Every module's error buffer is ERRMSG_SIZE bytes (its
 * MODULE_ERROR_SIZE names it), and every module fills it through
 * errmsg_format, or errmsg_about when the message is about a subject
 * (a file, a message: "'update.msg': ...").  ERRMSG_OOM is how every
 * module says it ran out of memory.
 * A message says what failed once, in words; a caller that adds to a
 * callee's message adds only what the callee could not know.
 */
#ifndef TRACKFIX_ERRMSG_H
#define TRACKFIX_ERRMSG_H

#include <windef.h>

#define ERRMSG_SIZE 1024

/* Formats FMT into ERROR (cut to ERRMSG_SIZE bytes, always terminated),
 * its control characters and stray (non-UTF-8) bytes written as escapes
 * ("\r", "\n", "\t", "\xHH"),
 * and returns HR, so that "return errmsg_format(error, hr, ...);" fails
 * and says why in one statement. */
HRESULT errmsg_format(char error[ERRMSG_SIZE], HRESULT hr, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* errmsg_format with SUBJECT first, quoted: "'SUBJECT': " then FMT. */
HRESULT errmsg_about(char error[ERRMSG_SIZE], HRESULT hr, const char *subject, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define ERRMSG_OOM "out of memory"

/* The system's words for HR, such as "There is not enough space on the
 * disk", without the final period, then the code: "... (0x80070070)";
 * "error 0x..." alone when the system has no words for it.  Written into
 * BUF (SIZE bytes), which it returns. */
const char *errmsg_describe(HRESULT hr, char *buf, size_t size);

#endif
