/*
 * msgfile: MS-OXMSG read from a compound file (cfb.c; the writer, on
 * cfbwrite.c, is msgfile_write.c; the layout both know:
 * msgfile_format.h).
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <wine/debug.h>

#include "cfb.h"
#include "errmsg.h"
#include "hostfs.h"
#include "msgfile.h"
#include "msgfile_format.h"

WINE_DEFAULT_DEBUG_CHANNEL(trackfix);


struct reader
{
    const char *path;
    const struct cfb *file;
    ULONGLONG limit; /* no stream may be larger than the file */
    char *error;
    struct mapi_name *names; /* by named property index */
    BYTE *name_set;          /* names[i] was mapped by an entry */
    ULONG name_count;
};



static DWORD get_le32(const BYTE *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (DWORD)p[3] << 24;
}


/* Reads stream NAME of storage STG whole into *DATA (caller frees) and
 * *SIZE.  S_FALSE when it does not exist (*DATA NULL), E_FAIL when it is
 * larger than the file.  WHERE names the storage for errors. */
static HRESULT read_stream(struct reader *r, ULONG stg, const char *where, const char *name, BYTE **data, ULONG *size)
{
    ULONG entry = cfb_find(r->file, stg, name);

    *data = NULL;
    *size = 0;
    if (entry == CFB_NONE || cfb_type(r->file, entry) != CFB_TYPE_STREAM) return S_FALSE;
    if (FAILED(cfb_read(r->file, entry, data, size)))
        return errmsg_about(r->error, E_OUTOFMEMORY, r->path, "%s%s: out of memory", where, name);
    if (*size <= r->limit) return S_OK;
    free(*data);
    *data = NULL;
    return errmsg_about(r->error, E_FAIL, r->path, "%s%s: stream claims %u bytes, more than the file holds", where, name, *size);
}

/* Reads a variable-size value of PROP (entry size DECLARED) from STG. */
static HRESULT read_variable(struct reader *r, ULONG stg, const char *where, struct mapi_prop *prop,
                             ULONG declared)
{
    ULONG type = PROP_TYPE(prop->tag), base = type & ~MV_FLAG, size, i, count, stride, terminator;
    char name[64];
    BYTE *data = NULL;
    HRESULT hr;

    snprintf(name, sizeof(name), "__substg1.0_%08X", prop->tag);
    hr = read_stream(r, stg, where, name, &data, &size);
    if (FAILED(hr)) return hr;
    /* an attachment's object held as a storage: read by read_attachment */
    if (hr == S_FALSE && prop->tag == PR_ATTACH_DATA_OBJ && declared == 0xFFFFFFFF) return S_OK;
    if (hr == S_FALSE)
        return errmsg_about(r->error, STG_E_FILENOTFOUND, r->path, "%s%s: stream missing for property 0x%08X", where, name,
                    prop->tag);

    if (!(type & MV_FLAG) || (base != PT_UNICODE && base != PT_STRING8 && base != PT_BINARY))
    {
        /* one value: strings may or may not include their terminator */
        terminator = type == PT_UNICODE ? 2 : type == PT_STRING8 ? 1 : 0;
        if (declared != size && declared != size + terminator && type != PT_OBJECT)
        {
            hr = errmsg_about(r->error, E_FAIL, r->path, "%s%s: size fields disagree: the property says %u bytes, the stream has %u",
                      where, name, declared, size);
            goto done;
        }
        if (type == PT_CLSID && size != sizeof(GUID))
        {
            hr = errmsg_about(r->error, E_FAIL, r->path, "%s%s: a PT_CLSID of %u bytes", where, name, size);
            goto done;
        }
        while (terminator && size >= terminator && !memcmp(data + size - terminator, "\0\0", terminator))
            size -= terminator;
        if (FAILED(hr = mapi_prop_alloc_values(prop, 1)))
        {
            errmsg_about(r->error, hr, r->path, ERRMSG_OOM);
            goto done;
        }
        prop->values[0].data = size ? data : NULL;
        prop->values[0].size = size;
        if (!size) free(data);
        return S_OK;
    }

    /* multi-valued strings and binaries: a length stream and one stream each */
    stride = base == PT_BINARY ? 8 : 4;
    if (declared != size || size % stride)
    {
        hr = errmsg_about(r->error, E_FAIL, r->path, "%s%s: size fields disagree: the property says %u bytes, the length stream has %u",
                  where, name, declared, size);
        goto done;
    }
    count = size / stride;
    if (FAILED(hr = mapi_prop_alloc_values(prop, count)))
    {
        errmsg_about(r->error, hr, r->path, ERRMSG_OOM);
        goto done;
    }
    for (i = 0; i < count; i++)
    {
        char item[80];
        ULONG length = get_le32(data + i * stride), got;
        BYTE *value;

        snprintf(item, sizeof(item), "%s-%08X", name, i);
        hr = read_stream(r, stg, where, item, &value, &got);
        if (hr == S_FALSE)
            hr = errmsg_about(r->error, STG_E_FILENOTFOUND, r->path, "%s%s: stream missing for value %u", where, item, i);
        if (FAILED(hr)) goto done;
        terminator = base == PT_UNICODE ? 2 : base == PT_STRING8 ? 1 : 0;
        if (length != got && length != got + terminator)
        {
            free(value);
            hr = errmsg_about(r->error, E_FAIL, r->path, "%s%s: size fields disagree: the length stream says %u bytes, the stream has %u",
                      where, item, length, got);
            goto done;
        }
        while (terminator && got >= terminator && !memcmp(value + got - terminator, "\0\0", terminator))
            got -= terminator;
        prop->values[i].data = value;
        prop->values[i].size = got;
        if (!got)
        {
            free(value);
            prop->values[i].data = NULL;
        }
    }
    hr = S_OK;
done:
    free(data);
    return hr;
}

