/*
 * Unit tests of hotfix/msgfile and hotfix/msgtext: a message written and
 * read back in one process, and every malformed input refused with an
 * error that names the file and the stream or property, never a crash.
 */
#define COBJMACROS
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <objbase.h>

#include "cmocka_wine.h"
#include "msgfile.h"
#include "msgtext.h"
#include "sample_text.h"

#define TEST_MSG "test_msgfile.msg"

/* Formats MESSAGE into a new string; caller frees. */
static char *format_message(const struct mapi_message *message)
{
    char *text = NULL;
    size_t size = 0;
    FILE *out = open_memstream(&text, &size);

    assert_non_null(out);
    assert_int_equal(msgtext_write(out, message), S_OK);
    fclose(out);
    return text;
}

static void text_round_trips_through_a_msg_file(void **state)
{
    struct mapi_message parsed, read;
    char error[MSGFILE_ERROR_SIZE];
    char *text;
    (void)state;

    if (FAILED(msgtext_parse(sample_text, "sample", &parsed, error))) fail_msg("%s", error);
    text = format_message(&parsed);
    assert_string_equal(text, sample_text);
    free(text);

    if (FAILED(msgfile_write(TEST_MSG, &parsed, error))) fail_msg("%s", error);
    assert_int_equal(GetFileAttributesA(TEST_MSG ".tmp"), INVALID_FILE_ATTRIBUTES);
    if (FAILED(msgfile_read(TEST_MSG, &read, error))) fail_msg("%s", error);
    assert_int_equal(read.recipient_count, 2);
    assert_non_null(mapi_propset_find_lid(&read.props, LID_LOCATION));
    text = format_message(&read);
    assert_string_equal(text, sample_text);
    free(text);
    mapi_message_clear(&parsed);
    mapi_message_clear(&read);
    DeleteFileA(TEST_MSG);
}

struct bad_text
{
    int line;
    const char *text;
    const char *error;
};

