/*
 * Unit tests of hotfix/mimeenc and hotfix/strbuf: the encodings round-trip
 * byte for byte, and the lines they write stay within their limits.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cmocka_wine.h"
#include "mimeenc.h"
#include "strbuf.h"
#include "systime.h"

struct base64_row
{
    int line;
    const char *plain;
    const char *encoded;
};

/* RFC 4648 section 10 */
static const struct base64_row base64_rows[] = {
    {__LINE__, "", ""},          {__LINE__, "f", "Zg=="},         {__LINE__, "fo", "Zm8="},
    {__LINE__, "foo", "Zm9v"},   {__LINE__, "foob", "Zm9vYg=="},  {__LINE__, "fooba", "Zm9vYmE="},
    {__LINE__, "foobar", "Zm9vYmFy"},
};

static void base64_matches_rfc4648_both_ways(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(base64_rows); i++)
    {
        struct strbuf encoded = {0}, decoded = {0};
        const struct base64_row *row = &base64_rows[i];

        mimeenc_base64(&encoded, row->plain, strlen(row->plain));
        _assert_string_equal(encoded.data ? encoded.data : "", row->encoded, __FILE__, row->line);
        /* line breaks inside base64 are skipped when decoding */
        strbuf_puts(&encoded, "\r\n");
        mimeenc_decode_base64(encoded.data, encoded.size, &decoded);
        _assert_int_equal(decoded.size, strlen(row->plain), __FILE__, row->line);
        if (decoded.size) _assert_int_equal(memcmp(decoded.data, row->plain, decoded.size), 0, __FILE__, row->line);
        strbuf_free(&encoded);
        strbuf_free(&decoded);
    }
}

static void quoted_printable_round_trips_and_keeps_lines_short(void **state)
{
    static const char *const texts[] = {
        "plain text\n",
        "trailing space \nand tab\t\nend",
        "caf\xc3\xa9 = 100% \xe2\x80\x94 unicode\r\nCRLF line\r\n",
        "a line of exactly one hundred and twenty characters, so that the encoder has to break it with soft line breaks...",
        "=3D looks encoded but is not\n",
    };
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(texts); i++)
    {
        struct strbuf encoded = {0}, decoded = {0}, expected = {0};
        const char *p;

        mimeenc_quoted_printable(&encoded, texts[i]);
        for (p = encoded.data; p && *p;)
        {
            size_t len = strcspn(p, "\r\n");
            if (len > 76) fail_msg("text %u: a line of %u octets: %.*s", (unsigned)i, (unsigned)len, (int)len, p);
            p += len;
            if (*p == '\r') assert_int_equal(p[1], '\n'); /* CRLF only */
            else assert_true(!*p);
            if (*p) p += 2;
        }
        mimeenc_decode_quoted_printable(encoded.data ? encoded.data : "", encoded.size, &decoded);
        /* decoding gives the text back with CRLF line ends */
        for (p = texts[i]; *p; p++)
        {
            if (*p == '\r') continue;
            if (*p == '\n') strbuf_puts(&expected, "\r\n");
            else strbuf_add(&expected, p, 1);
        }
        assert_int_equal(decoded.size, expected.size);
        assert_memory_equal(decoded.data, expected.data, expected.size);
        strbuf_free(&encoded);
        strbuf_free(&decoded);
        strbuf_free(&expected);
    }
}

/* What other writers send: base64 with the alphabet's last two letters
 * and characters outside it (skipped), quoted-printable with soft breaks
 * after LF or CRLF, lower-case hex, and an '=' that escapes nothing. */
static void decoders_take_what_other_writers_send(void **state)
{
    struct strbuf out = {0};
    (void)state;

    mimeenc_decode_base64("+/+/~{}|abcd", 12, &out);
    assert_int_equal(out.size, 6);
    assert_memory_equal(out.data, "\xfb\xff\xbf\x69\xb7\x1d", 6);
    strbuf_free(&out);
    mimeenc_decode_quoted_printable("a=\nb=\r\nc=3d=3D=ZZ=4=", 20, &out);
    assert_int_equal(out.size, 11);
    assert_memory_equal(out.data, "abc===ZZ=4=", 11);
    strbuf_free(&out);
}