static int compare_ulong(const void *a, const void *b)
{
    ULONG x = *(const ULONG *)a, y = *(const ULONG *)b;
    return x < y ? -1 : x > y;
}

/* Fails when a tag appears twice in SET, read from WHERE's property stream:
 * a damaged file (which of the two counts would be a guess). */
static HRESULT check_unique(struct reader *r, const char *where, const struct mapi_propset *set)
{
    ULONG *tags, i;
    HRESULT hr = S_OK;

    if (set->count < 2) return S_OK;
    if (!(tags = malloc(set->count * sizeof(*tags)))) return errmsg_about(r->error, E_OUTOFMEMORY, r->path, ERRMSG_OOM);
    for (i = 0; i < set->count; i++) tags[i] = set->props[i].tag;
    qsort(tags, set->count, sizeof(*tags), compare_ulong);
    for (i = 1; i < set->count && SUCCEEDED(hr); i++)
        if (tags[i] == tags[i - 1])
            hr = errmsg_about(r->error, E_FAIL, r->path, "%s%s: property 0x%08X appears twice", where, PROPS_STREAM, tags[i]);
    free(tags);
    return hr;
}

/* Reads the property stream of STG (HEADER bytes of header) into SET. */
static HRESULT read_props(struct reader *r, ULONG stg, const char *where, ULONG header,
                          struct mapi_propset *set)
{
    BYTE *data = NULL;
    ULONG size, offset;
    HRESULT hr;

