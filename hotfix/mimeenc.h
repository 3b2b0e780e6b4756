/*
 * mimeenc: MIME encodings: base64 and quoted-printable both ways, RFC 2047
 * header words and RFC 5322 addresses.  Everything appends to a strbuf;
 * what it writes has CRLF line ends.
 */
#ifndef TRACKFIX_MIMEENC_H
#define TRACKFIX_MIMEENC_H

#include <windef.h>

#include "strbuf.h"

/* Appends SIZE bytes of DATA as base64, no line breaks. */
void mimeenc_base64(struct strbuf *out, const void *data, size_t size);

/* Appends TEXT (UTF-8, LF or CRLF line ends) as quoted-printable with CRLF
 * line ends and soft breaks before 76 columns. */
void mimeenc_quoted_printable(struct strbuf *out, const char *text);

/* Appends TEXT (UTF-8) as the unstructured body of a header whose line so
 * far holds COLUMN characters ("Subject: " is 9), its control characters
 * (line ends among them) as spaces: as it is, folded at its
 * spaces into lines of at most 78 characters (RFC 5322 2.1.1), when it is
 * printable ASCII that folds so; else as RFC 2047 "=?utf-8?B?...?=" words
 * of at most 75 characters on lines of at most 76 (RFC 2047 2).  Returns
 * the column after it. */
size_t mimeenc_header_text(struct strbuf *out, size_t column, const char *text);

/* Appends a mailbox at COLUMN: "Name" <address>, the name omitted when NULL
 * or empty, its control characters as spaces, those of the address dropped, quoted when it is printable ASCII that fits a line, else in
 * encoded words; a fold before the name or the address that would
 * overrun the line.  Returns the column after it. */
size_t mimeenc_mailbox(struct strbuf *out, size_t column, const char *name, const char *address);

/* Appends the bytes base64 TEXT (SIZE bytes) encodes; whitespace and other
 * stray characters are skipped, decoding stops at '='. */
void mimeenc_decode_base64(const char *text, size_t size, struct strbuf *out);

/* Appends the bytes quoted-printable TEXT encodes; soft line breaks go,
 * a malformed '=' is kept as it is. */
void mimeenc_decode_quoted_printable(const char *text, size_t size, struct strbuf *out);

/* Walks an address list "a@x, b@y": sets *START and *LEN to the next
 * address after *CURSOR and moves *CURSOR past it and its separator.
 * FALSE when the list is used up. */
BOOL mimeenc_next_address(const char **cursor, const char **start, size_t *len);

/* Appends the FILETIME T as an RFC 5322 date, "Fri, 03 Aug 2007 14:05:00
 * +0000", converted along the legacy path.  FALSE (nothing appended) when
 * that conversion fails. */
BOOL mimeenc_date(struct strbuf *out, ULONGLONG t);

#endif
