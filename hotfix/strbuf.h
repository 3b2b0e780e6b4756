/*
 * strbuf: a growable byte string that remembers its first allocation
 * failure, so callers append freely and check once at the end.
 */
#ifndef TRACKFIX_STRBUF_H
#define TRACKFIX_STRBUF_H

#include <stddef.h>
#include <stdio.h>

#include <windef.h>

struct strbuf
{
    char *data;  /* NUL-terminated when not NULL; owned */
    size_t size; /* bytes used, terminator excluded */
    size_t capacity;
    BOOL failed; /* an append ran out of memory; later appends do nothing */
};

/* Appends SIZE bytes of DATA. */
void strbuf_add(struct strbuf *sb, const void *data, size_t size);
/* Appends the NUL-terminated TEXT. */
void strbuf_puts(struct strbuf *sb, const char *text);
/* Appends printf-formatted text. */
void strbuf_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends TEXT with each control character as an escape (\r, \n, \t,
 * others \xHH), and each byte that is not part of a valid UTF-8
 * character as \xHH: text from a message shown so that it cannot move a
 * terminal's cursor or start a line of a log (a readable form, not a
 * reversible one: a backslash stays as it is). */
void strbuf_puts_escaped(struct strbuf *sb, const char *text);
/* Appends everything IN holds, up to MAX bytes.  Returns S_OK,
 * E_OUTOFMEMORY, or E_FAIL for a read error or more than MAX bytes. */
HRESULT strbuf_read(struct strbuf *sb, FILE *in, size_t max);
/* A new string "A/B", or "A/B/C" when C is set: the one way a path is
 * joined; NULL when out of memory. */
char *strbuf_path(const char *a, const char *b, const char *c);
/* Returns the data (caller frees) and empties SB; NULL when an append
 * failed, the data then freed. */
char *strbuf_detach(struct strbuf *sb);
/* Empties SB, keeping its memory for the next appends (and its failure). */
void strbuf_clear(struct strbuf *sb);
/* Frees the data and empties SB. */
void strbuf_free(struct strbuf *sb);

#endif
