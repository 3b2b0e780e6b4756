/*
 * Unit tests of hotfix/address: RFC 5321 mailboxes as a table of rows,
 * each one address and whether it is one (with the reason's words when
 * not), at every limit and one past it; RFC 5322 name-addrs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "address.h"
#include "cmocka_wine.h"

struct mailbox_row
{
    int line;
    const char *text;
    BOOL ok;
    const char *why; /* a substring of the reason, when not */
};

/* 64 octets of local part, 63 of a label */
#define L64 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define D63 "ddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd"

static const struct mailbox_row mailbox_rows[] = {
    {__LINE__, "adam@fabrikam.example", TRUE, NULL},
    {__LINE__, "Adam.Attendee+cal@mail.fabrikam.example", TRUE, NULL},
    {__LINE__, "!#$%&'*+-/=?^_`{|}~@x.example", TRUE, NULL},
    {__LINE__, "\"quoted local\"@x.example", TRUE, NULL},
    {__LINE__, "\"a\\\"b\"@x.example", TRUE, NULL},
    {__LINE__, "a@[192.0.2.1]", TRUE, NULL},
    {__LINE__, "a@[IPv6:2001:db8::1]", TRUE, NULL},
    {__LINE__, "a@localhost", TRUE, NULL},
    {__LINE__, L64 "@x.example", TRUE, NULL},
    {__LINE__, L64 "a@x.example", FALSE, "local part is over 64"},
    {__LINE__, "a@" D63 ".example", TRUE, NULL},
    {__LINE__, "a@" D63 "d.example", FALSE, "over 63"},
    {__LINE__, "", FALSE, "empty"},
    {__LINE__, "adam", FALSE, "no '@'"},
    {__LINE__, "@fabrikam.example", FALSE, "empty dot-separated piece"},
    {__LINE__, "a..b@x.example", FALSE, "empty dot-separated piece"},
    {__LINE__, ".a@x.example", FALSE, "empty dot-separated piece"},
    {__LINE__, "a b@x.example", FALSE, "outside quotes"},
    {__LINE__, "a@b@x.example", FALSE, "letter, digit"},
    {__LINE__, "a@-x.example", FALSE, "does not start with a letter"},
    {__LINE__, "a@x-.example", FALSE, "ends with '-'"},
    {__LINE__, "a@x..example", FALSE, "does not start with a letter"},
    {__LINE__, "a@", FALSE, "does not start with a letter"},
    {__LINE__, "a@x.example.", FALSE, "does not start with a letter"},
    {__LINE__, "a@[192.0.2.1", FALSE, "not one bracketed value"},
    {__LINE__, "a@[]", FALSE, "not one bracketed value"},
    {__LINE__, "\"unclosed@x.example", FALSE, "not closed"},
    {__LINE__, "\"a\rb\"@x.example", FALSE, "quoted local part holds"},
    /* the injections of the issue: a line end, a second address, a NUL's stand-in */
    {__LINE__, "bea@e2007.example.org>\r\nBcc: evil2@attacker.example", FALSE, "letter, digit"},
    {__LINE__, "bea@e2007.example.org\r\n", FALSE, "letter, digit"},
    {__LINE__, "bea\n@e2007.example.org", FALSE, "outside quotes"},
    {__LINE__, "a@x.example, b@y.example", FALSE, "letter, digit"},
    {__LINE__, "Test <test@gmail.com>", FALSE, "outside quotes"},
    {__LINE__, "r\xc3\xa9my@x.example", FALSE, "outside quotes"},
    {__LINE__, "\"a\\\tb\"@x.example", FALSE, "quoted local part holds"},
    {__LINE__, "\"a\xc3\xa9\"@x.example", FALSE, "quoted local part holds"},
    {__LINE__, "\"ab\"x@x.example", FALSE, "quoted local part is followed by something other than '@'"},
    {__LINE__, "a.@x.example", FALSE, "empty dot-separated piece"},
    {__LINE__, "a@[192.0.2.1\\]", FALSE, "the address literal holds a character"},
    {__LINE__, "a@[192.0.2 .1]", FALSE, "the address literal holds a character"},
    {__LINE__, "a@[192.0.2.1]x", FALSE, "not one bracketed value"},
};

