/*
 * meeting: what a MAPI meeting says about itself, read the same way by
 * EcGetMime and by the reply step: its UID, and a row's SMTP address.
 */
#ifndef TRACKFIX_MEETING_H
#define TRACKFIX_MEETING_H

#include <windef.h>

#include "errmsg.h"
#include "mapimsg.h"

/* What its message class makes an item: what EcGetMime converts (a
 * request or update, a cancellation, an organizer's appointment) or not. */
enum meeting_class
{
    MEETING_CLASS_REQUEST,      /* IPM.Schedule.Meeting.Request */
    MEETING_CLASS_CANCELLATION, /* IPM.Schedule.Meeting.Canceled */
    MEETING_CLASS_APPOINTMENT,  /* IPM.Appointment */
    MEETING_CLASS_OTHER,        /* anything else, or no class */
};
/* The class of MESSAGE_CLASS (by its prefix, in any case; NULL allowed). */
enum meeting_class meeting_class_of(const char *message_class);

/* A string property of SET as new UTF-8: the PT_UNICODE form of
 * UNICODE_TAG, else its PT_STRING8 form.  Caller frees; NULL if absent. */
char *meeting_get_string(const struct mapi_propset *set, ULONG unicode_tag);
/* The same, telling an absent property (S_OK, *OUT NULL) from a failed
 * allocation (E_OUTOFMEMORY). */
HRESULT meeting_read_string(const struct mapi_propset *set, ULONG unicode_tag, char **out);

/* The iCalendar UID of a global object id (PidLidGlobalObjectId or
 * PidLidCleanGlobalObjectId): the vCal-Uid it carries, else the whole id in
 * upper-case hex, as Exchange writes it.  Caller frees; NULL when PROP is
 * NULL or empty, or out of memory. */
char *meeting_uid(const struct mapi_prop *goid);

/* The size of a global object id meeting_generate_goid makes: the 40-byte
 * header (class id, instance date, creation time, reserved, data size)
 * and 16 bytes of data. */
#define MEETING_GOID_SIZE 56
/* A PidLidGlobalObjectId for MESSAGE, which has none, formed as Outlook
 * forms one (MS-OXOCAL 2.2.1.27): the fixed class id, no instance date,
 * PR_CREATION_TIME (0 when absent) and 16 bytes of data derived from the
 * message's subject, start, end, sender and creation time, so that the
 * same file always gets the same id and two meetings two. */
void meeting_generate_goid(const struct mapi_message *message, BYTE goid[MEETING_GOID_SIZE]);

/* The SMTP address of recipient row ROW into *OUT (caller frees):
 * PR_SMTP_ADDRESS, else PR_EMAIL_ADDRESS when its PR_ADDRTYPE is SMTP or it
 * holds an '@', else, for an EX row, its legacyExchangeDN looked up in the
 * simulated server's directory (directory.h).  *FIELD names where it came
 * from.  S_OK with *OUT NULL when none resolves; E_OUTOFMEMORY; the
 * error of a directory that would not answer.  The address is not
 * checked: meeting_check_addresses does that. */
HRESULT meeting_read_smtp_address(const struct mapi_propset *row, char **out, const char **field);
/* What a failure HR of meeting_read_smtp_address was, in words for an
 * error message: "out of memory", or a directory that would not answer. */
const char *meeting_address_failure(HRESULT hr);

/* The sender of MESSAGE as the organizer: *ADDRESS from
 * PR_SENDER_SMTP_ADDRESS, PR_SENT_REPRESENTING_SMTP_ADDRESS,
 * PR_SENT_REPRESENTING_EMAIL_ADDRESS or PR_SENDER_EMAIL_ADDRESS, the first
 * that holds an '@', else the address in PidTagPrimarySendAccount, else an
 * EX sender through the directory; *NAME from PR_SENT_REPRESENTING_NAME,
 * else PR_SENDER_NAME (a "Name <addr>" value gives its name and its
 * addr-spec).  Both new UTF-8 (caller frees) or NULL; *FIELD names where
 * the address came from.  S_OK with *ADDRESS set; S_FALSE when no address
 * was found; E_OUTOFMEMORY (both NULL) when an allocation failed. */
HRESULT meeting_read_sender(const struct mapi_message *message, char **name, char **address, const char **field);

/* Checks that every address MESSAGE would be sent to or from (each row's
 * and the sender's, as the two functions above find them) is an RFC 5321
 * mailbox (address.h).  S_OK, or E_INVALIDARG with ERROR naming the row or
 * the field and the value, escaped for a terminal. */
HRESULT meeting_check_addresses(const struct mapi_message *message, char error[ERRMSG_SIZE]);

#endif
