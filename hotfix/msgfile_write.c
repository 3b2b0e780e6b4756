/*
 * msgfile_write: a message written as an Outlook .msg file (msgfile.h),
 * built in memory and put on disk atomically.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <wine/debug.h>

#include "atomicfile.h"
#include "cfbwrite.h"
#include "errmsg.h"
#include "hostfs.h"
#include "msgfile.h"
#include "msgfile_format.h"

WINE_DEFAULT_DEBUG_CHANNEL(trackfix);


static void put_le32(BYTE *p, DWORD v)
{
    p[0] = v & 0xff;
    p[1] = (v >> 8) & 0xff;
    p[2] = (v >> 16) & 0xff;
    p[3] = v >> 24;
}

struct writer
{
    struct cfb_writer file;
    const char *path;
    char *error;
    const struct mapi_name **names; /* distinct names; index = id - 0x8000 */
    ULONG name_count;
    BOOL object_storage;            /* the attachment being written holds its object as a storage */
};

static BOOL same_name(const struct mapi_name *a, const struct mapi_name *b)
{
    if (!IsEqualGUID(&a->guid, &b->guid) || a->is_string != b->is_string) return FALSE;
    return a->is_string ? !strcmp(a->string, b->string) : a->lid == b->lid;
}

/* Adds the names used in SET to W->names; returns S_OK or E_OUTOFMEMORY. */
static HRESULT collect_names(struct writer *w, const struct mapi_propset *set)
{
    ULONG i, j;

    for (i = 0; i < set->count; i++)
    {
        const struct mapi_prop *prop = &set->props[i];
        const struct mapi_name **grown;

        if (!prop->named) continue;
        for (j = 0; j < w->name_count; j++)
            if (same_name(w->names[j], &prop->name)) break;
        if (j < w->name_count) continue;
        if (w->name_count == NAMED_MAX) return errmsg_about(w->error, E_INVALIDARG, w->path, "more than %u named properties", NAMED_MAX);
        if (!(grown = realloc(w->names, (w->name_count + 1) * sizeof(*grown))))
            return errmsg_about(w->error, E_OUTOFMEMORY, w->path, ERRMSG_OOM);
        w->names = grown;
        w->names[w->name_count++] = &prop->name;
    }
    return S_OK;
}

/* Says why entry NAME could not be added (HR). */
static HRESULT cannot_add(struct writer *w, HRESULT hr, const char *what, const char *name)
{
    if (hr == E_OUTOFMEMORY) return errmsg_about(w->error, hr, w->path, ERRMSG_OOM);
    return errmsg_about(w->error, hr, w->path, "%s: cannot create %s (%#x)", name, what, (unsigned)hr);
}

/* Adds stream NAME (ASCII) of SIZE bytes of DATA to storage STG. */
static HRESULT write_stream(struct writer *w, ULONG stg, const char *name, const void *data, ULONG size)
{
    WCHAR wname[64];
    HRESULT hr;

    hostfs_widen(name, wname, ARRAYSIZE(wname));
    if (FAILED(hr = cfbw_add_stream(&w->file, stg, wname, data, size))) return cannot_add(w, hr, "stream", name);
    return S_OK;
}

/* Adds storage NAME (ASCII) to storage STG, its index in *OUT. */
static HRESULT create_storage(struct writer *w, ULONG stg, const char *name, ULONG *out)
{
    WCHAR wname[64];
    HRESULT hr;

    hostfs_widen(name, wname, ARRAYSIZE(wname));
    if (FAILED(hr = cfbw_add_storage(&w->file, stg, wname, out))) return cannot_add(w, hr, "storage", name);
    return S_OK;
}

/* Writes VALUE as stream NAME, a string type with its terminator appended. */
static HRESULT write_value(struct writer *w, ULONG stg, const char *name, ULONG type,
                           const struct mapi_value *value, ULONG *declared)
{
    ULONG terminator = type == PT_UNICODE ? 2 : type == PT_STRING8 ? 1 : 0;

    *declared = value->size + terminator;
    return write_stream(w, stg, name, value->data, value->size);
}

static ULONG name_index(const struct writer *w, const struct mapi_name *name)
{
    ULONG i;

    for (i = 0; i < w->name_count; i++)
        if (same_name(w->names[i], name)) return i;
    return 0; /* not reached: collect_names saw every name */
}

/* Writes SET into STG: its value streams and the property stream with a
 * header of HEADER (HEADER_SIZE bytes). */
