/*
 * meeting: where a meeting's sender and a recipient row's address are
 * found, in the order Exchange 2003 looks (the SMTP fields, the
 * representing and sender addresses, the primary send account, the
 * directory for an EX address), and which field said it (S_FALSE when
 * none does); the display name; a meeting without a GlobalObjectId has no
 * UID.
 */
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "cmocka_wine.h"
#include "directory.h"
#include "meeting.h"
#include "msgtext.h"

#define ZED_DN "/o=Tailspin/ou=First Administrative Group/cn=Recipients/cn=zed"

static const struct
{
    int line;
    const char *props; /* the [message] section's lines */
    const char *address, *field, *name; /* NULL: none */
} sender_rows[] = {
    {__LINE__, "PR_SENDER_SMTP_ADDRESS = \"a@x.example\"\nPR_SENDER_NAME = \"Ann\"\n", "a@x.example",
     "PR_SENDER_SMTP_ADDRESS", "Ann"},
    {__LINE__, "PR_SENT_REPRESENTING_SMTP_ADDRESS = \"r@x.example\"\nPR_SENDER_EMAIL_ADDRESS = \"s@x.example\"\n",
     "r@x.example", "PR_SENT_REPRESENTING_SMTP_ADDRESS", NULL},
    {__LINE__, "PR_SENT_REPRESENTING_EMAIL_ADDRESS = \"Rep <rep@x.example>\"\n", "rep@x.example",
     "PR_SENT_REPRESENTING_EMAIL_ADDRESS", NULL},
    {__LINE__, "PR_SENDER_EMAIL_ADDRESS = \"s@x.example\"\nPR_SENT_REPRESENTING_NAME = \"\"\nPR_SENDER_NAME = \"Sam\"\n",
     "s@x.example", "PR_SENDER_EMAIL_ADDRESS", "Sam"},
    /* an EX address, resolved through the directory as Exchange does */
    {__LINE__, "PR_SENDER_EMAIL_ADDRESS = \"" ZED_DN "\"\n", "zed@tailspin.example",
     "the directory's address for PR_SENDER_EMAIL_ADDRESS", NULL},
    {__LINE__, "PR_SENT_REPRESENTING_EMAIL_ADDRESS = \"" ZED_DN "\"\n", "zed@tailspin.example",
     "the directory's address for PR_SENT_REPRESENTING_EMAIL_ADDRESS", NULL},
    {__LINE__, "PR_SENDER_EMAIL_ADDRESS = \"/o=Tailspin/cn=nobody\"\n", NULL, NULL, NULL},
    /* Outlook's account: the first of its fields that holds an '@' */
    {__LINE__, "PidTagPrimarySendAccount = \"Work\\x01olivia@contoso.example\\x01more@x.example\"\n",
     "olivia@contoso.example", "PR_PRIMARY_SEND_ACCOUNT", NULL},
    {__LINE__, "PidTagPrimarySendAccount = \"Work\\x01nothing here\"\n", NULL, NULL, NULL},
    {__LINE__, "PR_SENDER_EMAIL_ADDRESS = \"not an address\"\n", NULL, NULL, NULL},
    {__LINE__, "PR_SENT_REPRESENTING_NAME = \"Olivia Organizer <olivia@contoso.example>\"\n", NULL, NULL,
     "Olivia Organizer"},
    {__LINE__, "", NULL, NULL, NULL},
};

static void parse_message(const char *props, const char *rows, struct mapi_message *message)
{
    char text[2048], error[MSGTEXT_ERROR_SIZE];

    snprintf(text, sizeof(text), "[message]\nPR_MESSAGE_CLASS = \"IPM.Schedule.Meeting.Request\"\n%s%s", props, rows);
    if (FAILED(msgtext_parse(text, "meeting", message, error))) fail_msg("%s", error);
}

static void the_sender_is_found_where_exchange_looks(void **state)
{
    char error[DIRECTORY_ERROR_SIZE];
    size_t i;
    (void)state;

    assert_int_equal(directory_add(ZED_DN, "zed@tailspin.example", error), S_OK);
    for (i = 0; i < ARRAYSIZE(sender_rows); i++)
    {
        struct mapi_message message;
        char *name, *address;
        const char *field = NULL;

        parse_message(sender_rows[i].props, "", &message);
        _assert_int_equal(meeting_read_sender(&message, &name, &address, &field), sender_rows[i].address ? S_OK : S_FALSE,
                          __FILE__, sender_rows[i].line);
        if ((sender_rows[i].address ? !address || strcmp(address, sender_rows[i].address) || strcmp(field, sender_rows[i].field)
                                    : !!address) ||
            (sender_rows[i].name ? !name || strcmp(name, sender_rows[i].name) : !!name))
            print_error("%s <%s> from %s\n", name ? name : "(no name)", address ? address : "(none)", field ? field : "-"),
                _fail(__FILE__, sender_rows[i].line);
        free(name);
        free(address);
        mapi_message_clear(&message);
    }
    assert_int_equal(RegDeleteTreeA(HKEY_LOCAL_MACHINE, DIRECTORY_KEY), ERROR_SUCCESS);
}

