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
    va_list args;

    va_start(args, fmt);
    vsnprintf(error, ERRMSG_SIZE, fmt, args);
    va_end(args);
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
