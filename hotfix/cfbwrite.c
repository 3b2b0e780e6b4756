/*
 * cfbwrite: a compound file built in memory (cfbwrite.h).  The layout, in
 * sector order: the big streams, the mini stream, the mini FAT, the
 * directory, the FAT, the DIFAT; every chain runs through consecutive
 * sectors.
 */
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cfbwrite.h"
#include "grow.h"

#define SECTOR 512u
#define MINI_SECTOR 64u
#define MINI_CUTOFF 4096u
#define ENTRY_BYTES 128u
#define IDS_PER_SECTOR (SECTOR / 4)
#define HEADER_DIFAT 109u
#define DIFSECT 0xFFFFFFFCu
#define FATSECT 0xFFFFFFFDu
#define ENDOFCHAIN 0xFFFFFFFEu
#define FREESECT 0xFFFFFFFFu
#define NOSTREAM 0xFFFFFFFFu
#define COLOR_RED 0
#define COLOR_BLACK 1
/* a version 3 file's sizes are 32-bit: no file, so no stream, past this */
#define FILE_MAX 0xFFFFFE00ull

struct cfbw_entry
{
    WCHAR name[CFB_NAME_SIZE];
    ULONG name_chars;
    BYTE type;  /* enum cfb_type */
    BYTE color;
    GUID clsid;
    BYTE *data; /* a stream's bytes */
    ULONG size;
    ULONG first_child, next_sibling; /* as added */
    ULONG left, right, child;        /* the tree, made by cfbw_finish */
    ULONG start;                     /* first sector, or mini sector */
};

/* MS-CFB's order of names (2.6.4): the shorter first, then character by
 * character as cfb.c finds them. */
static int compare_entries(const struct cfbw_entry *a, const struct cfbw_entry *b)
{
    ULONG i;

    if (a->name_chars != b->name_chars) return a->name_chars < b->name_chars ? -1 : 1;
    for (i = 0; i < a->name_chars; i++)
    {
        WCHAR x = cfb_name_upper(a->name[i]), y = cfb_name_upper(b->name[i]);
        if (x != y) return x < y ? -1 : 1;
    }
    return 0;
}

/* Adds an entry of TYPE named NAME under PARENT (CFB_NONE for the root). */
static HRESULT add_entry(struct cfb_writer *w, ULONG parent, const WCHAR *name, BYTE type, ULONG *index)
{
    struct cfbw_entry *e;
    ULONG chars = 0;

    while (name[chars] && chars < CFB_NAME_SIZE) chars++;
    if (chars >= CFB_NAME_SIZE) return STG_E_INVALIDNAME;
    if (!grow_for_one(&w->entries, &w->capacity, w->count, sizeof(*w->entries), 64)) return E_OUTOFMEMORY;
    e = &w->entries[w->count];
    memset(e, 0, sizeof(*e));
    memcpy(e->name, name, chars * sizeof(WCHAR));
    e->name_chars = chars;
    e->type = type;
    e->first_child = e->next_sibling = e->left = e->right = e->child = NOSTREAM;
    e->start = ENDOFCHAIN;
    if (parent != CFB_NONE)
    {
        e->next_sibling = w->entries[parent].first_child;
        w->entries[parent].first_child = w->count;
    }
    *index = w->count++;
    return S_OK;
}

HRESULT cfbw_init(struct cfb_writer *w)
{
    static const WCHAR root[] = {'R', 'o', 'o', 't', ' ', 'E', 'n', 't', 'r', 'y', 0};
    ULONG index;
    HRESULT hr;

    memset(w, 0, sizeof(*w));
    /* in no tree: black, as MS-CFB has the root */
    if (SUCCEEDED(hr = add_entry(w, CFB_NONE, root, CFB_TYPE_ROOT, &index))) w->entries[index].color = COLOR_BLACK;
    return hr;
}

void cfbw_free(struct cfb_writer *w)
{
    ULONG i;

    for (i = 0; i < w->count; i++) free(w->entries[i].data);
    free(w->entries);
    memset(w, 0, sizeof(*w));
}

HRESULT cfbw_add_storage(struct cfb_writer *w, ULONG parent, const WCHAR *name, ULONG *storage)
{
    return add_entry(w, parent, name, CFB_TYPE_STORAGE, storage);
}

HRESULT cfbw_add_stream(struct cfb_writer *w, ULONG parent, const WCHAR *name, const void *data, ULONG size)
{
    BYTE *copy = NULL;
    ULONG index;
    HRESULT hr;

    if (size > FILE_MAX) return STG_E_MEDIUMFULL;
    if (size && !(copy = malloc(size))) return E_OUTOFMEMORY;
    if (FAILED(hr = add_entry(w, parent, name, CFB_TYPE_STREAM, &index)))
    {
        free(copy);
        return hr;
    }
    if (size) memcpy(copy, data, size);
    w->entries[index].data = copy;
    w->entries[index].size = size;
    return S_OK;
}

void cfbw_set_class(struct cfb_writer *w, ULONG storage, const GUID *clsid)
{
    w->entries[storage].clsid = *clsid;
}