static void header_words_are_rfc2047_and_never_split_a_character(void **state)
{
    /* 40 two-byte characters: 80 bytes, more than one encoded word holds */
    char text[128] = "";
    struct strbuf out = {0}, decoded = {0};
    const char *p;
    int i;
    (void)state;

    mimeenc_header_text(&out, 9, "Project review");
    assert_string_equal(out.data, "Project review");
    strbuf_free(&out);
    mimeenc_header_text(&out, 9, "=?not a word?=");
    assert_int_equal(strncmp(out.data, "=?utf-8?B?", 10), 0);
    strbuf_free(&out);

    for (i = 0; i < 40; i++) strcat(text, "\xc3\xa9");
    mimeenc_header_text(&out, 9, text);
    for (p = out.data; (p = strstr(p, "=?utf-8?B?"));)
    {
        const char *end = strstr(p, "?=");
        struct strbuf word = {0};
        assert_non_null(end);
        assert_true(end + 2 - p <= 75); /* RFC 2047: an encoded word is at most 75 octets */
        mimeenc_decode_base64(p + 10, end - p - 10, &word);
        assert_int_equal(word.size % 2, 0); /* whole characters only */
        strbuf_add(&decoded, word.data, word.size);
        strbuf_free(&word);
        p = end + 2;
    }
    assert_int_equal(decoded.size, strlen(text));
    assert_memory_equal(decoded.data, text, decoded.size);
    strbuf_free(&out);
    strbuf_free(&decoded);

    mimeenc_mailbox(&out, 4, "O'Neil \"Ops\"", "ops@x.example");
    assert_string_equal(out.data, "\"O'Neil \\\"Ops\\\"\" <ops@x.example>");
    strbuf_free(&out);
}

/* Checks OUT, a header body written from COLUMN for TEXT: every line at
 * most 78 characters (76 when it holds encoded words, each at most 75), every
 * continuation line starting with a space, and unfolding (and decoding)
 * giving TEXT back. */
static void check_folded(const char *out, size_t column, const char *text, int line)
{
    BOOL encoded = strstr(out, "=?utf-8?B?") != NULL;
    struct strbuf unfolded = {0};
    const char *p = out;

    while (*p)
    {
        size_t len = strcspn(p, "\r");
        BOOL has_word = encoded && strstr(p, "=?utf-8?B?") && strstr(p, "=?utf-8?B?") < p + len;
        if (column + len > (has_word ? 76u : 78u)) fail_msg("line %d: a line of %zu characters: %.*s", line, column + len, (int)len, p);
        if (p != out && *p != ' ') fail_msg("line %d: a continuation line without a leading space", line);
        strbuf_add(&unfolded, p, len);
        p += len;
        if (*p) p += 2; /* the CRLF of a fold */
        column = 0;
    }
    strbuf_add(&unfolded, "", 1);
    if (encoded)
    {
        struct strbuf decoded = {0};
        for (p = unfolded.data; (p = strstr(p, "=?utf-8?B?"));)
        {
            const char *end = strstr(p + 10, "?=");
            assert_non_null(end);
            if (end + 2 - p > 75) fail_msg("line %d: an encoded word of %d characters", line, (int)(end + 2 - p));
            mimeenc_decode_base64(p + 10, end - p - 10, &decoded);
            p = end + 2;
        }
        strbuf_add(&decoded, "", 1);
        if (strcmp(decoded.data, text)) fail_msg("line %d: decodes to '%s'", line, decoded.data);
        strbuf_free(&decoded);
    }
    else if (strcmp(unfolded.data, text))
        fail_msg("line %d: unfolds to '%s'", line, unfolded.data);
    strbuf_free(&unfolded);
}

