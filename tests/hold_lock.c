/*
 * hold_lock: a test helper.  Holds the kernel's lock (flock) on FILE, as a
 * running "trackfix queue run" holds its queue's lock, and meanwhile runs the
 * command that follows (a Unix command line, through the shell), printing
 * "second run exited N".
 *
 * usage: hold_lock.exe FILE COMMAND [ARGS...]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <unistd.h>

#include <windows.h>

int main(int argc, char **argv)
{
    char command[8192];
    size_t len = 0;
    int lock, i, status;

    if (argc < 3)
    {
        fprintf(stderr, "usage: hold_lock.exe FILE COMMAND [ARGS...]\n");
        return 2;
    }
    if ((lock = open(argv[1], O_RDWR | O_CREAT | O_CLOEXEC, 0644)) < 0 || flock(lock, LOCK_EX | LOCK_NB))
    {
        fprintf(stderr, "hold_lock: cannot lock %s: %s\n", argv[1], strerror(errno));
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
    close(lock);
    return 0;
}
