/*
 * mimeenc: base64, quoted-printable, RFC 2047 words, mailboxes.
 */
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "mimeenc.h"
#include "systime.h"

/* An encoded word holds at most 75 octets: 45 bytes give 60 of base64,
 * and "=?utf-8?B?" "?=" 12 more */
#define WORD_BYTES 45
#define WORD_OVERHEAD 12
/* RFC 2047 2: a header line with encoded words at most 76 characters;
 * RFC 5322 2.1.1: any header line at most 78 */
#define ENCODED_LINE 76
#define HEADER_LINE 78
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

/* Appends TEXT as RFC 2047 B words at COLUMN: each word at most 75
 * characters, each line at most 76, a UTF-8 sequence never split.
 * Returns the column after the last word. */
static size_t encoded_words(struct strbuf *out, size_t column, const char *text)
{
    size_t size = strlen(text), start = 0;

    do
    {
        size_t room = column + WORD_OVERHEAD + 4 <= ENCODED_LINE ? (ENCODED_LINE - column - WORD_OVERHEAD) / 4 * 3 : 0;
        size_t bytes = room < WORD_BYTES ? room : WORD_BYTES, end;

        if (bytes < 4)
        {
            /* no room for a word on this line: fold first */
            strbuf_puts(out, "\r\n ");
            column = 1;
            continue;
        }
        end = start + bytes < size ? start + bytes : size;
        while (end < size && end > start && ((unsigned char)text[end] & 0xc0) == 0x80) end--;
        strbuf_puts(out, "=?utf-8?B?");
        mimeenc_base64(out, text + start, end - start);
        strbuf_puts(out, "?=");
        column += WORD_OVERHEAD + (end - start + 2) / 3 * 4;
        start = end;
        if (start < size)
        {
            strbuf_puts(out, "\r\n ");
            column = 1;
        }
    } while (start < size);
    return column;
}

/* TRUE when plain TEXT, folded at its spaces from COLUMN, keeps every line
 * within HEADER_LINE. */
static BOOL fits_folded(const char *text, size_t column)
{
    const char *p = text;

    while (*p)
    {
        size_t len = strspn(p, " ");
        len += strcspn(p + len, " ");
        /* a piece that starts with a space may go to a line of its own */
        if (column + len > HEADER_LINE && (*p != ' ' || len > HEADER_LINE)) return FALSE;
        column = column + len > HEADER_LINE ? len : column + len;
        p += len;
    }
    return TRUE;
}

/* Appends plain TEXT from COLUMN, a CRLF before the space that would
 * overrun the line; returns the column after it. */
static size_t folded_text(struct strbuf *out, size_t column, const char *text)
{
    const char *p = text;

    while (*p)
    {
        size_t len = strspn(p, " ");
        len += strcspn(p + len, " ");
        if (column + len > HEADER_LINE && *p == ' ')
        {
            strbuf_puts(out, "\r\n");
            column = 0;
        }
        strbuf_add(out, p, len);
        column += len;
        p += len;
    }
    return column;
}

/* TEXT as one line: a new copy with each control character (a line end, a
 * NUL's neighbours, a tab) as a space, so that neither the header nor what
 * a reader decodes from it breaks a line; NULL out of memory. */
static char *one_line(const char *text)
{
    char *copy = strdup(text), *p;

    for (p = copy; p && *p; p++)
        if ((unsigned char)*p < 0x20 || *p == 0x7F) *p = ' ';
    return copy;
}

size_t mimeenc_header_text(struct strbuf *out, size_t column, const char *text)
{
    char *line = one_line(text);

    if (!line)
    {
        out->failed = TRUE;
        return column;
    }
    column = is_plain_ascii(line) && fits_folded(line, column) ? folded_text(out, column, line)
                                                               : encoded_words(out, column, line);
    free(line);
    return column;
}