static void mailboxes_are_what_rfc_5321_allows(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(mailbox_rows); i++)
    {
        const struct mailbox_row *row = &mailbox_rows[i];
        const char *why = "unset";

        _assert_int_equal(address_is_mailbox(row->text, &why), row->ok, __FILE__, row->line);
        if (row->ok) _assert_true(why == NULL, "no reason", __FILE__, row->line);
        else if (!why || !strstr(why, row->why))
            print_error("reason '%s', expected '%s'\n", why ? why : "(none)", row->why), _fail(__FILE__, row->line);
    }
}

/* 254 octets in all is the most; 255 is over */
static void the_whole_address_is_at_most_254_octets(void **state)
{
    char text[300];
    (void)state;

    /* 64 + '@' + 63 + '.' + 63 + '.' + 61 = 254 */
    snprintf(text, sizeof(text), "%s@%s.%s.%.61s", L64, D63, D63, D63);
    assert_int_equal(strlen(text), 254);
    assert_true(address_is_mailbox(text, NULL));
    snprintf(text, sizeof(text), "%s@%s.%s.%.62s", L64, D63, D63, D63);
    assert_false(address_is_mailbox(text, NULL));
}

struct name_addr_row
{
    int line;
    const char *text;
    const char *address; /* NULL: not a name-addr */
    const char *name;
};

static const struct name_addr_row name_addr_rows[] = {
    /* seen in a real .msg made by a third-party library */
    {__LINE__, "test@gmail.com <test@gmail.com>", "test@gmail.com", "test@gmail.com"},
    {__LINE__, "\"Adam Attendee\" <adam@fabrikam.example>", "adam@fabrikam.example", "Adam Attendee"},
    {__LINE__, "<adam@fabrikam.example>", "adam@fabrikam.example", NULL},
    {__LINE__, "  Adam  <adam@fabrikam.example>  ", "adam@fabrikam.example", "Adam"},
    {__LINE__, "adam@fabrikam.example", NULL, NULL},
    {__LINE__, "Adam <adam@fabrikam.example> x", NULL, NULL},
    {__LINE__, "Adam <not a mailbox>", NULL, NULL},
    {__LINE__, "Adam <adam@fabrikam.example>\r\nBcc: <evil@attacker.example>", NULL, NULL},
    {__LINE__, "\t\"Adam\"\t<adam@fabrikam.example>", "adam@fabrikam.example", "Adam"},
    {__LINE__, "\"Adam\"<adam@fabrikam.example>\t", "adam@fabrikam.example", "Adam"},
    {__LINE__, " \t <adam@fabrikam.example>", "adam@fabrikam.example", NULL},
    {__LINE__, "Adam <adam@fabrikam.example", NULL, NULL},
    {__LINE__, "A>dam <adam@fabrikam.example>", NULL, NULL},
    {__LINE__, "Ad\x7f" "am <adam@fabrikam.example>", NULL, NULL},
    {__LINE__, "Ad\x01" "am <adam@fabrikam.example>", NULL, NULL},
};

static void a_name_addr_gives_its_address_and_name(void **state)
{
    size_t i;
    (void)state;

    for (i = 0; i < ARRAYSIZE(name_addr_rows); i++)
    {
        const struct name_addr_row *row = &name_addr_rows[i];
        char *name = (char *)"unset", *address = address_from_name_addr(row->text, &name);

        if (!row->address)
        {
            _assert_true(address == NULL, "not a name-addr", __FILE__, row->line);
            _assert_true(name == NULL, "no name", __FILE__, row->line);
            continue;
        }
        _assert_true(address != NULL, "a name-addr", __FILE__, row->line);
        _assert_string_equal(address, row->address, __FILE__, row->line);
        if (row->name) _assert_string_equal(name, row->name, __FILE__, row->line);
        else _assert_true(name == NULL, "no name", __FILE__, row->line);
        free(address);
        free(name);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(mailboxes_are_what_rfc_5321_allows),
        cmocka_unit_test(the_whole_address_is_at_most_254_octets),
        cmocka_unit_test(a_name_addr_gives_its_address_and_name),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("address", tests, NULL, NULL));
}