static HRESULT write_props(struct writer *w, ULONG stg, const BYTE *header, ULONG header_size,
                           const struct mapi_propset *set)
{
    ULONG size = header_size + set->count * ENTRY_SIZE, i, j;
    BYTE *data = calloc(1, size);
    HRESULT hr = S_OK;

    if (!data) return errmsg_about(w->error, E_OUTOFMEMORY, w->path, ERRMSG_OOM);
    memcpy(data, header, header_size);
    for (i = 0; i < set->count; i++)
    {
        const struct mapi_prop *prop = &set->props[i];
        ULONG type = PROP_TYPE(prop->tag), base = type & ~MV_FLAG, declared = 0;
        ULONG tag = prop->named ? PROP_TAG(type, PROP_ID_NAMED_FIRST + name_index(w, &prop->name)) : prop->tag;
        BYTE *entry = data + header_size + i * ENTRY_SIZE;
        char name[64];

        put_le32(entry, tag);
        put_le32(entry + 4, ENTRY_FLAGS);
        if (!mapi_type_is_variable(type))
        {
            memcpy(entry + 8, prop->fixed, 8);
            continue;
        }
        snprintf(name, sizeof(name), "__substg1.0_%08X", tag);
        if (tag == PR_ATTACH_DATA_OBJ && !prop->count && w->object_storage)
            declared = 0xFFFFFFFF; /* the object is the storage write_attachment makes */
        else if (!(type & MV_FLAG) || (base != PT_UNICODE && base != PT_STRING8 && base != PT_BINARY))
        {
            static const struct mapi_value empty = {NULL, 0};
            hr = write_value(w, stg, name, type, prop->count ? &prop->values[0] : &empty, &declared);
        }
        else
        {
            ULONG stride = base == PT_BINARY ? 8 : 4;
            BYTE *lengths = calloc(prop->count ? prop->count : 1, stride);

            if (!lengths) hr = errmsg_about(w->error, E_OUTOFMEMORY, w->path, ERRMSG_OOM);
            for (j = 0; SUCCEEDED(hr) && j < prop->count; j++)
            {
                char item[80];
                ULONG length;
                snprintf(item, sizeof(item), "%s-%08X", name, j);
                hr = write_value(w, stg, item, base, &prop->values[j], &length);
                put_le32(lengths + j * stride, length);
            }
            if (SUCCEEDED(hr)) hr = write_stream(w, stg, name, lengths, prop->count * stride);
            declared = prop->count * stride;
            free(lengths);
        }
        if (FAILED(hr)) goto done;
        put_le32(entry + 8, declared);
    }
    hr = write_stream(w, stg, PROPS_STREAM, data, size);
done:
    free(data);
    return hr;
}

/* CRC-32 as MS-OXMSG hashes string names: the reflected polynomial
 * 0xEDB88320, starting at 0, no final XOR (checked against the buckets of
 * Outlook-written files in the corpus). */
static ULONG name_crc32(const BYTE *data, ULONG size)
{
    ULONG crc = 0, i;
    int bit;

    for (i = 0; i < size; i++)
    {
        crc ^= data[i];
        for (bit = 0; bit < 8; bit++) crc = crc & 1 ? crc >> 1 ^ 0xEDB88320u : crc >> 1;
    }
    return crc;
}

/* Writes the __nameid_version1.0 storage for W->names: GUIDs, entries,
 * strings, and the hash buckets __substg1.0_10XX0102 that Outlook looks
 * names up in (MS-OXMSG 2.2.3.1.4). */
