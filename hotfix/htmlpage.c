/*
 * htmlpage: the frame of trackfix's HTML reports.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <windows.h>

#include "atomicfile.h"
#include "errmsg.h"
#include "htmlpage.h"

/* One style for every report: the marks of the queue's timeline (failed
 * red, deferred orange, delivered green, refused dark red, the delay
 * notice amber, the NDR black), the toggle line blue, the bars. */
static const char style[] =
    "body{font:14px/1.4 sans-serif;color:#222;margin:24px;max-width:1400px}"
    "h1{font-size:20px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 6px}"
    "p.sub{color:#555;margin:0 0 12px}"
    "table{border-collapse:collapse;margin:8px 0;font-size:13px}"
    "th,td{border:1px solid #ccc;padding:2px 6px;text-align:left;vertical-align:top}"
    "th{background:#f2f2f2}td.n{text-align:right}"
    /* a long table is laid out a chunk at a time, as it comes into view */
    "div.chunk{content-visibility:auto;contain-intrinsic-size:auto 2600px}"
    "table.events{table-layout:fixed;word-wrap:break-word;margin:0}"
    "figure{margin:8px 0;overflow-x:auto}figcaption{color:#555;font-size:13px}"
    "svg text{font:12px sans-serif;fill:#222}svg .dim{fill:#777}"
    ".axis line{stroke:#bbb}.grid{stroke:#eee}.life{stroke:#999;stroke-width:1}"
    ".gap{stroke:#999;stroke-dasharray:3 3;fill:none}"
    ".failed{fill:#d62728}.deferred{fill:#ff7f0e}.delivered{fill:#2ca02c}"
    ".refused{fill:#7f0000}.delay{fill:#e6b800}.expired{fill:#111}.submitted{fill:#fff;stroke:#555}"
    ".toggle line{stroke:#1f5fbf;stroke-width:2;stroke-dasharray:6 3}.toggle text{fill:#1f5fbf;font-weight:bold}"
    ".bar{fill:#d62728}.legend span{display:inline-block;margin-right:14px}"
    ".key{display:inline-block;width:10px;height:10px;margin-right:4px;vertical-align:middle}"
    ".note{background:#fff7e0;border:1px solid #e6b800;padding:4px 8px}";

void htmlpage_text(struct strbuf *page, const char *text)
{
    const char *run = text;

    for (; *text; text++)
    {
        const char *entity = *text == '&' ? "&amp;" : *text == '<' ? "&lt;" : *text == '>' ? "&gt;"
                           : *text == '"' ? "&quot;" : *text == '\'' ? "&#39;" : NULL;
        if (!entity) continue;
        strbuf_add(page, run, text - run);
        strbuf_puts(page, entity);
        run = text + 1;
    }
    strbuf_add(page, run, text - run);
}

void htmlpage_textf(struct strbuf *page, const char *fmt, ...)
{
    char text[2048];
    va_list args;

    va_start(args, fmt);
    vsnprintf(text, sizeof(text), fmt, args);
    va_end(args);
    htmlpage_text(page, text);
}

void htmlpage_begin(struct strbuf *page, const char *title)
{
    strbuf_puts(page, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                      "<meta name=\"generator\" content=\"trackfix\"><title>");
    htmlpage_text(page, title);
    strbuf_printf(page, "</title><style>%s</style></head>\n<body>\n<h1>", style);
    htmlpage_text(page, title);
    strbuf_puts(page, "</h1>\n");
}

void htmlpage_end(struct strbuf *page)
{
    strbuf_puts(page, "</body></html>\n");
}

#define BAR_LABEL_WIDTH 280
#define BAR_WIDTH 480
#define BAR_HEIGHT 20

void htmlpage_bars(struct strbuf *page, const char *caption, const char *const *labels, const ULONG *values,
                   ULONG count)
{
    ULONG i, largest = 1;

    for (i = 0; i < count; i++)
        if (values[i] > largest) largest = values[i];
    strbuf_printf(page, "<figure><svg role=\"img\" width=\"%d\" height=\"%u\" viewBox=\"0 0 %d %u\"><title>",
                  BAR_LABEL_WIDTH + BAR_WIDTH + 60, count * BAR_HEIGHT + 4, BAR_LABEL_WIDTH + BAR_WIDTH + 60,
                  count * BAR_HEIGHT + 4);
    htmlpage_text(page, caption);
    strbuf_puts(page, "</title>\n");
    for (i = 0; i < count; i++)
    {
        unsigned y = i * BAR_HEIGHT + 2, width = (unsigned)((ULONGLONG)values[i] * BAR_WIDTH / largest);
        strbuf_printf(page, "<g class=\"b\"><text x=\"%d\" y=\"%u\" text-anchor=\"end\">", BAR_LABEL_WIDTH - 6, y + 14);
        htmlpage_text(page, labels[i]);
        strbuf_printf(page, "</text><rect class=\"bar\" x=\"%d\" y=\"%u\" width=\"%u\" height=\"%d\"><title>",
                      BAR_LABEL_WIDTH, y + 2, width ? width : 1, BAR_HEIGHT - 5);
        htmlpage_textf(page, "%s: %u", labels[i], values[i]);
        strbuf_printf(page, "</title></rect><text x=\"%u\" y=\"%u\">%u</text></g>\n", BAR_LABEL_WIDTH + width + 6,
                      y + 14, values[i]);
    }
    strbuf_puts(page, "</svg><figcaption>");
    htmlpage_text(page, caption);
    strbuf_puts(page, "</figcaption></figure>\n");
}

HRESULT htmlpage_write(const char *path, const struct strbuf *page, char *error)
{
    char words[256];
    HRESULT hr;

    if (page->failed || !page->data) return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    if (FAILED(hr = atomicfile_write(path, page->data, (DWORD)page->size)))
        return errmsg_about(error, hr, path, "cannot write the page: %s", errmsg_describe(hr, words, sizeof(words)));
    return S_OK;
}