static const struct bad_text bad_texts[] = {
    {__LINE__, "", "t:0: no [message] section"},
    {__LINE__, "PR_SUBJECT = \"x\"\n", "t:1: property before the [message] section"},
    {__LINE__, "[message]\n[other]\n", "t:2: unknown section '[other]'"},
    {__LINE__, "[message]\nPR_SUBJECT \"x\"\n", "t:2: expected NAME = VALUE"},
    {__LINE__, "[message]\nPR_NOPE = 1\n", "t:2: unknown property name 'PR_NOPE'"},
    {__LINE__, "[message]\n0x00370099 = 1\n", "unknown type 0x0099"},
    {__LINE__, "[message]\n0x80000003 = 1\n", "is in the named range"},
    {__LINE__, "[message]\nPR_SUBJECT = \"x\n", "string without its closing quote"},
    {__LINE__, "[message]\nPR_SUBJECT = \"\\q\"\n", "unknown escape"},
    {__LINE__, "[message]\nPR_SUBJECT = \"\xff\"\n", "not valid UTF-8"},
    {__LINE__, "[message]\nPR_RECIPIENT_TYPE = 4294967296\n", "expected an integer"},
    {__LINE__, "[message]\nPR_CLIENT_SUBMIT_TIME = 0\n", "expected an ISO-8601 UTC time"},
    {__LINE__, "[message]\nPidLidGlobalObjectId = 0g\n", "expected pairs of hex digits"},
    {__LINE__, "[message]\n0x0E1F000B = yes\n", "expected true or false"},
    {__LINE__, "[message]\nnamed:{nope}:0x1:PT_LONG = 1\n", "bad named property"},
    {__LINE__, "[message]\n[message]\n", "[message] must come once"},
    {__LINE__, "[recipient]\n", "t:1: [recipient] before [message]"},
    {__LINE__, "[message]\nPR_SUBJECT = x\n", "expected a string in double quotes"},
    {__LINE__, "[message]\nPR_SUBJECT = \"\\xg0\"\n", "bad \\x escape"},
    {__LINE__, "[message]\nPR_SUBJECT = \"a\" b\n", "text after the closing quote"},
    {__LINE__, "[message]\n0x6000101F = \"a\"\n", "expected a list in [ ]"},
    {__LINE__, "[message]\n0x6000101F = [\"a\" \"b\"]\n", "expected ', ' or ']' in the list"},
    {__LINE__, "[message]\n0x6000101F = [\"a\"] x\n", "text after the list"},
    {__LINE__, "[message]\n0x60001102 = [0g]\n", "expected pairs of hex digits"},
    {__LINE__, "[message]\nPR_RECIPIENT_TYPE = \n", "expected an integer"},
    {__LINE__, "[message]\n0x00360002 = 32768\n", "expected an integer from -32768 to 32767"},
    {__LINE__, "[message]\n0x0036000A = 5\n", "expected an error code as 0xXXXXXXXX"},
    {__LINE__, "[message]\n0x0036000A = 0x5z\n", "expected an error code as 0xXXXXXXXX"},
    {__LINE__, "[message]\n0x00390005 = 1.5x\n", "expected a number"},
    {__LINE__, "[message]\n0x00390004 = \n", "expected a number"},
    {__LINE__, "[message]\nPR_CLIENT_SUBMIT_TIME = 2007-13-01T00:00:00Z\n", "expected an ISO-8601 UTC time"},
    {__LINE__, "[message]\n0x0E590048 = {nope}\n", "expected a {GUID}"},
    {__LINE__, "[message]\nPR_RECORD_KEY = 00ff1\n", "expected pairs of hex digits"},
    {__LINE__, "[message]\nPR_SUBJECT:PT_NOPE = \"x\"\n", "bad type 'PT_NOPE' after the property name 'PR_SUBJECT'"},
    {__LINE__, "[message]\nPR_NOPE:PT_STRING8 = \"x\"\n", "unknown property name 'PR_NOPE'"},
    {__LINE__, "[message]\n0x0037 = 1\n", "bad property tag '0x0037': expected 0xPPPPTTTT"},
    {__LINE__, "[message]\nnamed:{00020329-0000-0000-C000-000000000046}:\"x\\q\":PT_LONG = 1\n", "unknown escape"},
    {__LINE__, "[message]\nnamed:{00020329-0000-0000-C000-000000000046}:0x:PT_LONG = 1\n", "bad named property LID"},
    {__LINE__, "[message]\nnamed:{00020329-0000-0000-C000-000000000046}:12:PT_LONG = 1\n", "bad named property LID"},
    {__LINE__, "[message]\nnamed:{00020329-0000-0000-C000-000000000046}:0x1;PT_LONG = 1\n", "bad named property type"},
    {__LINE__, "[message]\nnamed:{00020329-0000-0000-C000-000000000046}:0x1:PT_NOPE = 1\n", "bad named property type 'PT_NOPE'"},
    {__LINE__, "[message]\nnamed:{00020329-0000-0000-C000-000000000046}0x1:PT_LONG = 1\n", "bad named property: expected named:{GUID}:"},
    /* the other side of each range and form */
    {__LINE__, "[message]\n0x00360002 = -32769\n", "expected an integer from -32768 to 32767"},
    {__LINE__, "[message]\n0x0036000A = 0x\n", "expected an error code as 0xXXXXXXXX"},
    {__LINE__, "[message]\n0x00390005 = x\n", "expected a number"},
    {__LINE__, "[message]\n0x0E590048 = {00020329-0000-0000-C000-000000000046}x\n", "expected a {GUID}"},
    {__LINE__, "[message]\n0x0E590048 = {00020329-0000-0000-C000-00000000004g}\n", "expected a {GUID}"},
    {__LINE__, "[message]\n0x0E590048 = {00020329+0000-0000-C000-000000000046}\n", "expected a {GUID}"},
    {__LINE__, "[message]\nPR_RECORD_KEY = 00ff]\n", "unexpected ']' in hex"},
    {__LINE__, "[message]\nPR_SUBJECT = \"\\x0g\"\n", "bad \\x escape"},
    {__LINE__, "[message]\nPR_SUBJECT:0x0099 = \"x\"\n", "bad type '0x0099' after the property name 'PR_SUBJECT'"},
    {__LINE__, "[message]\nPR_SUBJECT_THAT_IS_FAR_LONGER_THAN_ANY_NAME_THE_TABLE_HAS_OR_EVER_WILL:PT_LONG = 1\n",
     "unknown property name"},
    {__LINE__, "[message]\n0x003700031 = 1\n", "bad property tag '0x003700031': expected 0xPPPPTTTT"},
    {__LINE__, "[message]\nnamed:{00020329-0000-0000-C000-000000000046}:0x1:0x0099 = 1\n", "bad named property type '0x0099'"},
    {__LINE__, "[message]\nPR_SUBJECT = \"a\"\nPR_SUBJECT = \"b\"\n", "PR_SUBJECT is given twice in this section, here and on line 2"},
};

