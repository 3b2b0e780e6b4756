/*
 * mapimsg: the property model's own calls, each with what it refuses: the
 * type names and their parsing, the names of properties stored as the
 * other kind of text, the typed setters and readers given a property of
 * another type or none, a table of properties put in a set, and a copy.
 */
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cmocka_wine.h"
#include "mapimsg.h"

static const struct
{
    int line;
    const char *text;
    BOOL parsed;
    ULONG type;
} type_rows[] = {
    {__LINE__, "PT_LONG", TRUE, PT_LONG},
    {__LINE__, "PT_MV_UNICODE", TRUE, PT_MV_UNICODE},
    {__LINE__, "0x0003", TRUE, 0x0003},
    {__LINE__, "0x1f", TRUE, 0x001F},
    {__LINE__, "0xffff", TRUE, 0xFFFF},
    {__LINE__, "0x10000", FALSE, 0},
    {__LINE__, "0x", FALSE, 0},
    {__LINE__, "0x1g", FALSE, 0},
    {__LINE__, "PT_NONE_SUCH", FALSE, 0},
    {__LINE__, "", FALSE, 0},
};

/* Type names both ways, and what a type is. */
static void types_are_named_parsed_and_told_apart(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(type_rows); i++)
    {
        ULONG type = 0;
        BOOL parsed = mapi_type_parse(type_rows[i].text, &type);

        if (parsed != type_rows[i].parsed || (parsed && type != type_rows[i].type))
            print_error("'%s': %d %#x\n", type_rows[i].text, parsed, type), _fail(__FILE__, type_rows[i].line);
    }
    assert_string_equal(mapi_type_name(PT_SYSTIME), "PT_SYSTIME");
    assert_null(mapi_type_name(0x0999));
    assert_true(mapi_type_is_known(PT_BINARY));
    assert_false(mapi_type_is_known(0x0999));
    assert_true(mapi_type_is_variable(PT_UNICODE));
    assert_false(mapi_type_is_variable(PT_LONG));
    assert_false(mapi_type_is_variable(0x0999));
}

static const struct
{
    int line;
    ULONG tag;
    const char *name; /* NULL: none */
    BOOL other_type;
} name_rows[] = {
    {__LINE__, PR_SUBJECT, "PR_SUBJECT", FALSE},
    {__LINE__, PROP_TAG(PT_STRING8, 0x0037), "PR_SUBJECT_A", FALSE},
    {__LINE__, PROP_TAG(PT_UNICODE, 0x0080), "PidTagReportDisposition", FALSE},
    {__LINE__, PROP_TAG(PT_STRING8, 0x0080), "PidTagReportDisposition", TRUE},
    {__LINE__, PROP_TAG(PT_MV_STRING8, 0x0080), NULL, FALSE},
    {__LINE__, PROP_TAG(PT_LONG, 0x0037), NULL, FALSE},
    {__LINE__, PROP_TAG(PT_UNICODE, 0x7FF0), NULL, FALSE},
    {__LINE__, PROP_TAG(PT_LONG, 0x0081), NULL, FALSE},
};

/* A tagged property's name, also when it holds the other kind of text
 * than its name says; none for another type. */
static void a_name_says_when_the_text_is_of_the_other_kind(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(name_rows); i++)
    {
        struct mapi_prop prop;
        BOOL other = -1;
        const char *name;

        memset(&prop, 0, sizeof(prop));
        prop.tag = name_rows[i].tag;
        name = mapi_prop_name(&prop, &other);
        if (name_rows[i].name ? !name || strcmp(name, name_rows[i].name) || other != name_rows[i].other_type : !!name)
            print_error("%#x: %s %d\n", name_rows[i].tag, name ? name : "(none)", other), _fail(__FILE__, name_rows[i].line);
    }
}

/* The setters refuse a property of another type; the readers read none,
 * another type or another count as absent. */
