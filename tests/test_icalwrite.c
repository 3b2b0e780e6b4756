/*
 * Unit tests of hotfix/icalwrite: the escapes of each kind of value, and
 * the 75-octet folds, never inside a UTF-8 sequence; nothing a caller
 * passes starts a line of its own.
 */
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cmocka_wine.h"
#include "icalwrite.h"

enum kind
{
    KIND_TEXT,
    KIND_QUOTED,
    KIND_PARAM,
    KIND_VALUE,
    KIND_MAILTO,
};

struct escape_row
{
    int line;
    enum kind kind;
    const char *input;
    const char *expected; /* the whole line, CRLF included */
};

static const struct escape_row escape_rows[] = {
    /* TEXT: RFC 5545 3.3.11's escapes, line ends as CDO's \N */
    {__LINE__, KIND_TEXT, "a,b;c\\d", "X:a\\,b\\;c\\\\d\r\n"},
    {__LINE__, KIND_TEXT, "one\r\ntwo\nthree\rfour", "X:one\\Ntwo\\Nthree\\Nfour\r\n"},
    {__LINE__, KIND_TEXT, "tab\tkept, bell\a and escape\x1b dropped", "X:tab\tkept\\, bell and escape dropped\r\n"},
    {__LINE__, KIND_TEXT, "", "X:\r\n"},
    {__LINE__, KIND_TEXT, NULL, "X:\r\n"},
    /* a subject that tries to end the event and add a METHOD */
    {__LINE__, KIND_TEXT, "x\r\nEND:VEVENT\r\nMETHOD:CANCEL", "X:x\\NEND:VEVENT\\NMETHOD:CANCEL\r\n"},
    /* quoted parameters: RFC 6868 */
    {__LINE__, KIND_QUOTED, "O'Neil, \"Ops\"; ^Team", "X;P=\"O'Neil, ^'Ops^'; ^^Team\":v\r\n"},
    {__LINE__, KIND_QUOTED, "a\r\nb\nc", "X;P=\"a^nb^nc\":v\r\n"},
    {__LINE__, KIND_QUOTED, "", "X;P=\"\":v\r\n"},
    /* tokens, values and addresses: control characters dropped */
    {__LINE__, KIND_PARAM, "NEEDS-ACTION\r\nX", "X;P=NEEDS-ACTIONX:v\r\n"},
    {__LINE__, KIND_VALUE, "20070810T140000Z\r\nATTENDEE:mailto:evil@x", "X:20070810T140000ZATTENDEE:mailto:evil@x\r\n"},
    {__LINE__, KIND_MAILTO, "bea@e2007.example.org>\r\nBcc: evil@x", "X:MAILTO:bea@e2007.example.org>Bcc: evil@x\r\n"},
};

static void every_kind_of_value_is_escaped_and_no_line_is_injected(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(escape_rows); i++)
    {
        const struct escape_row *row = &escape_rows[i];
        struct strbuf line = {0}, out = {0};

        icalwrite_start(&line, "X");
        switch (row->kind)
        {
        case KIND_TEXT: icalwrite_text(&line, row->input); break;
        case KIND_QUOTED: icalwrite_param_quoted(&line, "P", row->input), icalwrite_value(&line, "v"); break;
        case KIND_PARAM: icalwrite_param(&line, "P", row->input), icalwrite_value(&line, "v"); break;
        case KIND_VALUE: icalwrite_value(&line, row->input); break;
        case KIND_MAILTO: icalwrite_mailto(&line, row->input); break;
        }
        icalwrite_end(&out, &line);
        _assert_string_equal(out.data, row->expected, __FILE__, row->line);
        strbuf_free(&line);
        strbuf_free(&out);
    }
}

struct fold_row
{
    int line;
    size_t length;     /* of the value, in characters */
    const char *piece; /* the character repeated: 1 to 4 octets */
};

static const struct fold_row fold_rows[] = {
    /* "X:" and 73 characters: exactly 75 octets, no fold */
    {__LINE__, 73, "a"},
    /* 74: one octet over, a continuation line of one */
    {__LINE__, 74, "a"},
    {__LINE__, 500, "a"},
    /* two-, three- and four-octet characters are never split */
    {__LINE__, 200, "\xc3\xa9"},
    {__LINE__, 200, "\xe6\x97\xa5"},
    {__LINE__, 200, "\xf0\x9f\x93\x85"},
};

static void lines_fold_at_75_octets_between_characters(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(fold_rows); i++)
    {
        const struct fold_row *row = &fold_rows[i];
        size_t piece = strlen(row->piece), n, folds = 0;
        struct strbuf value = {0}, line = {0}, out = {0}, joined = {0};
        const char *p, *end;

        for (n = 0; n < row->length; n++) strbuf_puts(&value, row->piece);
        icalwrite_start(&line, "X");
        icalwrite_value(&line, value.data);
        icalwrite_end(&out, &line);
        for (p = out.data; *p; p = end + 2)
        {
            end = strstr(p, "\r\n");
            _assert_true(end != NULL, "CRLF", __FILE__, row->line);
            _assert_true(end - p <= ICALWRITE_LINE_OCTETS, "at most 75 octets", __FILE__, row->line);
            if (p != out.data)
            {
                _assert_int_equal(*p, ' ', __FILE__, row->line);
                folds++;
                /* a continuation starts on a character's first octet */
                _assert_int_equal(((unsigned char)p[1] & 0xC0) != 0x80, 1, __FILE__, row->line);
                strbuf_add(&joined, p + 1, end - p - 1);
            }
            else strbuf_add(&joined, p, end - p);
        }
        /* unfolded, the line is the same */
        _assert_int_equal(joined.size, 2 + row->length * piece, __FILE__, row->line);
        _assert_int_equal(memcmp(joined.data + 2, value.data, value.size), 0, __FILE__, row->line);
        _assert_int_equal(folds > 0, 2 + row->length * piece > ICALWRITE_LINE_OCTETS, __FILE__, row->line);
        strbuf_free(&value);
        strbuf_free(&line);
        strbuf_free(&out);
        strbuf_free(&joined);
    }
}

/* The capture's own fold: a 75-octet first line, then 74 after the space. */
static void a_uid_folds_as_cdo_folds_it(void **state)
{
    struct strbuf line = {0}, out = {0};
    (void)state;

    icalwrite_simple(&out, &line, "UID",
                     "040000008200E00074C5B7101A82E00800000000E09F269C4304CE01000000000000000"
                     "010000000AE722B27E9DB1049BD3C96C8884109A6");
    assert_string_equal(out.data, "UID:040000008200E00074C5B7101A82E00800000000E09F269C4304CE01000000000000000\r\n"
                                  " 010000000AE722B27E9DB1049BD3C96C8884109A6\r\n");
    strbuf_free(&line);
    strbuf_free(&out);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_kind_of_value_is_escaped_and_no_line_is_injected),
        cmocka_unit_test(lines_fold_at_75_octets_between_characters),
        cmocka_unit_test(a_uid_folds_as_cdo_folds_it),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("icalwrite", tests, NULL, NULL));
}
