/*
 * regpaths: the table of registry locations (hotfix/DESIGN.md §3).
 */
#include <stdio.h>

#include <windows.h>
#include <winreg.h>

#include "codename.h"
#include "regpaths.h"

#define KEY_PARAMETERS "SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem"
#define KEY_DIAGNOSTICS "SYSTEM\\CurrentControlSet\\Services\\MSExchangeTransport\\Diagnostics"
#define KEY_SETUP "SOFTWARE\\Microsoft\\Exchange\\Setup"
#define KEY_HOTFIX "SOFTWARE\\Microsoft\\Updates\\Exchange Server 2003\\SP3\\KB938650"

#define ITEM(key, value, type) { L"" key, L"" value, key, value, type }

static const struct reg_item_def items[REG_ITEM_COUNT] = {
    [REG_ITEM_FIX_VALUE] = ITEM(KEY_PARAMETERS, "FixRecipientTrackStatusTime", REG_DWORD),
    [REG_ITEM_STORE_DRIVER_LEVEL] = ITEM(KEY_DIAGNOSTICS, "Exchange Store Driver", REG_DWORD),
    [REG_ITEM_PRODUCT_MAJOR] = ITEM(KEY_SETUP, "MsiProductMajor", REG_DWORD),
    [REG_ITEM_PRODUCT_MINOR] = ITEM(KEY_SETUP, "MsiProductMinor", REG_DWORD),
    [REG_ITEM_BUILD_MAJOR] = ITEM(KEY_SETUP, "MsiBuildMajor", REG_DWORD),
    [REG_ITEM_HOTFIX_DESCRIPTION] = ITEM(KEY_HOTFIX, "Description", REG_SZ),
    [REG_ITEM_HOTFIX_DATE] = ITEM(KEY_HOTFIX, "InstalledDate", REG_SZ),
};

const struct reg_item_def *reg_item_get(enum reg_item item)
{
    return item < REG_ITEM_COUNT ? &items[item] : NULL;
}

static const struct code_name type_names[] = {
    CODE_NAME(REG_NONE),
    CODE_NAME(REG_SZ),
    CODE_NAME(REG_EXPAND_SZ),
    CODE_NAME(REG_BINARY),
    CODE_NAME(REG_DWORD),
    CODE_NAME(REG_DWORD_BIG_ENDIAN),
    CODE_NAME(REG_LINK),
    CODE_NAME(REG_MULTI_SZ),
    CODE_NAME(REG_QWORD),
};

const char *reg_type_name(DWORD type, char *buf, size_t size)
{
    const char *name = code_name_find(type_names, ARRAYSIZE(type_names), type);

    if (name) return name;
    snprintf(buf, size, "type %#x", type);
    return buf;
}