static void bad_text_is_refused_with_its_line(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(bad_texts); i++)
    {
        struct mapi_message message;
        char error[MSGTEXT_ERROR_SIZE] = "";

        _assert_int_equal(msgtext_parse(bad_texts[i].text, "t", &message, error), E_INVALIDARG, __FILE__,
                          bad_texts[i].line);
        if (!strstr(error, bad_texts[i].error)) print_error("error '%s'\n", error), _fail(__FILE__, bad_texts[i].line);
        _assert_int_equal(message.props.count, 0, __FILE__, bad_texts[i].line);
    }
}

/* Builds a compound file holding the given streams: NAME (a "dir/stream"
 * path makes one storage level) and its bytes. */
struct stream_spec
{
    const char *name;
    const BYTE *data;
    ULONG size;
};

static void make_compound_file(const char *path, const struct stream_spec *streams, size_t count)
{
    WCHAR wpath[MAX_PATH];
    IStorage *root;
    size_t i;

    MultiByteToWideChar(CP_UTF8, 0, path, -1, wpath, MAX_PATH);
    assert_int_equal(StgCreateDocfile(wpath, STGM_CREATE | STGM_READWRITE | STGM_SHARE_EXCLUSIVE, 0, &root), S_OK);
    for (i = 0; i < count; i++)
    {
        char dir[64] = "";
        const char *slash = strchr(streams[i].name, '/'), *leaf = slash ? slash + 1 : streams[i].name;
        WCHAR wname[64];
        IStorage *parent = root, *child = NULL;
        IStream *stream;

        if (slash)
        {
            memcpy(dir, streams[i].name, slash - streams[i].name);
            MultiByteToWideChar(CP_UTF8, 0, dir, -1, wname, 64);
            if (FAILED(IStorage_OpenStorage(root, wname, NULL, STGM_READWRITE | STGM_SHARE_EXCLUSIVE, NULL, 0, &child)))
                assert_int_equal(IStorage_CreateStorage(root, wname, STGM_CREATE | STGM_READWRITE | STGM_SHARE_EXCLUSIVE,
                                                        0, 0, &child), S_OK);
            parent = child;
        }
        if (*leaf)
        {
            MultiByteToWideChar(CP_UTF8, 0, leaf, -1, wname, 64);
            assert_int_equal(IStorage_CreateStream(parent, wname, STGM_CREATE | STGM_READWRITE | STGM_SHARE_EXCLUSIVE,
                                                   0, 0, &stream), S_OK);
            if (streams[i].size) assert_int_equal(IStream_Write(stream, streams[i].data, streams[i].size, NULL), S_OK);
            IStream_Release(stream);
        }
        if (child) IStorage_Release(child);
    }
    IStorage_Release(root);
}

/* A 32-byte top header followed by one entry TAG with size/value VALUE. */
static void top_props(BYTE out[48], ULONG tag, ULONG value)
{
    memset(out, 0, 48);
    memcpy(out + 32, &tag, 4);
    out[36] = 6;
    memcpy(out + 40, &value, 4);
}

