/*
 * Unit tests of hotfix/cfbwrite: files written and read back by cfb.c
 * (which checks every chain first): streams on both sides of the mini
 * stream cutoff and empty ones, storages within storages, a class, names
 * found through the tree in any case, a file large enough that its FAT
 * sectors spill from the header into DIFAT sectors, and the names a
 * compound file cannot hold.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cfb.h"
#include "cfbwrite.h"
#include "cmocka_wine.h"

/* SIZE bytes, byte I of them I * SEED, for telling streams apart. */
static BYTE *pattern(ULONG size, BYTE seed)
{
    BYTE *data = malloc(size ? size : 1);
    ULONG i;

    assert_non_null(data);
    for (i = 0; i < size; i++) data[i] = (BYTE)(i * seed + seed);
    return data;
}

static void widen(const char *name, WCHAR *out)
{
    while ((*out++ = (BYTE)*name++)) continue;
}

/* Checks that stream NAME of STORAGE in FILE holds SIZE bytes of
 * pattern(SIZE, SEED). */
static void expect_stream(const struct cfb *file, ULONG storage, const char *name, ULONG size, BYTE seed)
{
    ULONG entry = cfb_find(file, storage, name), got = 0;
    BYTE *data = NULL, *want = pattern(size, seed);

    if (entry == CFB_NONE) fail_msg("stream %s not found", name);
    assert_int_equal(cfb_type(file, entry), CFB_TYPE_STREAM);
    assert_int_equal(cfb_read(file, entry, &data, &got), S_OK);
    assert_int_equal(got, size);
    if (size) assert_memory_equal(data, want, size);
    free(data);
    free(want);
}

/* Writes W out and opens it: *BYTES holds the file (caller frees both). */
static struct cfb *finish_and_open(struct cfb_writer *w, BYTE **bytes)
{
    char error[CFB_ERROR_SIZE];
    struct cfb *file = NULL;
    size_t size;

    assert_int_equal(cfbw_finish(w, bytes, &size), S_OK);
    assert_int_equal(size % 512, 0);
    if (cfb_open(*bytes, size, &file, error) != S_OK) fail_msg("written file refused: %s", error);
    return file;
}

static void streams_and_storages_read_back(void **state)
{
    static const ULONG sizes[] = {0, 1, 63, 64, 65, 4095, 4096, 4097, 70000};
    static const GUID clsid = {0x00020D0B, 0, 0, {0xC0, 0, 0, 0, 0, 0, 0, 0x46}};
    struct cfb_writer w;
    struct cfb *file;
    WCHAR wname[CFB_NAME_SIZE];
    ULONG sub, inner, entry, i;
    BYTE *bytes, *data;
    GUID read_clsid;
    char name[32];
    (void)state;

    assert_int_equal(cfbw_init(&w), S_OK);
    for (i = 0; i < ARRAYSIZE(sizes); i++)
    {
        snprintf(name, sizeof(name), "stream%u", sizes[i]);
        widen(name, wname);
        data = pattern(sizes[i], (BYTE)(i + 1));
        assert_int_equal(cfbw_add_stream(&w, CFB_ROOT, wname, data, sizes[i]), S_OK);
        free(data);
    }
    widen("__substg1.0_3701000D", wname);
    assert_int_equal(cfbw_add_storage(&w, CFB_ROOT, wname, &sub), S_OK);
    cfbw_set_class(&w, sub, &clsid);
    widen("inner", wname);
    assert_int_equal(cfbw_add_storage(&w, sub, wname, &inner), S_OK);
    widen("deep", wname);
    data = pattern(5000, 99);
    assert_int_equal(cfbw_add_stream(&w, inner, wname, data, 5000), S_OK);
    free(data);

    file = finish_and_open(&w, &bytes);
    for (i = 0; i < ARRAYSIZE(sizes); i++)
    {
        snprintf(name, sizeof(name), "stream%u", sizes[i]);
        expect_stream(file, CFB_ROOT, name, sizes[i], (BYTE)(i + 1));
    }
    /* found whatever the case, as MS-CFB compares names */
    assert_int_not_equal(entry = cfb_find(file, CFB_ROOT, "__SUBSTG1.0_3701000d"), CFB_NONE);
    assert_int_equal(cfb_type(file, entry), CFB_TYPE_STORAGE);
    cfb_clsid(file, entry, &read_clsid);
    assert_true(IsEqualGUID(&read_clsid, &clsid));
    assert_int_not_equal(inner = cfb_find(file, entry, "inner"), CFB_NONE);
    expect_stream(file, inner, "deep", 5000, 99);
    assert_int_equal(cfb_find(file, CFB_ROOT, "deep"), CFB_NONE);
    cfb_close(file);
    free(bytes);
    cfbw_free(&w);
}

/* Entry I of the file BYTES, whose directory runs through consecutive
 * sectors, as cfbwrite lays it out. */
static const BYTE *entry_at(const BYTE *bytes, ULONG i)
{
    ULONG first_dir = bytes[0x30] | bytes[0x31] << 8 | bytes[0x32] << 16 | (ULONG)bytes[0x33] << 24;

    return bytes + 512 + (size_t)first_dir * 512 + (size_t)i * 128;
}

static ULONG field(const BYTE *entry, ULONG offset)
{
    return entry[offset] | entry[offset + 1] << 8 | entry[offset + 2] << 16 | (ULONG)entry[offset + 3] << 24;
}

