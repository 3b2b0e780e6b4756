/*
 * gate: the KB938650 switch, read from the registry at every call (hotfix/DESIGN.md §3).
 */
#include <stdio.h>
#include <string.h>

#include <windows.h>
#include <winreg.h>
#include <wine/debug.h>

#include "gate.h"

WINE_DEFAULT_DEBUG_CHANNEL(trackfix);

static LSTATUS registry_query(void *ctx, const WCHAR *key, const WCHAR *value, BOOL *key_missing,
                              DWORD *type, BYTE *data, DWORD *size)
{
    HKEY hkey;
    LSTATUS status;

    (void)ctx;
    *key_missing = FALSE;
    status = RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &hkey);
    if (status == ERROR_FILE_NOT_FOUND) *key_missing = TRUE;
    if (status != ERROR_SUCCESS) return status;
    status = RegQueryValueExW(hkey, value, NULL, type, data, size);
    RegCloseKey(hkey);
    return status;
}

const struct gate_reader *gate_reader_registry(void)
{
    static const struct gate_reader reader = {registry_query, NULL};
    return &reader;
}

/* TRUE when A and B are the same text. */
static BOOL same_name(const WCHAR *a, const WCHAR *b)
{
    while (*a && *a == *b) a++, b++;
    return *a == *b;
}

/* Forgets kept key I (closing it). */
static void drop_key(struct gate_keys *keys, ULONG i)
{
    RegCloseKey(keys->handles[i]);
    keys->count--;
    keys->names[i] = keys->names[keys->count];
    keys->handles[i] = keys->handles[keys->count];
}

static LSTATUS kept_query(void *ctx, const WCHAR *key, const WCHAR *value, BOOL *key_missing, DWORD *type,
                          BYTE *data, DWORD *size)
{
    struct gate_keys *keys = ctx;
    LSTATUS status;
    HKEY hkey;
    ULONG i;

    *key_missing = FALSE;
    for (i = 0; i < keys->count; i++)
    {
        if (!same_name(keys->names[i], key)) continue;
        status = RegQueryValueExW(keys->handles[i], value, NULL, type, data, size);
        if (status != ERROR_KEY_DELETED) return status;
        drop_key(keys, i); /* deleted since: open it again by name */
        break;
    }
    status = RegOpenKeyExW(HKEY_LOCAL_MACHINE, key, 0, KEY_QUERY_VALUE | KEY_WOW64_64KEY, &hkey);
    if (status == ERROR_FILE_NOT_FOUND) *key_missing = TRUE;
    if (status != ERROR_SUCCESS) return status;
    status = RegQueryValueExW(hkey, value, NULL, type, data, size);
    if (keys->count < GATE_KEYS_MAX)
    {
        keys->names[keys->count] = key;
        keys->handles[keys->count++] = hkey;
    }
    else
        RegCloseKey(hkey);
    return status;
}

void gate_keys_init(struct gate_keys *keys)
{
    memset(keys, 0, sizeof(*keys));
    keys->reader.query = kept_query;
    keys->reader.ctx = keys;
}

void gate_keys_close(struct gate_keys *keys)
{
    while (keys->count) drop_key(keys, 0);
}

/* The longest description: a type name of up to 20 characters, 16 bytes
 * in hex, " ..." and " (4294967295 bytes)". */
C_ASSERT(GATE_FOUND_SIZE > 20 + 16 * 3 + 4 + 19);

/* Describes DATA of TYPE (SIZE bytes, of which at most HAVE were read) as
 * "REG_SZ \"1\"", "REG_BINARY 01 00 (2 bytes)", ... into OUT. */
static void describe_data(DWORD type, const BYTE *data, DWORD size, DWORD have, char out[GATE_FOUND_SIZE])
{
    char type_buf[32];
    const char *type_name = reg_type_name(type, type_buf, sizeof(type_buf));
    size_t len;
    DWORD i;

    if (size == 0)
    {
        snprintf(out, GATE_FOUND_SIZE, "%s with no data (0 bytes)", type_name);
        return;
    }
    if (type == REG_SZ || type == REG_EXPAND_SZ || type == REG_MULTI_SZ)
    {
        char text[64];
        int n = WideCharToMultiByte(CP_UTF8, 0, (const WCHAR *)data, have / sizeof(WCHAR), text,
                                    sizeof(text) - 1, NULL, NULL);
        text[n > 0 ? n : 0] = 0;
        snprintf(out, GATE_FOUND_SIZE, "%s \"%s\"", type_name, text);
        return;
    }
    len = (size_t)snprintf(out, GATE_FOUND_SIZE, "%s", type_name);
    for (i = 0; i < have && i < 16; i++)
        len += (size_t)snprintf(out + len, GATE_FOUND_SIZE - len, " %02x", data[i]);
    snprintf(out + len, GATE_FOUND_SIZE - len, "%s (%u bytes)", have < size || i < have ? " ..." : "", size);
}

