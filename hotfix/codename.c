/*
 * codename: lookups in code-name tables, both ways.
 */
#include <string.h>

#include "codename.h"

const char *code_name_find(const struct code_name *table, size_t count, ULONG code)
{
    size_t i;

    for (i = 0; i < count; i++)
        if (table[i].code == code) return table[i].name;
    return NULL;
}

BOOL code_name_parse(const struct code_name *table, size_t count, const char *name, ULONG *code)
{
    size_t i;

    for (i = 0; i < count; i++)
    {
        if (strcmp(table[i].name, name)) continue;
        *code = table[i].code;
        return TRUE;
    }
    return FALSE;
}