/* Sorts the COUNT entry indices at ITEMS by name (merge sort through
 * SPARE, of the same size). */
static void sort_by_name(const struct cfb_writer *w, ULONG *items, ULONG *spare, ULONG count)
{
    ULONG width, i;

    for (width = 1; width < count; width *= 2)
    {
        for (i = 0; i < count; i += 2 * width)
        {
            ULONG mid = min(i + width, count), end = min(i + 2 * width, count), a = i, b = mid, k = i;
            while (a < mid || b < end)
                spare[k++] = b >= end || (a < mid && compare_entries(&w->entries[items[a]], &w->entries[items[b]]) <= 0)
                                 ? items[a++]
                                 : items[b++];
        }
        memcpy(items, spare, count * sizeof(*items));
    }
}

/* The tree of the sorted ITEMS FIRST..END-1: the middle one its root,
 * each half the same way, so that every missing child is on the last
 * level or the one above it.  The last level (LEVEL counts from 1) is
 * red, the rest black: every path then holds as many black entries, and
 * no red entry has a red child. */
static ULONG make_tree(struct cfb_writer *w, const ULONG *items, ULONG first, ULONG end, ULONG level, ULONG last_level)
{
    ULONG middle = first + (end - first) / 2;
    struct cfbw_entry *e;

    if (first >= end) return NOSTREAM;
    e = &w->entries[items[middle]];
    e->color = level == last_level && level > 1 ? COLOR_RED : COLOR_BLACK;
    e->left = make_tree(w, items, first, middle, level + 1, last_level);
    e->right = make_tree(w, items, middle + 1, end, level + 1, last_level);
    return items[middle];
}

/* Makes the tree of every storage's children.  S_OK or E_OUTOFMEMORY. */
static HRESULT make_trees(struct cfb_writer *w)
{
    ULONG *items = malloc(w->count * sizeof(*items) * 2), i;

    if (!items) return E_OUTOFMEMORY;
    for (i = 0; i < w->count; i++)
    {
        struct cfbw_entry *storage = &w->entries[i];
        ULONG count = 0, child, levels = 0;

        for (child = storage->first_child; child != NOSTREAM; child = w->entries[child].next_sibling)
            items[count++] = child;
        if (!count) continue;
        sort_by_name(w, items, items + w->count, count);
        while (count >> levels) levels++;
        storage->child = make_tree(w, items, 0, count, 1, levels);
    }
    free(items);
    return S_OK;
}

static void put16(BYTE *p, ULONG v)
{
    p[0] = v & 0xff;
    p[1] = (v >> 8) & 0xff;
}

static void put32(BYTE *p, ULONG v)
{
    put16(p, v & 0xffff);
    put16(p + 2, v >> 16);
}

/* A chain of COUNT consecutive sectors from FIRST in TABLE. */
static void put_chain(BYTE *table, ULONG first, ULONG count)
{
    ULONG i;

    for (i = 0; i < count; i++) put32(table + (first + i) * 4, i + 1 < count ? first + i + 1 : ENDOFCHAIN);
}

static ULONG sectors_for(ULONGLONG bytes, ULONG unit)
{
    return (ULONG)((bytes + unit - 1) / unit);
}

/* Entry E's 128 bytes at OUT. */
static void put_entry(BYTE *out, const struct cfbw_entry *e)
{
    ULONG i;

    for (i = 0; i < e->name_chars; i++) put16(out + i * 2, e->name[i]);
    put16(out + 0x40, (e->name_chars + 1) * 2);
    out[0x42] = e->type;
    out[0x43] = e->color;
    put32(out + 0x44, e->left);
    put32(out + 0x48, e->right);
    put32(out + 0x4C, e->child);
    memcpy(out + 0x50, &e->clsid, sizeof(e->clsid));
    put32(out + 0x74, e->type == CFB_TYPE_STORAGE ? 0 : e->start);
    put32(out + 0x78, e->size);
}

