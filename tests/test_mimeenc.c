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

static void header_words_are_rfc2047_and_never_split_a_character(void **state)
{
    /* 40 two-byte characters: 80 bytes, more than one encoded word holds */
    char text[128] = "";
    struct strbuf out = {0}, decoded = {0};
    const char *p;
    int i;
    (void)state;

    mimeenc_header_text(&out, "Project review");
    assert_string_equal(out.data, "Project review");
    strbuf_free(&out);
    mimeenc_header_text(&out, "=?not a word?=");
    assert_int_equal(strncmp(out.data, "=?utf-8?B?", 10), 0);
    strbuf_free(&out);

    for (i = 0; i < 40; i++) strcat(text, "\xc3\xa9");
    mimeenc_header_text(&out, text);
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

    mimeenc_mailbox(&out, "O'Neil \"Ops\"", "ops@x.example");
    assert_string_equal(out.data, "\"O'Neil \\\"Ops\\\"\" <ops@x.example>");
    strbuf_free(&out);
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
        cmocka_unit_test(quoted_printable_round_trips_and_keeps_lines_short),
        cmocka_unit_test(header_words_are_rfc2047_and_never_split_a_character),
        cmocka_unit_test(dates_are_rfc5322_with_the_right_weekday),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("mimeenc", tests, NULL, NULL));
}
