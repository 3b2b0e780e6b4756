/*
 * dsn: RFC 3464 reports: "delayed" and the 4.4.7 NDR.
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

char *dsn_build(enum dsn_action action, const struct dsn_subject *s, ULONGLONG now)
{
    const char *domain = strchr(s->sender, '@'), *failed = action == DSN_FAILED ? "Failure" : "Delay";
    struct strbuf out = {0};
    const char *p, *cursor;
    size_t len;
    char boundary[64];

    snprintf(boundary, sizeof(boundary), "----_=_NDR_%s_%s", action == DSN_FAILED ? "failed" : "delayed", s->id);
    strbuf_puts(&out, "Date: ");
    if (!mimeenc_date(&out, now)) goto fail;
    strbuf_printf(&out, "\r\nFrom: postmaster%s\r\nTo: <%s>\r\nSubject: Delivery Status Notification (%s)\r\n"
                        "Message-ID: <%s.%s.%016llX%s>\r\nMIME-Version: 1.0\r\n"
                        "Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary=\"%s\"\r\n\r\n",
                  domain ? domain : "@trackfix.invalid", s->sender, failed, failed, s->id, (unsigned long long)now,
                  domain ? domain : "@trackfix.invalid", boundary);

    strbuf_printf(&out, "--%s\r\nContent-Type: text/plain; charset=us-ascii\r\n\r\n"
                        "This is an automatically generated Delivery Status Notification.\r\n\r\n", boundary);
    if (action == DSN_FAILED)
        strbuf_puts(&out, "Delivery to the following recipients failed.\r\n\r\n");
    else
        strbuf_puts(&out, "THIS IS A WARNING MESSAGE ONLY.\r\nYOU DO NOT NEED TO RESEND YOUR MESSAGE.\r\n\r\n"
                          "Delivery to the following recipients has been delayed.\r\n\r\n");
    for (cursor = s->recipients; mimeenc_next_address(&cursor, &p, &len);)
        strbuf_printf(&out, "       %.*s\r\n", (int)len, p);
    strbuf_printf(&out, "\r\n%s\r\n\r\n", action == DSN_FAILED ? EXPIRED_TEXT : s->last_error);

    strbuf_printf(&out, "--%s\r\nContent-Type: message/delivery-status\r\n\r\nReporting-MTA: dns;" REPORTING_MTA
                        "\r\nArrival-Date: ", boundary);
    if (!mimeenc_date(&out, s->submitted)) goto fail;
    strbuf_puts(&out, "\r\n");
    for (cursor = s->recipients; mimeenc_next_address(&cursor, &p, &len);)
    {
        strbuf_printf(&out, "\r\nFinal-Recipient: rfc822;%.*s\r\nAction: %s\r\nStatus: 4.4.7\r\n", (int)len, p,
                      action == DSN_FAILED ? "failed" : "delayed");
        if (action == DSN_FAILED) strbuf_puts(&out, "Diagnostic-Code: smtp;400 4.4.7 " EXPIRED_TEXT "\r\n");
        if (s->last_attempt)
        {
            strbuf_puts(&out, "Last-Attempt-Date: ");
            if (!mimeenc_date(&out, s->last_attempt)) goto fail;
            strbuf_puts(&out, "\r\n");
        }
        if (action == DSN_DELAYED)
        {
            strbuf_puts(&out, "Will-Retry-Until: ");
            if (!mimeenc_date(&out, s->expires)) goto fail;
            strbuf_puts(&out, "\r\n");
        }
    }

    /* the original's headers, as the queue knows them: it never became MIME */
    strbuf_printf(&out, "\r\n--%s\r\nContent-Type: text/rfc822-headers\r\n\r\nFrom: <%s>\r\nTo: %s\r\nSubject: ", boundary,
                  s->sender, s->recipients);
    mimeenc_header_text(&out, s->subject);
    strbuf_puts(&out, "\r\nDate: ");
    if (!mimeenc_date(&out, s->submitted)) goto fail;
    strbuf_puts(&out, "\r\n");
    if (*s->message_id) strbuf_printf(&out, "Message-ID: %s\r\n", s->message_id);
    strbuf_printf(&out, "MIME-Version: 1.0\r\nContent-Class: urn:content-classes:calendarmessage\r\n\r\n--%s--\r\n",
                  boundary);
    return strbuf_detach(&out);
fail:
    strbuf_free(&out);
    return NULL;
}
