/*
 * imipreply: an attendee's iMIP reply (RFC 6047, METHOD:REPLY) read from an
 * .ics file or from the text/calendar part of an .eml, and applied to the
 * organizer's meeting the way Outlook applies it (DESIGN.md §1): the
 * attendee's row gets PR_RECIPIENT_TRACKSTATUS from PARTSTAT and
 * PR_RECIPIENT_TRACKSTATUS_TIME from X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE,
 * or 1601-01-01 (FILETIME 0) when the reply lacks it.
 */
#ifndef TRACKFIX_IMIPREPLY_H
#define TRACKFIX_IMIPREPLY_H

#include <windef.h>
#include <winerror.h>

#include "errmsg.h"

#include "mapimsg.h"

#define IMIPREPLY_ERROR_SIZE ERRMSG_SIZE
/* A reply that was read but cannot be applied: not METHOD:REPLY, no UID,
 * no ATTENDEE... (DESIGN.md §1.1); a failure, as E_INVALIDARG is for what
 * is not read at all. */
#define IMIPREPLY_E_UNUSABLE MAKE_HRESULT(SEVERITY_ERROR, FACILITY_ITF, 0x0201)

struct imip_reply
{
    char *uid;                  /* owned */
    char *attendee;             /* address, "mailto:" stripped; owned */
    char *partstat;             /* as written: "ACCEPTED"; owned */
    LONG track_status;          /* respTentative 2, respAccepted 3, respDeclined 4 */
    BOOL has_critical_change;   /* X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE present */
    ULONGLONG track_time;       /* its value, or 0 (1601-01-01) when absent */
    LONG sequence;              /* SEQUENCE, 0 when absent (RFC 5545 3.8.7.4) */
    BOOL has_owner_critical_change; /* X-MICROSOFT-CDO-OWNER-CRITICAL-CHANGE present */
    ULONGLONG owner_critical_change; /* its value */
    char *passed_over;          /* libical's errors about what the reply does not need, one a
                                   line (an empty DESCRIPTION...), or NULL; owned */
    char *delegate;             /* a delegation (PARTSTAT=DELEGATED): the delegate's address, or NULL; owned */
    char *delegated_from;       /* a delegate's answer: the delegator's address (DELEGATED-FROM), or NULL; owned */
    char *name;                 /* the delegate's CN, in either, or NULL; owned */
    BOOL has_recurrence_id;     /* RECURRENCE-ID: the reply answers one instance of a series */
    BOOL recurrence_local;      /* its value has no zone (floating, or a DATE): RECURRENCE_ID is local */
    BOOL recurrence_date;       /* its value is a DATE: the instance on that day */
    ULONGLONG recurrence_id;    /* FILETIME: UTC, or local when RECURRENCE_LOCAL */
};

/* Reads the reply in PATH (UTF-8): an .ics file, or an .eml (any file that
 * does not start with BEGIN:VCALENDAR) whose text/calendar part is 7bit,
 * 8bit, base64 or quoted-printable in any charset iconv knows.
 * Returns S_OK (libical's errors about properties the reply does not need
 * in REPLY->passed_over); IMIPREPLY_E_UNUSABLE with ERROR naming the file
 * and the reason when it was read but is not a usable reply (libical errors
 * about what a reply needs, no VEVENT, no ATTENDEE, no UID,
 * METHOD other than REPLY, PARTSTAT that is no answer, an address that is
 * no mailbox...); E_INVALIDARG when it is not read at all (not iCalendar,
 * a broken structure, no text/calendar part, an unknown charset, too
 * large); the HRESULT of the I/O error when the file cannot be read.
 * REPLY is empty on failure. */
HRESULT imipreply_read(const char *path, struct imip_reply *reply, char error[IMIPREPLY_ERROR_SIZE]);

/* The same for text already in memory (TEXT, SIZE bytes; SOURCE names it). */
HRESULT imipreply_parse(const char *text, size_t size, const char *source, struct imip_reply *reply,
                        char error[IMIPREPLY_ERROR_SIZE]);

/* Frees what REPLY owns and empties it. */
void imipreply_clear(struct imip_reply *reply);

/* What applying a reply changed (or would change) in the meeting. */
struct imip_change
{
    ULONG row;                   /* 1-based recipient row */
    BOOL added;                  /* the row was added: a delegate's answer (DELEGATED-FROM a row) */
    BOOL had_status, had_time;
    LONG old_status;
    ULONGLONG old_time;
    BOOL out_of_date;            /* not applied: the reply answers an older version (DESIGN.md 1.2) */
    BOOL instance;               /* recorded on one instance of the series (RECURRENCE-ID) ... */
    ULONG instance_start;        /* ... the one that started at these local minutes ... */
    BOOL exception_made;         /* ... which was made an exception for it */
};

/* Applies REPLY to MEETING in memory.  Returns S_OK with CHANGE filled (a
 * delegate's answer, DELEGATED-FROM a row, adds the delegate as an
 * optional attendee first; a reply to one instance of a series is recorded
 * in that instance's Exception Attachment, made when the instance is no
 * exception yet, and the series' rows stay as they are: DESIGN.md 1.3); S_FALSE when it does not apply (ERROR says
 * why: another meeting's UID, no recipient with the reply's address, a
 * delegation, which MAPI has no status for: the delegate is named, or a
 * reply out of date as MS-OXOCAL 3.1.5.2 judges it, CHANGE->out_of_date; a
 * RECURRENCE-ID of a deleted instance, of none, or of a meeting that is
 * not a series);
 * E_OUTOFMEMORY. */
HRESULT imipreply_apply(struct mapi_message *meeting, const struct imip_reply *reply, struct imip_change *change,
                        char error[IMIPREPLY_ERROR_SIZE]);

#endif
