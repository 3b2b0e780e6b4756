/*
 * regpaths: every registry location trackfix reads or writes (hotfix/DESIGN.md §3),
 * in one table.  All keys are under HKEY_LOCAL_MACHINE of the Wine prefix.
 */
#ifndef TRACKFIX_REGPATHS_H
#define TRACKFIX_REGPATHS_H

#include <windef.h>

enum reg_item
{
    REG_ITEM_FIX_VALUE,          /* FixRecipientTrackStatusTime, REG_DWORD */
    REG_ITEM_STORE_DRIVER_LEVEL, /* diagnostics level of "Exchange Store Driver" */
    REG_ITEM_PRODUCT_MAJOR,      /* 6 for Exchange 2003 */
    REG_ITEM_PRODUCT_MINOR,      /* 5 for Exchange 2003 */
    REG_ITEM_BUILD_MAJOR,        /* 7638 for Exchange 2003 SP2 */
    REG_ITEM_HOTFIX_DESCRIPTION, /* present = KB938650 binaries installed */
    REG_ITEM_HOTFIX_DATE,
    REG_ITEM_COUNT
};

struct reg_item_def
{
    const WCHAR *key;   /* path under HKLM */
    const WCHAR *value; /* value name */
    const char *key_utf8, *value_utf8; /* the same, for messages */
    DWORD type;         /* the type trackfix writes and expects */
};

/* The definition of ITEM; never NULL for a valid item. */
const struct reg_item_def *reg_item_get(enum reg_item item);

/* Name of a registry value type ("REG_SZ", "REG_DWORD", ...; "type 0x..."
 * for unknown ones) in a static or caller-free string of BUF. */
const char *reg_type_name(DWORD type, char *buf, size_t size);

/* Exchange 2003 SP2: the build the hotfix requires (KB938650 Prerequisites) */
#define REG_BUILD_EXCHANGE_2003_SP2 7638

#endif