static void setters_and_readers_keep_to_their_type(void **state)
{
    struct mapi_propset set = {0};
    struct mapi_prop *number, *time, *text;
    ULONGLONG t = 0;
    LONG l = 0;
    char *utf8 = (char *)1;
    (void)state;

    assert_non_null(number = mapi_propset_obtain(&set, PR_IMPORTANCE));
    assert_int_equal(mapi_prop_set_systime(number, 1), E_INVALIDARG);
    assert_int_equal(mapi_prop_set_utf8(number, "x"), E_INVALIDARG);
    assert_int_equal(mapi_prop_set_long(number, 2), S_OK);
    assert_non_null(time = mapi_propset_obtain(&set, PR_CLIENT_SUBMIT_TIME));
    assert_int_equal(mapi_prop_set_long(time, 1), E_INVALIDARG);
    assert_false(mapi_prop_get_long(time, &l));
    assert_false(mapi_prop_get_long(NULL, &l));
    assert_false(mapi_prop_get_systime(number, &t));
    assert_false(mapi_prop_get_systime(NULL, &t));
    assert_true(mapi_prop_get_long(number, &l) && l == 2);
    /* a text not set yet has no value: absent, not out of memory */
    assert_non_null(text = mapi_propset_obtain(&set, PR_SUBJECT));
    assert_int_equal(mapi_prop_read_utf8(text, &utf8), S_OK);
    assert_null(utf8);
    assert_null(mapi_prop_get_utf8(text));
    assert_int_equal(mapi_prop_read_utf8(number, &utf8), S_OK);
    assert_null(utf8);
    assert_int_equal(mapi_prop_read_utf8(NULL, &utf8), S_OK);
    assert_null(utf8);
    assert_int_equal(mapi_prop_set_utf8(text, "R\xc3\xa9union"), S_OK);
    assert_int_equal(mapi_prop_read_utf8(text, &utf8), S_OK);
    assert_string_equal(utf8, "R\xc3\xa9union");
    free(utf8);
    /* a PT_STRING8 value is read in the ANSI code page */
    assert_non_null(text = mapi_propset_add(&set, PROP_TAG(PT_STRING8, 0x1000)));
    assert_int_equal(mapi_prop_alloc_values(text, 1), S_OK);
    assert_int_equal(mapi_value_set(&text->values[0], "plain", 5), S_OK);
    assert_non_null(utf8 = mapi_prop_get_utf8(text));
    assert_string_equal(utf8, "plain");
    free(utf8);
    mapi_propset_clear(&set);
}

/* A table put in a set: each type from its own field, an object only
 * made, a property already there overwritten; then the set copied whole,
 * a property without values and a named one with a string name among
 * them. */
static void a_table_is_put_and_a_set_copied(void **state)
{
    struct mapi_propset set = {0}, copy = {0};
    const struct mapi_put puts[] = {
        {PR_SUBJECT, 0, 0, "first"},
        {PR_IMPORTANCE, 0, 2, NULL},
        {PR_CLIENT_SUBMIT_TIME, 0, 128306232000000000ULL, NULL},
        {PR_ATTACHMENT_HIDDEN, 0, 7, NULL},
        {PR_ATTACH_DATA_OBJ, 0, 0, NULL},
        {0, LID_LOCATION, 0, "Room 2"},
        {PR_SUBJECT, 0, 0, "second"},
    };
    struct mapi_prop *named;
    ULONGLONG t;
    char *text;
    LONG l;
    (void)state;

    assert_int_equal(mapi_propset_put(&set, puts, ARRAYSIZE(puts)), S_OK);
    assert_int_equal(set.count, 6);
    assert_non_null(text = mapi_prop_get_utf8(mapi_propset_find(&set, PR_SUBJECT)));
    assert_string_equal(text, "second");
    free(text);
    assert_true(mapi_prop_get_long(mapi_propset_find(&set, PR_IMPORTANCE), &l) && l == 2);
    assert_true(mapi_prop_get_systime(mapi_propset_find(&set, PR_CLIENT_SUBMIT_TIME), &t) && t == 128306232000000000ULL);
    assert_int_equal(mapi_propset_find(&set, PR_ATTACHMENT_HIDDEN)->fixed[0], 1);
    assert_int_equal(mapi_propset_find(&set, PR_ATTACH_DATA_OBJ)->count, 0);
    assert_non_null(text = mapi_prop_get_utf8(mapi_propset_find_lid(&set, LID_LOCATION)));
    assert_string_equal(text, "Room 2");
    free(text);

    assert_non_null(named = mapi_propset_add(&set, PROP_TAG(PT_LONG, 0x8100)));
    named->named = TRUE;
    named->name.is_string = TRUE;
    assert_non_null(named->name.string = strdup("x-custom"));
    assert_int_equal(mapi_propset_copy(&copy, &set), S_OK);
    assert_int_equal(copy.count, set.count);
    assert_string_equal(copy.props[6].name.string, "x-custom");
    assert_ptr_not_equal(copy.props[6].name.string, named->name.string);
    assert_int_equal(copy.props[4].count, 0);
    assert_non_null(text = mapi_prop_get_utf8(mapi_propset_find(&copy, PR_SUBJECT)));
    assert_string_equal(text, "second");
    free(text);
    mapi_propset_clear(&copy);
    mapi_propset_clear(&set);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(types_are_named_parsed_and_told_apart),
        cmocka_unit_test(a_name_says_when_the_text_is_of_the_other_kind),
        cmocka_unit_test(setters_and_readers_keep_to_their_type),
        cmocka_unit_test(a_table_is_put_and_a_set_copied),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("mapimsg", tests, NULL, NULL));
}
