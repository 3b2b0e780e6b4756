/*
 * leakcheck: valgrind's leak check, run by the program itself at the end of
 * main, while Wine still counts the process as running.
 *
 * Under Wine a process that has ended is given about half a second to be
 * gone: the wineserver then polls it with kill(pid, 0) at 1/64, 1/32, 1/16,
 * 1/8 and 1/4 s and sends SIGKILL.  Valgrind's own work at exit (the leak
 * check, the final report) runs after Wine has reported the end, so on a
 * large heap or a busy machine it was killed before its report was written.
 * A leak check asked for here runs before that; make memcheck then runs
 * valgrind with --leak-check=no, so the exit has little left to do, and
 * tests/vgcheck.py refuses a report without the line this prints.
 * Outside valgrind both calls are a few instructions that do nothing.
 */
#ifndef TRACKFIX_LEAKCHECK_H
#define TRACKFIX_LEAKCHECK_H

#include <valgrind/memcheck.h>

/* The line tests/vgcheck.py looks for in every report. */
#define LEAKCHECK_DONE "trackfix: leak check done"

/* Runs a full leak check when under valgrind, then returns STATUS: for
 * "return leakcheck_at_exit(status);" at the end of main. */
static inline int leakcheck_at_exit(int status)
{
    if (RUNNING_ON_VALGRIND)
    {
        VALGRIND_DO_LEAK_CHECK;
        VALGRIND_PRINTF("%s\n", LEAKCHECK_DONE);
    }
    return status;
}

#endif