    hr = read_stream(r, stg, where, PROPS_STREAM, &data, &size);
    if (hr == S_FALSE)
        return errmsg_about(r->error, STG_E_FILENOTFOUND, r->path, "%s%s: missing: %s without properties", where, PROPS_STREAM,
                    *where ? "a storage" : "not an Outlook message,");
    if (FAILED(hr)) return hr;
    if (size < header || (size - header) % ENTRY_SIZE)
    {
        hr = errmsg_about(r->error, E_FAIL, r->path, "%s%s: truncated stream: %u bytes is not a %u-byte header plus 16-byte entries",
                  where, PROPS_STREAM, size, header);
        goto done;
    }
    for (offset = header; offset < size; offset += ENTRY_SIZE)
    {
        ULONG tag = get_le32(data + offset), type = PROP_TYPE(tag);
        struct mapi_prop *prop;

        if (!mapi_type_is_known(type))
        {
            hr = errmsg_about(r->error, E_INVALIDARG, r->path, "%s%s: property 0x%08X has unknown type 0x%04X", where,
                      PROPS_STREAM, tag, type);
            goto done;
        }
        if (!(prop = mapi_propset_add(set, tag)))
        {
            hr = errmsg_about(r->error, E_OUTOFMEMORY, r->path, ERRMSG_OOM);
            goto done;
        }
        if (PROP_ID(tag) >= PROP_ID_NAMED_FIRST && PROP_ID(tag) - PROP_ID_NAMED_FIRST < r->name_count &&
            r->name_set[PROP_ID(tag) - PROP_ID_NAMED_FIRST])
        {
            const struct mapi_name *name = &r->names[PROP_ID(tag) - PROP_ID_NAMED_FIRST];
            prop->named = TRUE;
            prop->name = *name;
            if (name->string && !(prop->name.string = strdup(name->string)))
            {
                hr = errmsg_about(r->error, E_OUTOFMEMORY, r->path, ERRMSG_OOM);
                goto done;
            }
        }
        if (!mapi_type_is_variable(type))
        {
            memcpy(prop->fixed, data + offset + 8, 8);
            continue;
        }
        if (FAILED(hr = read_variable(r, stg, where, prop, get_le32(data + offset + 8)))) goto done;
    }
    hr = check_unique(r, where, set);
done:
    free(data);
    if (FAILED(hr)) mapi_propset_clear(set);
    return hr;
}

/* The three streams of the named property map (MS-OXMSG 2.2.3.1). */
struct name_streams
{
    BYTE *guids, *entries, *strings;
    ULONG guids_size, entries_size, strings_size;
};

static void free_name_streams(struct name_streams *n)
{
    free(n->guids);
    free(n->entries);
    free(n->strings);
}

/* Orders names by set, then numeric id or string (ASCII case folded: msg
 * dump names a string property without regard to case). */
static int compare_names(const void *a, const void *b)
{
    const struct mapi_name *x = *(const struct mapi_name *const *)a, *y = *(const struct mapi_name *const *)b;
    const char *s, *t;
    int order = memcmp(&x->guid, &y->guid, sizeof(x->guid));

    if (order) return order;
    if (x->is_string != y->is_string) return x->is_string ? 1 : -1;
    if (!x->is_string) return x->lid < y->lid ? -1 : x->lid > y->lid;
    for (s = x->string, t = y->string; *s && tolower((unsigned char)*s) == tolower((unsigned char)*t); s++, t++) continue;
    return tolower((unsigned char)*s) - tolower((unsigned char)*t);
}

/* Fails when two ids of the name map name the same property: a damaged
 * map (which of the two values counts would be a guess). */
static HRESULT check_names_unique(struct reader *r)
{
    const struct mapi_name **sorted;
    ULONG i, count = 0;
    HRESULT hr = S_OK;

    if (!r->name_count) return S_OK;
    if (!(sorted = malloc(r->name_count * sizeof(*sorted)))) return errmsg_about(r->error, E_OUTOFMEMORY, r->path, ERRMSG_OOM);
    for (i = 0; i < r->name_count; i++)
        if (r->name_set[i]) sorted[count++] = &r->names[i];
    qsort(sorted, count, sizeof(*sorted), compare_names);
    for (i = 1; i < count && SUCCEEDED(hr); i++)
    {
        if (compare_names(&sorted[i - 1], &sorted[i])) continue;
        hr = errmsg_about(r->error, E_FAIL, r->path, "%s: ids 0x%04X and 0x%04X name the same property", NAMEID_STORAGE,
                  PROP_ID_NAMED_FIRST + (ULONG)(sorted[i - 1] - r->names), PROP_ID_NAMED_FIRST + (ULONG)(sorted[i] - r->names));
    }
    free(sorted);
    return hr;
}

