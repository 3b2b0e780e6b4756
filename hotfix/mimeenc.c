/*
 * mimeenc: base64, quoted-printable, RFC 2047 words, mailboxes.
 */
#include <string.h>

#include "mimeenc.h"

/* An encoded word holds at most 75 octets: 45 bytes give 60 of base64 */
#define WORD_BYTES 45
#define QP_LINE 76

void mimeenc_base64(struct strbuf *out, const void *data, size_t size)
{
    static const char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = data;
    size_t i;

    for (i = 0; i + 2 < size; i += 3)
    {
        char quad[4] = {alphabet[p[i] >> 2], alphabet[(p[i] & 3) << 4 | p[i + 1] >> 4],
                        alphabet[(p[i + 1] & 15) << 2 | p[i + 2] >> 6], alphabet[p[i + 2] & 63]};
        strbuf_add(out, quad, 4);
    }
    if (size - i == 1)
    {
        char quad[4] = {alphabet[p[i] >> 2], alphabet[(p[i] & 3) << 4], '=', '='};
        strbuf_add(out, quad, 4);
    }
    else if (size - i == 2)
    {
        char quad[4] = {alphabet[p[i] >> 2], alphabet[(p[i] & 3) << 4 | p[i + 1] >> 4], alphabet[(p[i + 1] & 15) << 2],
                        '='};
        strbuf_add(out, quad, 4);
    }
}

void mimeenc_quoted_printable(struct strbuf *out, const char *text)
{
    size_t column = 0;
    const unsigned char *p;

    for (p = (const unsigned char *)text; *p; p++)
    {
        char piece[4];
        size_t len = 1;

        if (*p == '\r' && p[1] == '\n') continue;
        if (*p == '\n')
        {
            strbuf_add(out, "\r\n", 2);
            column = 0;
            continue;
        }
        /* space or tab before a line end must be encoded (RFC 2045 6.7) */
        if ((*p == ' ' || *p == '\t') && (!p[1] || p[1] == '\n' || p[1] == '\r'))
            len = 3;
        else if (*p == '=' || *p < 0x20 || *p > 0x7e)
            len = *p == '\t' ? 1 : 3;
        if (len == 3)
        {
            static const char hex[] = "0123456789ABCDEF";
            piece[0] = '=';
            piece[1] = hex[*p >> 4];
            piece[2] = hex[*p & 15];
        }
        else
            piece[0] = (char)*p;
        if (column + len > QP_LINE - 1)
        {
            strbuf_add(out, "=\r\n", 3);
            column = 0;
        }
        strbuf_add(out, piece, len);
        column += len;
    }
}

static BOOL is_plain_ascii(const char *text)
{
    const unsigned char *p;

    for (p = (const unsigned char *)text; *p; p++)
        if (*p < 0x20 || *p > 0x7e) return FALSE;
    /* "=?" would read as the start of an encoded word */
    return !strstr(text, "=?");
}

void mimeenc_header_text(struct strbuf *out, const char *text)
{
    size_t size = strlen(text), start = 0;

    if (is_plain_ascii(text))
    {
        strbuf_puts(out, text);
        return;
    }
    while (start < size)
    {
        size_t end = start + WORD_BYTES < size ? start + WORD_BYTES : size;
        /* never split a UTF-8 sequence between two words */
        while (end < size && end > start && ((unsigned char)text[end] & 0xc0) == 0x80) end--;
        if (start) strbuf_puts(out, "\r\n ");
        strbuf_puts(out, "=?utf-8?B?");
        mimeenc_base64(out, text + start, end - start);
        strbuf_puts(out, "?=");
        start = end;
    }
}

void mimeenc_mailbox(struct strbuf *out, const char *name, const char *address)
{
    const char *p;

    if (name && *name)
    {
        if (is_plain_ascii(name))
        {
            strbuf_puts(out, "\"");
            for (p = name; *p; p++)
            {
                if (*p == '"' || *p == '\\') strbuf_puts(out, "\\");
                strbuf_add(out, p, 1);
            }
            strbuf_puts(out, "\"");
        }
        else
            mimeenc_header_text(out, name);
        strbuf_puts(out, " ");
    }
    strbuf_printf(out, "<%s>", address);
}
