/*
 * unit_suite: the small cmocka unit tests in one process, for the memory
 * check (scripts/memcheck.sh), where valgrind's start through Wine costs
 * some 2 s a process.  Each test's object has its main renamed NAME_main
 * (objcopy, in the Makefile, which lists them in unit_suite.inc as
 * X(NAME) lines); they run in turn, each with its own cmocka groups and
 * leak check.  make test runs every test program on its own.
 */
#define X(name) int name##_main(void);
#include "unit_suite.inc"
#undef X

/* Exit 1 when a test program would have exited other than 0. */
int main(void)
{
    int failed = 0;

#define X(name) failed += name##_main() != 0;
#include "unit_suite.inc"
#undef X
    return failed ? 1 : 0;
}
