/*
 * server: provisioning of the simulated Exchange 2003 SP2 server.
 */
#include <stdio.h>
#include <string.h>

#include <windows.h>
#include <winreg.h>

#include "server.h"

#define HOTFIX_DESCRIPTION L"Hotfix for Exchange Server 2003 SP2 (KB938650): FixRecipientTrackStatusTime"

/* Writes DATA (SIZE bytes of TYPE) to ITEM, creating its key. */
static HRESULT write_item(enum reg_item item, DWORD type, const void *data, DWORD size,
                          char error[SERVER_TEXT_SIZE])
{
    const struct reg_item_def *def = reg_item_get(item);
    HKEY hkey;
    LSTATUS status;

    status = RegCreateKeyExW(HKEY_LOCAL_MACHINE, def->key, 0, NULL, 0, KEY_SET_VALUE | KEY_WOW64_64KEY,
                             NULL, &hkey, NULL);
    if (status == ERROR_SUCCESS)
    {
        status = RegSetValueExW(hkey, def->value, 0, type, data, size);
        RegCloseKey(hkey);
    }
    if (status != ERROR_SUCCESS)
    {
        snprintf(error, SERVER_TEXT_SIZE, "cannot write HKLM\\%s\\%s (error %d)", def->key_utf8,
                 def->value_utf8, status);
        return HRESULT_FROM_WIN32(status);
    }
    return S_OK;
}

static HRESULT write_dword(enum reg_item item, DWORD value, char error[SERVER_TEXT_SIZE])
{
    return write_item(item, REG_DWORD, &value, sizeof(value), error);
}

static HRESULT write_string(enum reg_item item, const WCHAR *text, char error[SERVER_TEXT_SIZE])
{
    return write_item(item, REG_SZ, text, (DWORD)((lstrlenW(text) + 1) * sizeof(WCHAR)), error);
}

HRESULT server_init(DWORD build, DWORD level, char error[SERVER_TEXT_SIZE])
{
    const struct reg_item_def *parameters = reg_item_get(REG_ITEM_FIX_VALUE);
    HKEY hkey;
    LSTATUS status;
    HRESULT hr;

    /* Exchange 2003 is version 6.5 */
    if (FAILED(hr = write_dword(REG_ITEM_PRODUCT_MAJOR, 6, error))) return hr;
    if (FAILED(hr = write_dword(REG_ITEM_PRODUCT_MINOR, 5, error))) return hr;
    if (FAILED(hr = write_dword(REG_ITEM_BUILD_MAJOR, build, error))) return hr;
    if (FAILED(hr = write_dword(REG_ITEM_STORE_DRIVER_LEVEL, level, error))) return hr;

    status = RegCreateKeyExW(HKEY_LOCAL_MACHINE, parameters->key, 0, NULL, 0, KEY_READ | KEY_WOW64_64KEY,
                             NULL, &hkey, NULL);
    if (status != ERROR_SUCCESS)
    {
        snprintf(error, SERVER_TEXT_SIZE, "cannot create HKLM\\%s (error %d)", parameters->key_utf8, status);
        return HRESULT_FROM_WIN32(status);
    }
    RegCloseKey(hkey);
    return S_OK;
}

HRESULT server_install_hotfix(const struct gate_reader *reader, const char *today,
                              char error[SERVER_TEXT_SIZE])
{
    struct gate_dword major, minor, build;
    WCHAR date[16];
    HRESULT hr;

    gate_read_dword(reader, REG_ITEM_PRODUCT_MAJOR, &major);
    gate_read_dword(reader, REG_ITEM_PRODUCT_MINOR, &minor);
    gate_read_dword(reader, REG_ITEM_BUILD_MAJOR, &build);
    if (!major.valid || !minor.valid || !build.valid || major.value != 6 || minor.value != 5)
    {
        snprintf(error, SERVER_TEXT_SIZE,
                 "KB938650 requires Microsoft Exchange Server 2003 Service Pack 2, and no Exchange Server 2003 "
                 "was found (HKLM\\%s: MsiProductMajor %s, MsiProductMinor %s); run 'trackfix server init' first",
                 reg_item_get(REG_ITEM_BUILD_MAJOR)->key_utf8, major.found, minor.found);
        return E_ABORT;
    }
    if (build.value < REG_BUILD_EXCHANGE_2003_SP2)
    {
        snprintf(error, SERVER_TEXT_SIZE,
                 "KB938650 requires Microsoft Exchange Server 2003 Service Pack 2 (build %u); this server is build %u",
                 REG_BUILD_EXCHANGE_2003_SP2, build.value);
        return E_ABORT;
    }
    MultiByteToWideChar(CP_UTF8, 0, today, -1, date, ARRAYSIZE(date));
    if (FAILED(hr = write_string(REG_ITEM_HOTFIX_DESCRIPTION, HOTFIX_DESCRIPTION, error))) return hr;
    return write_string(REG_ITEM_HOTFIX_DATE, date, error);
}

HRESULT server_uninstall_hotfix(char error[SERVER_TEXT_SIZE])
{
    const struct reg_item_def *hotfix = reg_item_get(REG_ITEM_HOTFIX_DESCRIPTION);
    LSTATUS status = RegDeleteTreeW(HKEY_LOCAL_MACHINE, hotfix->key);

    if (status == ERROR_FILE_NOT_FOUND) return S_FALSE;
    if (status != ERROR_SUCCESS)
    {
        snprintf(error, SERVER_TEXT_SIZE, "cannot delete HKLM\\%s (error %d)", hotfix->key_utf8, status);
        return HRESULT_FROM_WIN32(status);
    }
    return S_OK;
}

HRESULT server_set_fix_value(DWORD value, char error[SERVER_TEXT_SIZE])
{
    return write_dword(REG_ITEM_FIX_VALUE, value, error);
}
