/*
 * smtp: a minimal RFC 5321 client on Winsock.
 */
/* winsock2.h must come before the C library's headers under Winelib */
#include <winsock2.h>
#include <ws2tcpip.h>
#include <windows.h>

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "errmsg.h"
#include "mimeenc.h"
#include "smtp.h"
#include "strbuf.h"

#define REPLY_MAX 4096

struct session
{
    SOCKET socket;
    const char *server;
    char *error;
    char code;             /* the first digit of the last reply; 0 when none came (connection lost) */
    char reply[REPLY_MAX]; /* the first line of the last reply */
    char full[REPLY_MAX];  /* all its lines, CRLF-separated */
    char deferral[SMTP_ERROR_SIZE]; /* why the first recipient told to wait waits */
};

static HRESULT send_all(struct session *s, const char *data, size_t size, const char *what)
{
    while (size)
    {
        int sent = send(s->socket, data, size > 65536 ? 65536 : (int)size, 0);
        if (sent <= 0)
        {
            s->code = 0;
            return errmsg_format(s->error, HRESULT_FROM_WIN32(WSAGetLastError()), "SMTP server %s: " "sending %s failed (error %d)", s->server, what,
                        WSAGetLastError());
        }
        data += sent;
        size -= (size_t)sent;
    }
    return S_OK;
}

/* Reads one reply (all its lines) to AFTER: S_OK for 2xx and 3xx, E_FAIL
 * with the error set for a refusal or a lost connection (code 0). */
static HRESULT expect(struct session *s, const char *after)
{
    size_t len = 0;

    s->full[0] = 0;
    for (;;)
    {
        char *line_end, *last;
        int got;

        /* a reply ends with a line "NNN text": no hyphen after the code */
        s->full[len] = 0;
        for (last = s->full; (line_end = strstr(last, "\r\n")) && line_end[2]; last = line_end + 2) {}
        if (line_end && strlen(last) >= 4 && last[3] != '-') break;
        s->code = 0;
        if (len + 1 >= sizeof(s->full)) return errmsg_format(s->error, E_FAIL, "SMTP server %s: " "reply to %s longer than %u bytes", s->server, after, REPLY_MAX);
        got = recv(s->socket, s->full + len, (int)(sizeof(s->full) - 1 - len), 0);
        if (got <= 0)
            return errmsg_format(s->error, got ? HRESULT_FROM_WIN32(WSAGetLastError()) : E_FAIL, "SMTP server %s: " "no reply to %s (%s)", s->server, after,
                        got ? "timed out or reset" : "connection closed");
        len += (size_t)got;
    }
    snprintf(s->reply, sizeof(s->reply), "%.*s", (int)strcspn(s->full, "\r\n"), s->full);
    s->code = s->reply[0];
    if (s->code != '2' && s->code != '3') return errmsg_format(s->error, E_FAIL, "SMTP server %s: " "%s refused: %s", s->server, after, s->reply);
    return S_OK;
}