/* Reads the named property map of the root storage into R->names. */
static HRESULT read_names(struct reader *r)
{
    static const char where[] = NAMEID_STORAGE "/";
    struct name_streams n = {0};
    ULONG i, stg = cfb_find(r->file, CFB_ROOT, NAMEID_STORAGE);
    HRESULT hr;

    if (stg == CFB_NONE || cfb_type(r->file, stg) != CFB_TYPE_STORAGE) return S_OK; /* no named properties */

    if (FAILED(hr = read_stream(r, stg, where, "__substg1.0_00020102", &n.guids, &n.guids_size)) ||
        FAILED(hr = read_stream(r, stg, where, "__substg1.0_00030102", &n.entries, &n.entries_size)) ||
        FAILED(hr = read_stream(r, stg, where, "__substg1.0_00040102", &n.strings, &n.strings_size)))
        goto done;
    if (n.guids_size % 16 || n.entries_size % 8)
    {
        hr = errmsg_about(r->error, E_FAIL, r->path, "%s: size fields disagree: GUID stream %u bytes, entry stream %u bytes",
                  NAMEID_STORAGE, n.guids_size, n.entries_size);
        goto done;
    }
    r->name_count = 0;
    for (i = 0; i < n.entries_size / 8; i++)
    {
        ULONG index = get_le32(n.entries + i * 8 + 4) >> 16;
        if (index + 1 > r->name_count) r->name_count = index + 1;
    }
    if (r->name_count > NAMED_MAX) r->name_count = NAMED_MAX;
    if (r->name_count && (!(r->names = calloc(r->name_count, sizeof(*r->names))) ||
                          !(r->name_set = calloc(r->name_count, 1))))
    {
        hr = errmsg_about(r->error, E_OUTOFMEMORY, r->path, ERRMSG_OOM);
        goto done;
    }
    /* unmapped indexes stay unset and are shown as plain tags */
    for (i = 0; i < n.entries_size / 8; i++)
    {
        ULONG id = get_le32(n.entries + i * 8), kind = get_le32(n.entries + i * 8 + 4);
        ULONG index = kind >> 16, guid_index = (kind >> 1) & 0x7fff;
        struct mapi_name *name;

        if (index >= r->name_count) continue;
        if (r->name_set[index])
        {
            hr = errmsg_about(r->error, E_FAIL, r->path, "%s: named property entry %u gives id 0x%04X again", NAMEID_STORAGE, i,
                      PROP_ID_NAMED_FIRST + index);
            goto done;
        }
        name = &r->names[index];
        r->name_set[index] = TRUE;
        if (guid_index == 1) name->guid = mapi_ps_mapi;
        else if (guid_index == 2) name->guid = mapi_ps_public_strings;
        else if (guid_index >= GUID_INDEX_FIRST_STREAM && (guid_index - GUID_INDEX_FIRST_STREAM + 1) * 16 <= n.guids_size)
            memcpy(&name->guid, n.guids + (guid_index - GUID_INDEX_FIRST_STREAM) * 16, 16);
        else
        {
            hr = errmsg_about(r->error, E_FAIL, r->path, "%s: named property entry %u refers to GUID %u of %u", NAMEID_STORAGE, i,
                      guid_index, n.guids_size / 16);
            goto done;
        }
        if (kind & 1)
        {
            ULONG length, chars;
            int size;
            if (id + 4 > n.strings_size || (length = get_le32(n.strings + id)) > n.strings_size - id - 4)
            {
                hr = errmsg_about(r->error, E_FAIL, r->path, "%s: named property entry %u: string at %u outside the %u-byte string stream",
                          NAMEID_STORAGE, i, id, n.strings_size);
                goto done;
            }
            chars = length / 2;
            size = WideCharToMultiByte(CP_UTF8, 0, (const WCHAR *)(n.strings + id + 4), chars, NULL, 0, NULL, NULL);
            if (!(name->string = malloc(size + 1)))
            {
                hr = errmsg_about(r->error, E_OUTOFMEMORY, r->path, ERRMSG_OOM);
                goto done;
            }
            WideCharToMultiByte(CP_UTF8, 0, (const WCHAR *)(n.strings + id + 4), chars, name->string, size, NULL, NULL);
            name->string[size] = 0;
            name->is_string = TRUE;
        }
        else
            name->lid = id;
    }
    hr = check_names_unique(r);
done:
    free_name_streams(&n);
    return hr;
}


