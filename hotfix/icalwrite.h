/*
 * icalwrite: the one place that writes iCalendar text (RFC 5545 3.1), in
 * the form CDO for Exchange 2003 writes it (DESIGN.md §4): a content line
 * is built piece by piece (name, parameters, value) and then folded at 75
 * octets, continuation lines starting with one space, each ending in CRLF.
 *
 * Nothing a caller passes can start a line of its own: every value and
 * parameter goes through one of the escapes below, and the raw forms drop
 * control characters.  So a CR or LF in a subject, a name or an address
 * never becomes a property, a component or a second METHOD.
 */
#ifndef TRACKFIX_ICALWRITE_H
#define TRACKFIX_ICALWRITE_H

#include "strbuf.h"

/* RFC 5545 3.1: a line is at most 75 octets, CRLF excluded. */
#define ICALWRITE_LINE_OCTETS 75

/* Starts the content line LINE (emptied first) with property NAME. */
void icalwrite_start(struct strbuf *line, const char *name);

/* Appends ";NAME=VALUE", VALUE written as it is but for control
 * characters, which are dropped (for tokens: ROLE, PARTSTAT, times). */
void icalwrite_param(struct strbuf *line, const char *name, const char *value);

/* Appends ;NAME="VALUE": always quoted, as CDO quotes CN, with RFC 6868's
 * escapes: a line end (CRLF, LF or CR) becomes ^n, '"' ^', '^' ^^; other
 * control characters are dropped. */
void icalwrite_param_quoted(struct strbuf *line, const char *name, const char *value);

/* Appends ":" and VALUE as it is but for control characters, which are
 * dropped (for dates, numbers, tokens, addresses). */
void icalwrite_value(struct strbuf *line, const char *value);

/* Appends ":MAILTO:" and ADDRESS (CDO's capitals), icalwrite_value's rules. */
void icalwrite_mailto(struct strbuf *line, const char *address);

/* Appends ":" and TEXT as a TEXT value (RFC 5545 3.3.11): '\', ';' and
 * ',' escaped with '\'; a line end (CRLF, LF or CR) as "\N", the escape
 * CDO writes; other control characters but TAB dropped.  NULL is empty. */
void icalwrite_text(struct strbuf *line, const char *text);

/* Appends LINE to OUT folded at ICALWRITE_LINE_OCTETS octets, never inside
 * a UTF-8 sequence, and CRLF. */
void icalwrite_end(struct strbuf *out, const struct strbuf *line);

/* Appends the whole line "NAME:VALUE" (icalwrite_value's rules) to OUT,
 * using LINE as scratch. */
void icalwrite_simple(struct strbuf *out, struct strbuf *line, const char *name, const char *value);

#endif
