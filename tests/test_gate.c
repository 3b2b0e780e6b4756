/*
 * Unit tests of registry/gate and registry/server: the KB938650 switch read
 * through a mock registry (every bad value and error), then through the real
 * registry of the private Wine prefix.
 */
#include <stdio.h>
#include <string.h>

#include <windows.h>

#include "cmocka_wine.h"
#include "gate.h"
#include "server.h"

/* What the mock registry holds for one value, or for the missing key. */
struct mock_value
{
    LSTATUS status;
    BOOL key_missing;
    DWORD type;
    BYTE data[80];
    DWORD size;
};

struct mock_registry
{
    struct mock_value hotfix; /* the KB938650 key's Description */
    struct mock_value fix;    /* FixRecipientTrackStatusTime */
    struct mock_value build;  /* MsExchangeBuild... of the Setup key; zeroed: no value */
    int queries;
};

static LSTATUS mock_query(void *ctx, const WCHAR *key, const WCHAR *value, BOOL *key_missing, DWORD *type,
                          BYTE *data, DWORD *size)
{
    struct mock_registry *registry = ctx;
    const struct mock_value *found;

    registry->queries++;
    enum reg_item item = !lstrcmpW(value, reg_item_get(REG_ITEM_FIX_VALUE)->value)   ? REG_ITEM_FIX_VALUE
                         : !lstrcmpW(value, reg_item_get(REG_ITEM_BUILD_MAJOR)->value) ? REG_ITEM_BUILD_MAJOR
                                                                                        : REG_ITEM_HOTFIX_DESCRIPTION;

    found = item == REG_ITEM_FIX_VALUE ? &registry->fix : item == REG_ITEM_BUILD_MAJOR ? &registry->build : &registry->hotfix;
    assert_true(!lstrcmpW(key, reg_item_get(item)->key));
    if (found == &registry->build && !found->size && !found->status)
    {
        *key_missing = TRUE;
        return ERROR_FILE_NOT_FOUND;
    }
    *key_missing = found->key_missing;
    if (found->status != ERROR_SUCCESS) return found->status;
    *type = found->type;
    if (found->size > *size)
    {
        *size = found->size;
        return ERROR_MORE_DATA;
    }
    memcpy(data, found->data, found->size);
    *size = found->size;
    return ERROR_SUCCESS;
}

#define INSTALLED {ERROR_SUCCESS, FALSE, REG_SZ, {'K', 0, 0, 0}, 4}
#define NOT_INSTALLED {ERROR_FILE_NOT_FOUND, TRUE, 0, {0}, 0}
#define DWORD_VALUE(v) {ERROR_SUCCESS, FALSE, REG_DWORD, {(v) & 0xff, ((v) >> 8) & 0xff, ((v) >> 16) & 0xff, (v) >> 24}, 4}

struct gate_row
{
    int line;
    struct mock_value hotfix, fix;
    BOOL installed, active;
    const char *found;   /* the value as status describes it */
    const char *warning; /* a substring of the warning, "" for none */
};

