/*
 * coverage: the coverage build (make coverage) writes its counters out
 * before a process ends without returning from main: TerminateProcess
 * skips gcov's exit handler, and a run that kills itself (the crash hook,
 * the fuzzer's crash and hang handlers) would otherwise count for nothing.
 * In every other build coverage_dump() is nothing.
 */
#ifndef TRACKFIX_COVERAGE_H
#define TRACKFIX_COVERAGE_H

#ifdef TRACKFIX_COVERAGE
void __gcov_dump(void);
#define coverage_dump() __gcov_dump()
#else
#define coverage_dump() ((void)0)
#endif

#endif
