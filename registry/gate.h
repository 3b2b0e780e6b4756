/*
 * gate: is the KB938650 fix active right now? (hotfix/DESIGN.md §3)
 *
 * The fix is active only when it is installed (the KB938650 key exists, on a
 * server that is not older than Exchange 2003 SP2, build 7638) AND
 * FixRecipientTrackStatusTime is a REG_DWORD of four bytes that is not zero.
 * Anything else (wrong type, empty data, missing key, access denied) reads as
 * disabled and leaves a warning that names the key, the value and what was
 * found.  Nothing is cached: every call reads the registry again, so a value
 * changed with reg.exe takes effect at the next conversion.
 */
#ifndef TRACKFIX_GATE_H
#define TRACKFIX_GATE_H

#include <windef.h>

#include "regpaths.h"

/* The seam between the gate and advapi32, so tests can play any registry.
 * query() has the contract of RegOpenKeyExW(HKLM, key) followed by
 * RegQueryValueExW(value): it returns ERROR_SUCCESS, ERROR_MORE_DATA (with
 * *type and the needed *size set), ERROR_FILE_NOT_FOUND for a missing key or
 * value (*key_missing says which), ERROR_ACCESS_DENIED, or another code. */
struct gate_reader
{
    LSTATUS (*query)(void *ctx, const WCHAR *key, const WCHAR *value, BOOL *key_missing,
                     DWORD *type, BYTE *data, DWORD *size);
    void *ctx;
};

/* The reader over the real registry of the current Wine prefix. */
const struct gate_reader *gate_reader_registry(void);

/* A reader over the real registry that keeps the keys it opened, for a
 * process that reads the same values again and again (a queue run): a read
 * is then one request to the registry instead of three (open, query,
 * close).  Still nothing is cached but the handle: every read asks the
 * registry, and a key deleted since (ERROR_KEY_DELETED) is opened again by
 * name, so a key made anew is read as it is now.  One thread at a time. */
#define GATE_KEYS_MAX 8
struct gate_keys
{
    struct gate_reader reader; /* pass &keys.reader */
    const WCHAR *names[GATE_KEYS_MAX]; /* the key paths asked for (not copied: the static ones of reg_item_get) */
    HKEY handles[GATE_KEYS_MAX];
    ULONG count;
};

void gate_keys_init(struct gate_keys *keys);
/* Closes the keys kept open. */
void gate_keys_close(struct gate_keys *keys);

#define GATE_TEXT_SIZE 512
#define GATE_FOUND_SIZE 160

/* One registry value as found. */
struct gate_dword
{
    BOOL valid;   /* a four-byte REG_DWORD was read; VALUE holds it */
    BOOL present; /* the value exists, whatever its type */
    DWORD value;
    char found[GATE_FOUND_SIZE];   /* e.g. "REG_DWORD 1", "REG_SZ \"1\"", "no value" */
    char warning[GATE_TEXT_SIZE]; /* "" when the value is fine or plainly absent */
};

/* Reads ITEM as a REG_DWORD through READER into OUT.  Always fills OUT.
 * Returns S_OK when a valid DWORD was read, S_FALSE when the value or its
 * key is absent, E_UNEXPECTED for the wrong type or size, or the
 * HRESULT_FROM_WIN32 of the registry error (access denied, ...). */
HRESULT gate_read_dword(const struct gate_reader *reader, enum reg_item item, struct gate_dword *out);

struct gate_status
{
    BOOL installed;           /* the KB938650 key exists */
    struct gate_dword fix;    /* FixRecipientTrackStatusTime as found */
    BOOL active;              /* installed and fix.valid and fix.value != 0 */
    char warning[GATE_TEXT_SIZE * 2]; /* every warning, "; "-separated; "" when none */
};

/* Reads the gate through READER into OUT.  Never fails: anything unreadable
 * counts as disabled and is described in OUT->warning.  Returns S_OK when the
 * fix is active, S_FALSE when it is not. */
HRESULT gate_read(const struct gate_reader *reader, struct gate_status *out);

#endif