static void expect_read_error(int line, const char *path, HRESULT expected, const char *what)
{
    struct mapi_message message;
    char error[MSGFILE_ERROR_SIZE] = "";
    HRESULT hr = msgfile_read(path, &message, error);

    if (hr != expected) print_error("hr %#x, expected %#x: %s\n", (unsigned)hr, (unsigned)expected, error);
    _assert_int_equal(hr, expected, __FILE__, line);
    if (!strstr(error, path) || !strstr(error, what))
        print_error("error '%s' lacks '%s'\n", error, what), _fail(__FILE__, line);
    _assert_int_equal(message.props.count + message.recipient_count, 0, __FILE__, line);
}

static void malformed_files_get_an_error_naming_file_and_stream(void **state)
{
    static const char path[] = "bad.msg";
    BYTE props[48], props8[24] = {0};
    FILE *f;
    (void)state;

    expect_read_error(__LINE__, "missing.msg", HRESULT_FROM_WIN32(ERROR_FILE_NOT_FOUND), "no such file");

    f = fopen(path, "wb");
    fputs("From: not a compound file\r\n", f);
    fclose(f);
    expect_read_error(__LINE__, path, STG_E_FILEALREADYEXISTS, "not a compound file");

    {
        const struct stream_spec s[] = {{"other", (const BYTE *)"x", 1}};
        make_compound_file(path, s, 1);
        expect_read_error(__LINE__, path, STG_E_FILENOTFOUND, "__properties_version1.0: missing");
    }
    {
        const struct stream_spec s[] = {{"__properties_version1.0", props, 40}};
        top_props(props, 0x0E070003, 1);
        make_compound_file(path, s, 1);
        expect_read_error(__LINE__, path, E_FAIL, "__properties_version1.0: truncated stream: 40 bytes");
    }
    {
        const struct stream_spec s[] = {{"__properties_version1.0", props, 20}};
        make_compound_file(path, s, 1);
        expect_read_error(__LINE__, path, E_FAIL, "truncated stream");
    }
    {
        const struct stream_spec s[] = {{"__properties_version1.0", props, 48}};
        top_props(props, 0x00370099, 1);
        make_compound_file(path, s, 1);
        expect_read_error(__LINE__, path, E_INVALIDARG, "property 0x00370099 has unknown type 0x0099");
    }
    {
        const struct stream_spec s[] = {{"__properties_version1.0", props, 48}};
        top_props(props, PR_SUBJECT, 10);
        make_compound_file(path, s, 1);
        expect_read_error(__LINE__, path, STG_E_FILENOTFOUND, "__substg1.0_0037001F: stream missing");
    }
    {
        const struct stream_spec s[] = {{"__properties_version1.0", props, 48},
                                        {"__substg1.0_0037001F", (const BYTE *)"a\0b\0", 4}};
        top_props(props, PR_SUBJECT, 40);
        make_compound_file(path, s, 2);
        expect_read_error(__LINE__, path, E_FAIL, "__substg1.0_0037001F: size fields disagree: the property says 40 bytes, the stream has 4");
    }
    {
        const struct stream_spec s[] = {{"__properties_version1.0", props, 48},
                                        {"__recip_version1.0_#00000000/", NULL, 0}};
        top_props(props, 0x0E070003, 1);
        make_compound_file(path, s, 2);
        expect_read_error(__LINE__, path, STG_E_FILENOTFOUND,
                          "__recip_version1.0_#00000000/__properties_version1.0: missing: a storage without properties");
    }
    {
        const struct stream_spec s[] = {{"__properties_version1.0", props, 48},
                                        {"__recip_version1.0_#00000000/__properties_version1.0", props8, 20}};
        top_props(props, 0x0E070003, 1);
        make_compound_file(path, s, 2);
        expect_read_error(__LINE__, path, E_FAIL, "__recip_version1.0_#00000000/__properties_version1.0: truncated stream");
    }
    {
        /* a multi-valued string whose length stream is not whole entries */
        const struct stream_spec s[] = {{"__properties_version1.0", props, 48},
                                        {"__substg1.0_8000101F", (const BYTE *)"\4\0\0\0\4\0", 6}};
        top_props(props, 0x8000101F, 6);
        make_compound_file(path, s, 2);
        expect_read_error(__LINE__, path, E_FAIL, "__substg1.0_8000101F: size fields disagree");
    }
    {
        /* a named property entry pointing at a GUID that is not there */
        static const BYTE entry[8] = {0x05, 0x82, 0, 0, 0x0e, 0, 0, 0};
        const struct stream_spec s[] = {{"__properties_version1.0", props, 48},
                                        {"__nameid_version1.0/__substg1.0_00020102", NULL, 0},
                                        {"__nameid_version1.0/__substg1.0_00030102", entry, 8},
                                        {"__nameid_version1.0/__substg1.0_00040102", NULL, 0}};
        top_props(props, 0x80000003, 1);
        make_compound_file(path, s, 4);
        expect_read_error(__LINE__, path, E_FAIL, "__nameid_version1.0: named property entry 0 refers to GUID 7 of 0");
    }
    DeleteFileA(path);
}

