/*
 * mapimsg: the MAPI message model: top-level properties, the recipient
 * table (one property set per row), the attachments (each a property set
 * and, for an embedded message, that message), and named properties
 * resolved to (property set GUID, LID or name).
 *
 * Values are kept as the bytes MS-OXMSG stores, little-endian, so a message
 * read from a .msg file is written back unchanged:
 *   fixed-size types (PT_SHORT ... PT_SYSTIME): the 8 inline bytes;
 *   PT_UNICODE: UTF-16LE without terminator; PT_STRING8: bytes without
 *   terminator; PT_BINARY, PT_CLSID (16 bytes), PT_OBJECT: the stream;
 *   PT_MV_UNICODE, PT_MV_STRING8, PT_MV_BINARY: one value per element;
 *   other multi-valued types: the whole stream as one value.
 */
#ifndef TRACKFIX_MAPIMSG_H
#define TRACKFIX_MAPIMSG_H

#include <windef.h>

#define PT_SHORT 0x0002
#define PT_LONG 0x0003
#define PT_FLOAT 0x0004
#define PT_DOUBLE 0x0005
#define PT_CURRENCY 0x0006
#define PT_APPTIME 0x0007
#define PT_ERROR 0x000A
#define PT_BOOLEAN 0x000B
#define PT_OBJECT 0x000D
#define PT_I8 0x0014
#define PT_STRING8 0x001E
#define PT_UNICODE 0x001F
#define PT_SYSTIME 0x0040
#define PT_CLSID 0x0048
#define PT_BINARY 0x0102
#define MV_FLAG 0x1000
#define PT_MV_STRING8 (MV_FLAG | PT_STRING8)
#define PT_MV_UNICODE (MV_FLAG | PT_UNICODE)
#define PT_MV_BINARY (MV_FLAG | PT_BINARY)

#define PROP_TYPE(tag) ((tag) & 0xffff)
#define PROP_ID(tag) ((tag) >> 16)
#define PROP_TAG(type, id) (((ULONG)(id) << 16) | (type))
#define PROP_ID_NAMED_FIRST 0x8000

#define PR_MESSAGE_CLASS 0x001A001F
#define PR_SUBJECT 0x0037001F
#define PR_CLIENT_SUBMIT_TIME 0x00390040
#define PR_SENT_REPRESENTING_NAME 0x0042001F
#define PR_SENT_REPRESENTING_EMAIL_ADDRESS 0x0065001F
#define PR_RECIPIENT_TYPE 0x0C150003
#define PR_SENDER_NAME 0x0C1A001F
#define PR_DISPLAY_CC 0x0E03001F
#define PR_DISPLAY_TO 0x0E04001F
#define PR_SENDER_ADDRTYPE 0x0C1E001F
#define PR_SENDER_EMAIL_ADDRESS 0x0C1F001F
#define PR_BODY 0x1000001F
#define PR_INTERNET_MESSAGE_ID 0x1035001F
#define PR_ROWID 0x30000003
#define PR_STORE_RECORD_KEY 0x0FFA0102
#define PR_SOURCE_KEY 0x65E00102
#define PR_PARENT_SOURCE_KEY 0x65E10102
#define PR_DISPLAY_NAME 0x3001001F
#define PR_ADDRTYPE 0x3002001F
#define PR_EMAIL_ADDRESS 0x3003001F
#define PR_SMTP_ADDRESS 0x39FE001F
#define PR_SENDER_SMTP_ADDRESS 0x5D01001F
#define PR_SENT_REPRESENTING_SMTP_ADDRESS 0x5D02001F
#define PR_PRIMARY_SEND_ACCOUNT 0x0E28001F
#define PR_CREATION_TIME 0x30070040
#define PR_LAST_MODIFICATION_TIME 0x30080040
#define PR_IMPORTANCE 0x00170003
#define PR_SENSITIVITY 0x00360003
#define PR_SUBJECT_PREFIX 0x003D001F
#define PR_OWNER_APPT_ID 0x00620003
#define PR_RESPONSE_REQUESTED 0x0063000B
#define PR_CONVERSATION_TOPIC 0x0070001F
#define PR_CONVERSATION_INDEX 0x00710102
#define PR_ATTACH_DATA_OBJ 0x3701000D
#define PR_ATTACH_METHOD 0x37050003
#define PR_RENDERING_POSITION 0x370B0003
#define PR_EXCEPTION_REPLACETIME 0x7FF90040
#define PR_EXCEPTION_STARTTIME 0x7FFB0040
#define PR_EXCEPTION_ENDTIME 0x7FFC0040
#define PR_ATTACHMENT_FLAGS 0x7FFD0003
#define PR_ATTACHMENT_HIDDEN 0x7FFE000B
/* PR_ATTACHMENT_FLAGS: an Exception Attachment (MS-OXOCAL 2.2.10.1.2) */
#define ATTACH_FLAG_EXCEPTION 0x00000002
#define PR_RECIPIENT_TRACKSTATUS_TIME 0x5FFB0040
#define PR_RECIPIENT_FLAGS 0x5FFD0003
#define PR_RECIPIENT_TRACKSTATUS 0x5FFF0003

