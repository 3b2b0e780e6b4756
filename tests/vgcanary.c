/*
 * vgcanary: a program with one invalid write and one leak on purpose, so
 * that make memcheck can show its checker (tests/vgcheck.py) still finds
 * both through Wine.  Never part of trackfix.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(void)
{
    char *leaked = malloc(64), *small = malloc(8);
    volatile size_t past_end = 8;

    strcpy(leaked, "lost on purpose");
    small[past_end] = 'x'; /* one past the end, on purpose */
    printf("vgcanary: %s %p\n", leaked, (void *)small);
    leaked = NULL;
    free(small);
    return 0;
}