/* The bytes of PATH, read whole; caller frees. */
static BYTE *slurp(const char *path, long *size)
{
    FILE *f = fopen(path, "rb");
    BYTE *data;

    assert_non_null(f);
    fseek(f, 0, SEEK_END);
    *size = ftell(f);
    fseek(f, 0, SEEK_SET);
    data = malloc(*size);
    assert_int_equal(fread(data, 1, *size, f), (size_t)*size);
    fclose(f);
    return data;
}

static void spit(const char *path, const BYTE *data, long size)
{
    FILE *f = fopen(path, "wb");

    assert_non_null(f);
    assert_int_equal(fwrite(data, 1, size, f), (size_t)size);
    fclose(f);
}

static ULONG le32(const BYTE *p)
{
    return p[0] | p[1] << 8 | p[2] << 16 | (ULONG)p[3] << 24;
}

/* Wine's ole32 spins forever on these; the structure check refuses them. */
static void looping_and_truncated_compound_files_are_refused(void **state)
{
    static const char path[] = "loop.msg";
    const struct stream_spec s[] = {{"__properties_version1.0", (const BYTE *)"0123456789012345678901234567890123456789"
                                                                              "01234567",
                                     48}};
    BYTE *data;
    long size;
    ULONG dir_sector, fat_sector;
    (void)state;

    make_compound_file(path, s, 1);
    data = slurp(path, &size);
    dir_sector = le32(data + 0x30);
    fat_sector = le32(data + 0x4C);
    /* the directory's FAT entry points back at the directory sector */
    memcpy(data + 512 + fat_sector * 512 + dir_sector * 4, &dir_sector, 4);
    spit(path, data, size);
    expect_read_error(__LINE__, path, STG_E_DOCFILECORRUPT, "damaged compound file: the directory: the sector chain loops");
    /* the same file cut after its first sectors */
    free(data);
    make_compound_file(path, s, 1);
    data = slurp(path, &size);
    spit(path, data, 1024);
    expect_read_error(__LINE__, path, STG_E_DOCFILECORRUPT, "damaged compound file: ");
    free(data);
    DeleteFileA(path);
}

static void put_le32(BYTE *p, ULONG value)
{
    p[0] = (BYTE)value, p[1] = (BYTE)(value >> 8), p[2] = (BYTE)(value >> 16), p[3] = (BYTE)(value >> 24);
}

/* A header field of a whole .msg (one of 130 sectors and more, its largest
 * stream in the FAT) set out of its range: each is refused, naming what. */
