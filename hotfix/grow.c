/*
 * grow: doubling arrays.
 */
#include <stdlib.h>
#include <string.h>

#include "grow.h"

BOOL grow_for_one(void *items, ULONG *capacity, ULONG count, size_t size, ULONG first)
{
    void *grown, *old;
    ULONG wanted;

    if (count < *capacity) return TRUE;
    wanted = *capacity ? *capacity * 2 : first;
    memcpy(&old, items, sizeof(old));
    if (wanted <= *capacity || !(grown = realloc(old, (size_t)wanted * size))) return FALSE;
    memcpy(items, &grown, sizeof(grown));
    *capacity = wanted;
    return TRUE;
}