static const struct gate_row gate_rows[] = {
    {__LINE__, INSTALLED, DWORD_VALUE(1), TRUE, TRUE, "REG_DWORD 1", ""},
    {__LINE__, INSTALLED, DWORD_VALUE(0xffffffffu), TRUE, TRUE, "REG_DWORD 4294967295", ""},
    {__LINE__, INSTALLED, DWORD_VALUE(0), TRUE, FALSE, "REG_DWORD 0", ""},
    /* value absent from an existing key: plainly disabled, nothing to warn */
    {__LINE__, INSTALLED, {ERROR_FILE_NOT_FOUND, FALSE, 0, {0}, 0}, TRUE, FALSE, "no value", ""},
    {__LINE__, INSTALLED, {ERROR_FILE_NOT_FOUND, TRUE, 0, {0}, 0}, TRUE, FALSE, "no key",
     "MSExchangeIS\\ParametersSystem: key not found, so 'FixRecipientTrackStatusTime' reads as 0"},
    {__LINE__, INSTALLED, {ERROR_SUCCESS, FALSE, REG_SZ, {'1', 0, 0, 0}, 4}, TRUE, FALSE, "REG_SZ \"1\"",
     "ParametersSystem\\FixRecipientTrackStatusTime: expected a REG_DWORD, found REG_SZ \"1\""},
    {__LINE__, INSTALLED, {ERROR_SUCCESS, FALSE, REG_BINARY, {1, 0, 0, 0}, 4}, TRUE, FALSE,
     "REG_BINARY 01 00 00 00 (4 bytes)", "FixRecipientTrackStatusTime: expected a REG_DWORD, found REG_BINARY"},
    {__LINE__, INSTALLED, {ERROR_SUCCESS, FALSE, REG_QWORD, {1, 0, 0, 0, 0, 0, 0, 0}, 8}, TRUE, FALSE,
     "REG_QWORD 01 00 00 00 00 00 00 00 (8 bytes)", "found REG_QWORD"},
    {__LINE__, INSTALLED, {ERROR_SUCCESS, FALSE, REG_DWORD, {0}, 0}, TRUE, FALSE,
     "REG_DWORD with no data (0 bytes)", "found REG_DWORD with no data"},
    {__LINE__, INSTALLED, {ERROR_SUCCESS, FALSE, REG_DWORD, {1, 0}, 2}, TRUE, FALSE, "REG_DWORD 01 00 (2 bytes)",
     "expected a REG_DWORD, found REG_DWORD 01 00 (2 bytes)"},
    /* more data than the reader's buffer: described by size, never copied */
    {__LINE__, INSTALLED, {ERROR_SUCCESS, FALSE, REG_BINARY, {1}, 80}, TRUE, FALSE, "REG_BINARY ... (80 bytes)",
     "found REG_BINARY ... (80 bytes)"},
    {__LINE__, INSTALLED, {ERROR_SUCCESS, FALSE, REG_EXPAND_SZ, {'1', 0, 0, 0}, 4}, TRUE, FALSE,
     "REG_EXPAND_SZ \"1\"", "found REG_EXPAND_SZ \"1\""},
    {__LINE__, INSTALLED, {ERROR_SUCCESS, FALSE, REG_MULTI_SZ, {'1', 0, 0, 0, 0, 0}, 6}, TRUE, FALSE,
     "REG_MULTI_SZ \"1\"", "found REG_MULTI_SZ \"1\""},
    /* more bytes than a description shows: the first 16, then "..." */
    {__LINE__, INSTALLED, {ERROR_SUCCESS, FALSE, REG_BINARY, {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17}, 17},
     TRUE, FALSE, "REG_BINARY 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d 0e 0f 10 ... (17 bytes)", "found REG_BINARY 01"},
    {__LINE__, INSTALLED, {ERROR_ACCESS_DENIED, FALSE, 0, {0}, 0}, TRUE, FALSE, "unreadable (error 5",
     "FixRecipientTrackStatusTime: cannot be read (error 5"},
    /* an error the system has no text for is named by its number */
    {__LINE__, INSTALLED, {0x7ffe, FALSE, 0, {0}, 0}, TRUE, FALSE, "unreadable (error 32766: error 32766)",
     "FixRecipientTrackStatusTime: cannot be read (error 32766: error 32766)"},
    /* the hotfix key without its Description: the key alone means installed */
    {__LINE__, {ERROR_FILE_NOT_FOUND, FALSE, 0, {0}, 0}, DWORD_VALUE(1), TRUE, TRUE, "REG_DWORD 1", ""},
    /* the hotfix key's Description longer than the gate reads: installed */
    {__LINE__, {ERROR_SUCCESS, FALSE, REG_SZ, {'K', 0}, 600}, DWORD_VALUE(1), TRUE, TRUE, "REG_DWORD 1", ""},
    {__LINE__, NOT_INSTALLED, DWORD_VALUE(1), FALSE, FALSE, "REG_DWORD 1",
     "'FixRecipientTrackStatusTime' is 1 but KB938650 is not installed"},
    {__LINE__, NOT_INSTALLED, DWORD_VALUE(0), FALSE, FALSE, "REG_DWORD 0", ""},
    {__LINE__, {ERROR_ACCESS_DENIED, FALSE, 0, {0}, 0}, DWORD_VALUE(1), FALSE, FALSE, "REG_DWORD 1",
     "KB938650: cannot be read (error 5), so KB938650 counts as not installed"},
};