static void header_fields_out_of_range_are_refused(void **state)
{
    static const struct
    {
        int line;
        ULONG offset; /* into the header; 0x10000 + n: into the root's directory entry */
        ULONG value;
        long size;    /* the file cut to this many bytes; 0: whole */
        const char *what;
    } rows[] = {
        {__LINE__, 0x1E, 10, 0, "sector shift 10 is neither 9 nor 12"},
        {__LINE__, 0x1E, 12, 2048, "shorter than one sector"},
        {__LINE__, 0x2C, 0x7FFFFFFF, 0, "the header declares 2147483647 FAT sectors in a file of"},
        {__LINE__, 0x2C, 110, 0, "the DIFAT chain breaks after 109 of 110 FAT sectors"},
        {__LINE__, 0x4C, 0x00FFFFFF, 0, "FAT sector 16777215 lies outside the file"},
        {__LINE__, 0x30, 0xFFFFFFFE, 0, "no directory"},
        {__LINE__, 0x30, 0x00FFFFFF, 0, "the directory: the chain leads to sector 16777215, outside the"},
        {__LINE__, 0x3C, 0x00FFFFFF, 0, "the mini FAT: the chain leads to sector 16777215"},
        {__LINE__, 0x10042, 1, 0, "the first directory entry is not the root"},
        {__LINE__, 0x10074, 0x00FFFFFF, 0, "the mini stream: the chain leads to sector 16777215"},
    };
    static const char path[] = "header.msg";
    char error[MSGFILE_ERROR_SIZE], *text = malloc(200000), *p = text;
    struct mapi_message message;
    BYTE *data;
    long size;
    size_t i;
    int k;
    (void)state;

    p += sprintf(p, "[message]\nPR_SUBJECT = \"big\"\nPR_RTF_COMPRESSED = ");
    for (k = 0; k < 66000; k++) p += sprintf(p, "%02x", k & 0xff);
    strcpy(p, "\n");
    if (FAILED(msgtext_parse(text, "big", &message, error))) fail_msg("%s", error);
    free(text);
    if (FAILED(msgfile_write(path, &message, error))) fail_msg("%s", error);
    mapi_message_clear(&message);
    data = slurp(path, &size);
    assert_true(size > 131 * 512);
    assert_int_equal(data[0x1E], 9);
    for (i = 0; i < ARRAYSIZE(rows); i++)
    {
        BYTE *patched = malloc(size), *field;
        memcpy(patched, data, size);
        field = rows[i].offset & 0x10000 ? patched + 512 + le32(patched + 0x30) * 512 + (rows[i].offset & 0xffff)
                                         : patched + rows[i].offset;
        /* the sector shift's low byte, the entry's one-byte type */
        if (rows[i].offset == 0x1E || rows[i].offset == 0x10042) *field = (BYTE)rows[i].value;
        else put_le32(field, rows[i].value);
        spit(path, patched, rows[i].size ? rows[i].size : size);
        free(patched);
        expect_read_error(rows[i].line, path, STG_E_DOCFILECORRUPT, rows[i].what);
    }
    free(data);
    DeleteFileA(path);
}

/* MESSAGE with its attachments, their objects and embedded messages, as
 * text (msgtext for each property set, a line per stream of an object);
 * caller frees. */
static char *describe(const struct mapi_message *message)
{
    char *text = format_message(message), *inner;
    ULONG i, j;

    for (i = 0; i < message->attachment_count; i++)
    {
        const struct mapi_attachment *attachment = &message->attachments[i];
        struct mapi_message props_only = {attachment->props, NULL, 0, NULL, 0};
        char *props = format_message(&props_only);
        size_t size = strlen(text) + strlen(props) + 64;

        inner = attachment->message ? describe(attachment->message) : strdup("");
        if (attachment->object)
            for (j = 0; j < attachment->object->count; j++)
            {
                char line[128];
                int n = snprintf(line, sizeof(line), "object item %u: %s %u bytes\n", j,
                                 attachment->object->items[j].storage ? "storage" : "stream",
                                 attachment->object->items[j].stream.size);
                inner = realloc(inner, strlen(inner) + n + 1);
                strcat(inner, line);
            }
        text = realloc(text, size + strlen(inner));
        snprintf(text + strlen(text), size + strlen(inner) - strlen(text), "[attachment %u]\n%s%s", i, props, inner);
        free(props);
        free(inner);
    }
    return text;
}

/* Real Outlook items with attachments (exceptions of a series, messages in
 * messages two deep, files) and an OLE object: read, written, read back:
 * every property, row, attachment and embedded message as it was. */
