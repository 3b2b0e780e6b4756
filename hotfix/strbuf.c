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
    va_list args;
    int len;

    va_start(args, fmt);
    len = vsnprintf(NULL, 0, fmt, args);
    va_end(args);
    if (len < 0 || !reserve(sb, (size_t)len)) return;
    va_start(args, fmt);
    vsnprintf(sb->data + sb->size, (size_t)len + 1, fmt, args);
    va_end(args);
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
    struct strbuf sb = {0};

    strbuf_printf(&sb, c ? "%s/%s/%s" : "%s/%s", a, b, c);
    return strbuf_detach(&sb);
}
