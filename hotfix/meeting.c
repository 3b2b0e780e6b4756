/*
 * meeting: UID and addresses of a MAPI meeting.
 */
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "meeting.h"
#include "strbuf.h"

/* "vCal-Uid" then 01 00 00 00: a UID kept verbatim in the global object id
 * (MS-OXCICAL 2.1.3.1.1.20.26) */
static const BYTE vcal_uid_marker[12] = {'v', 'C', 'a', 'l', '-', 'U', 'i', 'd', 1, 0, 0, 0};
/* the Data field of a global object id starts after a 40-byte header */
#define GOID_HEADER_SIZE 40

enum meeting_class meeting_class_of(const char *message_class)
{
    static const struct
    {
        const char *prefix;
        enum meeting_class class;
    } classes[] = {
        {"IPM.Schedule.Meeting.Request", MEETING_CLASS_REQUEST},
        {"IPM.Schedule.Meeting.Canceled", MEETING_CLASS_CANCELLATION},
        {"IPM.Appointment", MEETING_CLASS_APPOINTMENT},
    };
    size_t i;

    for (i = 0; message_class && i < ARRAYSIZE(classes); i++)
        if (!strncasecmp(message_class, classes[i].prefix, strlen(classes[i].prefix))) return classes[i].class;
    return MEETING_CLASS_OTHER;
}

char *meeting_get_string(const struct mapi_propset *set, ULONG unicode_tag)
{
    const struct mapi_prop *prop = mapi_propset_find(set, unicode_tag);

    if (!prop) prop = mapi_propset_find(set, PROP_TAG(PT_STRING8, PROP_ID(unicode_tag)));
    return mapi_prop_get_utf8(prop);
}

char *meeting_uid(const struct mapi_prop *goid)
{
    const struct mapi_value *v;
    struct strbuf sb = {0};
    ULONG i;

    if (!goid || !goid->count || !goid->values[0].size) return NULL;
    v = &goid->values[0];
    if (v->size > GOID_HEADER_SIZE + sizeof(vcal_uid_marker) &&
        !memcmp(v->data + GOID_HEADER_SIZE, vcal_uid_marker, sizeof(vcal_uid_marker)))
    {
        const char *text = (const char *)v->data + GOID_HEADER_SIZE + sizeof(vcal_uid_marker);
        strbuf_add(&sb, text, strnlen(text, v->size - GOID_HEADER_SIZE - sizeof(vcal_uid_marker)));
    }
    else
        for (i = 0; i < v->size; i++) strbuf_printf(&sb, "%02X", v->data[i]);
    return strbuf_detach(&sb);
}

char *meeting_smtp_address(const struct mapi_propset *row)
{
    char *address = meeting_get_string(row, PR_SMTP_ADDRESS), *type;

    if (address && *address) return address;
    free(address);
    address = meeting_get_string(row, PR_EMAIL_ADDRESS);
    type = meeting_get_string(row, PR_ADDRTYPE);
    if (address && ((type && !strcasecmp(type, "SMTP")) || strchr(address, '@')))
    {
        free(type);
        return address;
    }
    free(type);
    free(address);
    return NULL;
}

BOOL meeting_sender(const struct mapi_message *message, char **name, char **address)
{
    static const ULONG address_tags[] = {PR_SENDER_SMTP_ADDRESS, PR_SENT_REPRESENTING_EMAIL_ADDRESS,
                                         PR_SENDER_EMAIL_ADDRESS};
    size_t i;

    *address = NULL;
    for (i = 0; i < ARRAYSIZE(address_tags) && !*address; i++)
    {
        char *candidate = meeting_get_string(&message->props, address_tags[i]);
        if (candidate && strchr(candidate, '@')) *address = candidate;
        else free(candidate);
    }
    if (!(*name = meeting_get_string(&message->props, PR_SENT_REPRESENTING_NAME)))
        *name = meeting_get_string(&message->props, PR_SENDER_NAME);
    return *address != NULL;
}