static void attachments_and_embedded_messages_round_trip(void **state)
{
    static const char *const files[] = {"Friday Lunch.msg", "msgInMsgInMsg.msg", "attachAndInline.msg",
                                        "Outer mail.msg"};
    struct mapi_message first, again;
    char error[MSGFILE_ERROR_SIZE], path[512];
    char *before, *after;
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(files); i++)
    {
        snprintf(path, sizeof(path), TEST_SOURCE_DIR "/corpus/msg/%s", files[i]);
        if (FAILED(msgfile_read(path, &first, error))) fail_msg("%s", error);
        assert_true(first.attachment_count > 0);
        if (FAILED(msgfile_write(TEST_MSG, &first, error))) fail_msg("%s", error);
        if (FAILED(msgfile_read(TEST_MSG, &again, error))) fail_msg("%s", error);
        before = describe(&first);
        after = describe(&again);
        assert_string_equal(after, before);
        free(before);
        free(after);
        mapi_message_clear(&again);
        if (i == 1)
        {
            /* two deep: the inner message's own attachment is there */
            assert_non_null(first.attachments[0].message);
            assert_true(first.attachments[0].message->attachment_count > 0);
        }
        mapi_message_clear(&first);
    }
}

static void ole_objects_are_kept_as_they_are(void **state)
{
    static const CLSID clsid = {0x00020906, 0, 0, {0xc0, 0, 0, 0, 0, 0, 0, 0x46}};
    struct mapi_message message = {0}, again;
    struct mapi_attachment *attachment;
    struct mapi_storage *object, *inner;
    const struct mapi_storage_item *stream;
    char error[MSGFILE_ERROR_SIZE];
    static const BYTE bytes[] = {1, 2, 3};
    (void)state;

    if (FAILED(msgtext_parse("[message]\nPR_SUBJECT = \"ole\"\n", "ole", &message, error))) fail_msg("%s", error);
    attachment = mapi_message_add_attachment(&message);
    assert_non_null(attachment);
    assert_int_equal(mapi_prop_set_long(mapi_propset_obtain(&attachment->props, PR_ATTACH_METHOD), ATTACH_OLE), S_OK);
    assert_non_null(mapi_propset_obtain(&attachment->props, PR_ATTACH_DATA_OBJ));
    attachment->object = object = calloc(1, sizeof(*object));
    object->clsid = clsid;
    object->items = calloc(2, sizeof(*object->items));
    object->count = 2;
    lstrcpyW(object->items[0].name, L"\x01Ole10Native");
    mapi_value_set(&object->items[0].stream, bytes, sizeof(bytes));
    lstrcpyW(object->items[1].name, L"inner");
    object->items[1].storage = inner = calloc(1, sizeof(*inner));
    if (FAILED(msgfile_write(TEST_MSG, &message, error))) fail_msg("%s", error);
    if (FAILED(msgfile_read(TEST_MSG, &again, error))) fail_msg("%s", error);
    assert_int_equal(again.attachment_count, 1);
    assert_null(again.attachments[0].message);
    object = again.attachments[0].object;
    assert_non_null(object);
    assert_true(IsEqualCLSID(&object->clsid, &clsid));
    assert_int_equal(object->count, 2);
    /* in whichever order the storage lists them: the stream, and the empty storage */
    stream = &object->items[object->items[0].storage ? 1 : 0];
    assert_null(stream->storage);
    assert_non_null(object->items[stream == object->items ? 1 : 0].storage);
    assert_int_equal(stream->stream.size, sizeof(bytes));
    assert_memory_equal(stream->stream.data, bytes, sizeof(bytes));
    mapi_message_clear(&message);
    mapi_message_clear(&again);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_round_trips_through_a_msg_file),
        cmocka_unit_test(bad_text_is_refused_with_its_line),
        cmocka_unit_test(malformed_files_get_an_error_naming_file_and_stream),
        cmocka_unit_test(looping_and_truncated_compound_files_are_refused),
        cmocka_unit_test(header_fields_out_of_range_are_refused),
        cmocka_unit_test(attachments_and_embedded_messages_round_trip),
        cmocka_unit_test(ole_objects_are_kept_as_they_are),
    };
    int ret;

    CoInitialize(NULL);
    ret = cmocka_run_group_tests_name("msgfile", tests, NULL, NULL);
    CoUninitialize();
    return leakcheck_at_exit(ret);
}
