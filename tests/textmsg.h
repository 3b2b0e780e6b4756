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

/* Writes MSG_PATH from the text file TEXT_PATH; the test fails if it
 * cannot. */
static inline void textmsg_write(const char *text_path, const char *msg_path)
{
    char error[MSGFILE_ERROR_SIZE], *text;
    struct mapi_message message;
    FILE *in = fopen(text_path, "rb");
    long size;

    assert_non_null(in);
    fseek(in, 0, SEEK_END);
    size = ftell(in);
    fseek(in, 0, SEEK_SET);
    text = calloc(1, size + 1);
    assert_int_equal(fread(text, 1, size, in), (size_t)size);
    fclose(in);
    if (FAILED(msgtext_parse(text, text_path, &message, error))) fail_msg("%s", error);
    free(text);
    if (FAILED(msgfile_write(msg_path, &message, error))) fail_msg("%s", error);
    mapi_message_clear(&message);
}

#endif
