/*
 * cfbcheck: MS-CFB sanity: header, DIFAT, FAT, mini FAT, directory tree.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cfbcheck.h"

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
#define TYPE_STORAGE 1
#define TYPE_STREAM 2
#define TYPE_ROOT 5

static const BYTE signature[8] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1};

struct cfb
{
    const BYTE *data;
    size_t size;
    ULONG sector_size, sectors; /* whole sectors after the header */
    ULONG *fat;                 /* next sector of each sector */
    ULONG *minifat;
    ULONG minifat_entries;
    char *error;
};

static HRESULT corrupt(struct cfb *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static HRESULT corrupt(struct cfb *c, const char *fmt, ...)
{
    va_list args;

    va_start(args, fmt);
    vsnprintf(c->error, CFBCHECK_ERROR_SIZE, fmt, args);
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

HRESULT cfbcheck_data(const BYTE *data, size_t size, char error[CFBCHECK_ERROR_SIZE])
{
    struct cfb c = {data, size, 0, 0, NULL, NULL, 0, error};
    ULONG shift, dir_length, minifat_length = 0, mini_stream_length = 0, count, i, s;
    BYTE *dir = NULL;
    HRESULT hr;

    error[0] = 0;
    if (size < HEADER_SIZE || memcmp(data, signature, sizeof(signature))) return STG_E_FILEALREADYEXISTS;
    shift = data[0x1E] | data[0x1F] << 8;
    if (shift != 9 && shift != 12) return corrupt(&c, "sector shift %u is neither 9 nor 12", shift);
    c.sector_size = 1u << shift;
    if (size < c.sector_size) return corrupt(&c, "shorter than one sector");
    c.sectors = (ULONG)((size - c.sector_size) / c.sector_size);

    if (FAILED(hr = load_fat(&c, data))) goto done;
    if (FAILED(hr = walk(&c, c.fat, c.sectors, le32(data + 0x30), "the directory", &dir_length))) goto done;
    if (!dir_length) { hr = corrupt(&c, "no directory"); goto done; }
    count = dir_length * (c.sector_size / DIR_ENTRY_SIZE);
    if (!(dir = malloc((size_t)dir_length * c.sector_size))) { hr = E_OUTOFMEMORY; goto done; }
    for (i = 0, s = le32(data + 0x30); i < dir_length; i++, s = c.fat[s])
        memcpy(dir + (size_t)i * c.sector_size, sector(&c, s), c.sector_size);
    if (dir[0x42] != TYPE_ROOT) { hr = corrupt(&c, "the first directory entry is not the root"); goto done; }

    /* the mini FAT and the mini stream (the root entry's chain) */
    if (le32(data + 0x3C) != ENDOFCHAIN && le32(data + 0x40))
    {
        ULONG k;
        s = le32(data + 0x3C);
        if (FAILED(hr = walk(&c, c.fat, c.sectors, s, "the mini FAT", &minifat_length))) goto done;
        c.minifat_entries = minifat_length * (c.sector_size / 4);
        if (!(c.minifat = malloc((size_t)c.minifat_entries * sizeof(*c.minifat)))) { hr = E_OUTOFMEMORY; goto done; }
        for (i = 0; i < minifat_length; i++, s = c.fat[s])
            for (k = 0; k < c.sector_size / 4; k++)
            {
                ULONG next = le32(sector(&c, s) + k * 4);
                c.minifat[i * (c.sector_size / 4) + k] = next > MAXREGSECT ? ENDOFCHAIN : next;
            }
    }
    if (le32(dir + 0x78) &&
        FAILED(hr = walk(&c, c.fat, c.sectors, le32(dir + 0x74), "the mini stream", &mini_stream_length)))
        goto done;
    /* a mini sector must lie inside the mini stream as well as the mini FAT */
    if (c.minifat_entries > mini_stream_length * (c.sector_size / MINI_SECTOR_SIZE))
        c.minifat_entries = mini_stream_length * (c.sector_size / MINI_SECTOR_SIZE);
    hr = check_tree(&c, dir, count);
done:
    free(dir);
    free(c.fat);
    free(c.minifat);
    return hr;
}
