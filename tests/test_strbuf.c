/*
 * Unit tests of hotfix/strbuf: text shown escaped (every UTF-8 length,
 * each kind of byte that starts no character), files read whole within a
 * limit, an empty buffer detached as an empty string, paths joined.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cmocka_wine.h"
#include "strbuf.h"

static const struct
{
    int line;
    const char *text, *shown;
} escape_rows[] = {
    {__LINE__, "plain", "plain"},
    {__LINE__, "a\rb\nc\td", "a\\rb\\nc\\td"},
    {__LINE__, "bell\x07" "del\x7f", "bell\\x07del\\x7F"},
    {__LINE__, "caf\xc3\xa9", "caf\xc3\xa9"},                       /* two bytes */
    {__LINE__, "\xe2\x80\x94 dash", "\xe2\x80\x94 dash"},           /* three */
    {__LINE__, "\xf0\x9f\x93\x85 date", "\xf0\x9f\x93\x85 date"},   /* four */
    {__LINE__, "\xc0\xaf", "\\xC0\\xAF"},                           /* an overlong lead byte */
    {__LINE__, "\xe2\x80", "\\xE2\\x80"},                           /* cut short */
    {__LINE__, "\xf5\x80\x80\x80", "\\xF5\\x80\\x80\\x80"},         /* past U+10FFFF */
    {__LINE__, "\x80 alone", "\\x80 alone"},                        /* a continuation byte first */
    {__LINE__, "a\\b", "a\\b"},                                     /* a backslash stays */
};

static void text_is_shown_with_its_control_and_stray_bytes_escaped(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(escape_rows); i++)
    {
        struct strbuf out = {0};
        strbuf_puts_escaped(&out, escape_rows[i].text);
        _assert_string_equal(out.data ? out.data : "", escape_rows[i].shown, __FILE__, escape_rows[i].line);
        strbuf_free(&out);
    }
}

static void a_file_is_read_whole_within_its_limit(void **state)
{
    struct strbuf text = {0};
    char *detached;
    FILE *file = fopen("test_strbuf.txt", "w+b"); /* in build/, as every unit test runs */
    size_t i;
    (void)state;

    assert_non_null(file);
    for (i = 0; i < 70000; i++) fputc('a' + i % 26, file);
    rewind(file);
    assert_int_equal(strbuf_read(&text, file, 70000), S_OK);
    assert_int_equal(text.size, 70000);
    assert_int_equal(text.data[69999], 'a' + 69999 % 26);
    strbuf_free(&text);
    rewind(file);
    assert_int_equal(strbuf_read(&text, file, 69999), E_FAIL);
    strbuf_free(&text);
    fclose(file);
    DeleteFileA("test_strbuf.txt");

    /* an empty buffer detaches as "", not NULL (which means out of memory) */
    detached = strbuf_detach(&text);
    assert_non_null(detached);
    assert_string_equal(detached, "");
    free(detached);
    detached = strbuf_path("a", "b", "c");
    assert_string_equal(detached, "a/b/c");
    free(detached);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(text_is_shown_with_its_control_and_stray_bytes_escaped),
        cmocka_unit_test(a_file_is_read_whole_within_its_limit),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("strbuf", tests, NULL, NULL));
}
