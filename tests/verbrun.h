/*
 * verbrun: a test runs trackfix's verbs in its own process, as trackfix's
 * main does, and reads what they print (stdout and stderr together) from a
 * file of its own.  No Wine start a command line.
 */
#ifndef TRACKFIX_TESTS_VERBRUN_H
#define TRACKFIX_TESTS_VERBRUN_H

#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

typedef int (*verb_fn)(int argc, char **argv);

#define VERBRUN_LINE_SIZE 1024
#define VERBRUN_WORDS 32

/* Splits LINE at spaces into ARGV (the words copied into COPY, of
 * VERBRUN_LINE_SIZE bytes; ARGV of VERBRUN_WORDS, NULL-terminated); the
 * count of words. */
static inline int verbrun_split(const char *line, char *copy, char **argv)
{
    char *save = NULL, *word;
    int argc = 0;

    assert_true(strlen(line) < VERBRUN_LINE_SIZE);
    strcpy(copy, line);
    for (word = strtok_r(copy, " ", &save); word && argc < VERBRUN_WORDS - 1; word = strtok_r(NULL, " ", &save))
        argv[argc++] = word;
    argv[argc] = NULL;
    return argc;
}

/* What the process prints from here to verbrun_capture_end goes to the
 * file OUT (stdout) and ERR (stderr; the same file when ERR is OUT); SAVED
 * keeps the two as they were. */
static inline void verbrun_capture_begin(const char *out, const char *err, int saved[2])
{
    int fd;

    fflush(stdout);
    fflush(stderr);
    saved[0] = dup(1);
    saved[1] = dup(2);
    fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0666);
    assert_true(fd >= 0);
    dup2(fd, 1);
    if (strcmp(out, err))
    {
        close(fd);
        fd = open(err, O_WRONLY | O_CREAT | O_TRUNC, 0666);
        assert_true(fd >= 0);
    }
    dup2(fd, 2);
    close(fd);
    cli_buffer_stdout();
}

static inline void verbrun_capture_end(int saved[2])
{
    fflush(stdout);
    fflush(stderr);
    dup2(saved[0], 1);
    dup2(saved[1], 2);
    close(saved[0]);
    close(saved[1]);
    cli_buffer_stdout();
}

/* The text of FILE, read whole (caller frees); the test fails if it
 * cannot be. */
static inline char *verbrun_read(const char *file)
{
    char *text;
    FILE *in = fopen(file, "rb");
    long size;

    assert_non_null(in);
    fseek(in, 0, SEEK_END);
    size = ftell(in);
    fseek(in, 0, SEEK_SET);
    text = calloc(1, size + 1);
    assert_int_equal(fread(text, 1, size, in), (size_t)size);
    fclose(in);
    return text;
}

/* Runs VERB with the words of LINE as trackfix would, what it prints
 * (stdout and stderr together) through FILE into *PRINTED (caller frees);
 * the exit code. */
static inline int verbrun_run(verb_fn verb, const char *line, const char *file, char **printed)
{
    char copy[VERBRUN_LINE_SIZE], *argv[VERBRUN_WORDS];
    int argc = verbrun_split(line, copy, argv), saved[2], ret;

    verbrun_capture_begin(file, file, saved);
    ret = verb(argc, argv);
    verbrun_capture_end(saved);
    *printed = verbrun_read(file);
    return ret;
}

#endif
