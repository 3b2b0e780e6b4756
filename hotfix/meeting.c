/*
 * meeting: UID and addresses of a MAPI meeting.
 */
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "address.h"
#include "directory.h"
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

/* The class id every global object id starts with (MS-OXOCAL 2.2.1.27) */
static const BYTE goid_class_id[16] = {0x04, 0x00, 0x00, 0x00, 0x82, 0x00, 0xE0, 0x00,
                                       0x74, 0xC5, 0xB7, 0x10, 0x1A, 0x82, 0xE0, 0x08};

/* 64-bit FNV-1a of SIZE bytes of DATA, continuing from HASH. */
static ULONGLONG fnv1a(ULONGLONG hash, const void *data, size_t size)
{
    const BYTE *p = data;

    while (size--) hash = (hash ^ *p++) * 0x100000001b3ULL;
    return hash;
}

void meeting_generate_goid(const struct mapi_message *message, BYTE goid[MEETING_GOID_SIZE])
{
    static const ULONG string_tags[] = {PR_SUBJECT, PR_SENT_REPRESENTING_NAME, PR_SENDER_EMAIL_ADDRESS,
                                        PR_SENT_REPRESENTING_EMAIL_ADDRESS, PR_SENDER_SMTP_ADDRESS};
    ULONGLONG created = 0, t, hash[2] = {0xcbf29ce484222325ULL, 0x84222325cbf29ce4ULL};
    size_t i, j;

    mapi_prop_get_systime(mapi_propset_find(&message->props, PR_CREATION_TIME), &created);
    memset(goid, 0, MEETING_GOID_SIZE);
    memcpy(goid, goid_class_id, sizeof(goid_class_id));
    for (i = 0; i < 8; i++) goid[20 + i] = (BYTE)(created >> (8 * i));
    goid[36] = 16; /* the data size, little-endian */
    for (j = 0; j < 2; j++)
    {
        for (i = 0; i < ARRAYSIZE(string_tags); i++)
        {
            char *text = meeting_get_string(&message->props, string_tags[i]);
            if (text) hash[j] = fnv1a(hash[j], text, strlen(text) + 1);
            free(text);
        }
        if (mapi_prop_get_systime(mapi_propset_find_lid(&message->props, LID_APPOINTMENT_START_WHOLE), &t))
            hash[j] = fnv1a(hash[j], &t, sizeof(t));
        if (mapi_prop_get_systime(mapi_propset_find_lid(&message->props, LID_APPOINTMENT_END_WHOLE), &t))
            hash[j] = fnv1a(hash[j], &t, sizeof(t));
        hash[j] = fnv1a(hash[j], &created, sizeof(created));
        for (i = 0; i < 8; i++) goid[40 + 8 * j + i] = (BYTE)(hash[j] >> (8 * i));
    }
}

char *meeting_get_string(const struct mapi_propset *set, ULONG unicode_tag)
{
    char *text;

    meeting_read_string(set, unicode_tag, &text);
    return text;
}

