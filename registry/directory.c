/*
 * directory: legacyExchangeDN -> SMTP address, in the prefix's registry.
 */
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <winreg.h>

#include "directory.h"

#define KEY_W L"" DIRECTORY_KEY
/* a DN, an address: Active Directory caps both far below this */
#define ENTRY_MAX 2048

static WCHAR *to_wide(const char *text)
{
    int size = MultiByteToWideChar(CP_UTF8, 0, text, -1, NULL, 0);
    WCHAR *wide = size > 0 ? calloc(size, sizeof(WCHAR)) : NULL;

    if (wide) MultiByteToWideChar(CP_UTF8, 0, text, -1, wide, size);
    return wide;
}

static char *to_utf8(const WCHAR *wide)
{
    int size = WideCharToMultiByte(CP_UTF8, 0, wide, -1, NULL, 0, NULL, NULL);
    char *text = size > 0 ? malloc(size) : NULL;

    if (text) WideCharToMultiByte(CP_UTF8, 0, wide, -1, text, size, NULL, NULL);
    return text;
}

HRESULT directory_add(const char *dn, const char *address, char error[DIRECTORY_ERROR_SIZE])
{
    WCHAR *name = NULL, *data = NULL;
    LSTATUS status = ERROR_OUTOFMEMORY;
    HKEY key;

    if (!*dn || strlen(dn) >= ENTRY_MAX)
        return errmsg_format(error, E_INVALIDARG, "the legacyExchangeDN is empty or over %u bytes", ENTRY_MAX - 1);
    if (!strchr(address, '@') || strlen(address) >= ENTRY_MAX)
        return errmsg_format(error, E_INVALIDARG, "'%s' is not an SMTP address", address);
    if ((name = to_wide(dn)) && (data = to_wide(address)) &&
        (status = RegCreateKeyExW(HKEY_LOCAL_MACHINE, KEY_W, 0, NULL, 0, KEY_SET_VALUE | KEY_WOW64_64KEY, NULL, &key,
                                  NULL)) == ERROR_SUCCESS)
    {
        status = RegSetValueExW(key, name, 0, REG_SZ, (const BYTE *)data, (lstrlenW(data) + 1) * sizeof(WCHAR));
        RegCloseKey(key);
    }
    free(name);
    free(data);
    if (status == ERROR_OUTOFMEMORY) return errmsg_format(error, E_OUTOFMEMORY, ERRMSG_OOM);
    if (status != ERROR_SUCCESS)
        return errmsg_format(error, HRESULT_FROM_WIN32(status), "cannot write HKLM\\%s\\%s (error %d)", DIRECTORY_KEY,
                             dn, status);
    return S_OK;
}

HRESULT directory_read(const char *dn, char **address)
{
    WCHAR *name = to_wide(dn), data[ENTRY_MAX];
    DWORD size = sizeof(data) - sizeof(WCHAR), type;
    HRESULT hr = S_FALSE;
    LSTATUS status;
    HKEY key;

    *address = NULL;
    if (!name) return E_OUTOFMEMORY;
    status = RegOpenKeyExW(HKEY_LOCAL_MACHINE, KEY_W, 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &key);
    if (status == ERROR_SUCCESS)
    {
        status = RegQueryValueExW(key, name, NULL, &type, (BYTE *)data, &size);
        if (status == ERROR_SUCCESS && type == REG_SZ)
        {
            data[size / sizeof(WCHAR)] = 0;
            if (data[0]) hr = (*address = to_utf8(data)) ? S_OK : E_OUTOFMEMORY;
        }
        RegCloseKey(key);
    }
    free(name);
    /* no directory, no such entry: S_FALSE; a registry that would not
     * answer is no answer */
    if (status != ERROR_SUCCESS && status != ERROR_FILE_NOT_FOUND) hr = HRESULT_FROM_WIN32(status);
    return hr;
}

HRESULT directory_each(void (*visit)(const char *dn, const char *address, void *context), void *context, ULONG *count)
{
    WCHAR name[ENTRY_MAX], data[ENTRY_MAX];
    DWORD index, name_size, data_size, type;
    HRESULT hr = S_OK;
    LSTATUS status;
    HKEY key;

    *count = 0;
    status = RegOpenKeyExW(HKEY_LOCAL_MACHINE, KEY_W, 0, KEY_READ | KEY_WOW64_64KEY, &key);
    if (status == ERROR_FILE_NOT_FOUND) return S_OK;
    if (status != ERROR_SUCCESS) return HRESULT_FROM_WIN32(status);
    for (index = 0; SUCCEEDED(hr); index++)
    {
        char *dn, *address;

        name_size = ARRAYSIZE(name);
        data_size = sizeof(data) - sizeof(WCHAR);
        status = RegEnumValueW(key, index, name, &name_size, NULL, &type, (BYTE *)data, &data_size);
        if (status == ERROR_NO_MORE_ITEMS) break;
        if (status != ERROR_SUCCESS) hr = HRESULT_FROM_WIN32(status);
        if (status != ERROR_SUCCESS || type != REG_SZ) continue;
        data[data_size / sizeof(WCHAR)] = 0;
        dn = to_utf8(name);
        address = to_utf8(data);
        if (!dn || !address) hr = E_OUTOFMEMORY;
        else
        {
            visit(dn, address, context);
            ++*count;
        }
        free(dn);
        free(address);
    }
    RegCloseKey(key);
    return hr;
}
