/*
 * exitcode: the process exit codes of trackfix, shared by main and the tests.
 */
#ifndef TRACKFIX_EXITCODE_H
#define TRACKFIX_EXITCODE_H

#define EXIT_OK 0          /* everything asked for was done */
#define EXIT_ERROR 1       /* a refused or failed action (install before SP2, registry write) */
#define EXIT_USAGE 2       /* bad command line, unparsable value or unreadable input */
#define EXIT_CONVERT 3     /* at least one conversion failed */
#define EXIT_NOT_APPLIED 4 /* a reply matched no meeting or attendee */
#define EXIT_AT_RISK 4     /* scan: a meeting would get stuck */
#define EXIT_BUSY 5        /* another run holds the queue lock */

#endif