/* PR_RECIPIENT_TYPE values: MAPI_TO, MAPI_CC, MAPI_BCC */
#define RECIP_TO 1
#define RECIP_CC 2
#define RECIP_BCC 3

/* PR_RECIPIENT_FLAGS bits (MS-OXOCAL 2.2.4.10.1): recipSendable, recipOrganizer */
#define RECIP_SENDABLE 0x0001
#define RECIP_ORGANIZER 0x0002

/* PR_RECIPIENT_TRACKSTATUS values (MS-OXOCAL 2.2.4.10.2) */
enum mapi_response
{
    RESP_NONE = 0,
    RESP_ORGANIZED = 1,
    RESP_TENTATIVE = 2,
    RESP_ACCEPTED = 3,
    RESP_DECLINED = 4,
    RESP_NOT_RESPONDED = 5,
};

/* A named property's name: the property set and a LID or a string. */
struct mapi_name
{
    GUID guid;
    BOOL is_string;
    ULONG lid;    /* when !is_string */
    char *string; /* UTF-8, when is_string; owned */
};

struct mapi_value
{
    BYTE *data; /* owned; NULL when size is 0 */
    ULONG size;
};

struct mapi_prop
{
    ULONG tag;               /* PROP_TAG(type, id); named ids as in the file */
    BOOL named;              /* NAME is set (id >= 0x8000 and resolved) */
    struct mapi_name name;
    BYTE fixed[8];           /* fixed-size types */
    struct mapi_value *values; /* variable-size types: COUNT values */
    ULONG count;
};

struct mapi_propset
{
    struct mapi_prop *props;
    ULONG count, capacity;
};

/* A storage kept as it was read: an attachment's OLE object (its
 * PR_ATTACH_DATA_OBJ when that is no message), written back unchanged. */
struct mapi_storage
{
    CLSID clsid;
    struct mapi_storage_item *items;
    ULONG count;
};

struct mapi_storage_item
{
    WCHAR name[32];                /* compound file names hold at most 31 characters */
    struct mapi_value stream;      /* a stream's bytes, when STORAGE is NULL */
    struct mapi_storage *storage;  /* a sub-storage; owned */
};

struct mapi_message;

/* PR_ATTACH_METHOD values (MS-OXCMSG 2.2.2.9) */
#define ATTACH_BY_VALUE 1
#define ATTACH_EMBEDDED_MSG 5
#define ATTACH_OLE 6

struct mapi_attachment
{
    struct mapi_propset props;
    struct mapi_message *message; /* PR_ATTACH_DATA_OBJ as an embedded message (afEmbeddedMessage), or NULL; owned */
    struct mapi_storage *object;  /* PR_ATTACH_DATA_OBJ as another storage, or NULL; owned */
};