/* Appends NUMBER to *LIST (*COUNT of *CAPACITY). */
static BOOL append_number(ULONG **list, ULONG *count, ULONG *capacity, ULONG number)
{
    if (*count == *capacity)
    {
        ULONG *grown = realloc(*list, (*capacity = *capacity ? *capacity * 2 : 16) * sizeof(**list));
        if (!grown) return FALSE;
        *list = grown;
    }
    (*list)[(*count)++] = number;
    return TRUE;
}

/* Lists the recipient and the attachment storage numbers of STG (sorted,
 * caller frees both). */
static HRESULT list_storages(struct reader *r, ULONG stg, const char *where, ULONG **recips, ULONG *recip_count,
                             ULONG **attachs, ULONG *attach_count)
{
    ULONG recip_capacity = 0, attach_capacity = 0, *children, count, i;
    HRESULT hr = S_OK;

    *recips = *attachs = NULL;
    *recip_count = *attach_count = 0;
    if (FAILED(cfb_children(r->file, stg, &children, &count)))
        return errmsg_about(r->error, E_OUTOFMEMORY, r->path, "%s" ERRMSG_OOM, where);
    for (i = 0; i < count && SUCCEEDED(hr); i++)
    {
        WCHAR wname[CFB_NAME_SIZE];
        char name[64] = "";
        BOOL ok = TRUE;

        if (cfb_type(r->file, children[i]) != CFB_TYPE_STORAGE) continue;
        cfb_name(r->file, children[i], wname);
        WideCharToMultiByte(CP_UTF8, 0, wname, -1, name, sizeof(name) - 1, NULL, NULL);
        if (!strncmp(name, ATTACH_PREFIX, strlen(ATTACH_PREFIX)))
            ok = append_number(attachs, attach_count, &attach_capacity, strtoul(name + strlen(ATTACH_PREFIX), NULL, 16));
        else if (!strncmp(name, RECIP_PREFIX, strlen(RECIP_PREFIX)))
            ok = append_number(recips, recip_count, &recip_capacity, strtoul(name + strlen(RECIP_PREFIX), NULL, 16));
        if (!ok) hr = errmsg_about(r->error, E_OUTOFMEMORY, r->path, ERRMSG_OOM);
    }
    free(children);
    if (FAILED(hr)) return hr;
    qsort(*recips, *recip_count, sizeof(**recips), compare_ulong);
    qsort(*attachs, *attach_count, sizeof(**attachs), compare_ulong);
    return S_OK;
}

/* Storage NAME of STG in *OUT; WHERE names STG for errors. */
static HRESULT open_storage(struct reader *r, ULONG stg, const char *where, const char *name, ULONG *out)
{
    *out = cfb_find(r->file, stg, name);
    if (*out != CFB_NONE && cfb_type(r->file, *out) == CFB_TYPE_STORAGE) return S_OK;
    return errmsg_about(r->error, STG_E_FILENOTFOUND, r->path, "%s%s: cannot open storage (%#x)", where, name,
                        (unsigned)STG_E_FILENOTFOUND);
}