static void reads_every_registry_state_as_the_spec_says(void **state)
{
    size_t i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(gate_rows); i++)
    {
        const struct gate_row *row = &gate_rows[i];
        struct mock_registry registry = {.hotfix = row->hotfix, .fix = row->fix};
        struct gate_reader reader = {mock_query, &registry};
        struct gate_status status;
        HRESULT hr = gate_read(&reader, &status);

        _assert_int_equal(status.installed, row->installed, __FILE__, row->line);
        _assert_int_equal(status.active, row->active, __FILE__, row->line);
        _assert_int_equal(hr, row->active ? S_OK : S_FALSE, __FILE__, row->line);
        if (strncmp(status.fix.found, row->found, strlen(row->found)))
            _fail(__FILE__, row->line), print_error("found '%s'\n", status.fix.found);
        if (row->warning[0] ? !strstr(status.warning, row->warning) : status.warning[0] != 0)
            print_error("warning '%s'\n", status.warning), _fail(__FILE__, row->line);
    }
}

static void reads_the_registry_again_at_every_call(void **state)
{
    struct mock_registry registry = {.hotfix = INSTALLED, .fix = DWORD_VALUE(0)};
    struct gate_reader reader = {mock_query, &registry};
    struct gate_status status;

    (void)state;
    assert_int_equal(gate_read(&reader, &status), S_FALSE);
    registry.fix.data[0] = 1;
    assert_int_equal(gate_read(&reader, &status), S_OK);
    registry.fix.type = REG_SZ;
    assert_int_equal(gate_read(&reader, &status), S_FALSE);
    assert_int_equal(registry.queries, 9);
}

/* KB938650 is SP2 code: its key on an older store (SP1 is build 7226)
 * enables nothing and says why; SP2 and later, or no build at all, do not
 * stand in the way. */
static void counts_as_not_installed_before_sp2(void **state)
{
    static const struct
    {
        int line;
        struct mock_value build;
        BOOL active;
        const char *warning;
    } rows[] = {
        {__LINE__, DWORD_VALUE(7226), FALSE, "Setup\\MsiBuildMajor is 7226"},
        {__LINE__, DWORD_VALUE(7637), FALSE, "is 7637, older than Exchange 2003 SP2 (build 7638)"},
        {__LINE__, DWORD_VALUE(7638), TRUE, ""},
        {__LINE__, DWORD_VALUE(8206), TRUE, ""},
        {__LINE__, {ERROR_SUCCESS, FALSE, REG_SZ, {'7', 0, '2', 0}, 4}, TRUE, ""},
        {__LINE__, {ERROR_FILE_NOT_FOUND, TRUE, 0, {0}, 0}, TRUE, ""},
    };
    size_t i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(rows); i++)
    {
        struct mock_registry registry = {.hotfix = INSTALLED, .fix = DWORD_VALUE(1), .build = rows[i].build};
        struct gate_reader reader = {mock_query, &registry};
        struct gate_status status;

        gate_read(&reader, &status);
        _assert_int_equal(status.active, rows[i].active, __FILE__, rows[i].line);
        _assert_int_equal(status.installed, rows[i].active, __FILE__, rows[i].line);
        if (rows[i].warning[0] ? !strstr(status.warning, rows[i].warning) : status.warning[0] != 0)
            print_error("warning '%s'\n", status.warning), _fail(__FILE__, rows[i].line);
        if (!rows[i].active && strstr(status.warning, "not found"))
            print_error("warning '%s'\n", status.warning), _fail(__FILE__, rows[i].line);
    }
}

/* Real registry: removes everything trackfix writes, so each test starts
 * from a prefix without the simulated server. */