struct mapi_message
{
    struct mapi_propset props;
    struct mapi_propset *recipients; /* in row order */
    ULONG recipient_count;
    struct mapi_attachment *attachments; /* in storage order */
    ULONG attachment_count;
};

/* Well-known property sets. */
extern const GUID mapi_psetid_meeting;     /* {6ED8DA90-450B-101B-98DA-00AA003F1305} */
extern const GUID mapi_psetid_appointment; /* {00062002-0000-0000-C000-000000000046} */
extern const GUID mapi_psetid_common;      /* {00062008-0000-0000-C000-000000000046} */
extern const GUID mapi_ps_mapi;            /* {00020328-0000-0000-C000-000000000046} */
extern const GUID mapi_ps_public_strings;  /* {00020329-0000-0000-C000-000000000046} */

/* The named properties DESIGN.md §4 needs, in the name table of mapimsg.c. */
enum mapi_lid_prop
{
    LID_GLOBAL_OBJECT_ID,
    LID_CLEAN_GLOBAL_OBJECT_ID,
    LID_APPOINTMENT_SEQUENCE,
    LID_APPOINTMENT_SEQUENCE_TIME,
    LID_APPOINTMENT_START_WHOLE,
    LID_APPOINTMENT_END_WHOLE,
    LID_EXCEPTION_REPLACE_TIME,
    LID_LOCATION,
    LID_OWNER_CRITICAL_CHANGE,
    LID_ATTENDEE_CRITICAL_CHANGE,
    LID_RESPONSE_STATUS,
    LID_RECURRING,
    LID_APPOINTMENT_RECUR,
    LID_TIME_ZONE_STRUCT,
    LID_TIME_ZONE_DESCRIPTION,
    LID_TZ_DEFINITION_START_DISPLAY,
    LID_TZ_DEFINITION_RECUR,
    LID_BUSY_STATUS,
    LID_INTENDED_BUSY_STATUS,
    LID_APPOINTMENT_SUB_TYPE,
    LID_REMINDER_SET,
    LID_REMINDER_DELTA,
    LID_COUNT
};

/* TRUE for PT_UNICODE, PT_STRING8, PT_BINARY, PT_CLSID, PT_OBJECT and every
 * multi-valued type: values live in __substg1.0_ streams. */
BOOL mapi_type_is_variable(ULONG type);
/* TRUE when TYPE is one this model reads and writes. */
BOOL mapi_type_is_known(ULONG type);
/* "PT_LONG", ... or NULL for an unknown type. */
const char *mapi_type_name(ULONG type);
/* Parses a type name or 0xTTTT; returns FALSE for neither. */
BOOL mapi_type_parse(const char *text, ULONG *type);

/* The table name of PROP ("PR_SUBJECT", "PidLidLocation", "PidTagProcessed",
 * PR_ names first, then MS-OXPROPS's: hotfix/mapinames.txt), or NULL.
 * *OTHER_TYPE tells that PROP holds the other kind of text (8-bit or
 * Unicode) than the name's type. */
const char *mapi_prop_name(const struct mapi_prop *prop, BOOL *other_type);
/* Looks NAME up in the table: fills *TAG (for tagged properties) or NAME_OUT
 * and *TYPE (named ones; a string name is allocated: the caller frees
 * NAME_OUT->string).  S_OK, S_FALSE when the table has no NAME, or
 * E_OUTOFMEMORY. */
HRESULT mapi_name_lookup(const char *name, ULONG *tag, BOOL *named, struct mapi_name *name_out, ULONG *type);