static HRESULT write_names(struct writer *w, ULONG root)
{
    BYTE *guids = NULL, *entries = NULL, *strings = NULL, *buckets = NULL;
    ULONG guid_count = 0, strings_size = 0, bucket_size[NAME_BUCKETS] = {0}, i, j, stg;
    HRESULT hr = E_OUTOFMEMORY;

    for (i = 0; i < w->name_count; i++)
        if (w->names[i]->is_string) strings_size += 4 + (ULONG)(strlen(w->names[i]->string) * 2 + 3) / 4 * 4;
    if (!(guids = calloc(w->name_count + 1, 16)) || !(entries = calloc(w->name_count + 1, 8)) ||
        /* MultiByteToWideChar writes each name's terminating NUL, which the
         * stream does not keep: past the last slot when its length fills it */
        !(strings = calloc(strings_size + sizeof(WCHAR), 1)) || !(buckets = calloc((size_t)NAME_BUCKETS * (w->name_count + 1), 8)))
    {
        errmsg_about(w->error, hr, w->path, ERRMSG_OOM);
        goto done;
    }
    strings_size = 0;
    for (i = 0; i < w->name_count; i++)
    {
        const struct mapi_name *name = w->names[i];
        ULONG guid_index, ident, bucket;

        if (IsEqualGUID(&name->guid, &mapi_ps_mapi)) guid_index = 1;
        else if (IsEqualGUID(&name->guid, &mapi_ps_public_strings)) guid_index = 2;
        else
        {
            for (j = 0; j < guid_count; j++)
                if (!memcmp(guids + j * 16, &name->guid, 16)) break;
            if (j == guid_count) memcpy(guids + guid_count++ * 16, &name->guid, 16);
            guid_index = GUID_INDEX_FIRST_STREAM + j;
        }
        put_le32(entries + i * 8 + 4, i << 16 | guid_index << 1 | (name->is_string ? 1 : 0));
        if (!name->is_string)
        {
            put_le32(entries + i * 8, name->lid);
            ident = name->lid;
        }
        else
        {
            int chars = MultiByteToWideChar(CP_UTF8, 0, name->string, -1, (WCHAR *)(strings + strings_size + 4),
                                            (int)strlen(name->string) + 1) - 1;
            put_le32(entries + i * 8, strings_size);
            put_le32(strings + strings_size, (ULONG)chars * 2);
            ident = name_crc32(strings + strings_size + 4, (ULONG)chars * 2);
            strings_size += 4 + ((ULONG)chars * 2 + 3) / 4 * 4;
        }
        /* the bucket: (name id or CRC) XOR (GUID index << 1 | kind), mod 0x1F */
        bucket = (ident ^ (guid_index << 1 | (name->is_string ? 1 : 0))) % NAME_BUCKETS;
        put_le32(buckets + ((size_t)bucket * (w->name_count + 1) + bucket_size[bucket]) * 8, ident);
        memcpy(buckets + ((size_t)bucket * (w->name_count + 1) + bucket_size[bucket]) * 8 + 4, entries + i * 8 + 4, 4);
        bucket_size[bucket]++;
    }
    if (FAILED(hr = create_storage(w, root, NAMEID_STORAGE, &stg))) goto done;
    if (SUCCEEDED(hr = write_stream(w, stg, "__substg1.0_00020102", guids, guid_count * 16)) &&
        SUCCEEDED(hr = write_stream(w, stg, "__substg1.0_00030102", entries, w->name_count * 8)))
        hr = write_stream(w, stg, "__substg1.0_00040102", strings, strings_size);
    for (i = 0; i < NAME_BUCKETS && SUCCEEDED(hr); i++)
    {
        char name[32];
        if (!bucket_size[i]) continue;
        snprintf(name, sizeof(name), "__substg1.0_%04X0102", 0x1000 + i);
        hr = write_stream(w, stg, name, buckets + (size_t)i * (w->name_count + 1) * 8, bucket_size[i] * 8);
    }
done:
    free(guids);
    free(entries);
    free(strings);
    free(buckets);
    return hr;
}

/* Writes recipient row I of MESSAGE as its own storage of STG. */
static HRESULT write_recipient(struct writer *w, ULONG stg, const struct mapi_message *message, ULONG i)
{
    BYTE row[ROW_HEADER_SIZE] = {0};
    char name[64];
    ULONG sub;
    HRESULT hr;

    snprintf(name, sizeof(name), RECIP_PREFIX "%08X", i);
    if (FAILED(hr = create_storage(w, stg, name, &sub))) return hr;
    return write_props(w, sub, row, sizeof(row), &message->recipients[i]);
}

/* Writes TREE into STG as it was read. */
static HRESULT write_storage_tree(struct writer *w, ULONG stg, const struct mapi_storage *tree)
{
    HRESULT hr = S_OK;
    ULONG i;

    cfbw_set_class(&w->file, stg, &tree->clsid);
    for (i = 0; i < tree->count && SUCCEEDED(hr); i++)
    {
        const struct mapi_storage_item *item = &tree->items[i];
        char name[128] = "";
        ULONG sub;

        WideCharToMultiByte(CP_UTF8, 0, item->name, -1, name, sizeof(name) - 1, NULL, NULL);
        if (!item->storage)
            hr = cfbw_add_stream(&w->file, stg, item->name, item->stream.data, item->stream.size);
        else if (SUCCEEDED(hr = cfbw_add_storage(&w->file, stg, item->name, &sub)))
            hr = write_storage_tree(w, sub, item->storage);
        if (FAILED(hr) && !w->error[0]) return cannot_add(w, hr, item->storage ? "storage" : "stream", name);
    }
    return hr;
}

static HRESULT write_message(struct writer *w, ULONG stg, const struct mapi_message *message, ULONG header);

