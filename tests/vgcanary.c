/*
 * vgcanary: a program with two invalid writes and one leak on purpose, so
 * that make memcheck can show its checker (tests/vgcheck.py) still finds
 * each through Wine: one write in its own code, one that Wine's
 * MultiByteToWideChar makes into a buffer sized without the terminating
 * NUL (the shape of a bug once found in the .msg writer).  Never part of
 * trackfix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "leakcheck.h"

int main(void)
{
    char *leaked = malloc(64), *short_block = malloc(8);
    WCHAR *no_room_for_nul = malloc(4 * sizeof(WCHAR));
    volatile size_t past_end = 8;

    strcpy(leaked, "lost on purpose");
    short_block[past_end] = 'x'; /* one past the end, on purpose */
    printf("vgcanary: %s %p\n", leaked, (void *)short_block);
    leaked = NULL;
    /* "name" is four characters and a NUL: the NUL lands past the block */
    MultiByteToWideChar(CP_UTF8, 0, "name", -1, no_room_for_nul, 5);
    free(no_room_for_nul);
    free(short_block);
    return leakcheck_at_exit(0);
}
