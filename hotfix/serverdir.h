/*
 * serverdir: the simulated server's folder, every path in it named here
 * and nowhere else.  The layout (described once, DESIGN.md §6.1):
 *
 *   SERVER/queue/             the SMTP retry queue (queue.h)
 *   SERVER/drop/ID.eml        what the queue delivered (the pickup folder)
 *   SERVER/sent/ID.eml        the copy of what went out over SMTP
 *   SERVER/mailboxes/SENDER/  delay DSNs and 4.4.7 NDRs for a sender
 *   SERVER/eventlog.log       event 327 records (eventlog.h)
 *   SERVER/report.html        the queue's report page (queuereport.h)
 *   SERVER/scan.html          the impact scan's page (make demo)
 *   SERVER/organizer/         the story's organizer items (scenario.c)
 *   SERVER/exchange2007/      the story's Exchange 2007 reply
 *   SERVER/.trackfix-scenario the mark of a folder the story made (and may empty)
 *
 * SERVER is $TRACKFIX_SERVER, or the folder a queue named on the command
 * line stands in.
 */
#ifndef TRACKFIX_SERVERDIR_H
#define TRACKFIX_SERVERDIR_H

enum server_item
{
    SERVER_QUEUE,
    SERVER_DROP,
    SERVER_SENT,
    SERVER_MAILBOXES,
    SERVER_EVENTLOG,
    SERVER_REPORT,
    SERVER_SCAN_PAGE,
    SERVER_ORGANIZER,
    SERVER_EXCHANGE2007,
    SERVER_SCENARIO_MARK,
    SERVER_ITEM_COUNT
};

/* The name of ITEM in the server folder: "queue", "drop", ... */
const char *serverdir_name(enum server_item item);

/* SERVER/ITEM, or SERVER/ITEM/NAME when NAME is set: a new string (caller
 * frees), NULL when out of memory. */
char *serverdir_path(const char *server, enum server_item item, const char *name);

/* The mailbox folder of SENDER, SERVER/mailboxes/SENDER, with each
 * character no file name may hold ("\/:*?"<>|" and controls) as '_'; or
 * the file NAME in it when NAME is set.  As serverdir_path. */
char *serverdir_mailbox(const char *server, const char *sender, const char *name);

/* The server folder a queue folder QUEUE_DIR stands in: its parent, in
 * any path form ("srv/queue", "srv\queue", "Z:\srv\queue", trailing
 * separators allowed), "." for a bare name, the root for a queue at a
 * root ("Z:\queue" gives "Z:\").  A new string, NULL when out of memory. */
char *serverdir_of_queue(const char *queue_dir);

#endif
