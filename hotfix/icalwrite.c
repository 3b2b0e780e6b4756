/*
 * icalwrite: iCalendar content lines, escaped and folded.
 */
#include <string.h>

#include "icalwrite.h"

static int is_control(unsigned char c)
{
    return c < 0x20 || c == 0x7F;
}

/* Appends TEXT with its control characters dropped. */
static void put_raw(struct strbuf *line, const char *text)
{
    const char *p = text ? text : "";

    while (*p)
    {
        size_t run = 0;

        while (p[run] && !is_control((unsigned char)p[run])) run++;
        strbuf_add(line, p, run);
        p += run;
        if (*p) p++;
    }
}

/* The length of the line end at P (CRLF 2, LF or CR 1), or 0. */
static size_t line_end_at(const char *p)
{
    if (p[0] == '\r') return p[1] == '\n' ? 2 : 1;
    return p[0] == '\n';
}

void icalwrite_start(struct strbuf *line, const char *name)
{
    strbuf_clear(line);
    strbuf_puts(line, name);
}

void icalwrite_param(struct strbuf *line, const char *name, const char *value)
{
    strbuf_printf(line, ";%s=", name);
    put_raw(line, value);
}

void icalwrite_param_quoted(struct strbuf *line, const char *name, const char *value)
{
    const char *p = value ? value : "";

    strbuf_printf(line, ";%s=\"", name);
    while (*p)
    {
        size_t end = line_end_at(p);

        if (end)
        {
            strbuf_puts(line, "^n");
            p += end;
            continue;
        }
        if (*p == '"') strbuf_puts(line, "^'");
        else if (*p == '^') strbuf_puts(line, "^^");
        else if (!is_control((unsigned char)*p)) strbuf_add(line, p, 1);
        p++;
    }
    strbuf_puts(line, "\"");
}

void icalwrite_value(struct strbuf *line, const char *value)
{
    strbuf_puts(line, ":");
    put_raw(line, value);
}

void icalwrite_mailto(struct strbuf *line, const char *address)
{
    strbuf_puts(line, ":MAILTO:");
    put_raw(line, address);
}

void icalwrite_text(struct strbuf *line, const char *text)
{
    const char *p = text ? text : "";

    strbuf_puts(line, ":");
    while (*p)
    {
        size_t end = line_end_at(p);

        if (end)
        {
            strbuf_puts(line, "\\N");
            p += end;
            continue;
        }
        if (*p == '\\' || *p == ';' || *p == ',') strbuf_add(line, "\\", 1);
        if (*p == '\t' || !is_control((unsigned char)*p)) strbuf_add(line, p, 1);
        p++;
    }
}

/* The length of the UTF-8 sequence that starts with byte C (1 for a byte
 * that starts none, so that bad input still moves on). */
static size_t sequence_length(unsigned char c)
{
    if (c >= 0xF0 && c < 0xF8) return 4;
    if (c >= 0xE0) return c < 0xF0 ? 3 : 1;
    if (c >= 0xC0) return 2;
    return 1;
}

void icalwrite_end(struct strbuf *out, const struct strbuf *line)
{
    const char *p = line->data ? line->data : "";
    size_t left = line->size, room = ICALWRITE_LINE_OCTETS;

    while (left)
    {
        size_t take = 0;

        while (take < left)
        {
            size_t next = sequence_length((unsigned char)p[take]);

            if (next > left - take) next = left - take;
            if (take + next > room) break;
            take += next;
        }
        strbuf_add(out, p, take);
        p += take;
        left -= take;
        if (left) strbuf_puts(out, "\r\n ");
        /* a continuation line's leading space counts toward its 75 */
        room = ICALWRITE_LINE_OCTETS - 1;
    }
    strbuf_puts(out, "\r\n");
    if (line->failed) out->failed = TRUE;
}

void icalwrite_simple(struct strbuf *out, struct strbuf *line, const char *name, const char *value)
{
    icalwrite_start(line, name);
    icalwrite_value(line, value);
    icalwrite_end(out, line);
}
