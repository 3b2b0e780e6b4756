/*
 * dsn: RFC 3464 reports: "delayed", the 4.4.7 NDR, and permanent refusals.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "dsn.h"
#include "mimeenc.h"
#include "strbuf.h"
#include "systime.h"

/* the NDR text of KB 938650 and of the SMTP expiration timeout */
#define EXPIRED_TEXT "Could not deliver the message in the time limit specified. Please retry or contact your administrator."
#define REPORTING_MTA "EXCHANGE2003.contoso.example"

/* Appends "NAME: DATE\r\n"; FALSE when T has no date. */
static BOOL add_date(struct strbuf *out, const char *name, ULONGLONG t)
{
    strbuf_puts(out, name);
    if (!mimeenc_date(out, t)) return FALSE;
    strbuf_puts(out, "\r\n");
    return TRUE;
}

/* Appends TEXT, a value in a header of the report, with its control
 * characters dropped: the one place the report writes a value it got
 * from a message (addresses were checked at submit, a Message-ID was not),
 * so no header line can start inside it. */
static void put_field(struct strbuf *out, const char *text)
{
    for (; *text; text++)
        if ((unsigned char)*text >= 0x20 && *text != 0x7F) strbuf_add(out, text, 1);
}

/* The human-readable part: what happened, to whom, and why; what came
 * from a message or a server with its control characters escaped. */
static void add_text_part(struct strbuf *out, enum dsn_action action, const struct dsn_subject *s,
                          const char *boundary)
{
    struct strbuf text = {0};
    size_t i;

    strbuf_puts(&text, "This is an automatically generated Delivery Status Notification.\n\n");
    if (action == DSN_FAILED)
        strbuf_puts(&text, "Delivery to the following recipients failed.\n\n");
    else
        strbuf_puts(&text, "THIS IS A WARNING MESSAGE ONLY.\nYOU DO NOT NEED TO RESEND YOUR MESSAGE.\n\n"
                           "Delivery to the following recipients has been delayed.\n\n");
    for (i = 0; i < s->recipient_count; i++)
    {
        strbuf_puts(&text, "       ");
        strbuf_puts_escaped(&text, s->recipients[i].address);
        strbuf_puts(&text, "\n");
        if (s->recipients[i].diagnostic)
        {
            strbuf_puts(&text, "       The receiving server said: ");
            strbuf_puts_escaped(&text, s->recipients[i].diagnostic);
            strbuf_puts(&text, "\n");
        }
    }
    if (action == DSN_FAILED && !s->recipients[0].diagnostic) strbuf_printf(&text, "\n%s\n", EXPIRED_TEXT);
    else if (action == DSN_DELAYED && *s->last_error)
    {
        strbuf_puts(&text, "\n");
        strbuf_puts_escaped(&text, s->last_error);
        strbuf_puts(&text, "\n");
    }
    strbuf_printf(out, "--%s\r\nContent-Type: text/plain; charset=utf-8\r\n"
                       "Content-Transfer-Encoding: quoted-printable\r\n\r\n", boundary);
    if (text.failed) out->failed = TRUE;
    else mimeenc_quoted_printable(out, text.data);
    strbuf_puts(out, "\r\n\r\n");
    strbuf_free(&text);
}

/* Appends header NAME ("To: ") with the ", "-separated LIST, folded one
 * address a line; nothing for an empty list.  FALSE when out of memory. */
static BOOL add_address_header(struct strbuf *out, const char *name, const char *list)
{
    const char *cursor, *p;
    size_t len;
    BOOL first = TRUE;

    for (cursor = list; mimeenc_next_address(&cursor, &p, &len); first = FALSE)
    {
        char *address = strndup(p, len);
        if (!address) return FALSE;
        strbuf_puts(out, first ? name : ",\r\n ");
        mimeenc_mailbox(out, first ? strlen(name) : 1, NULL, address);
        free(address);
    }
    if (!first) strbuf_puts(out, "\r\n");
    return TRUE;
}

