/*
 * address: e-mail addresses checked where they enter trackfix (DESIGN.md
 * §4.4): an RFC 5321 Mailbox, the only form an address may take on its
 * way to a header, an iCalendar line or an SMTP command, and the addr-spec
 * inside an RFC 5322 name-addr ("Name <addr>").
 */
#ifndef TRACKFIX_ADDRESS_H
#define TRACKFIX_ADDRESS_H

#include <windef.h>

/* RFC 5321 4.5.3.1: 64 octets of local part, 254 in all (a path of 256
 * with its brackets), which keeps the domain within its own 255 */
#define ADDRESS_LOCAL_MAX 64
#define ADDRESS_MAX 254

/* Whether TEXT is an RFC 5321 Mailbox (4.1.2): a Dot-string or a
 * Quoted-string, '@', and a Domain (LDH labels) or an address literal
 * ("[192.0.2.1]", "[IPv6:...]"), ASCII only, within the lengths above.
 * When it is not, *WHY (when WHY is not NULL) says what is wrong, in
 * words. */
BOOL address_is_mailbox(const char *text, const char **why);

/* The addr-spec of TEXT when TEXT is written "Display Name <addr>"
 * (RFC 5322 3.4 name-addr; the name may be quoted) and ADDR is a mailbox:
 * a new copy of ADDR, and in *NAME (when NAME is not NULL) a new copy of
 * the display name without its quotes, or NULL for none.  Otherwise NULL
 * (TEXT is no name-addr, or out of memory). */
char *address_from_name_addr(const char *text, char **name);
/* The same, telling no name-addr (S_FALSE, *ADDRESS NULL) from a failed
 * allocation (E_OUTOFMEMORY); S_OK with *ADDRESS set. */
HRESULT address_read_name_addr(const char *text, char **address, char **name);

#endif
