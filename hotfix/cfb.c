/*
 * cfb: MS-CFB from memory: header, DIFAT, FAT, mini FAT and directory tree
 * checked, then entries found and streams read.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cfb.h"

#define HEADER_SIZE 512
#define HEADER_DIFAT_ENTRIES 109
#define DIR_ENTRY_SIZE 128
#define MINI_SECTOR_SIZE 64
#define MINI_STREAM_CUTOFF 4096
/* special sector numbers (MS-CFB 2.1) */
#define MAXREGSECT 0xFFFFFFFAu
#define ENDOFCHAIN 0xFFFFFFFEu
#define FREESECT 0xFFFFFFFFu
#define NOSTREAM 0xFFFFFFFFu
/* object types of directory entries */
#define TYPE_STORAGE CFB_TYPE_STORAGE
#define TYPE_STREAM CFB_TYPE_STREAM
#define TYPE_ROOT CFB_TYPE_ROOT

static const BYTE signature[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

struct cfb
{
    const BYTE *data;
    size_t size;
    ULONG sector_size, sectors; /* whole sectors after the header */
    ULONG *fat;                 /* next sector of each sector */
    ULONG *minifat;
    ULONG minifat_entries;
    BYTE *dir;                  /* the directory's entries, in order */
    ULONG count;
    ULONG *mini_sectors;        /* the sectors of the mini stream, in order */
    ULONG mini_sector_count;
    ULONG *stack;               /* a walk of a tree: at most every entry */
    char *error;
};

static HRESULT corrupt(struct cfb *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static HRESULT corrupt(struct cfb *c, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(c->error, CFB_ERROR_SIZE, fmt, args);
    va_end(args);
    return STG_E_DOCFILECORRUPT;
}

static ULONG le32(const BYTE *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (ULONG)p[3] << 24;
}

static const BYTE *sector(const struct cfb *c, ULONG n)
{
    return c->data + (size_t)(n + 1) * c->sector_size;
}

/* Follows the chain from START in TABLE (ENTRIES long); *LENGTH its number
 * of links.  Fails when a link leaves the table or the chain runs longer
 * than the table, which only a loop can do. */
static HRESULT walk(struct cfb *c, const ULONG *table, ULONG entries, ULONG start, const char *what, ULONG *length)
{
    ULONG n = start;

    *length = 0;
    while (n != ENDOFCHAIN)
    {
        if (n >= entries) return corrupt(c, "%s: the chain leads to sector %u, outside the %u there are", what, n, entries);
        if (++*length > entries) return corrupt(c, "%s: the sector chain loops", what);
        n = table[n];
    }
    return S_OK;
}

static HRESULT load_fat(struct cfb *c, const BYTE *header)
{
    ULONG fat_sectors = le32(header + 0x2C), difat_next = le32(header + 0x44), difat_count = le32(header + 0x48);
    ULONG per_sector = c->sector_size / 4, i, have = 0, seen = 0;
    ULONG *fat_list;
    HRESULT hr = S_OK;

    if (fat_sectors > c->sectors) return corrupt(c, "the header declares %u FAT sectors in a file of %u", fat_sectors, c->sectors);
    if (!(fat_list = calloc(fat_sectors + 1, sizeof(*fat_list)))) return E_OUTOFMEMORY;
    for (i = 0; i < HEADER_DIFAT_ENTRIES && have < fat_sectors; i++) fat_list[have++] = le32(header + 0x4C + i * 4);
    while (have < fat_sectors && SUCCEEDED(hr))
    {
        /* each DIFAT sector: per_sector - 1 FAT sector numbers, then the next */
        if (difat_next >= c->sectors || ++seen > difat_count || seen > c->sectors)
        {
            hr = corrupt(c, "the DIFAT chain breaks after %u of %u FAT sectors", have, fat_sectors);
            break;
        }
        for (i = 0; i < per_sector - 1 && have < fat_sectors; i++) fat_list[have++] = le32(sector(c, difat_next) + i * 4);
        difat_next = le32(sector(c, difat_next) + (per_sector - 1) * 4);
    }
    if (SUCCEEDED(hr) && !(c->fat = malloc((size_t)c->sectors * sizeof(*c->fat)))) hr = E_OUTOFMEMORY;
    for (i = 0; SUCCEEDED(hr) && i < c->sectors; i++)
    {
        ULONG which = i / per_sector, next = FREESECT;
        if (which >= fat_sectors) next = FREESECT;
        else if (fat_list[which] >= c->sectors)
            hr = corrupt(c, "FAT sector %u lies outside the file", fat_list[which]);
        else
        {
            next = le32(sector(c, fat_list[which]) + (i % per_sector) * 4);
            /* special values are ends; anything else must be a sector of the file */
            if (next > MAXREGSECT && next != ENDOFCHAIN) next = ENDOFCHAIN;
        }
        if (SUCCEEDED(hr)) c->fat[i] = next;
    }
    free(fat_list);
    return hr;
}

/* Checks the directory tree from the root (iteratively, each entry once)
 * and the chain of every stream in it. */
static HRESULT check_tree(struct cfb *c, const BYTE *dir, ULONG count)
{
    BYTE *seen = calloc(count, 1);
    ULONG *stack = malloc((size_t)count * 3 * sizeof(*stack)), depth = 0, n;
    HRESULT hr = S_OK;

    if (!seen || !stack)
    {
        free(seen);
        free(stack);
        return E_OUTOFMEMORY;
    }
    stack[depth++] = 0;
    while (depth && SUCCEEDED(hr))
    {
        const BYTE *e;
        ULONG links[3], type, start, size, length, i;

        n = stack[--depth];
        if (n >= count) { hr = corrupt(c, "directory entry %u points outside the %u entries", n, count); break; }
        if (seen[n]++) { hr = corrupt(c, "the directory tree reaches entry %u twice", n); break; }
        e = dir + (size_t)n * DIR_ENTRY_SIZE;
        type = e[0x42];
        links[0] = le32(e + 0x44);
        links[1] = le32(e + 0x48);
        links[2] = le32(e + 0x4C);
        start = le32(e + 0x74);
        size = le32(e + 0x78);
        if (type == TYPE_STREAM)
        {
            if (size < MINI_STREAM_CUTOFF)
            {
                if (size && FAILED(hr = walk(c, c->minifat, c->minifat_entries, start, "a small stream", &length))) break;
                if ((ULONGLONG)length * MINI_SECTOR_SIZE < size)
                {
                    hr = corrupt(c, "directory entry %u: %u bytes do not fit its mini sectors", n, size);
                    break;
                }
            }
            else
            {
                if (FAILED(hr = walk(c, c->fat, c->sectors, start, "a stream", &length))) break;
                if ((ULONGLONG)length * c->sector_size < size)
                {
                    hr = corrupt(c, "directory entry %u: %u bytes in a chain of %u sectors", n, size, length);
                    break;
                }
            }
        }
        for (i = 0; i < 3; i++)
        {
            /* the child link means something only for storages */
            if (links[i] == NOSTREAM || (i == 2 && type != TYPE_STORAGE && type != TYPE_ROOT)) continue;
            stack[depth++] = links[i];
        }
    }
    free(seen);
    free(stack);
    return hr;
}

void cfb_close(struct cfb *c)
{
    if (!c) return;
    free(c->dir);
    free(c->fat);
    free(c->minifat);
    free(c->mini_sectors);
    free(c->stack);
    free(c);
}

/* cfb_open's work on C (freed by the caller on failure). */
static HRESULT open_cfb(struct cfb *c)
{
    const BYTE *data = c->data;
    ULONG shift, dir_length, minifat_length = 0, mini_stream_length = 0, i, s;
    HRESULT hr;

    if (c->size < HEADER_SIZE || memcmp(data, signature, sizeof(signature))) return STG_E_FILEALREADYEXISTS;
    shift = data[0x1E] | data[0x1F] << 8;
    if (shift != 9 && shift != 12) return corrupt(c, "sector shift %u is neither 9 nor 12", shift);
    c->sector_size = 1u << shift;
    if (c->size < c->sector_size) return corrupt(c, "shorter than one sector");
    c->sectors = (ULONG)((c->size - c->sector_size) / c->sector_size);

    if (FAILED(hr = load_fat(c, data))) return hr;
    if (FAILED(hr = walk(c, c->fat, c->sectors, le32(data + 0x30), "the directory", &dir_length))) return hr;
    if (!dir_length) return corrupt(c, "no directory");
    c->count = dir_length * (c->sector_size / DIR_ENTRY_SIZE);
    if (!(c->dir = malloc((size_t)dir_length * c->sector_size)) || !(c->stack = malloc((size_t)c->count * sizeof(*c->stack))))
        return E_OUTOFMEMORY;
    for (i = 0, s = le32(data + 0x30); i < dir_length; i++, s = c->fat[s])
        memcpy(c->dir + (size_t)i * c->sector_size, sector(c, s), c->sector_size);
    if (c->dir[0x42] != TYPE_ROOT) return corrupt(c, "the first directory entry is not the root");

    /* the mini FAT and the mini stream (the root entry's chain) */
    if (le32(data + 0x3C) != ENDOFCHAIN && le32(data + 0x40))
    {
        ULONG k;
        s = le32(data + 0x3C);
        if (FAILED(hr = walk(c, c->fat, c->sectors, s, "the mini FAT", &minifat_length))) return hr;
        c->minifat_entries = minifat_length * (c->sector_size / 4);
        if (!(c->minifat = malloc((size_t)c->minifat_entries * sizeof(*c->minifat)))) return E_OUTOFMEMORY;
        for (i = 0; i < minifat_length; i++, s = c->fat[s])
            for (k = 0; k < c->sector_size / 4; k++)
            {
                ULONG next = le32(sector(c, s) + k * 4);
                c->minifat[i * (c->sector_size / 4) + k] = next > MAXREGSECT ? ENDOFCHAIN : next;
            }
    }
    if (le32(c->dir + 0x78) &&
        FAILED(hr = walk(c, c->fat, c->sectors, le32(c->dir + 0x74), "the mini stream", &mini_stream_length)))
        return hr;
    if (mini_stream_length)
    {
        if (!(c->mini_sectors = malloc((size_t)mini_stream_length * sizeof(*c->mini_sectors)))) return E_OUTOFMEMORY;
        for (i = 0, s = le32(c->dir + 0x74); i < mini_stream_length; i++, s = c->fat[s]) c->mini_sectors[i] = s;
        c->mini_sector_count = mini_stream_length;
    }
    /* a mini sector must lie inside the mini stream as well as the mini FAT */
    if (c->minifat_entries > mini_stream_length * (c->sector_size / MINI_SECTOR_SIZE))
        c->minifat_entries = mini_stream_length * (c->sector_size / MINI_SECTOR_SIZE);
    return check_tree(c, c->dir, c->count);
}

HRESULT cfb_open(const BYTE *data, size_t size, struct cfb **file, char error[CFB_ERROR_SIZE])
{
    struct cfb *c = calloc(1, sizeof(*c));
    HRESULT hr;

    *file = NULL;
    error[0] = 0;
    if (!c) return E_OUTOFMEMORY;
    c->data = data;
    c->size = size;
    c->error = error;
    if (FAILED(hr = open_cfb(c))) cfb_close(c);
    else *file = c;
    return hr;
}

static const BYTE *entry_of(const struct cfb *c, ULONG entry)
{
    return c->dir + (size_t)entry * DIR_ENTRY_SIZE;
}

int cfb_type(const struct cfb *c, ULONG entry)
{
    return entry < c->count ? entry_of(c, entry)[0x42] : 0;
}

void cfb_name(const struct cfb *c, ULONG entry, WCHAR name[CFB_NAME_SIZE])
{
    const BYTE *e = entry_of(c, entry);
    ULONG length = (e[0x40] | e[0x41] << 8) / 2, i;

    /* the length counts the terminator */
    if (length) length--;
    if (length > CFB_NAME_SIZE - 1) length = CFB_NAME_SIZE - 1;
    for (i = 0; i < length; i++) name[i] = e[i * 2] | e[i * 2 + 1] << 8;
    name[length] = 0;
}

void cfb_clsid(const struct cfb *c, ULONG entry, GUID *clsid)
{
    memcpy(clsid, entry_of(c, entry) + 0x50, sizeof(*clsid));
}

WCHAR cfb_name_upper(WCHAR ch)
{
    return ch >= 'a' && ch <= 'z' ? ch - 'a' + 'A' : ch;
}

/* Calls VISIT on each entry of the tree under NODE (siblings of a storage's
 * child), in order, until it says stop.  The tree was checked: each entry
 * is reached once, so the stack holds at most every entry. */
static void walk_siblings(const struct cfb *c, ULONG node, BOOL (*visit)(void *ctx, ULONG entry), void *ctx)
{
    ULONG depth = 0;

    /* in order, without recursion: left subtree, the entry, right subtree */
    while (node != NOSTREAM || depth)
    {
        if (node != NOSTREAM)
        {
            c->stack[depth++] = node;
            node = le32(entry_of(c, node) + 0x44);
            continue;
        }
        node = c->stack[--depth];
        if (!visit(ctx, node)) return;
        node = le32(entry_of(c, node) + 0x48);
    }
}

struct name_search
{
    const struct cfb *file;
    const char *name;
    size_t length;
    ULONG found;
};

/* Compares the entry's name in place: its length first, then each
 * character without case. */
static BOOL match_name(void *ctx, ULONG entry)
{
    struct name_search *search = ctx;
    const BYTE *e = entry_of(search->file, entry);
    size_t i;

    /* the length counts the terminator, in bytes */
    if ((size_t)(e[0x40] | e[0x41] << 8) != (search->length + 1) * 2 || !e[0x42]) return TRUE;
    for (i = 0; i < search->length; i++)
        if (cfb_name_upper(e[i * 2] | e[i * 2 + 1] << 8) != cfb_name_upper((BYTE)search->name[i])) return TRUE;
    search->found = entry;
    return FALSE;
}

/* MS-CFB's order of names (2.6.4): the shorter first, then character by
 * character in upper case.  Below zero when ENTRY's name comes before
 * NAME (LENGTH characters). */
static int compare_name(const struct cfb *c, ULONG entry, const char *name, size_t length)
{
    const BYTE *e = entry_of(c, entry);
    size_t bytes = e[0x40] | e[0x41] << 8, chars = bytes ? bytes / 2 - 1 : 0, i;

    if (chars != length) return chars < length ? -1 : 1;
    for (i = 0; i < length; i++)
    {
        WCHAR a = cfb_name_upper(e[i * 2] | e[i * 2 + 1] << 8), b = cfb_name_upper((BYTE)name[i]);
        if (a != b) return a < b ? -1 : 1;
    }
    return 0;
}

ULONG cfb_find(const struct cfb *c, ULONG storage, const char *name)
{
    struct name_search search = {c, name, strlen(name), CFB_NONE};
    ULONG node = le32(entry_of(c, storage) + 0x4C), steps = 0;

    /* down the tree as its order says: a storage of 100,000 recipients is
     * some 17 steps; the tree was checked, so each step is a new entry */
    while (node != NOSTREAM && steps++ < c->count)
    {
        int order = compare_name(c, node, name, search.length);
        if (!order) return entry_of(c, node)[0x42] ? node : CFB_NONE;
        node = le32(entry_of(c, node) + (order > 0 ? 0x44 : 0x48));
    }
    /* a tree its writer did not keep in order: every entry looked at */
    walk_siblings(c, le32(entry_of(c, storage) + 0x4C), match_name, &search);
    return search.found;
}

struct child_list
{
    ULONG *entries, count;
};

static BOOL add_child(void *ctx, ULONG entry)
{
    struct child_list *list = ctx;

    list->entries[list->count++] = entry;
    return TRUE;
}

HRESULT cfb_children(const struct cfb *c, ULONG storage, ULONG **entries, ULONG *count)
{
    struct child_list list = {NULL, 0};
    ULONG child = le32(entry_of(c, storage) + 0x4C);

    *entries = NULL;
    *count = 0;
    if (child == NOSTREAM) return S_OK;
    if (!(list.entries = malloc((size_t)c->count * sizeof(*list.entries)))) return E_OUTOFMEMORY;
    walk_siblings(c, child, add_child, &list);
    *entries = list.entries;
    *count = list.count;
    return S_OK;
}

HRESULT cfb_read(const struct cfb *c, ULONG entry, BYTE **data, ULONG *size)
{
    const BYTE *e = entry_of(c, entry);
    ULONG length = le32(e + 0x78), n = le32(e + 0x74), done = 0;
    /* checked: a small stream's mini sectors lie in the mini stream, a
     * stream's sectors in the file, each chain long enough */
    BOOL in_mini = length < MINI_STREAM_CUTOFF;
    ULONG unit = in_mini ? MINI_SECTOR_SIZE : c->sector_size;

    *data = NULL;
    *size = 0;
    if (!length) return S_OK;
    if (!(*data = malloc(length))) return E_OUTOFMEMORY;
    while (done < length)
    {
        ULONG part = length - done < unit ? length - done : unit;
        const BYTE *from;

        if (in_mini)
        {
            ULONG offset = n * MINI_SECTOR_SIZE;
            from = sector(c, c->mini_sectors[offset / c->sector_size]) + offset % c->sector_size;
            n = c->minifat[n];
        }
        else
        {
            from = sector(c, n);
            n = c->fat[n];
        }
        memcpy(*data + done, from, part);
        done += part;
    }
    *size = length;
    return S_OK;
}
