/*
 * serverdir: the server folder's layout.
 */
#include <stdlib.h>
#include <string.h>

#include "serverdir.h"
#include "strbuf.h"

static const char *const names[SERVER_ITEM_COUNT] = {
    [SERVER_QUEUE] = "queue",
    [SERVER_DROP] = "drop",
    [SERVER_SENT] = "sent",
    [SERVER_MAILBOXES] = "mailboxes",
    [SERVER_EVENTLOG] = "eventlog.log",
    [SERVER_REPORT] = "report.html",
    [SERVER_SCAN_PAGE] = "scan.html",
    [SERVER_ORGANIZER] = "organizer",
    [SERVER_EXCHANGE2007] = "exchange2007",
    [SERVER_SCENARIO_MARK] = ".trackfix-scenario",
};

const char *serverdir_name(enum server_item item)
{
    return names[item];
}

char *serverdir_path(const char *server, enum server_item item, const char *name)
{
    return strbuf_path(server, names[item], name);
}

char *serverdir_mailbox(const char *server, const char *sender, const char *name)
{
    struct strbuf path = {0};
    const char *p;

    strbuf_printf(&path, "%s/%s/", server, names[SERVER_MAILBOXES]);
    for (p = sender; *p; p++)
        strbuf_add(&path, strchr("\\/:*?\"<>|", *p) || (unsigned char)*p < 0x20 ? "_" : p, 1);
    if (name) strbuf_printf(&path, "/%s", name);
    return strbuf_detach(&path);
}

static int is_separator(char c)
{
    return c == '/' || c == '\\';
}

char *serverdir_of_queue(const char *queue_dir)
{
    size_t root = queue_dir[0] && queue_dir[1] == ':' ? 2 : 0, end = strlen(queue_dir);
    char *server;

    if (is_separator(queue_dir[root])) root++;
    /* the queue's own name ends before its trailing separators */
    while (end > root && is_separator(queue_dir[end - 1])) end--;
    while (end > root && !is_separator(queue_dir[end - 1])) end--;
    if (end == 0) return strdup(".");
    /* its parent ends before the separators in between, but not before the root */
    while (end > root && is_separator(queue_dir[end - 1])) end--;
    if (end < root) end = root;
    if (!(server = malloc(end + 1))) return NULL;
    memcpy(server, queue_dir, end);
    server[end] = 0;
    return server;
}