/* Reads STG whole, as it is, into *OUT (an OLE object's storage). */
static HRESULT read_storage_tree(struct reader *r, ULONG stg, const char *where, int depth, struct mapi_storage **out)
{
    struct mapi_storage *tree = calloc(1, sizeof(*tree));
    ULONG *children = NULL, count = 0, i;
    HRESULT hr = S_OK;

    *out = tree;
    if (!tree) return errmsg_about(r->error, E_OUTOFMEMORY, r->path, ERRMSG_OOM);
    if (depth > EMBED_DEPTH_MAX) return errmsg_about(r->error, E_FAIL, r->path, "%sstorages nested too deep", where);
    cfb_clsid(r->file, stg, &tree->clsid);
    if (FAILED(cfb_children(r->file, stg, &children, &count))) return errmsg_about(r->error, E_OUTOFMEMORY, r->path, ERRMSG_OOM);
    for (i = 0; i < count && SUCCEEDED(hr); i++)
    {
        struct mapi_storage_item *grown, *item;
        int type = cfb_type(r->file, children[i]);
        char name[128] = "", inner[512];

        if (type != CFB_TYPE_STORAGE && type != CFB_TYPE_STREAM) continue;
        if (!(grown = realloc(tree->items, (tree->count + 1) * sizeof(*grown))))
        {
            hr = errmsg_about(r->error, E_OUTOFMEMORY, r->path, ERRMSG_OOM);
            break;
        }
        tree->items = grown;
        item = memset(&grown[tree->count++], 0, sizeof(*item));
        cfb_name(r->file, children[i], item->name);
        WideCharToMultiByte(CP_UTF8, 0, item->name, -1, name, sizeof(name) - 1, NULL, NULL);
        if (type == CFB_TYPE_STORAGE)
        {
            snprintf(inner, sizeof(inner), "%.400s%.64s/", where, name);
            hr = read_storage_tree(r, children[i], inner, depth + 1, &item->storage);
        }
        else if (FAILED(cfb_read(r->file, children[i], &item->stream.data, &item->stream.size)))
            hr = errmsg_about(r->error, E_OUTOFMEMORY, r->path, ERRMSG_OOM);
    }
    free(children);
    return hr;
}

static HRESULT read_message(struct reader *r, ULONG stg, const char *where, ULONG header, int depth,
                            struct mapi_message *message);

/* Reads attachment storage STG into ATTACHMENT: its properties, then its
 * object: an embedded message (afEmbeddedMessage), or any other storage
 * kept as it is. */
static HRESULT read_attachment(struct reader *r, ULONG stg, const char *where, int depth,
                               struct mapi_attachment *attachment)
{
    char inner[512];
    ULONG object;
    LONG method = 0;
    HRESULT hr;

    if (FAILED(hr = read_props(r, stg, where, ROW_HEADER_SIZE, &attachment->props))) return hr;
    if (!mapi_propset_find(&attachment->props, PR_ATTACH_DATA_OBJ) ||
        mapi_propset_find(&attachment->props, PR_ATTACH_DATA_OBJ)->count)
        return S_OK;
    if (FAILED(hr = open_storage(r, stg, where, OBJECT_STORAGE, &object))) return hr;
    snprintf(inner, sizeof(inner), "%.400s" OBJECT_STORAGE "/", where);
    mapi_prop_get_long(mapi_propset_find(&attachment->props, PR_ATTACH_METHOD), &method);
    if (method != ATTACH_EMBEDDED_MSG) hr = read_storage_tree(r, object, inner, depth + 1, &attachment->object);
    else if (depth >= EMBED_DEPTH_MAX) hr = errmsg_about(r->error, E_FAIL, r->path, "%smessages nested too deep", inner);
    else if (!(attachment->message = calloc(1, sizeof(*attachment->message))))
        hr = errmsg_about(r->error, E_OUTOFMEMORY, r->path, ERRMSG_OOM);
    else hr = read_message(r, object, inner, EMBEDDED_HEADER_SIZE, depth + 1, attachment->message);
    return hr;
}

/* Reads the message in STG (the root, or an embedded message's storage):
 * its properties (HEADER bytes of header), recipients and attachments. */
static HRESULT read_message(struct reader *r, ULONG stg, const char *where, ULONG header, int depth,
                            struct mapi_message *message)
{
    ULONG *recips = NULL, *attachs = NULL, recip_count = 0, attach_count = 0, i;
    HRESULT hr;