/* Writes attachment I of MESSAGE as its own storage of STG, its object as
 * the storage __substg1.0_3701000D when it is a message or kept storage. */
static HRESULT write_attachment(struct writer *w, ULONG stg, const struct mapi_message *message, ULONG i)
{
    const struct mapi_attachment *attachment = &message->attachments[i];
    BYTE row[ROW_HEADER_SIZE] = {0};
    char name[64];
    ULONG sub, object;
    HRESULT hr;

    snprintf(name, sizeof(name), ATTACH_PREFIX "%08X", i);
    if (FAILED(hr = create_storage(w, stg, name, &sub))) return hr;
    w->object_storage = attachment->message || attachment->object;
    hr = write_props(w, sub, row, sizeof(row), &attachment->props);
    w->object_storage = FALSE;
    if (SUCCEEDED(hr) && (attachment->message || attachment->object) &&
        SUCCEEDED(hr = create_storage(w, sub, OBJECT_STORAGE, &object)))
        hr = attachment->message ? write_message(w, object, attachment->message, EMBEDDED_HEADER_SIZE)
                                 : write_storage_tree(w, object, attachment->object);
    return hr;
}

/* Adds the names MESSAGE uses, and those of its embedded messages, to W. */
static HRESULT collect_message_names(struct writer *w, const struct mapi_message *message)
{
    HRESULT hr;
    ULONG i;

    if (FAILED(hr = collect_names(w, &message->props))) return hr;
    for (i = 0; i < message->recipient_count; i++)
        if (FAILED(hr = collect_names(w, &message->recipients[i]))) return hr;
    for (i = 0; i < message->attachment_count; i++)
        if (FAILED(hr = collect_names(w, &message->attachments[i].props)) ||
            (message->attachments[i].message && FAILED(hr = collect_message_names(w, message->attachments[i].message))))
            return hr;
    return S_OK;
}

/* Writes MESSAGE into STG: the property stream with a HEADER-byte header
 * (reserved, next recipient id, next attachment id, recipient count,
 * attachment count: MS-OXMSG 2.4.1), the recipients, the attachments. */
static HRESULT write_message(struct writer *w, ULONG stg, const struct mapi_message *message, ULONG header)
{
    BYTE top[TOP_HEADER_SIZE] = {0};
    HRESULT hr;
    ULONG i;

    put_le32(top + 8, message->recipient_count);
    put_le32(top + 12, message->attachment_count);
    put_le32(top + 16, message->recipient_count);
    put_le32(top + 20, message->attachment_count);
    if (FAILED(hr = write_props(w, stg, top, header, &message->props))) return hr;
    for (i = 0; i < message->recipient_count; i++)
        if (FAILED(hr = write_recipient(w, stg, message, i))) return hr;
    for (i = 0; i < message->attachment_count; i++)
        if (FAILED(hr = write_attachment(w, stg, message, i))) return hr;
    return S_OK;
}

/* Writes MESSAGE into W's file. */
static HRESULT write_root(struct writer *w, const struct mapi_message *message)
{
    HRESULT hr;

    if (FAILED(hr = collect_message_names(w, message)) || FAILED(hr = write_names(w, CFB_ROOT)))
        return hr;
    return write_message(w, CFB_ROOT, message, TOP_HEADER_SIZE);
}

HRESULT msgfile_write(const char *path, const struct mapi_message *message, char error[MSGFILE_ERROR_SIZE])
{
    struct writer w = {{NULL, 0, 0}, path, error, NULL, 0, FALSE};
    BYTE *data = NULL;
    size_t size = 0;
    HRESULT hr;

    error[0] = 0;
    /* built in memory, then written out whole: temp file, flush, rename */
    if (FAILED(hr = cfbw_init(&w.file))) return errmsg_about(error, hr, path, ERRMSG_OOM);
    if (SUCCEEDED(hr = write_root(&w, message)) && FAILED(hr = cfbw_finish(&w.file, &data, &size)))
    {
        if (hr == E_OUTOFMEMORY) errmsg_about(error, hr, path, ERRMSG_OOM);
        else errmsg_about(error, hr, path, "larger than a compound file holds (%#x)", (unsigned)hr);
    }
    if (SUCCEEDED(hr) && FAILED(hr = atomicfile_write(path, data, (DWORD)size)))
    {
        char words[256];
        errmsg_about(error, hr, path, "%s", errmsg_describe(hr, words, sizeof(words)));
    }
    free(data);
    cfbw_free(&w.file);
    free(w.names);
    return hr;
}