static const struct
{
    int line;
    const char *row; /* a [recipient] section's lines */
    const char *address, *field;
} row_rows[] = {
    {__LINE__, "PR_SMTP_ADDRESS = \"a@x.example\"\nPR_EMAIL_ADDRESS = \"b@x.example\"\n", "a@x.example", "PR_SMTP_ADDRESS"},
    {__LINE__, "PR_SMTP_ADDRESS = \"\"\nPR_ADDRTYPE = \"SMTP\"\nPR_EMAIL_ADDRESS = \"b@x.example\"\n", "b@x.example",
     "PR_EMAIL_ADDRESS"},
    {__LINE__, "PR_EMAIL_ADDRESS = \"c@x.example\"\n", "c@x.example", "PR_EMAIL_ADDRESS"},
    {__LINE__, "PR_ADDRTYPE = \"smtp\"\nPR_EMAIL_ADDRESS = \"local-only\"\n", "local-only", "PR_EMAIL_ADDRESS"},
    {__LINE__, "PR_ADDRTYPE = \"EX\"\nPR_EMAIL_ADDRESS = \"" ZED_DN "\"\n", "zed@tailspin.example",
     "the directory's address for PR_EMAIL_ADDRESS"},
    {__LINE__, "PR_ADDRTYPE = \"EX\"\nPR_EMAIL_ADDRESS = \"/o=Tailspin/cn=nobody\"\n", NULL,
     "the directory's address for PR_EMAIL_ADDRESS"},
    {__LINE__, "PR_ADDRTYPE = \"X400\"\nPR_EMAIL_ADDRESS = \"c=US;a= ;p=Tailspin\"\n", NULL, "PR_EMAIL_ADDRESS"},
    {__LINE__, "PR_ADDRTYPE = \"EX\"\n", NULL, "PR_EMAIL_ADDRESS"},
    {__LINE__, "PR_DISPLAY_NAME = \"Nobody\"\n", NULL, "PR_EMAIL_ADDRESS"},
};

static void a_row_address_is_found_where_exchange_looks(void **state)
{
    char error[DIRECTORY_ERROR_SIZE], rows[512];
    size_t i;
    (void)state;

    assert_int_equal(directory_add(ZED_DN, "zed@tailspin.example", error), S_OK);
    for (i = 0; i < ARRAYSIZE(row_rows); i++)
    {
        struct mapi_message message;
        const char *field = NULL;
        char *address;

        snprintf(rows, sizeof(rows), "[recipient]\n%s", row_rows[i].row);
        parse_message("", rows, &message);
        _assert_int_equal(meeting_read_smtp_address(&message.recipients[0], &address, &field), S_OK, __FILE__,
                          row_rows[i].line);
        if ((row_rows[i].address ? !address || strcmp(address, row_rows[i].address) : !!address) ||
            strcmp(field, row_rows[i].field))
            print_error("<%s> from %s\n", address ? address : "(none)", field), _fail(__FILE__, row_rows[i].line);
        free(address);
        mapi_message_clear(&message);
    }
    assert_int_equal(RegDeleteTreeA(HKEY_LOCAL_MACHINE, DIRECTORY_KEY), ERROR_SUCCESS);
    assert_string_equal(meeting_address_failure(E_OUTOFMEMORY), "out of memory");
    assert_string_equal(meeting_address_failure(HRESULT_FROM_WIN32(ERROR_ACCESS_DENIED)), "its directory entry cannot be read");
}

/* No GlobalObjectId, or one without a value: no UID to read. */
static void no_global_object_id_gives_no_uid(void **state)
{
    struct mapi_prop empty;
    (void)state;

    memset(&empty, 0, sizeof(empty));
    empty.tag = PROP_TAG(PT_BINARY, 0x8000);
    assert_null(meeting_uid(NULL));
    assert_null(meeting_uid(&empty));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(the_sender_is_found_where_exchange_looks),
        cmocka_unit_test(a_row_address_is_found_where_exchange_looks),
        cmocka_unit_test(no_global_object_id_gives_no_uid),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("meeting", tests, NULL, NULL));
}
