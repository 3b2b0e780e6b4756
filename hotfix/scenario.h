/*
 * scenario: the whole KB 938650 story, played from nothing in one server
 * folder and one process (DESIGN.md §1), with the evidence of each step.
 *
 * Modes: off (the value stays 0: stuck, event 327, NDR 4.4.7 at two days),
 * on (the fix enabled from the start: delivered with the clamped time),
 * toggle (stuck first, then the value flipped in the registry while the
 * queue is running, delivered at the next retry, no restart).
 */
#ifndef TRACKFIX_SCENARIO_H
#define TRACKFIX_SCENARIO_H

#include <windef.h>

#include "errmsg.h"

#define SCENARIO_ERROR_SIZE ERRMSG_SIZE

enum scenario_mode
{
    SCENARIO_OFF,
    SCENARIO_ON,
    SCENARIO_TOGGLE,
};

/* Called for each step: its number, a title, and the evidence (lines). */
typedef void (*scenario_narrate_fn)(void *ctx, int step, const char *title, const char *evidence);

/* Plays the story in folder DIR (UTF-8; created, or emptied when it holds
 * an earlier scenario; refused when it holds anything else).  Writes the
 * simulated server into the registry of the Wine prefix.  Returns S_OK
 * when the story ended as the article says for MODE, S_FALSE when it did
 * not (the narration says where), or the HRESULT of an I/O failure with
 * ERROR. */
HRESULT scenario_play(const char *dir, enum scenario_mode mode, scenario_narrate_fn narrate, void *ctx,
                      char error[SCENARIO_ERROR_SIZE]);

#endif
