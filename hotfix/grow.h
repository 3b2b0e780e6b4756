/*
 * grow: arrays that grow by doubling, one element at a time.
 */
#ifndef TRACKFIX_GROW_H
#define TRACKFIX_GROW_H

#include <stddef.h>

#include <windef.h>

/* Makes room in *ITEMS (elements of SIZE bytes, *CAPACITY of them
 * allocated) for element COUNT: when full, doubles *CAPACITY, starting at
 * FIRST.  Returns FALSE, changing nothing, when out of memory. */
BOOL grow_for_one(void *items, ULONG *capacity, ULONG count, size_t size, ULONG first);

#endif
