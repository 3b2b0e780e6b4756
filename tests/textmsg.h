/*
 * textmsg: a test's .msg made from a text of msgtext's form (tests/data),
 * as "trackfix msg new" makes it, for the tests that need one on disk.
 */
#ifndef TRACKFIX_TESTS_TEXTMSG_H
#define TRACKFIX_TESTS_TEXTMSG_H

#include <stdio.h>
#include <stdlib.h>

#include "msgfile.h"
#include "msgtext.h"
#include "verbrun.h"

/* Writes MSG_PATH from the text file TEXT_PATH; the test fails if it
 * cannot. */
static inline void textmsg_write(const char *text_path, const char *msg_path)
{
    char error[MSGFILE_ERROR_SIZE], *text = verbrun_read(text_path);
    struct mapi_message message;

    if (FAILED(msgtext_parse(text, text_path, &message, error))) fail_msg("%s", error);
    free(text);
    if (FAILED(msgfile_write(msg_path, &message, error))) fail_msg("%s", error);
    mapi_message_clear(&message);
}

#endif
