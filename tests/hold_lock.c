/*
 * hold_lock: a test helper.  Holds FILE open without sharing, as a running
 * "trackfix queue run" holds its queue's lock, and meanwhile runs the
 * command that follows (a Unix command line, through the shell), printing
 * "second run exited N".
 *
 * usage: hold_lock.exe FILE COMMAND [ARGS...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <windows.h>

int main(int argc, char **argv)
{
    char command[8192];
    size_t len = 0;
    HANDLE lock;
    int i, status;

    if (argc < 3)
    {
        fprintf(stderr, "usage: hold_lock.exe FILE COMMAND [ARGS...]\n");
        return 2;
    }
    lock = CreateFileA(argv[1], GENERIC_READ | GENERIC_WRITE, 0, NULL, OPEN_ALWAYS, FILE_ATTRIBUTE_NORMAL, NULL);
    if (lock == INVALID_HANDLE_VALUE)
    {
        fprintf(stderr, "hold_lock: cannot open %s (error %u)\n", argv[1], GetLastError());
        return 2;
    }
    /* each argument in single quotes for the shell */
    for (i = 2; i < argc && len < sizeof(command) - 16; i++)
    {
        const char *p;
        command[len++] = '\'';
        for (p = argv[i]; *p && len < sizeof(command) - 16; p++)
        {
            if (*p == '\'') len += (size_t)snprintf(command + len, sizeof(command) - len, "'\\''");
            else command[len++] = *p;
        }
        command[len++] = '\'';
        command[len++] = ' ';
    }
    snprintf(command + len, sizeof(command) - len, "2>&1");
    fflush(stdout);
    status = system(command);
    printf("second run exited %d\n", WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    CloseHandle(lock);
    return 0;
}