static int reset_registry(void **state)
{
    static const enum reg_item items[] = {REG_ITEM_FIX_VALUE, REG_ITEM_STORE_DRIVER_LEVEL,
                                          REG_ITEM_BUILD_MAJOR, REG_ITEM_HOTFIX_DESCRIPTION};
    size_t i;

    (void)state;
    for (i = 0; i < ARRAYSIZE(items); i++)
    {
        LSTATUS status = RegDeleteTreeW(HKEY_LOCAL_MACHINE, reg_item_get(items[i])->key);
        assert_true(status == ERROR_SUCCESS || status == ERROR_FILE_NOT_FOUND);
    }
    return 0;
}

static void set_raw_value(DWORD type, const void *data, DWORD size)
{
    const struct reg_item_def *def = reg_item_get(REG_ITEM_FIX_VALUE);
    HKEY hkey;

    assert_int_equal(RegCreateKeyExW(HKEY_LOCAL_MACHINE, def->key, 0, NULL, 0, KEY_SET_VALUE, NULL, &hkey, NULL),
                     ERROR_SUCCESS);
    assert_int_equal(RegSetValueExW(hkey, def->value, 0, type, data, size), ERROR_SUCCESS);
    RegCloseKey(hkey);
}

/* Every change of the real registry seen at the next read through READER:
 * values made, changed, of the wrong type, keys deleted and made anew. */
static void follow_each_change(const struct gate_reader *reader)
{
    char error[SERVER_TEXT_SIZE];
    struct gate_status status;
    static const BYTE binary[] = {1, 0, 0, 0};
    static const ULONGLONG qword = 1;

    assert_int_equal(gate_read(reader, &status), S_FALSE);
    assert_non_null(strstr(status.warning, "key not found"));

    assert_int_equal(server_init(7638, 5, error), S_OK);
    assert_int_equal(server_install_hotfix(reader, "20261127", error), S_OK);
    assert_int_equal(gate_read(reader, &status), S_FALSE); /* installed, value not created yet */
    assert_true(status.installed);
    assert_string_equal(status.warning, "");

    assert_int_equal(server_set_fix_value(1, error), S_OK);
    assert_int_equal(gate_read(reader, &status), S_OK);
    assert_int_equal(server_set_fix_value(0, error), S_OK);
    assert_int_equal(gate_read(reader, &status), S_FALSE);

    set_raw_value(REG_SZ, L"1", sizeof(L"1"));
    assert_int_equal(gate_read(reader, &status), S_FALSE);
    assert_non_null(strstr(status.warning, "REG_SZ \"1\""));
    set_raw_value(REG_BINARY, binary, sizeof(binary));
    assert_int_equal(gate_read(reader, &status), S_FALSE);
    set_raw_value(REG_QWORD, &qword, sizeof(qword));
    assert_int_equal(gate_read(reader, &status), S_FALSE);
    set_raw_value(REG_DWORD, binary, 0);
    assert_int_equal(gate_read(reader, &status), S_FALSE);
    assert_non_null(strstr(status.warning, "no data"));

    assert_int_equal(server_set_fix_value(1, error), S_OK);
    assert_int_equal(gate_read(reader, &status), S_OK);
    assert_int_equal(server_uninstall_hotfix(error), S_OK);
    assert_int_equal(gate_read(reader, &status), S_FALSE);
    assert_non_null(strstr(status.warning, "not installed"));
    assert_int_equal(server_uninstall_hotfix(error), S_FALSE);

    /* the keys made anew: a reader that kept the old ones reads the new */
    assert_int_equal(RegDeleteTreeW(HKEY_LOCAL_MACHINE, reg_item_get(REG_ITEM_FIX_VALUE)->key), ERROR_SUCCESS);
    assert_int_equal(gate_read(reader, &status), S_FALSE);
    assert_int_equal(server_install_hotfix(reader, "20261130", error), S_OK);
    assert_int_equal(server_set_fix_value(1, error), S_OK);
    assert_int_equal(gate_read(reader, &status), S_OK);
}

static void real_registry_gate_follows_each_change_in_one_process(void **state)
{
    (void)state;
    follow_each_change(gate_reader_registry());
}