HRESULT meeting_read_string(const struct mapi_propset *set, ULONG unicode_tag, char **out)
{
    const struct mapi_prop *prop = mapi_propset_find(set, unicode_tag);

    if (!prop) prop = mapi_propset_find(set, PROP_TAG(PT_STRING8, PROP_ID(unicode_tag)));
    return mapi_prop_read_utf8(prop, out);
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

/* VALUE itself, or the addr-spec inside it when VALUE is written
 * "Name <addr>" (seen in sender fields a third-party library wrote; a
 * row's address is taken as it is); takes VALUE. */
/* The addr-spec of VALUE (taken) into *OUT: VALUE's own when it is no
 * "Name <addr>".  S_OK, or E_OUTOFMEMORY (VALUE freed, *OUT NULL). */
static HRESULT take_addr_spec(char *value, char **out)
{
    char *inner;
    HRESULT hr;

    *out = value;
    if (!value || (hr = address_read_name_addr(value, &inner, NULL)) == S_FALSE) return S_OK;
    free(value);
    *out = inner;
    return hr;
}

HRESULT meeting_read_smtp_address(const struct mapi_propset *row, char **out, const char **field)
{
    char *address, *type = NULL;
    HRESULT hr = S_OK;

    *out = NULL;
    *field = "PR_SMTP_ADDRESS";
    if (FAILED(meeting_read_string(row, PR_SMTP_ADDRESS, &address))) return E_OUTOFMEMORY;
    if (address && *address) return *out = address, S_OK;
    free(address);
    *field = "PR_EMAIL_ADDRESS";
    if (FAILED(meeting_read_string(row, PR_EMAIL_ADDRESS, &address)) || FAILED(meeting_read_string(row, PR_ADDRTYPE, &type)))
    {
        free(address);
        return E_OUTOFMEMORY;
    }
    if (address && ((type && !strcasecmp(type, "SMTP")) || strchr(address, '@')))
    {
        free(type);
        return *out = address, S_OK;
    }
    if (address && type && !strcasecmp(type, "EX"))
    {
        /* as Exchange 2003 resolves it through Active Directory */
        hr = directory_read(address, out);
        *field = "the directory's address for PR_EMAIL_ADDRESS";
    }
    free(type);
    free(address);
    return FAILED(hr) ? hr : S_OK;
}

const char *meeting_address_failure(HRESULT hr)
{
    return hr == E_OUTOFMEMORY ? ERRMSG_OOM : "its directory entry cannot be read";
}

/* The first of PidTagPrimarySendAccount's 0x01-separated fields that holds
 * an '@' (Outlook writes the account's SMTP address there) into *ADDRESS,
 * new UTF-8 (NULL: none).  S_OK or E_OUTOFMEMORY. */
static HRESULT read_send_account_address(const struct mapi_message *message, char **address)
{
    char *account;
    const char *field;
    HRESULT hr;

    *address = NULL;
    if (FAILED(hr = meeting_read_string(&message->props, PR_PRIMARY_SEND_ACCOUNT, &account))) return hr;
    for (field = account; field && *field && !*address && hr == S_OK;)
    {
        size_t len = strcspn(field, "\x01");
        if (memchr(field, '@', len) && !(*address = strndup(field, len))) hr = E_OUTOFMEMORY;
        field += len + (field[len] != 0);
    }
    free(account);
    return hr;
}

HRESULT meeting_read_sender(const struct mapi_message *message, char **name, char **address, const char **field)
{
    /* an Exchange-made item's sender is EX: its SMTP address is in these */
    static const struct
    {
        ULONG tag;
        const char *name;
    } address_tags[] = {
        {PR_SENDER_SMTP_ADDRESS, "PR_SENDER_SMTP_ADDRESS"},
        {PR_SENT_REPRESENTING_SMTP_ADDRESS, "PR_SENT_REPRESENTING_SMTP_ADDRESS"},
        {PR_SENT_REPRESENTING_EMAIL_ADDRESS, "PR_SENT_REPRESENTING_EMAIL_ADDRESS"},
        {PR_SENDER_EMAIL_ADDRESS, "PR_SENDER_EMAIL_ADDRESS"},
    };
    char *value, *inner, *display;
    HRESULT hr = S_OK;
    size_t i;

    *address = *name = NULL;
    for (i = 0; i < ARRAYSIZE(address_tags) && !*address && SUCCEEDED(hr); i++)
    {
        char *candidate;
        if (FAILED(hr = meeting_read_string(&message->props, address_tags[i].tag, &value)) ||
            FAILED(hr = take_addr_spec(value, &candidate)))
            break;
        if (candidate && strchr(candidate, '@')) *address = candidate, *field = address_tags[i].name;
        else free(candidate);
    }
    if (SUCCEEDED(hr) && !*address && SUCCEEDED(hr = read_send_account_address(message, &value)) &&
        SUCCEEDED(hr = take_addr_spec(value, address)) && *address)
        *field = "PR_PRIMARY_SEND_ACCOUNT";
    /* an EX sender the file does not resolve: the directory */
    for (i = 2; i < ARRAYSIZE(address_tags) && !*address && SUCCEEDED(hr); i++)
    {
        if (FAILED(hr = meeting_read_string(&message->props, address_tags[i].tag, &value))) break;
        if (value && *value == '/' && (hr = directory_read(value, address)) == S_OK)
            *field = i == 2 ? "the directory's address for PR_SENT_REPRESENTING_EMAIL_ADDRESS"
                            : "the directory's address for PR_SENDER_EMAIL_ADDRESS";
        free(value);
    }
    /* the representing name, else (absent or empty) the sender's */
    if (SUCCEEDED(hr) && SUCCEEDED(hr = meeting_read_string(&message->props, PR_SENT_REPRESENTING_NAME, name)) &&
        (!*name || !**name))
    {
        free(*name);
        hr = meeting_read_string(&message->props, PR_SENDER_NAME, name);
    }
    /* a name written "Name <addr>" is its display name */
    if (SUCCEEDED(hr) && *name && (hr = address_read_name_addr(*name, &inner, &display)) == S_OK)
    {
        free(inner);
        free(*name);
        *name = display;
    }
    if (FAILED(hr))
    {
        free(*name);
        free(*address);
        *name = *address = NULL;
        return hr;
    }
    return *address ? S_OK : S_FALSE;
}

/* the most of a refused address an error shows (a long one is cut, "...") */
#define SHOWN_MAX 160

HRESULT meeting_check_addresses(const struct mapi_message *message, char error[ERRMSG_SIZE])
{
    const char *field, *why;
    char *name, *address;
    HRESULT hr = S_OK;
    ULONG i;

    /* errmsg_format shows the values' control characters as escapes */
    for (i = 0; i < message->recipient_count && hr == S_OK; i++)
    {
        if (FAILED(hr = meeting_read_smtp_address(&message->recipients[i], &address, &field)))
            return errmsg_format(error, hr, "recipient %u: %s", i + 1, meeting_address_failure(hr));
        if (!address) continue;
        if (!address_is_mailbox(address, &why))
        {
            name = meeting_get_string(&message->recipients[i], PR_DISPLAY_NAME);
            hr = errmsg_format(error, E_INVALIDARG, "recipient %u '%s': %s '%.*s%s' is not an RFC 5321 mailbox: %s",
                               i + 1, name ? name : "", field, SHOWN_MAX, address,
                               strlen(address) > SHOWN_MAX ? "..." : "", why);
            free(name);
        }
        free(address);
    }
    if (FAILED(hr)) return hr;
    if ((hr = meeting_read_sender(message, &name, &address, &field)) == E_OUTOFMEMORY)
        return errmsg_format(error, hr, "sender: " ERRMSG_OOM);
    hr = S_OK;
    if (address && !address_is_mailbox(address, &why))
        hr = errmsg_format(error, E_INVALIDARG, "sender: %s '%.*s%s' is not an RFC 5321 mailbox: %s", field, SHOWN_MAX,
                           address, strlen(address) > SHOWN_MAX ? "..." : "", why);
    free(name);
    free(address);
    return hr;
}