    if (FAILED(hr = read_props(r, stg, where, header, &message->props))) return hr;
    if (FAILED(hr = list_storages(r, stg, where, &recips, &recip_count, &attachs, &attach_count))) goto done;
    for (i = 0; i < recip_count + attach_count && SUCCEEDED(hr); i++)
    {
        BOOL is_recip = i < recip_count;
        char name[64], inner[512];
        ULONG sub;
        struct mapi_propset *row = NULL;
        struct mapi_attachment *attachment = NULL;

        snprintf(name, sizeof(name), "%s%08X", is_recip ? RECIP_PREFIX : ATTACH_PREFIX,
                 is_recip ? recips[i] : attachs[i - recip_count]);
        snprintf(inner, sizeof(inner), "%.400s%.64s/", where, name);
        if (FAILED(hr = open_storage(r, stg, where, name, &sub))) break;
        if (is_recip ? !(row = mapi_message_add_recipient(message)) : !(attachment = mapi_message_add_attachment(message)))
            hr = errmsg_about(r->error, E_OUTOFMEMORY, r->path, ERRMSG_OOM);
        else if (row) hr = read_props(r, sub, inner, ROW_HEADER_SIZE, row);
        else hr = read_attachment(r, sub, inner, depth, attachment);
    }
done:
    free(recips);
    free(attachs);
    return hr;
}

/* Reads PATH into memory (*MEMORY, caller frees) and opens it as a compound
 * file (*FILE): one read, every chain checked first.  *SIZE: the file's
 * size. */
static HRESULT open_checked(const char *path, HGLOBAL *memory, struct cfb **file, ULONGLONG *size, char *error)
{
    char check_error[CFB_ERROR_SIZE];
    HRESULT hr;

    *file = NULL;
    if (FAILED(hr = hostfs_read_file(path, MSG_FILE_MAX, memory, size)))
    {
        char words[256];
        if (hr == HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND) || hr == HRESULT_FROM_WIN32(ERROR_PATH_NOT_FOUND))
            return errmsg_about(error, hr, path, "no such file");
        if (hr == E_INVALIDARG)
            return errmsg_about(error, hr, path, "larger than %u bytes, or not a regular file", MSG_FILE_MAX);
        if (hr == E_OUTOFMEMORY) return errmsg_about(error, hr, path, ERRMSG_OOM);
        return errmsg_about(error, hr, path, "cannot be read: %s", errmsg_describe(hr, words, sizeof(words)));
    }
    hr = cfb_open(GlobalLock(*memory), (size_t)*size, file, check_error);
    if (hr == STG_E_FILEALREADYEXISTS) hr = errmsg_about(error, hr, path, "not a compound file");
    else if (hr == E_OUTOFMEMORY) errmsg_about(error, hr, path, ERRMSG_OOM);
    else if (FAILED(hr)) errmsg_about(error, hr, path, "damaged compound file: %s", check_error);
    return hr;
}

HRESULT msgfile_read_keep(const char *path, struct mapi_message *message, HGLOBAL *bytes, ULONGLONG *size,
                          char error[MSGFILE_ERROR_SIZE])
{
    struct reader r = {path, NULL, 0, error, NULL, NULL, 0};
    struct cfb *file = NULL;
    HGLOBAL memory = NULL;
    ULONGLONG file_size = 0;
    HRESULT hr;
    ULONG i;

    memset(message, 0, sizeof(*message));
    if (SUCCEEDED(hr = open_checked(path, &memory, &file, &file_size, error)))
    {
        r.file = file;
        r.limit = file_size;
        if (SUCCEEDED(hr = read_names(&r))) hr = read_message(&r, CFB_ROOT, "", TOP_HEADER_SIZE, 0, message);
    }
    for (i = 0; r.names && i < r.name_count; i++) free(r.names[i].string);
    free(r.names);
    free(r.name_set);
    cfb_close(file);
    if (memory) GlobalUnlock(memory);
    if (SUCCEEDED(hr) && bytes)
    {
        *bytes = memory;
        *size = file_size;
    }
    else if (memory)
        GlobalFree(memory);
    if (FAILED(hr)) mapi_message_clear(message);
    return hr;
}

HRESULT msgfile_read(const char *path, struct mapi_message *message, char error[MSGFILE_ERROR_SIZE])
{
    return msgfile_read_keep(path, message, NULL, NULL, error);
}
