/*
 * smtp: a minimal RFC 5321 client on Winsock.
 */
/* winsock2.h must come before the C library's headers under Winelib */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mimeenc.h"
#include "smtp.h"
#include "strbuf.h"

/* Fails the session S with HR, the server named first. */
#define fail(s, hr, fmt, ...) errmsg_format((s)->error, hr, "SMTP server %s: " fmt, (s)->server, ##__VA_ARGS__)

#define REPLY_MAX 4096

struct session
{
    SOCKET socket;
    const char *server;
    char *error;
    char reply[REPLY_MAX]; /* the last reply, lines joined */
};


static HRESULT send_all(struct session *s, const char *data, size_t size, const char *what)
{
    while (size)
    {
        int sent = send(s->socket, data, size > 65536 ? 65536 : (int)size, 0);
        if (sent <= 0) return fail(s, HRESULT_FROM_WIN32(WSAGetLastError()), "sending %s failed (error %d)", what, WSAGetLastError());
        data += sent;
        size -= (size_t)sent;
    }
    return S_OK;
}

/* Reads one reply (all its lines) and checks that its code starts with
 * EXPECTED ('2' or '3'). */
static HRESULT expect(struct session *s, char expected, const char *after)
{
    size_t len = 0;

    s->reply[0] = 0;
    for (;;)
    {
        char *line_end, *last;
        int got;

        /* a reply ends with a line "NNN text": no hyphen after the code */
        s->reply[len] = 0;
        for (last = s->reply; (line_end = strstr(last, "\r\n")) && line_end[2]; last = line_end + 2) {}
        if (line_end && strlen(last) >= 4 && last[3] != '-') break;
        if (len + 1 >= sizeof(s->reply)) return fail(s, E_FAIL, "reply to %s longer than %u bytes", after, REPLY_MAX);
        got = recv(s->socket, s->reply + len, (int)(sizeof(s->reply) - 1 - len), 0);
        if (got <= 0)
            return fail(s, got ? HRESULT_FROM_WIN32(WSAGetLastError()) : E_FAIL, "no reply to %s (%s)", after,
                        got ? "timed out or reset" : "connection closed");
        len += (size_t)got;
    }
    s->reply[strcspn(s->reply, "\r\n")] = 0;
    if (s->reply[0] != expected) return fail(s, E_FAIL, "%s refused: %s", after, s->reply);
    return S_OK;
}

static HRESULT command(struct session *s, char expected, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static HRESULT command(struct session *s, char expected, const char *fmt, ...)
{
    char line[1024];
    va_list args;
    HRESULT hr;
    int len;

    va_start(args, fmt);
    len = vsnprintf(line, sizeof(line) - 2, fmt, args);
    va_end(args);
    if (len < 0 || len >= (int)sizeof(line) - 2) return fail(s, E_INVALIDARG, "command too long");
    memcpy(line + len, "\r\n", 3);
    if (FAILED(hr = send_all(s, line, (size_t)len + 2, line))) return hr;
    line[strcspn(line, " \r")] = 0;
    return expect(s, expected, line);
}

/* Connects to SERVER ("host[:port]"). */
static HRESULT connect_server(struct session *s)
{
    char host[256], *colon;
    const char *port = "25";
    struct addrinfo hints, *found = NULL, *a;
    DWORD timeout = SMTP_TIMEOUT_SECONDS * 1000;
    int code;

    snprintf(host, sizeof(host), "%s", s->server);
    if ((colon = strrchr(host, ':')))
    {
        *colon = 0;
        port = colon + 1;
    }
    memset(&hints, 0, sizeof(hints));
    hints.ai_socktype = SOCK_STREAM;
    if ((code = getaddrinfo(host, port, &hints, &found)))
        return fail(s, HRESULT_FROM_WIN32(code), "cannot resolve (error %d)", code);
    for (a = found; a; a = a->ai_next)
    {
        if ((s->socket = socket(a->ai_family, SOCK_STREAM, IPPROTO_TCP)) == INVALID_SOCKET) continue;
        setsockopt(s->socket, SOL_SOCKET, SO_RCVTIMEO, (const char *)&timeout, sizeof(timeout));
        setsockopt(s->socket, SOL_SOCKET, SO_SNDTIMEO, (const char *)&timeout, sizeof(timeout));
        if (!connect(s->socket, a->ai_addr, (int)a->ai_addrlen)) break;
        code = WSAGetLastError();
        closesocket(s->socket);
        s->socket = INVALID_SOCKET;
    }
    freeaddrinfo(found);
    if (s->socket == INVALID_SOCKET) return fail(s, HRESULT_FROM_WIN32(code), "cannot connect (error %d)", code);
    return expect(s, '2', "the greeting");
}

/* Sends MIME as DATA: a leading dot doubled on every line, CRLF.CRLF after. */
static HRESULT send_data(struct session *s, const char *mime)
{
    struct strbuf body = {0};
    const char *p = mime;
    HRESULT hr;

    while (*p)
    {
        size_t len = strcspn(p, "\n");
        if (*p == '.') strbuf_add(&body, ".", 1);
        strbuf_add(&body, p, len && p[len - 1] == '\r' ? len - 1 : len);
        strbuf_add(&body, "\r\n", 2);
        p += len + (p[len] == '\n');
    }
    strbuf_add(&body, ".\r\n", 3);
    if (body.failed) hr = fail(s, E_OUTOFMEMORY, "out of memory");
    else if (SUCCEEDED(hr = send_all(s, body.data, body.size, "the message"))) hr = expect(s, '2', "the message data");
    strbuf_free(&body);
    return hr;
}

HRESULT smtp_send(const char *server, const char *from, const char *recipients, const char *mime,
                  char error[SMTP_ERROR_SIZE])
{
    struct session s = {INVALID_SOCKET, server, error, ""};
    const char *p, *cursor;
    size_t len;
    WSADATA wsa;
    HRESULT hr;

    if (WSAStartup(MAKEWORD(2, 2), &wsa)) return fail(&s, E_FAIL, "Winsock is not available");
    if (FAILED(hr = connect_server(&s)) || FAILED(hr = command(&s, '2', "EHLO trackfix.invalid")) ||
        FAILED(hr = command(&s, '2', "MAIL FROM:<%s>", from)))
        goto done;
    for (cursor = recipients; SUCCEEDED(hr) && mimeenc_next_address(&cursor, &p, &len);)
        hr = command(&s, '2', "RCPT TO:<%.*s>", (int)len, p);
    if (SUCCEEDED(hr) && SUCCEEDED(hr = command(&s, '3', "DATA")) && SUCCEEDED(hr = send_data(&s, mime)))
        command(&s, '2', "QUIT"); /* the message is accepted whatever QUIT answers */
done:
    if (s.socket != INVALID_SOCKET) closesocket(s.socket);
    WSACleanup();
    return hr;
}