HRESULT gate_read_dword(const struct gate_reader *reader, enum reg_item item, struct gate_dword *out)
{
    const struct reg_item_def *def = reg_item_get(item);
    BYTE data[64];
    DWORD type = REG_NONE, size = sizeof(data);
    BOOL key_missing = FALSE;
    LSTATUS status;

    memset(out, 0, sizeof(*out));
    status = reader->query(reader->ctx, def->key, def->value, &key_missing, &type, data, &size);
    WINE_TRACE("%s\\%s: status %d type %u size %u\n", def->key_utf8, def->value_utf8, status, type, size);

    if (status == ERROR_FILE_NOT_FOUND)
    {
        if (key_missing)
        {
            snprintf(out->found, sizeof(out->found), "no key");
            snprintf(out->warning, sizeof(out->warning), "HKLM\\%s: key not found, so '%s' reads as 0",
                     def->key_utf8, def->value_utf8);
        }
        else
            snprintf(out->found, sizeof(out->found), "no value");
        return S_FALSE;
    }
    if (status != ERROR_SUCCESS && status != ERROR_MORE_DATA)
    {
        char reason[128];
        if (!FormatMessageA(FORMAT_MESSAGE_FROM_SYSTEM | FORMAT_MESSAGE_IGNORE_INSERTS, NULL, status, 0,
                            reason, sizeof(reason), NULL))
            snprintf(reason, sizeof(reason), "error %d", status);
        reason[strcspn(reason, "\r\n")] = 0;
        snprintf(out->found, sizeof(out->found), "unreadable (error %d: %s)", status, reason);
        snprintf(out->warning, sizeof(out->warning), "HKLM\\%s\\%s: cannot be read (error %d: %s), so it reads as 0",
                 def->key_utf8, def->value_utf8, status, reason);
        return HRESULT_FROM_WIN32(status);
    }

    out->present = TRUE;
    if (status == ERROR_SUCCESS && type == REG_DWORD && size == sizeof(DWORD))
    {
        memcpy(&out->value, data, sizeof(DWORD));
        out->valid = TRUE;
        snprintf(out->found, sizeof(out->found), "REG_DWORD %u", out->value);
        return S_OK;
    }
    describe_data(type, data, size, status == ERROR_SUCCESS ? size : 0, out->found);
    snprintf(out->warning, sizeof(out->warning), "HKLM\\%s\\%s: expected a REG_DWORD, found %s, so it reads as 0",
             def->key_utf8, def->value_utf8, out->found);
    return E_UNEXPECTED;
}

/* Appends TEXT to WARNING, "; "-separated. */
static void add_warning(char *warning, size_t size, const char *text)
{
    size_t len = strlen(warning);

    if (!*text) return;
    snprintf(warning + len, size - len, "%s%s", len ? "; " : "", text);
}

HRESULT gate_read(const struct gate_reader *reader, struct gate_status *out)
{
    const struct reg_item_def *hotfix = reg_item_get(REG_ITEM_HOTFIX_DESCRIPTION);
    const struct reg_item_def *build_item = reg_item_get(REG_ITEM_BUILD_MAJOR);
    struct gate_dword build;
    char text[GATE_TEXT_SIZE];
    BYTE data[512];
    DWORD type, size = sizeof(data);
    BOOL key_missing = FALSE, too_old = FALSE;
    LSTATUS status;

    memset(out, 0, sizeof(*out));
    status = reader->query(reader->ctx, hotfix->key, hotfix->value, &key_missing, &type, data, &size);
    out->installed = !key_missing && (status == ERROR_SUCCESS || status == ERROR_MORE_DATA ||
                                      status == ERROR_FILE_NOT_FOUND);
    if (!out->installed && !key_missing)
    {
        snprintf(text, sizeof(text), "HKLM\\%s: cannot be read (error %d), so KB938650 counts as not installed",
                 hotfix->key_utf8, status);
        add_warning(out->warning, sizeof(out->warning), text);
    }
    /* the hotfix is SP2 code: on an older store its key changes nothing (a
     * missing or unreadable build is not held against it) */
    gate_read_dword(reader, REG_ITEM_BUILD_MAJOR, &build);
    if (out->installed && build.valid && build.value < REG_BUILD_EXCHANGE_2003_SP2)
    {
        out->installed = FALSE;
        too_old = TRUE;
        snprintf(text, sizeof(text),
                 "HKLM\\%s\\%s is %u, older than Exchange 2003 SP2 (build %u), which KB938650 is for, "
                 "so KB938650 counts as not installed",
                 build_item->key_utf8, build_item->value_utf8, build.value, REG_BUILD_EXCHANGE_2003_SP2);
        add_warning(out->warning, sizeof(out->warning), text);
    }

    gate_read_dword(reader, REG_ITEM_FIX_VALUE, &out->fix);
    add_warning(out->warning, sizeof(out->warning), out->fix.warning);

    out->active = out->installed && out->fix.valid && out->fix.value != 0;
    if (!out->installed && !too_old && out->fix.valid && out->fix.value != 0)
    {
        snprintf(text, sizeof(text), "'%s' is %u but KB938650 is not installed (HKLM\\%s not found), so the fix is inactive",
                 reg_item_get(REG_ITEM_FIX_VALUE)->value_utf8, out->fix.value,
                 hotfix->key_utf8);
        add_warning(out->warning, sizeof(out->warning), text);
    }
    WINE_TRACE("installed %d, value %s, active %d\n", out->installed, out->fix.found, out->active);
    return out->active ? S_OK : S_FALSE;
}
