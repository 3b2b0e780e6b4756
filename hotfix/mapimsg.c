/*
 * mapimsg: the MAPI message model and the table of property names.
 */
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "grow.h"
#include "codename.h"
#include "mapimsg.h"

const GUID mapi_psetid_meeting = {0x6ed8da90, 0x450b, 0x101b, {0x98, 0xda, 0x00, 0xaa, 0x00, 0x3f, 0x13, 0x05}};
const GUID mapi_psetid_appointment = {0x00062002, 0x0000, 0x0000, {0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
const GUID mapi_psetid_common = {0x00062008, 0x0000, 0x0000, {0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
const GUID mapi_ps_mapi = {0x00020328, 0x0000, 0x0000, {0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};
const GUID mapi_ps_public_strings = {0x00020329, 0x0000, 0x0000, {0xc0, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x46}};

static const struct
{
    ULONG type;
    const char *name;
    ULONG fixed_size; /* bytes used of the 8 inline ones; 0 for variable */
} types[] = {
    {PT_SHORT, "PT_SHORT", 2},     {PT_LONG, "PT_LONG", 4},         {PT_FLOAT, "PT_FLOAT", 4},
    {PT_DOUBLE, "PT_DOUBLE", 8},   {PT_CURRENCY, "PT_CURRENCY", 8}, {PT_APPTIME, "PT_APPTIME", 8},
    {PT_ERROR, "PT_ERROR", 4},     {PT_BOOLEAN, "PT_BOOLEAN", 2},   {PT_I8, "PT_I8", 8},
    {PT_SYSTIME, "PT_SYSTIME", 8}, {PT_OBJECT, "PT_OBJECT", 0},     {PT_STRING8, "PT_STRING8", 0},
    {PT_UNICODE, "PT_UNICODE", 0}, {PT_CLSID, "PT_CLSID", 0},       {PT_BINARY, "PT_BINARY", 0},
    {MV_FLAG | PT_SHORT, "PT_MV_SHORT", 0},     {MV_FLAG | PT_LONG, "PT_MV_LONG", 0},
    {MV_FLAG | PT_FLOAT, "PT_MV_FLOAT", 0},     {MV_FLAG | PT_DOUBLE, "PT_MV_DOUBLE", 0},
    {MV_FLAG | PT_CURRENCY, "PT_MV_CURRENCY", 0}, {MV_FLAG | PT_APPTIME, "PT_MV_APPTIME", 0},
    {MV_FLAG | PT_I8, "PT_MV_I8", 0},           {MV_FLAG | PT_SYSTIME, "PT_MV_SYSTIME", 0},
    {MV_FLAG | PT_CLSID, "PT_MV_CLSID", 0},     {PT_MV_STRING8, "PT_MV_STRING8", 0},
    {PT_MV_UNICODE, "PT_MV_UNICODE", 0},        {PT_MV_BINARY, "PT_MV_BINARY", 0},
};

/* Tagged properties by name. */
static const struct code_name tagged_names[] = {
    CODE_NAME(PR_MESSAGE_CLASS),
    CODE_NAME(PR_SUBJECT),
    CODE_NAME(PR_CLIENT_SUBMIT_TIME),
    CODE_NAME(PR_SENT_REPRESENTING_NAME),
    CODE_NAME(PR_SENT_REPRESENTING_EMAIL_ADDRESS),
    CODE_NAME(PR_SENDER_NAME),
    CODE_NAME(PR_DISPLAY_TO),
    CODE_NAME(PR_DISPLAY_CC),
    CODE_NAME(PR_SENDER_ADDRTYPE),
    CODE_NAME(PR_SENDER_EMAIL_ADDRESS),
    CODE_NAME(PR_SENDER_SMTP_ADDRESS),
    CODE_NAME(PR_SENT_REPRESENTING_SMTP_ADDRESS),
    CODE_NAME(PR_PRIMARY_SEND_ACCOUNT),
    CODE_NAME(PR_CREATION_TIME),
    CODE_NAME(PR_BODY),
    CODE_NAME(PR_INTERNET_MESSAGE_ID),
    CODE_NAME(PR_ROWID),
    CODE_NAME(PR_STORE_RECORD_KEY),
    CODE_NAME(PR_SOURCE_KEY),
    CODE_NAME(PR_PARENT_SOURCE_KEY),
    CODE_NAME(PR_DISPLAY_NAME),
    CODE_NAME(PR_ADDRTYPE),
    CODE_NAME(PR_EMAIL_ADDRESS),
    CODE_NAME(PR_SMTP_ADDRESS),
    CODE_NAME(PR_RECIPIENT_TYPE),
    CODE_NAME(PR_RECIPIENT_FLAGS),
    CODE_NAME(PR_RECIPIENT_TRACKSTATUS),
    CODE_NAME(PR_RECIPIENT_TRACKSTATUS_TIME),
    /* Exchange's, which Wine's table lacks (MS-OXPROPS alternate names) */
    {0x0E1D001F, "PR_NORMALIZED_SUBJECT"},
    {0x10130102, "PR_HTML"},
    {0x10800003, "PR_ICON_INDEX"},
    {0x39050003, "PR_DISPLAY_TYPE_EX"},
    {0x3FDE0003, "PR_INTERNET_CPID"},
    {0x3FF10003, "PR_MESSAGE_LOCALE_ID"},
    {0x3FF8001F, "PR_CREATOR_NAME"},
    {0x3FF90102, "PR_CREATOR_ENTRYID"},
    {0x3FFA001F, "PR_LAST_MODIFIER_NAME"},
    {0x3FFB0102, "PR_LAST_MODIFIER_ENTRYID"},
    {0x5FDE0003, "PR_RECIPIENT_RESOURCE_STATE"},
    {0x5FDF0003, "PR_RECIPIENT_ORDER"},
    {0x5FF6001F, "PR_RECIPIENT_DISPLAY_NAME"},
    {0x5FF70102, "PR_RECIPIENT_ENTRYID"},
    {0x0E29001F, "PR_NEXT_SEND_ACCT"},
    {0x3016000B, "PR_CONVERSATION_INDEX_TRACKING"},
    {0x3A710003, "PR_SEND_INTERNET_ENCODING"},
    {0x59020003, "PR_INETMAIL_OVERRIDE_FORMAT"},
    {0x59090003, "PR_MSG_EDITOR_FORMAT"},
    {0x65E20102, "PR_CHANGE_KEY"},
    {0x65E30102, "PR_PREDECESSOR_CHANGE_LIST"},
};

/* Every other tag Wine's mapitags.h names, generated from it at build time
 * (scripts/gen-proptags.sh); the rows above come first. */
static const struct code_name wine_tag_names[] = {
#include "proptags.inc"
};

/* The named properties the conversion reads, by enum mapi_lid_prop (their
 * names are in the table below). */
struct lid_key
{
    const GUID *guid;
    ULONG lid, type;
};

static const struct lid_key lid_keys[LID_COUNT] = {
    [LID_GLOBAL_OBJECT_ID] = {&mapi_psetid_meeting, 0x0003, PT_BINARY},
    [LID_CLEAN_GLOBAL_OBJECT_ID] = {&mapi_psetid_meeting, 0x0023, PT_BINARY},
    [LID_APPOINTMENT_SEQUENCE] = {&mapi_psetid_appointment, 0x8201, PT_LONG},
    [LID_APPOINTMENT_SEQUENCE_TIME] = {&mapi_psetid_appointment, 0x8202, PT_SYSTIME},
    [LID_APPOINTMENT_START_WHOLE] = {&mapi_psetid_appointment, 0x820D, PT_SYSTIME},
    [LID_APPOINTMENT_END_WHOLE] = {&mapi_psetid_appointment, 0x820E, PT_SYSTIME},
    [LID_EXCEPTION_REPLACE_TIME] = {&mapi_psetid_appointment, 0x8228, PT_SYSTIME},
    [LID_LOCATION] = {&mapi_psetid_appointment, 0x8208, PT_UNICODE},
    [LID_OWNER_CRITICAL_CHANGE] = {&mapi_psetid_meeting, 0x001A, PT_SYSTIME},
    [LID_ATTENDEE_CRITICAL_CHANGE] = {&mapi_psetid_meeting, 0x0001, PT_SYSTIME},
    [LID_RESPONSE_STATUS] = {&mapi_psetid_appointment, 0x8218, PT_LONG},
    [LID_RECURRING] = {&mapi_psetid_appointment, 0x8223, PT_BOOLEAN},
    [LID_APPOINTMENT_RECUR] = {&mapi_psetid_appointment, 0x8216, PT_BINARY},
    [LID_TIME_ZONE_STRUCT] = {&mapi_psetid_appointment, 0x8233, PT_BINARY},
    [LID_TIME_ZONE_DESCRIPTION] = {&mapi_psetid_appointment, 0x8234, PT_UNICODE},
    [LID_TZ_DEFINITION_START_DISPLAY] = {&mapi_psetid_appointment, 0x825E, PT_BINARY},
    [LID_TZ_DEFINITION_RECUR] = {&mapi_psetid_appointment, 0x8260, PT_BINARY},
    [LID_BUSY_STATUS] = {&mapi_psetid_appointment, 0x8205, PT_LONG},
    [LID_INTENDED_BUSY_STATUS] = {&mapi_psetid_appointment, 0x8224, PT_LONG},
    [LID_APPOINTMENT_SUB_TYPE] = {&mapi_psetid_appointment, 0x8215, PT_BOOLEAN},
    [LID_REMINDER_SET] = {&mapi_psetid_common, 0x8503, PT_BOOLEAN},
    [LID_REMINDER_DELTA] = {&mapi_psetid_common, 0x8501, PT_LONG},
};

/* The names MS-OXPROPS gives, from hotfix/mapinames.txt (generated at build
 * time by scripts/gen-mapinames.sh): the one table msg dump and msg new
 * name properties by, with Wine's PR_ names above for tagged ones. */
struct oxprops_set
{
    const char *name;
    GUID guid;
};

struct oxprops_tag
{
    ULONG tag;
    const char *name;
};

struct oxprops_named
{
    int set;            /* index into oxprops_sets */
    ULONG lid;          /* when STRING is NULL */
    const char *string; /* a string name, matched without regard to case */
    ULONG type;
    const char *name;
};

#include "mapinames.inc"

/* TRUE when a property of type A may carry the name of one of type B:
 * the same type, or both text (8-bit or Unicode), single or multiple. */
static BOOL same_kind(ULONG a, ULONG b)
{
    if (a == b) return TRUE;
    if ((a & MV_FLAG) != (b & MV_FLAG)) return FALSE;
    a &= ~MV_FLAG;
    b &= ~MV_FLAG;
    return (a == PT_STRING8 || a == PT_UNICODE) && (b == PT_STRING8 || b == PT_UNICODE);
}

static int type_index(ULONG type)
{
    size_t i;

    for (i = 0; i < ARRAYSIZE(types); i++)
        if (types[i].type == type) return (int)i;
    return -1;
}

BOOL mapi_type_is_known(ULONG type)
{
    return type_index(type) >= 0;
}

BOOL mapi_type_is_variable(ULONG type)
{
    int i = type_index(type);
    return i >= 0 && types[i].fixed_size == 0;
}

const char *mapi_type_name(ULONG type)
{
    int i = type_index(type);
    return i >= 0 ? types[i].name : NULL;
}

BOOL mapi_type_parse(const char *text, ULONG *type)
{
    size_t i;
    char *end;
    unsigned long value;

    for (i = 0; i < ARRAYSIZE(types); i++)
    {
        if (!strcmp(text, types[i].name))
        {
            *type = types[i].type;
            return TRUE;
        }
    }
    if (strncmp(text, "0x", 2)) return FALSE;
    value = strtoul(text + 2, &end, 16);
    if (*end || end == text + 2 || value > 0xffff) return FALSE;
    *type = (ULONG)value;
    return TRUE;
}

static BOOL lid_matches(const struct mapi_prop *prop, const struct lid_key *key)
{
    return prop->named && !prop->name.is_string && prop->name.lid == key->lid &&
           IsEqualGUID(&prop->name.guid, key->guid) && PROP_TYPE(prop->tag) == key->type;
}

/* TRUE when named PROP is ENTRY's property, whatever its type. */
static BOOL named_matches(const struct mapi_prop *prop, const struct oxprops_named *entry)
{
    if (!IsEqualGUID(&prop->name.guid, &oxprops_sets[entry->set].guid)) return FALSE;
    if (!entry->string) return !prop->name.is_string && prop->name.lid == entry->lid;
    return prop->name.is_string && !lstrcmpiA(prop->name.string, entry->string);
}

/* The name of tag TAG in the three tables: Wine's and Exchange's PR_ names
 * first, then MS-OXPROPS's. */
static const char *tag_name(ULONG tag)
{
    const char *name;
    size_t i;

    if ((name = code_name_find(tagged_names, ARRAYSIZE(tagged_names), tag)) ||
        (name = code_name_find(wine_tag_names, ARRAYSIZE(wine_tag_names), tag)))
        return name;
    for (i = 0; i < ARRAYSIZE(oxprops_tags); i++)
        if (oxprops_tags[i].tag == tag) return oxprops_tags[i].name;
    return NULL;
}

const char *mapi_prop_name(const struct mapi_prop *prop, BOOL *other_type)
{
    ULONG type = PROP_TYPE(prop->tag), base = type & ~MV_FLAG;
    const char *name;
    size_t i;

    *other_type = FALSE;
    if (prop->named)
    {
        for (i = 0; i < ARRAYSIZE(oxprops_named); i++)
            if (named_matches(prop, &oxprops_named[i]) && oxprops_named[i].type == type) return oxprops_named[i].name;
        for (i = 0; i < ARRAYSIZE(oxprops_named); i++)
        {
            if (!named_matches(prop, &oxprops_named[i]) || !same_kind(type, oxprops_named[i].type)) continue;
            *other_type = TRUE;
            return oxprops_named[i].name;
        }
        return NULL;
    }
    if ((name = tag_name(prop->tag))) return name;
    if (base != PT_STRING8 && base != PT_UNICODE) return NULL;
    /* stored as the other kind of text than its name says */
    if (!(name = tag_name(PROP_TAG((type & MV_FLAG) | (base == PT_UNICODE ? PT_STRING8 : PT_UNICODE), PROP_ID(prop->tag)))))
        return NULL;
    *other_type = TRUE;
    return name;
}

HRESULT mapi_name_lookup(const char *name, ULONG *tag, BOOL *named, struct mapi_name *name_out, ULONG *type)
{
    const struct oxprops_named *entry;
    size_t i;

    if (code_name_parse(tagged_names, ARRAYSIZE(tagged_names), name, tag) ||
        code_name_parse(wine_tag_names, ARRAYSIZE(wine_tag_names), name, tag))
    {
        *type = PROP_TYPE(*tag);
        *named = FALSE;
        return S_OK;
    }
    for (i = 0; i < ARRAYSIZE(oxprops_tags); i++)
    {
        if (strcmp(name, oxprops_tags[i].name)) continue;
        *tag = oxprops_tags[i].tag;
        *type = PROP_TYPE(*tag);
        *named = FALSE;
        return S_OK;
    }
    for (i = 0; i < ARRAYSIZE(oxprops_named); i++)
    {
        entry = &oxprops_named[i];
        if (strcmp(name, entry->name)) continue;
        memset(name_out, 0, sizeof(*name_out));
        name_out->guid = oxprops_sets[entry->set].guid;
        name_out->lid = entry->lid;
        if (entry->string && !(name_out->string = strdup(entry->string))) return E_OUTOFMEMORY;
        name_out->is_string = entry->string != NULL;
        *type = entry->type;
        *tag = PROP_TAG(*type, 0);
        *named = TRUE;
        return S_OK;
    }
    return S_FALSE;
}

const struct mapi_prop *mapi_propset_find(const struct mapi_propset *set, ULONG tag)
{
    ULONG i;

    for (i = 0; i < set->count; i++)
        if (!set->props[i].named && set->props[i].tag == tag) return &set->props[i];
    return NULL;
}

const struct mapi_prop *mapi_propset_find_lid(const struct mapi_propset *set, enum mapi_lid_prop lid)
{
    ULONG i;

    for (i = 0; i < set->count; i++)
        if (lid_matches(&set->props[i], &lid_keys[lid])) return &set->props[i];
    return NULL;
}

struct mapi_prop *mapi_propset_add(struct mapi_propset *set, ULONG tag)
{
    struct mapi_prop *prop;

    if (!grow_for_one(&set->props, &set->capacity, set->count, sizeof(*set->props), 16)) return NULL;
    prop = &set->props[set->count++];
    memset(prop, 0, sizeof(*prop));
    prop->tag = tag;
    return prop;
}

HRESULT mapi_prop_alloc_values(struct mapi_prop *prop, ULONG count)
{
    if (!count) return S_OK;
    if (!(prop->values = calloc(count, sizeof(*prop->values)))) return E_OUTOFMEMORY;
    prop->count = count;
    return S_OK;
}

HRESULT mapi_value_set(struct mapi_value *value, const void *data, ULONG size)
{
    value->data = NULL;
    value->size = 0;
    if (!size) return S_OK;
    if (!(value->data = malloc(size))) return E_OUTOFMEMORY;
    memcpy(value->data, data, size);
    value->size = size;
    return S_OK;
}

struct mapi_prop *mapi_propset_obtain(struct mapi_propset *set, ULONG tag)
{
    struct mapi_prop *prop = (struct mapi_prop *)mapi_propset_find(set, tag);

    return prop ? prop : mapi_propset_add(set, tag);
}

struct mapi_prop *mapi_propset_obtain_lid(struct mapi_propset *set, enum mapi_lid_prop lid)
{
    struct mapi_prop *prop = (struct mapi_prop *)mapi_propset_find_lid(set, lid);

    if (prop || !(prop = mapi_propset_add(set, PROP_TAG(lid_keys[lid].type, 0)))) return prop;
    prop->named = TRUE;
    prop->name.guid = *lid_keys[lid].guid;
    prop->name.lid = lid_keys[lid].lid;
    return prop;
}

HRESULT mapi_propset_put(struct mapi_propset *set, const struct mapi_put *puts, size_t count)
{
    HRESULT hr = S_OK;
    size_t i;

    for (i = 0; i < count && SUCCEEDED(hr); i++)
    {
        struct mapi_prop *prop = puts[i].tag ? mapi_propset_obtain(set, puts[i].tag) : mapi_propset_obtain_lid(set, puts[i].lid);

        if (!prop) return E_OUTOFMEMORY;
        switch (PROP_TYPE(prop->tag))
        {
        case PT_UNICODE: hr = mapi_prop_set_utf8(prop, puts[i].text); break;
        case PT_SYSTIME: hr = mapi_prop_set_systime(prop, puts[i].value); break;
        case PT_LONG: hr = mapi_prop_set_long(prop, (LONG)puts[i].value); break;
        case PT_BOOLEAN:
            memset(prop->fixed, 0, sizeof(prop->fixed));
            prop->fixed[0] = puts[i].value != 0;
            break;
        }
    }
    return hr;
}

HRESULT mapi_prop_set_long(struct mapi_prop *prop, LONG value)
{
    if (PROP_TYPE(prop->tag) != PT_LONG) return E_INVALIDARG;
    memset(prop->fixed, 0, sizeof(prop->fixed));
    memcpy(prop->fixed, &value, sizeof(value));
    return S_OK;
}

HRESULT mapi_prop_set_systime(struct mapi_prop *prop, ULONGLONG value)
{
    if (PROP_TYPE(prop->tag) != PT_SYSTIME) return E_INVALIDARG;
    memcpy(prop->fixed, &value, sizeof(value));
    return S_OK;
}

HRESULT mapi_prop_set_utf8(struct mapi_prop *prop, const char *text)
{
    int chars = MultiByteToWideChar(CP_UTF8, 0, text, -1, NULL, 0) - 1;
    WCHAR *wide;
    HRESULT hr;

    if (PROP_TYPE(prop->tag) != PT_UNICODE || chars < 0) return E_INVALIDARG;
    if (!(wide = malloc((chars + 1) * sizeof(WCHAR)))) return E_OUTOFMEMORY;
    MultiByteToWideChar(CP_UTF8, 0, text, -1, wide, chars + 1);
    if (!prop->count && FAILED(hr = mapi_prop_alloc_values(prop, 1)))
    {
        free(wide);
        return hr;
    }
    free(prop->values[0].data);
    hr = mapi_value_set(&prop->values[0], wide, (ULONG)chars * sizeof(WCHAR));
    free(wide);
    return hr;
}

BOOL mapi_prop_get_long(const struct mapi_prop *prop, LONG *value)
{
    if (!prop || PROP_TYPE(prop->tag) != PT_LONG) return FALSE;
    memcpy(value, prop->fixed, sizeof(*value));
    return TRUE;
}

BOOL mapi_prop_get_systime(const struct mapi_prop *prop, ULONGLONG *value)
{
    if (!prop || PROP_TYPE(prop->tag) != PT_SYSTIME) return FALSE;
    memcpy(value, prop->fixed, sizeof(*value));
    return TRUE;
}

HRESULT mapi_prop_read_utf8(const struct mapi_prop *prop, char **out)
{
    *out = NULL;
    if (!prop || prop->count != 1 || (PROP_TYPE(prop->tag) != PT_UNICODE && PROP_TYPE(prop->tag) != PT_STRING8))
        return S_OK;
    return (*out = mapi_prop_get_utf8(prop)) ? S_OK : E_OUTOFMEMORY;
}

char *mapi_prop_get_utf8(const struct mapi_prop *prop)
{
    const struct mapi_value *value;
    WCHAR *wide = NULL;
    char *utf8 = NULL;
    int chars, size;

    if (!prop || prop->count != 1) return NULL;
    value = &prop->values[0];
    if (PROP_TYPE(prop->tag) == PT_UNICODE)
    {
        chars = (int)(value->size / sizeof(WCHAR));
        size = WideCharToMultiByte(CP_UTF8, 0, (const WCHAR *)value->data, chars, NULL, 0, NULL, NULL);
        if ((utf8 = malloc(size + 1)))
        {
            WideCharToMultiByte(CP_UTF8, 0, (const WCHAR *)value->data, chars, utf8, size, NULL, NULL);
            utf8[size] = 0;
        }
        return utf8;
    }
    if (PROP_TYPE(prop->tag) != PT_STRING8) return NULL;
    chars = MultiByteToWideChar(CP_ACP, 0, (const char *)value->data, (int)value->size, NULL, 0);
    if (!(wide = malloc((chars + 1) * sizeof(WCHAR)))) return NULL;
    MultiByteToWideChar(CP_ACP, 0, (const char *)value->data, (int)value->size, wide, chars);
    size = WideCharToMultiByte(CP_UTF8, 0, wide, chars, NULL, 0, NULL, NULL);
    if ((utf8 = malloc(size + 1)))
    {
        WideCharToMultiByte(CP_UTF8, 0, wide, chars, utf8, size, NULL, NULL);
        utf8[size] = 0;
    }
    free(wide);
    return utf8;
}

void mapi_propset_clear(struct mapi_propset *set)
{
    ULONG i, j;

    for (i = 0; i < set->count; i++)
    {
        for (j = 0; j < set->props[i].count; j++) free(set->props[i].values[j].data);
        free(set->props[i].values);
        free(set->props[i].name.string);
    }
    free(set->props);
    memset(set, 0, sizeof(*set));
}

HRESULT mapi_propset_copy(struct mapi_propset *dst, const struct mapi_propset *src)
{
    ULONG i, j;

    for (i = 0; i < src->count; i++)
    {
        const struct mapi_prop *from = &src->props[i];
        struct mapi_prop *to = mapi_propset_add(dst, from->tag);

        if (!to) return E_OUTOFMEMORY;
        to->named = from->named;
        to->name = from->name;
        to->name.string = NULL;
        memcpy(to->fixed, from->fixed, sizeof(to->fixed));
        if ((from->name.string && !(to->name.string = strdup(from->name.string))) ||
            (from->count && FAILED(mapi_prop_alloc_values(to, from->count))))
            return E_OUTOFMEMORY;
        for (j = 0; j < from->count; j++)
            if (FAILED(mapi_value_set(&to->values[j], from->values[j].data, from->values[j].size))) return E_OUTOFMEMORY;
    }
    return S_OK;
}

void mapi_storage_free(struct mapi_storage *storage)
{
    ULONG i;

    if (!storage) return;
    for (i = 0; i < storage->count; i++)
    {
        free(storage->items[i].stream.data);
        mapi_storage_free(storage->items[i].storage);
    }
    free(storage->items);
    free(storage);
}

void mapi_message_clear(struct mapi_message *message)
{
    ULONG i;

    mapi_propset_clear(&message->props);
    for (i = 0; i < message->recipient_count; i++) mapi_propset_clear(&message->recipients[i]);
    free(message->recipients);
    for (i = 0; i < message->attachment_count; i++)
    {
        struct mapi_attachment *attachment = &message->attachments[i];

        mapi_propset_clear(&attachment->props);
        if (attachment->message) mapi_message_clear(attachment->message);
        free(attachment->message);
        mapi_storage_free(attachment->object);
    }
    free(message->attachments);
    memset(message, 0, sizeof(*message));
}

struct mapi_attachment *mapi_message_add_attachment(struct mapi_message *message)
{
    struct mapi_attachment *grown = realloc(message->attachments, (message->attachment_count + 1) * sizeof(*grown));

    if (!grown) return NULL;
    message->attachments = grown;
    memset(&grown[message->attachment_count], 0, sizeof(*grown));
    return &grown[message->attachment_count++];
}

struct mapi_propset *mapi_message_add_recipient(struct mapi_message *message)
{
    struct mapi_propset *rows = realloc(message->recipients, (message->recipient_count + 1) * sizeof(*rows));

    if (!rows) return NULL;
    message->recipients = rows;
    memset(&rows[message->recipient_count], 0, sizeof(*rows));
    return &rows[message->recipient_count++];
}