static HRESULT command(struct session *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static HRESULT command(struct session *s, const char *fmt, ...)
{
    char line[1024];
    va_list args;
    HRESULT hr;
    int len, i;

    va_start(args, fmt);
    len = vsnprintf(line, sizeof(line) - 2, fmt, args);
    va_end(args);
    if (len < 0 || len >= (int)sizeof(line) - 2)
    {
        s->code = '5';
        snprintf(s->reply, sizeof(s->reply), "501 5.5.2 command too long to send");
        return errmsg_format(s->error, E_INVALIDARG, "SMTP server %s: " "command too long", s->server);
    }
    /* the one place a command is sent: an argument with a control
     * character (a CR or LF could start a command of its own) is refused
     * here, whatever checked it before */
    for (i = 0; i < len; i++)
        if ((unsigned char)line[i] < 0x20 || line[i] == 0x7F)
        {
            s->code = '5';
            snprintf(s->reply, sizeof(s->reply), "501 5.5.4 a control character in the command: not sent");
            return errmsg_format(s->error, E_INVALIDARG, "SMTP server %s: " "a control character in the command: not sent", s->server);
        }
    memcpy(line + len, "\r\n", 3);
    if (FAILED(hr = send_all(s, line, (size_t)len + 2, line))) return hr;
    line[strcspn(line, " \r")] = 0;
    return expect(s, line);
}

BOOL smtp_server_is_valid(const char *server, const char **why)
{
    const char *colon = strrchr(server, ':'), *p;
    size_t host_length = colon ? (size_t)(colon - server) : strlen(server);

    *why = NULL;
    if (!host_length) *why = "no host";
    else if (host_length > 255) *why = "the host is over 255 characters";
    for (p = server; !*why && p < server + host_length; p++)
        if (!isalnum((unsigned char)*p) && !strchr(".-[]:", *p)) *why = "the host holds a character no host name has";
    if (!*why && colon && (strspn(colon + 1, "0123456789") != strlen(colon + 1) || !colon[1] || strlen(colon + 1) > 5 ||
                           atoi(colon + 1) < 1 || atoi(colon + 1) > 65535))
        *why = "the port is not a number from 1 to 65535";
    return *why == NULL;
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
        return errmsg_format(s->error, HRESULT_FROM_WIN32(code), "SMTP server %s: " "cannot resolve (error %d)", s->server, code);
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
    if (s->socket == INVALID_SOCKET) return errmsg_format(s->error, HRESULT_FROM_WIN32(code), "SMTP server %s: " "cannot connect (error %d)", s->server, code);
    return expect(s, "the greeting");
}

/* MIME as it goes on the wire: lines CRLF, a leading dot doubled, the
 * final dot line. */
static void dot_stuff(const char *mime, struct strbuf *body)
{
    const char *p = mime;

    while (*p)
    {
        size_t len = strcspn(p, "\n");
        if (*p == '.') strbuf_add(body, ".", 1);
        strbuf_add(body, p, len && p[len - 1] == '\r' ? len - 1 : len);
        strbuf_add(body, "\r\n", 2);
        p += len + (p[len] == '\n');
    }
    strbuf_add(body, ".\r\n", 3);
}

/* TRUE when the EHLO reply EHLO offers KEYWORD: a line "250-KEYWORD ..."
 * or "250 KEYWORD". */
static BOOL offers(const char *ehlo, const char *keyword)
{
    size_t len = strlen(keyword);
    const char *line = ehlo;

    while (line && *line)
    {
        const char *next = strstr(line, "\r\n");
        if (!strncasecmp(line + 4, keyword, len) && strlen(line) >= 4 + len &&
            (line[4 + len] == ' ' || line[4 + len] == '\r' || !line[4 + len]))
            return TRUE;
        line = next ? next + 2 : NULL;
    }
    return FALSE;
}

static BOOL has_8bit(const char *mime)
{
    const unsigned char *p;

    for (p = (const unsigned char *)mime; *p; p++)
        if (*p >= 0x80) return TRUE;
    return FALSE;
}

/* Every recipient still WAITING gets the outcome of the last reply in S
 * (a 5xx refuses, anything else is tried again) and stops waiting. */
static void decide(struct session *s, struct smtp_recipient *recipients, size_t count, BOOL *waiting)
{
    const char *text = s->code ? s->reply : s->error;
    size_t i, len = strnlen(text, SMTP_REPLY_SIZE - 1);

    for (i = 0; i < count; i++)
    {
        if (!waiting[i]) continue;
        recipients[i].outcome = s->code == '5' ? SMTP_REFUSED : SMTP_RETRY;
        if (recipients[i].outcome == SMTP_RETRY && !s->deferral[0]) memcpy(s->deferral, s->error, SMTP_ERROR_SIZE);
        memcpy(recipients[i].reply, text, len);
        recipients[i].reply[len] = 0;
        waiting[i] = FALSE;
    }
}

HRESULT smtp_send(const char *server, const char *from, struct smtp_recipient *recipients, size_t count,
                  const char *mime, char error[SMTP_ERROR_SIZE])
{
    struct session s = {INVALID_SOCKET, server, error, 0, "", "", ""};
    struct strbuf body = {0};
    BOOL *waiting = calloc(count ? count : 1, sizeof(*waiting)), eight_bit;
    char size_param[32] = "", refusal[SMTP_ERROR_SIZE];
    size_t i, accepted = 0;
    WSADATA wsa;

    error[0] = 0;
    if (waiting) dot_stuff(mime, &body);
    if (!waiting || body.failed)
    {
        free(waiting);
        strbuf_free(&body);
        return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    }
    for (i = 0; i < count; i++)
    {
        recipients[i].outcome = SMTP_RETRY;
        recipients[i].reply[0] = 0;
        waiting[i] = TRUE;
    }
    if (WSAStartup(MAKEWORD(2, 2), &wsa))
    {
        errmsg_format(s.error, E_FAIL, "SMTP server %s: Winsock is not available", s.server);
        decide(&s, recipients, count, waiting);
        free(waiting);
        strbuf_free(&body);
        return S_OK;
    }
    if (FAILED(connect_server(&s)) || FAILED(command(&s, "EHLO trackfix.invalid")))
        goto refused;
    eight_bit = has_8bit(mime) && offers(s.full, "8BITMIME");
    /* RFC 1870: the size of the message as it is sent */
    if (offers(s.full, "SIZE")) snprintf(size_param, sizeof(size_param), " SIZE=%lu", (unsigned long)body.size);
    if (FAILED(command(&s, "MAIL FROM:<%s>%s%s", from, eight_bit ? " BODY=8BITMIME" : "", size_param))) goto refused;
    for (i = 0; i < count; i++)
    {
        if (SUCCEEDED(command(&s, "RCPT TO:<%s>", recipients[i].address)))
        {
            accepted++;
            continue;
        }
        if (!s.code) goto refused; /* the connection is gone: the rest wait too */
        decide(&s, recipients + i, 1, waiting + i);
    }
    if (!accepted) goto quit;
    if (FAILED(command(&s, "DATA")) || FAILED(send_all(&s, body.data, body.size, "the message")) ||
        FAILED(expect(&s, "the message data")))
        goto refused;
    for (i = 0; i < count; i++)
        if (waiting[i]) recipients[i].outcome = SMTP_ACCEPTED;
    goto quit;
refused:
    decide(&s, recipients, count, waiting);
quit:
    /* after a refusal too: say goodbye while the line is up; ERROR keeps
     * what was refused */
    memcpy(refusal, s.deferral[0] ? s.deferral : error, sizeof(refusal));
    if (s.socket != INVALID_SOCKET && s.code) command(&s, "QUIT");
    memcpy(error, refusal, sizeof(refusal));
    if (s.socket != INVALID_SOCKET) closesocket(s.socket);
    WSACleanup();
    free(waiting);
    strbuf_free(&body);
    return S_OK;
}
