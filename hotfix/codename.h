/*
 * codename: tables that pair a numeric code with the identifier naming it.
 *
 * CODE_NAME(PR_SUBJECT) is the row {PR_SUBJECT, "PR_SUBJECT"}: the name is
 * the identifier itself, so a row cannot pair a code with the wrong name.
 */
#ifndef TRACKFIX_CODENAME_H
#define TRACKFIX_CODENAME_H

#include <stddef.h>

#include <windows.h>

struct code_name
{
    ULONG code;
    const char *name;
};

#define CODE_NAME(id) {(id), #id}

/* The name of CODE in TABLE (COUNT rows), or NULL. */
const char *code_name_find(const struct code_name *table, size_t count, ULONG code);
/* The code named NAME in TABLE, into *CODE; FALSE if no row has that name. */
BOOL code_name_parse(const struct code_name *table, size_t count, const char *name, ULONG *code);

#endif