static void headers_fold_within_rfc_limits(void **state)
{
    char long_word[2100], long_text[2100], names[700] = "";
    const char *texts[] = {"", "Project review", long_word, long_text, names, "Canceled: Zo\xc3\xab's review, room 2"};
    size_t columns[] = {0, 9, 19, 60, 74, 77};
    size_t i, j;
    (void)state;

    memset(long_word, 'x', sizeof(long_word) - 1);
    long_word[sizeof(long_word) - 1] = 0;
    for (i = 0; i + 1 < sizeof(long_text); i++) long_text[i] = i % 9 == 8 ? ' ' : 'a' + i % 26;
    long_text[sizeof(long_text) - 1] = 0;
    for (i = 0; i < 40; i++) strcat(names, i % 2 ? "Zo\xc3\xab " : "\xe6\x97\xa5\xe6\x9c\xac ");
    for (i = 0; i < ARRAYSIZE(texts); i++)
    {
        for (j = 0; j < ARRAYSIZE(columns); j++)
        {
            struct strbuf out = {0};
            mimeenc_header_text(&out, columns[j], texts[i]);
            strbuf_add(&out, "", 1);
            check_folded(out.data, columns[j], texts[i], __LINE__);
            strbuf_free(&out);
        }
    }
    /* a mailbox: a long plain name goes into encoded words, the address
     * to a line of its own */
    for (j = 0; j < ARRAYSIZE(columns); j++)
    {
        struct strbuf out = {0};
        const char *p;
        size_t column = mimeenc_mailbox(&out, columns[j], long_text, "adam@fabrikam.example");

        strbuf_add(&out, "", 1);
        for (p = out.data; *p; p += strcspn(p, "\r") + (p[strcspn(p, "\r")] ? 2 : 0))
            assert_true((p == out.data ? columns[j] : 0) + strcspn(p, "\r") <= 78);
        p = strrchr(out.data, '\n');
        assert_int_equal(column, strlen(p ? p + 1 : out.data) + (p ? 0 : columns[j]));
        assert_non_null(strstr(out.data, "<adam@fabrikam.example>"));
        strbuf_free(&out);
    }
}

static void dates_are_rfc5322_with_the_right_weekday(void **state)
{
    static const struct
    {
        int line;
        const char *iso, *date;
    } rows[] = {
        {__LINE__, "1899-12-30T00:00:00Z", "Sat, 30 Dec 1899 00:00:00 +0000"},
        {__LINE__, "2007-08-03T14:05:00Z", "Fri, 03 Aug 2007 14:05:00 +0000"},
        {__LINE__, "2000-02-29T23:59:59Z", "Tue, 29 Feb 2000 23:59:59 +0000"},
        {__LINE__, "9999-12-31T23:59:59Z", "Fri, 31 Dec 9999 23:59:59 +0000"},
    };
    struct strbuf out = {0};
    ULONGLONG t;
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(rows); i++)
    {
        assert_int_equal(systime_parse(rows[i].iso, &t), S_OK);
        _assert_true(mimeenc_date(&out, t), "converts", __FILE__, rows[i].line);
        _assert_string_equal(out.data, rows[i].date, __FILE__, rows[i].line);
        strbuf_free(&out);
    }
    /* before 1899-12-30 the legacy path fails, and nothing is written */
    assert_false(mimeenc_date(&out, 0));
    assert_int_equal(out.size, 0);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(base64_matches_rfc4648_both_ways),
        cmocka_unit_test(decoders_take_what_other_writers_send),
        cmocka_unit_test(quoted_printable_round_trips_and_keeps_lines_short),
        cmocka_unit_test(header_words_are_rfc2047_and_never_split_a_character),
        cmocka_unit_test(headers_fold_within_rfc_limits),
        cmocka_unit_test(dates_are_rfc5322_with_the_right_weekday),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("mimeenc", tests, NULL, NULL));
}
