/*
 * errmsg: error messages into a caller's buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <windows.h>

#include "errmsg.h"
#include "strbuf.h"

/* ERROR from TEXT, its controls and stray bytes as escapes; returns HR. */
static HRESULT shown_as(char error[ERRMSG_SIZE], HRESULT hr, const char *text)
{
    struct strbuf shown = {0};
    size_t i;

    /* a value in a message (a subject, a name, an address) may hold any
     * byte: its control characters and stray bytes become escapes here,
     * once for every message, so none moves a terminal's cursor or starts
     * a line of a log, a state file or a report */
    strbuf_puts_escaped(&shown, text);
    if (!shown.failed && shown.data) snprintf(error, ERRMSG_SIZE, "%s", shown.data);
    else /* no memory for the escapes (what they hold is cut short) */
        for (i = 0; (error[i] = text[i]); i++)
            if ((unsigned char)error[i] < 0x20 || (unsigned char)error[i] >= 0x7F) error[i] = '?';
    strbuf_free(&shown);
    return hr;
}

HRESULT errmsg_format(char error[ERRMSG_SIZE], HRESULT hr, const char *fmt, ...)
{
    char text[ERRMSG_SIZE];
    va_list args;

    va_start(args, fmt);
    vsnprintf(text, sizeof(text), fmt, args);
    va_end(args);
    return shown_as(error, hr, text);
}

HRESULT errmsg_about(char error[ERRMSG_SIZE], HRESULT hr, const char *subject, const char *fmt, ...)
{
    char text[ERRMSG_SIZE];
    int size = snprintf(text, sizeof(text), "'%s': ", subject);
    va_list args;

    va_start(args, fmt);
    if (size >= 0 && (size_t)size < sizeof(text)) vsnprintf(text + size, sizeof(text) - size, fmt, args);
    va_end(args);
    return shown_as(error, hr, text);
}

const char *errmsg_describe(HRESULT hr, char *buf, size_t size)
{
    /* a Win32 error wrapped in an HRESULT has its words under its own code */
    DWORD code = HRESULT_FACILITY(hr) == FACILITY_WIN32 ? (DWORD)HRESULT_CODE(hr) : (DWORD)hr;
    char words[256];
    size_t len;

    if (!FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, code, 0, words,
                        sizeof(words), NULL))
    {
        snprintf(buf, size, "error %#x", (unsigned)hr);
        return buf;
    }
    len = strcspn(words, "\r\n");
    while (len && (words[len - 1] == '.' || words[len - 1] == ' ')) len--;
    snprintf(buf, size, "%.*s (%#x)", (int)len, words, (unsigned)hr);
    return buf;
}
