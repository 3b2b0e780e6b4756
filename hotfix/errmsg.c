/*
 * errmsg: error messages into a caller's buffer.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <windows.h>

#include "errmsg.h"

HRESULT errmsg_format(char error[ERRMSG_SIZE], HRESULT hr, const char *fmt, ...)
{
    char text[ERRMSG_SIZE];
    const unsigned char *p;
    size_t used = 0;
    va_list args;

    va_start(args, fmt);
    vsnprintf(text, sizeof(text), fmt, args);
    va_end(args);
    /* a value in a message (a subject, a name, an address) may hold any
     * byte: its control characters become escapes here, once for every
     * message, so none moves a terminal's cursor or starts a line of a
     * log, a state file or a report */
    for (p = (const unsigned char *)text; *p && used + 5 <= ERRMSG_SIZE; p++)
    {
        if (*p >= 0x20 && *p != 0x7F) error[used++] = (char)*p;
        else used += snprintf(error + used, 5, *p == '\r' ? "\\r" : *p == '\n' ? "\\n" : *p == '\t' ? "\\t" : "\\x%02X", *p);
    }
    error[used] = 0;
    return hr;
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