/* The black height of the tree under NODE, checking that it is one: no
 * red entry with a red child, as many black entries on every path.
 * Counts the entries in *SEEN. */
static ULONG black_height(const BYTE *bytes, ULONG node, ULONG *seen)
{
    const BYTE *e;
    ULONG left, right;

    if (node == CFB_NONE) return 1;
    (*seen)++;
    e = entry_at(bytes, node);
    left = black_height(bytes, field(e, 0x44), seen);
    right = black_height(bytes, field(e, 0x48), seen);
    assert_int_equal(left, right);
    if (!e[0x43])
    {
        if (field(e, 0x44) != CFB_NONE) assert_int_equal(entry_at(bytes, field(e, 0x44))[0x43], 1);
        if (field(e, 0x48) != CFB_NONE) assert_int_equal(entry_at(bytes, field(e, 0x48))[0x43], 1);
    }
    return left + e[0x43];
}

/* 10,000 storages under one: each found down the tree, all listed, the
 * tree a red-black one. */
static void many_children_are_found_by_name(void **state)
{
    struct cfb_writer w;
    struct cfb *file;
    WCHAR wname[CFB_NAME_SIZE];
    ULONG i, row, *children = NULL, count = 0;
    BYTE *bytes;
    char name[40];
    (void)state;

    assert_int_equal(cfbw_init(&w), S_OK);
    for (i = 0; i < 10000; i++)
    {
        /* added out of order: the writer sorts */
        snprintf(name, sizeof(name), "__recip_version1.0_#%08X", (i * 7919) % 10000);
        widen(name, wname);
        assert_int_equal(cfbw_add_storage(&w, CFB_ROOT, wname, &row), S_OK);
        widen("__properties_version1.0", wname);
        assert_int_equal(cfbw_add_stream(&w, row, wname, name, 8), S_OK);
    }
    file = finish_and_open(&w, &bytes);
    for (i = 0; i < 10000; i++)
    {
        snprintf(name, sizeof(name), "__recip_version1.0_#%08X", i);
        if ((row = cfb_find(file, CFB_ROOT, name)) == CFB_NONE) fail_msg("%s not found", name);
    }
    assert_int_equal(cfb_children(file, CFB_ROOT, &children, &count), S_OK);
    assert_int_equal(count, 10000);
    /* in the tree's order, the names ascend (cfb_children walks it) */
    for (i = 0; i < count; i++)
    {
        WCHAR got[CFB_NAME_SIZE];
        cfb_name(file, children[i], got);
        snprintf(name, sizeof(name), "__recip_version1.0_#%08X", i);
        widen(name, wname);
        assert_memory_equal(got, wname, (strlen(name) + 1) * sizeof(WCHAR));
    }
    count = 0;
    black_height(bytes, field(entry_at(bytes, CFB_ROOT), 0x4C), &count);
    assert_int_equal(count, 10000);
    free(children);
    cfb_close(file);
    free(bytes);
    cfbw_free(&w);
}

/* 8 MB of streams: more FAT sectors than the header's 109 slots name. */
static void a_large_file_keeps_its_fat_in_difat_sectors(void **state)
{
    struct cfb_writer w;
    struct cfb *file;
    WCHAR wname[CFB_NAME_SIZE];
    BYTE *bytes, *data = pattern(4 << 20, 7);
    (void)state;

    assert_int_equal(cfbw_init(&w), S_OK);
    widen("first", wname);
    assert_int_equal(cfbw_add_stream(&w, CFB_ROOT, wname, data, 4 << 20), S_OK);
    free(data);
    data = pattern(4 << 20, 13);
    widen("second", wname);
    assert_int_equal(cfbw_add_stream(&w, CFB_ROOT, wname, data, 4 << 20), S_OK);
    free(data);
    file = finish_and_open(&w, &bytes);
    /* 8 MB is 16,384 sectors: 130 FAT sectors (theirs counted), the 21
     * past the header's 109 named in one DIFAT sector */
    assert_int_equal(bytes[0x2C] | bytes[0x2D] << 8, 130);
    assert_int_equal(bytes[0x48], 1);
    expect_stream(file, CFB_ROOT, "first", 4 << 20, 7);
    expect_stream(file, CFB_ROOT, "second", 4 << 20, 13);
    cfb_close(file);
    free(bytes);
    cfbw_free(&w);
}

static void names_a_compound_file_cannot_hold_are_refused(void **state)
{
    struct cfb_writer w;
    WCHAR wname[40];
    ULONG sub;
    (void)state;

    assert_int_equal(cfbw_init(&w), S_OK);
    widen("a_name_of_thirty_two_characters_", wname);
    assert_int_equal(cfbw_add_storage(&w, CFB_ROOT, wname, &sub), STG_E_INVALIDNAME);
    assert_int_equal(cfbw_add_stream(&w, CFB_ROOT, wname, "x", 1), STG_E_INVALIDNAME);
    widen("thirty_one_characters_is_enough", wname);
    assert_int_equal(cfbw_add_stream(&w, CFB_ROOT, wname, "x", 1), S_OK);
    cfbw_free(&w);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(streams_and_storages_read_back),
        cmocka_unit_test(many_children_are_found_by_name),
        cmocka_unit_test(a_large_file_keeps_its_fat_in_difat_sectors),
        cmocka_unit_test(names_a_compound_file_cannot_hold_are_refused),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("cfbwrite", tests, NULL, NULL));
}
