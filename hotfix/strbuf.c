/*
 * strbuf: growable byte strings.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <winerror.h>

#include "strbuf.h"

static BOOL reserve(struct strbuf *sb, size_t extra)
{
    size_t capacity;
    char *grown;

    if (sb->failed) return FALSE;
    if (sb->size + extra + 1 <= sb->capacity) return TRUE;
    capacity = (sb->size + extra + 1) * 2;
    if (capacity < 256) capacity = 256;
    if (!(grown = realloc(sb->data, capacity)))
    {
        sb->failed = TRUE;
        return FALSE;
    }
    sb->data = grown;
    sb->capacity = capacity;
    return TRUE;
}

void strbuf_add(struct strbuf *sb, const void *data, size_t size)
{
    if (!reserve(sb, size)) return;
    memcpy(sb->data + sb->size, data, size);
    sb->size += size;
    sb->data[sb->size] = 0;
}

void strbuf_puts(struct strbuf *sb, const char *text)
{
    strbuf_add(sb, text, strlen(text));
}

void strbuf_printf(struct strbuf *sb, const char *fmt, ...)
{
    size_t room = sb->failed ? 0 : sb->capacity - sb->size;
    va_list args;
    int len;

    /* formatted once when it fits in the room left, else measured first */
    va_start(args, fmt);
    len = vsnprintf(room ? sb->data + sb->size : NULL, room, fmt, args);
    va_end(args);
    if (len < 0) return;
    if ((size_t)len >= room)
    {
        if (!reserve(sb, (size_t)len)) return;
        va_start(args, fmt);
        vsnprintf(sb->data + sb->size, (size_t)len + 1, fmt, args);
        va_end(args);
    }
    sb->size += (size_t)len;
}

char *strbuf_detach(struct strbuf *sb)
{
    char *data = sb->failed ? NULL : sb->data;

    if (sb->failed) free(sb->data);
    else if (!data && (data = malloc(1))) data[0] = 0;
    memset(sb, 0, sizeof(*sb));
    return data;
}

void strbuf_clear(struct strbuf *sb)
{
    sb->size = 0;
    if (sb->data) sb->data[0] = 0;
}

void strbuf_free(struct strbuf *sb)
{
    free(sb->data);
    memset(sb, 0, sizeof(*sb));
}

/* The length of the valid UTF-8 sequence at P, or 0 when P starts none. */
static size_t utf8_length(const unsigned char *p)
{
    size_t length = *p >= 0xF0 && *p <= 0xF4 ? 4 : *p >= 0xE0 ? 3 : *p >= 0xC2 && *p <= 0xDF ? 2 : 0, i;

    if (*p >= 0xF5) return 0;
    for (i = 1; i < length; i++)
        if ((p[i] & 0xC0) != 0x80) return 0;
    return length;
}

void strbuf_puts_escaped(struct strbuf *sb, const char *text)
{
    const unsigned char *p = (const unsigned char *)text;

    while (*p)
    {
        size_t length = *p >= 0x80 ? utf8_length(p) : 1;

        if (*p == '\r') strbuf_puts(sb, "\\r");
        else if (*p == '\n') strbuf_puts(sb, "\\n");
        else if (*p == '\t') strbuf_puts(sb, "\\t");
        else if (*p < 0x20 || *p == 0x7F || !length) strbuf_printf(sb, "\\x%02X", *p);
        else
        {
            strbuf_add(sb, p, length);
            p += length;
            continue;
        }
        p++;
    }
}

HRESULT strbuf_read(struct strbuf *sb, FILE *in, size_t max)
{
    char chunk[65536];
    size_t got;

    while ((got = fread(chunk, 1, sizeof(chunk), in)))
    {
        if (sb->size + got > max) return E_FAIL;
        strbuf_add(sb, chunk, got);
        if (sb->failed) return E_OUTOFMEMORY;
    }
    return ferror(in) ? E_FAIL : S_OK;
}

char *strbuf_path(const char *a, const char *b, const char *c)
{
    size_t a_len = strlen(a), b_len = strlen(b), c_len = c ? strlen(c) + 1 : 0;
    char *path = malloc(a_len + 1 + b_len + c_len + 1);

    if (!path) return NULL;
    memcpy(path, a, a_len);
    path[a_len] = '/';
    memcpy(path + a_len + 1, b, b_len);
    if (c)
    {
        path[a_len + 1 + b_len] = '/';
        memcpy(path + a_len + 2 + b_len, c, c_len - 1);
    }
    path[a_len + 1 + b_len + c_len] = 0;
    return path;
}