/* The reader a queue run uses, which keeps its keys open between reads. */
static void kept_keys_follow_each_change_too(void **state)
{
    struct gate_keys keys;

    (void)state;
    gate_keys_init(&keys);
    follow_each_change(&keys.reader);
    assert_true(keys.count > 0);
    gate_keys_close(&keys);
    assert_int_equal(keys.count, 0);
}

/* More keys than the reader keeps: the ninth is opened, read and closed
 * at each call, and still answers (every Wine prefix has these keys). */
static void a_ninth_key_is_read_without_being_kept(void **state)
{
    static const WCHAR *const names[GATE_KEYS_MAX + 1] = {
        L"SOFTWARE", L"SOFTWARE\\Microsoft", L"SOFTWARE\\Classes", L"SOFTWARE\\Wine", L"SYSTEM",
        L"SYSTEM\\CurrentControlSet", L"SYSTEM\\CurrentControlSet\\Services", L"HARDWARE",
        L"SOFTWARE\\Microsoft\\Windows"};
    struct gate_keys keys;
    BOOL key_missing;
    DWORD type, size;
    BYTE data[64];
    ULONG i, round;

    (void)state;
    gate_keys_init(&keys);
    for (round = 0; round < 2; round++)
        for (i = 0; i < ARRAYSIZE(names); i++)
        {
            size = sizeof(data);
            /* the keys are there, the value is not */
            _assert_int_equal(keys.reader.query(keys.reader.ctx, names[i], L"trackfix-no-such-value", &key_missing, &type,
                                                data, &size),
                              ERROR_FILE_NOT_FOUND, __FILE__, __LINE__);
            assert_false(key_missing);
        }
    assert_int_equal(keys.count, GATE_KEYS_MAX);
    gate_keys_close(&keys);
}

struct install_row
{
    int line;
    BOOL provisioned;
    DWORD build;
    HRESULT hr;
    const char *error; /* substring, "" when installed */
};

static const struct install_row install_rows[] = {
    {__LINE__, FALSE, 0, E_ABORT, "requires Microsoft Exchange Server 2003 Service Pack 2, and no Exchange Server 2003"},
    /* 6944 is Exchange 2003 RTM, 7226 SP1 */
    {__LINE__, TRUE, 6944, E_ABORT, "requires Microsoft Exchange Server 2003 Service Pack 2 (build 7638); this server is build 6944"},
    {__LINE__, TRUE, 7226, E_ABORT, "this server is build 7226"},
    {__LINE__, TRUE, 7637, E_ABORT, "this server is build 7637"},
    {__LINE__, TRUE, 7638, S_OK, ""},
    {__LINE__, TRUE, 7654, S_OK, ""},
};

static void install_is_refused_before_exchange_2003_sp2(void **state)
{
    size_t i;

    for (i = 0; i < ARRAYSIZE(install_rows); i++)
    {
        const struct install_row *row = &install_rows[i];
        char error[SERVER_TEXT_SIZE] = "";
        struct gate_status status;

        reset_registry(state);
        if (row->provisioned) _assert_int_equal(server_init(row->build, 0, error), S_OK, __FILE__, row->line);
        _assert_int_equal(server_install_hotfix(gate_reader_registry(), "20261127", error), row->hr, __FILE__,
                          row->line);
        if (!strstr(error, row->error)) print_error("error '%s'\n", error), _fail(__FILE__, row->line);
        gate_read(gate_reader_registry(), &status);
        _assert_int_equal(status.installed, row->hr == S_OK, __FILE__, row->line);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reads_every_registry_state_as_the_spec_says),
        cmocka_unit_test(reads_the_registry_again_at_every_call),
        cmocka_unit_test(counts_as_not_installed_before_sp2),
        cmocka_unit_test_setup(real_registry_gate_follows_each_change_in_one_process, reset_registry),
        cmocka_unit_test_setup(kept_keys_follow_each_change_too, reset_registry),
        cmocka_unit_test(a_ninth_key_is_read_without_being_kept),
        cmocka_unit_test_setup(install_is_refused_before_exchange_2003_sp2, reset_registry),
    };
    return leakcheck_at_exit(cmocka_run_group_tests_name("gate", tests, NULL, NULL));
}