HRESULT cfbw_finish(struct cfb_writer *w, BYTE **file, size_t *size)
{
    static const BYTE signature[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};
    ULONG big = 0, mini = 0, mini_stream, minifat, dir, fat = 0, difat = 0, total, i, next_big, next_mini;
    ULONG first_mini, first_minifat, first_dir, first_fat, first_difat;
    ULONGLONG need;
    BYTE *out, *table, *minifat_table, *mini_data;
    HRESULT hr;

    *file = NULL;
    *size = 0;
    if (FAILED(hr = make_trees(w))) return hr;
    for (i = 1; i < w->count; i++)
    {
        const struct cfbw_entry *e = &w->entries[i];
        if (e->type != CFB_TYPE_STREAM || !e->size) continue;
        if (e->size < MINI_CUTOFF) mini += sectors_for(e->size, MINI_SECTOR);
        else big += sectors_for(e->size, SECTOR);
        if ((ULONGLONG)big * SECTOR + (ULONGLONG)mini * MINI_SECTOR > FILE_MAX) return STG_E_MEDIUMFULL;
    }
    mini_stream = sectors_for((ULONGLONG)mini * MINI_SECTOR, SECTOR);
    minifat = sectors_for((ULONGLONG)mini * 4, SECTOR);
    dir = sectors_for((ULONGLONG)w->count * ENTRY_BYTES, SECTOR);
    /* the FAT counts its own sectors and the DIFAT's */
    for (;;)
    {
        ULONG fat_next, difat_next;
        total = big + mini_stream + minifat + dir + fat + difat;
        fat_next = sectors_for((ULONGLONG)total, IDS_PER_SECTOR);
        difat_next = fat_next > HEADER_DIFAT ? sectors_for(fat_next - HEADER_DIFAT, IDS_PER_SECTOR - 1) : 0;
        if (fat_next == fat && difat_next == difat) break;
        fat = fat_next;
        difat = difat_next;
    }
    need = (ULONGLONG)(1 + total) * SECTOR;
    if (need > FILE_MAX) return STG_E_MEDIUMFULL;
    if (!(out = calloc(1, (size_t)need))) return E_OUTOFMEMORY;

    first_mini = big;
    first_minifat = first_mini + mini_stream;
    first_dir = first_minifat + minifat;
    first_fat = first_dir + dir;
    first_difat = first_fat + fat;
#define SECTOR_AT(n) (out + SECTOR + (size_t)(n) * SECTOR)
    table = SECTOR_AT(first_fat);
    minifat_table = SECTOR_AT(first_minifat);
    mini_data = SECTOR_AT(first_mini);
    memset(table, 0xff, (size_t)fat * SECTOR);
    memset(minifat_table, 0xff, (size_t)minifat * SECTOR);

    /* the streams, each a run of sectors or of mini sectors */
    next_big = next_mini = 0;
    for (i = 1; i < w->count; i++)
    {
        struct cfbw_entry *e = &w->entries[i];
        ULONG count;
        if (e->type != CFB_TYPE_STREAM || !e->size) continue;
        if (e->size < MINI_CUTOFF)
        {
            count = sectors_for(e->size, MINI_SECTOR);
            e->start = next_mini;
            memcpy(mini_data + (size_t)next_mini * MINI_SECTOR, e->data, e->size);
            put_chain(minifat_table, next_mini, count);
            next_mini += count;
        }
        else
        {
            count = sectors_for(e->size, SECTOR);
            e->start = next_big;
            memcpy(SECTOR_AT(next_big), e->data, e->size);
            put_chain(table, next_big, count);
            next_big += count;
        }
    }
    /* the root holds the mini stream */
    w->entries[CFB_ROOT].start = mini ? first_mini : ENDOFCHAIN;
    w->entries[CFB_ROOT].size = mini * MINI_SECTOR;
    put_chain(table, first_mini, mini_stream);
    put_chain(table, first_minifat, minifat);
    put_chain(table, first_dir, dir);
    for (i = 0; i < fat; i++) put32(table + (first_fat + i) * 4, FATSECT);
    for (i = 0; i < difat; i++) put32(table + (first_difat + i) * 4, DIFSECT);

    /* the directory; the rest of its last sector, unused entries */
    for (i = 0; i < dir * (SECTOR / ENTRY_BYTES); i++)
    {
        BYTE *entry = SECTOR_AT(first_dir) + (size_t)i * ENTRY_BYTES;
        if (i < w->count)
            put_entry(entry, &w->entries[i]);
        else
        {
            put32(entry + 0x44, NOSTREAM);
            put32(entry + 0x48, NOSTREAM);
            put32(entry + 0x4C, NOSTREAM);
        }
    }

    /* the header, and the FAT's sectors past the header's 109 in the DIFAT */
    memcpy(out, signature, sizeof(signature));
    put16(out + 0x18, 0x003E);
    put16(out + 0x1A, 0x0003);
    put16(out + 0x1C, 0xFFFE);
    put16(out + 0x1E, 9);
    put16(out + 0x20, 6);
    put32(out + 0x2C, fat);
    put32(out + 0x30, first_dir);
    put32(out + 0x38, MINI_CUTOFF);
    put32(out + 0x3C, minifat ? first_minifat : ENDOFCHAIN);
    put32(out + 0x40, minifat);
    put32(out + 0x44, difat ? first_difat : ENDOFCHAIN);
    put32(out + 0x48, difat);
    for (i = 0; i < HEADER_DIFAT; i++) put32(out + 0x4C + i * 4, i < fat ? first_fat + i : FREESECT);
    memset(SECTOR_AT(first_difat), 0xff, (size_t)difat * SECTOR);
    for (i = HEADER_DIFAT; i < fat; i++)
    {
        ULONG slot = i - HEADER_DIFAT, sector = slot / (IDS_PER_SECTOR - 1);
        put32(SECTOR_AT(first_difat + sector) + (slot % (IDS_PER_SECTOR - 1)) * 4, first_fat + i);
    }
    for (i = 0; i < difat; i++)
        put32(SECTOR_AT(first_difat + i) + (IDS_PER_SECTOR - 1) * 4, i + 1 < difat ? first_difat + i + 1 : ENDOFCHAIN);
#undef SECTOR_AT
    *file = out;
    *size = (size_t)need;
    return S_OK;
}
