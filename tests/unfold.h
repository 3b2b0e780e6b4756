/*
 * unfold: a test's view of folded text (RFC 5545 3.1, RFC 5322 2.2.3):
 * the same text with every line end followed by a space or a tab removed,
 * so that a check finds a parameter the 75-octet fold split.
 */
#ifndef TRACKFIX_TESTS_UNFOLD_H
#define TRACKFIX_TESTS_UNFOLD_H

#include <stdlib.h>
#include <string.h>

/* TEXT unfolded, as a new string the caller frees (NULL out of memory). */
static inline char *unfold(const char *text)
{
    char *out = malloc(strlen(text) + 1), *q = out;
    const char *p = text;

    if (!out) return NULL;
    while (*p)
    {
        if (p[0] == '\r' && p[1] == '\n' && (p[2] == ' ' || p[2] == '\t')) p += 3;
        else if (p[0] == '\n' && (p[1] == ' ' || p[1] == '\t')) p += 2;
        else *q++ = *p++;
    }
    *q = 0;
    return out;
}

#endif