/* The property with exact TAG in SET, or NULL. */
const struct mapi_prop *mapi_propset_find(const struct mapi_propset *set, ULONG tag);
/* The named property LID of the table in SET (any id), or NULL. */
const struct mapi_prop *mapi_propset_find_lid(const struct mapi_propset *set, enum mapi_lid_prop lid);
/* Appends an empty property with TAG; returns it, or NULL when out of memory. */
struct mapi_prop *mapi_propset_add(struct mapi_propset *set, ULONG tag);
/* Allocates COUNT empty values for PROP.  E_OUTOFMEMORY or S_OK. */
HRESULT mapi_prop_alloc_values(struct mapi_prop *prop, ULONG count);
/* Copies SIZE bytes into VALUE (allocating).  E_OUTOFMEMORY or S_OK. */
HRESULT mapi_value_set(struct mapi_value *value, const void *data, ULONG size);

/* The property with TAG in SET, added empty when missing; NULL when out of
 * memory. */
struct mapi_prop *mapi_propset_obtain(struct mapi_propset *set, ULONG tag);
/* The named property LID of the table in SET, added (with its name and
 * the table's type) when missing; NULL when out of memory. */
struct mapi_prop *mapi_propset_obtain_lid(struct mapi_propset *set, enum mapi_lid_prop lid);

/* One property for mapi_propset_put: by TAG, or when TAG is 0 the named
 * property LID.  A PT_LONG, PT_BOOLEAN or PT_SYSTIME takes VALUE, a
 * PT_UNICODE the UTF-8 TEXT; another type (PT_OBJECT) is only made. */
struct mapi_put
{
    ULONG tag;
    enum mapi_lid_prop lid;
    ULONGLONG value;
    const char *text;
};

/* Sets each of the COUNT PUTS in SET, in order, each added when missing.
 * S_OK, or E_OUTOFMEMORY (SET then holds those set before it). */
HRESULT mapi_propset_put(struct mapi_propset *set, const struct mapi_put *puts, size_t count);

/* Setters: the property's type must be PT_LONG, PT_SYSTIME, PT_UNICODE
 * (from UTF-8) or PT_BINARY.  S_OK, E_INVALIDARG for another type,
 * E_OUTOFMEMORY. */
HRESULT mapi_prop_set_long(struct mapi_prop *prop, LONG value);
HRESULT mapi_prop_set_systime(struct mapi_prop *prop, ULONGLONG value);
HRESULT mapi_prop_set_utf8(struct mapi_prop *prop, const char *text);

/* Convenience readers; return FALSE when absent or of another type. */
BOOL mapi_prop_get_long(const struct mapi_prop *prop, LONG *value);
BOOL mapi_prop_get_systime(const struct mapi_prop *prop, ULONGLONG *value);
/* PT_UNICODE or PT_STRING8 (CP_ACP) as new UTF-8; caller frees. NULL if absent. */
char *mapi_prop_get_utf8(const struct mapi_prop *prop);
/* The same, telling an absent value (S_OK, *OUT NULL) from a failed
 * allocation (E_OUTOFMEMORY). */
HRESULT mapi_prop_read_utf8(const struct mapi_prop *prop, char **out);

/* Appends to DST a copy of every property of SRC.  E_OUTOFMEMORY or S_OK
 * (DST then holds what was copied; the caller clears it). */
HRESULT mapi_propset_copy(struct mapi_propset *dst, const struct mapi_propset *src);

/* Frees everything SET owns and empties it. */
void mapi_propset_clear(struct mapi_propset *set);
/* Frees everything MESSAGE owns and empties it (the struct itself stays). */
void mapi_message_clear(struct mapi_message *message);
/* Appends an empty recipient row; returns it or NULL when out of memory. */
struct mapi_propset *mapi_message_add_recipient(struct mapi_message *message);
/* Appends an empty attachment; returns it or NULL when out of memory. */
struct mapi_attachment *mapi_message_add_attachment(struct mapi_message *message);
/* Frees STORAGE and all it holds (NULL is nothing). */
void mapi_storage_free(struct mapi_storage *storage);

#endif
