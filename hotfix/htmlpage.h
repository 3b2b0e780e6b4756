/*
 * htmlpage: the frame of trackfix's HTML reports (queue report, scan
 * --format=html): one self-contained page, its style inline, no script and
 * nothing fetched from outside, readable in any browser and by a screen
 * reader (every picture has a table with the same facts).
 */
#ifndef TRACKFIX_HTMLPAGE_H
#define TRACKFIX_HTMLPAGE_H

#include <windef.h>

#include "strbuf.h"

/* The page's head, its style and its heading TITLE (escaped here). */
void htmlpage_begin(struct strbuf *page, const char *title);
/* The page's end. */
void htmlpage_end(struct strbuf *page);
/* Appends TEXT (UTF-8) escaped for HTML text and attribute values. */
void htmlpage_text(struct strbuf *page, const char *text);
/* Appends the printf-formatted text, escaped. */
void htmlpage_textf(struct strbuf *page, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* A horizontal bar chart inside PAGE: COUNT bars of LABELS and VALUES, as
 * an SVG with a title (CAPTION, also the <figcaption>); each bar has a
 * <title> of its label and value.  Bars longer than the largest VALUE do
 * not exist: the largest fills the width. */
void htmlpage_bars(struct strbuf *page, const char *caption, const char *const *labels, const ULONG *values,
                   ULONG count);

/* Writes PAGE as PATH atomically (UTF-8); S_OK or the failure, ERROR
 * (ERRMSG_SIZE) naming the file. */
HRESULT htmlpage_write(const char *path, const struct strbuf *page, char *error);

#endif