size_t mimeenc_mailbox(struct strbuf *out, size_t column, const char *display_name, const char *address)
{
    size_t address_len = strlen(address) + 2;
    char *name = display_name ? one_line(display_name) : NULL;

    if (display_name && !name) out->failed = TRUE;
    if (name && *name)
    {
        struct strbuf quoted = {0};
        const char *p;

        strbuf_puts(&quoted, "\"");
        for (p = name; *p; p++)
        {
            if (*p == '"' || *p == '\\') strbuf_puts(&quoted, "\\");
            strbuf_add(&quoted, p, 1);
        }
        strbuf_puts(&quoted, "\"");
        if (quoted.failed) out->failed = TRUE;
        else if (is_plain_ascii(name) && 1 + quoted.size + 1 + address_len <= HEADER_LINE)
        {
            /* a quoted name is one piece: it goes whole to a line */
            if (column + quoted.size + 1 + address_len > HEADER_LINE)
            {
                strbuf_puts(out, "\r\n ");
                column = 1;
            }
            strbuf_add(out, quoted.data, quoted.size);
            column += quoted.size;
        }
        else
            column = encoded_words(out, column, name);
        strbuf_free(&quoted);
        if (column + 1 + address_len > HEADER_LINE)
        {
            strbuf_puts(out, "\r\n");
            column = 0;
        }
        strbuf_puts(out, " ");
        column++;
    }
    /* the last guard of the header writer: addresses are checked where they
     * enter (meeting_check_addresses), and a control character that got
     * here anyway is dropped, never written, so no header line can start
     * inside an address; names and text go into quotes or encoded words */
    strbuf_puts(out, "<");
    for (; *address; address++)
        if ((unsigned char)*address >= 0x20 && *address != 0x7F) strbuf_add(out, address, 1);
    strbuf_puts(out, ">");
    free(name);
    return column + address_len;
}

static int base64_value(char c)
{
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

void mimeenc_decode_base64(const char *text, size_t size, struct strbuf *out)
{
    unsigned bits = 0, count = 0;
    size_t i;

    for (i = 0; i < size && text[i] != '='; i++)
    {
        int v = base64_value(text[i]);
        if (v < 0) continue; /* line breaks and other whitespace */
        bits = bits << 6 | (unsigned)v;
        if (++count == 4)
        {
            char bytes[3] = {(char)(bits >> 16), (char)(bits >> 8), (char)bits};
            strbuf_add(out, bytes, 3);
            bits = count = 0;
        }
    }
    if (count == 2) { char b = (char)(bits >> 4); strbuf_add(out, &b, 1); }
    if (count == 3) { char b[2] = {(char)(bits >> 10), (char)(bits >> 2)}; strbuf_add(out, b, 2); }
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    return -1;
}

void mimeenc_decode_quoted_printable(const char *text, size_t size, struct strbuf *out)
{
    size_t i;

    for (i = 0; i < size; i++)
    {
        if (text[i] != '=')
        {
            strbuf_add(out, text + i, 1);
            continue;
        }
        if (i + 1 < size && text[i + 1] == '\n') i += 1; /* soft line break */
        else if (i + 2 < size && text[i + 1] == '\r' && text[i + 2] == '\n') i += 2;
        else if (i + 2 < size && hex_value(text[i + 1]) >= 0 && hex_value(text[i + 2]) >= 0)
        {
            char c = (char)(hex_value(text[i + 1]) << 4 | hex_value(text[i + 2]));
            strbuf_add(out, &c, 1);
            i += 2;
        }
        else
            strbuf_add(out, text + i, 1);
    }
}


/* Appends T as an RFC 5322 date: "Fri, 03 Aug 2007 14:05:00 +0000". */
BOOL mimeenc_date(struct strbuf *out, ULONGLONG t)
{
    static const char days[7][4] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
    static const char months[12][4] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                       "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
    SYSTEMTIME st;

    if (FAILED(systime_to_systemtime(t, SYSTIME_PATH_LEGACY, &st))) return FALSE;
    /* 1601-01-01 was a Monday */
    strbuf_printf(out, "%s, %02u %s %04u %02u:%02u:%02u +0000",
                  days[(t + SYSTIME_TICKS_PER_SECOND / 2) / SYSTIME_TICKS_PER_DAY % 7], st.wDay,
                  months[(st.wMonth - 1) % 12], st.wYear, st.wHour, st.wMinute, st.wSecond);
    return TRUE;
}


BOOL mimeenc_next_address(const char **cursor, const char **start, size_t *len)
{
    const char *p = *cursor;

    if (!*p) return FALSE;
    *start = p;
    *len = strcspn(p, ",");
    p += *len;
    while (*p == ',' || *p == ' ') p++;
    *cursor = p;
    return TRUE;
}