/* The original's headers, as the queue knows them: it never became MIME.
 * Bcc recipients stay out. */
static BOOL add_headers_part(struct strbuf *out, const struct dsn_subject *s, const char *boundary)
{
    strbuf_printf(out, "--%s\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: <", boundary);
    put_field(out, s->sender);
    strbuf_puts(out, ">\r\n");
    if (!add_address_header(out, "To: ", s->to) || !add_address_header(out, "Cc: ", s->cc)) return FALSE;
    if (*s->subject)
    {
        strbuf_puts(out, "Subject: ");
        mimeenc_header_text(out, strlen("Subject: "), s->subject);
        strbuf_puts(out, "\r\n");
    }
    if (!add_date(out, "Date: ", s->submitted)) return FALSE;
    if (*s->message_id)
    {
        strbuf_puts(out, "Message-ID: ");
        put_field(out, s->message_id);
        strbuf_puts(out, "\r\n");
    }
    strbuf_printf(out, "MIME-Version: 1.0\r\nContent-Class: urn:content-classes:calendarmessage\r\n\r\n--%s--\r\n",
                  boundary);
    return TRUE;
}

char *dsn_build(enum dsn_action action, const struct dsn_subject *s, ULONGLONG now)
{
    const char *domain = strchr(s->sender, '@'), *failed = action == DSN_FAILED ? "Failure" : "Delay";
    struct strbuf out = {0};
    char boundary[64];
    size_t i;

    if (!s->recipient_count) return NULL;
    snprintf(boundary, sizeof(boundary), "----_=_NDR_%s_%s", action == DSN_FAILED ? "failed" : "delayed", s->id);
    if (!add_date(&out, "Date: ", now)) goto fail;
    if (!domain) domain = "@trackfix.invalid";
    strbuf_puts(&out, "From: postmaster");
    put_field(&out, domain);
    strbuf_puts(&out, "\r\nTo: <");
    put_field(&out, s->sender);
    strbuf_printf(&out, ">\r\nSubject: Delivery Status Notification (%s)\r\nMessage-ID: <%s.%s.%016llX", failed, failed,
                  s->id, (unsigned long long)now);
    put_field(&out, domain);
    strbuf_printf(&out, ">\r\nMIME-Version: 1.0\r\n"
                        "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"%s\"\r\n\r\n",
                  boundary);
    add_text_part(&out, action, s, boundary);

    strbuf_printf(&out, "--%s\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns;" REPORTING_MTA "\r\n",
                  boundary);
    if (!add_date(&out, "Arrival-Date: ", s->submitted)) goto fail;
    for (i = 0; i < s->recipient_count; i++)
    {
        const struct dsn_recipient *r = &s->recipients[i];
        const char *diagnostic = r->diagnostic ? r->diagnostic : action == DSN_FAILED ? "400 4.4.7 " EXPIRED_TEXT : NULL;

        strbuf_puts(&out, "\r\nFinal-Recipient: rfc822;");
        put_field(&out, r->address);
        strbuf_printf(&out, "\r\nAction: %s\r\nStatus: %s\r\n", action == DSN_FAILED ? "failed" : "delayed", r->status);
        if (diagnostic)
        {
            /* folded as any header field */
            strbuf_puts(&out, "Diagnostic-Code: smtp;");
            mimeenc_header_text(&out, strlen("Diagnostic-Code: smtp;"), diagnostic);
            strbuf_puts(&out, "\r\n");
        }
        if (s->last_attempt && !add_date(&out, "Last-Attempt-Date: ", s->last_attempt)) goto fail;
        if (action == DSN_DELAYED && !add_date(&out, "Will-Retry-Until: ", s->expires)) goto fail;
    }
    strbuf_puts(&out, "\r\n");
    if (!add_headers_part(&out, s, boundary)) goto fail;
    return strbuf_detach(&out);
fail:
    strbuf_free(&out);
    return NULL;
}
