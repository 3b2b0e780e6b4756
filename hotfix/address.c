/*
 * address: RFC 5321 mailboxes and RFC 5322 name-addrs.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "address.h"

/* RFC 5322 3.2.3 atext */
static BOOL is_atext(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
           (c && strchr("!#$%&'*+-/=?^_`{|}~", c));
}

static BOOL is_let_dig(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
}

/* The length of the local part at P (a Dot-string or a Quoted-string), 0
 * when it is neither. */
static size_t local_part_length(const char *p, const char **why)
{
    size_t i = 0;

    if (p[0] == '"')
    {
        for (i = 1; p[i] && p[i] != '"'; i++)
        {
            /* qtextSMTP %d32-33 / %d35-91 / %d93-126; quoted-pairSMTP "\" %d32-126 */
            if (p[i] == '\\' && p[i + 1] >= 32 && p[i + 1] <= 126) i++;
            else if (p[i] < 32 || p[i] > 126 || p[i] == '\\')
                return *why = "the quoted local part holds a character RFC 5321 does not allow there", 0;
        }
        if (p[i] != '"') return *why = "the quoted local part is not closed", 0;
        return i + 1;
    }
    for (;;)
    {
        size_t atom = 0;

        while (is_atext(p[i + atom])) atom++;
        if (!atom)
            return *why = p[i] == '.' || !p[i] || p[i] == '@' ? "the local part has an empty dot-separated piece"
                                                              : "the local part holds a character RFC 5321 does not "
                                                                "allow outside quotes",
                   0;
        i += atom;
        if (p[i] != '.') return i;
        i++;
    }
}

/* Whether P is an RFC 5321 Domain (LDH labels) or address literal. */
static BOOL is_domain(const char *p, const char **why)
{
    size_t i = 0;

    if (p[0] == '[')
    {
        /* IPv4, "IPv6:", or a General-address-literal: dcontent %d33-90 / %d94-126 */
        for (i = 1; p[i] && p[i] != ']'; i++)
            if (p[i] < 33 || p[i] > 126 || p[i] == '[' || p[i] == '\\')
                return *why = "the address literal holds a character RFC 5321 does not allow", FALSE;
        if (p[i] != ']' || p[i + 1] || i == 1) return *why = "the address literal is not one bracketed value", FALSE;
        return TRUE;
    }
    for (;;)
    {
        size_t label = 0;

        if (!is_let_dig(p[i])) return *why = "a domain label does not start with a letter or a digit", FALSE;
        while (is_let_dig(p[i + label]) || p[i + label] == '-') label++;
        if (p[i + label - 1] == '-') return *why = "a domain label ends with '-'", FALSE;
        if (label > 63) return *why = "a domain label is over 63 characters", FALSE;
        i += label;
        if (!p[i]) return TRUE;
        if (p[i] != '.') return *why = "the domain holds a character that is not a letter, digit, '-' or '.'", FALSE;
        i++;
    }
}

BOOL address_is_mailbox(const char *text, const char **why)
{
    const char *reason = NULL;
    size_t local, length = strlen(text);
    BOOL ok = FALSE;

    if (!length) reason = "it is empty";
    else if (length > ADDRESS_MAX) reason = "it is over 254 characters";
    else if (!(local = local_part_length(text, &reason))) ;
    else if (text[local] != '@')
        reason = !text[local] ? "it has no '@' and domain"
                 : text[0] == '"' ? "the quoted local part is followed by something other than '@'"
                                  : "the local part holds a character RFC 5321 does not allow outside quotes";
    else if (local > ADDRESS_LOCAL_MAX) reason = "the local part is over 64 characters";
    else ok = is_domain(text + local + 1, &reason);
    if (why) *why = reason;
    return ok;
}

HRESULT address_read_name_addr(const char *text, char **address, char **name)
{
    const char *open = strrchr(text, '<'), *close = open ? strchr(open, '>') : NULL, *start = text, *end = open;
    char *display = NULL;

    *address = NULL;
    if (name) *name = NULL;
    if (!open || !close) return S_FALSE;
    /* nothing after the angle-addr but spaces */
    for (end = close + 1; *end == ' ' || *end == '\t'; end++) ;
    if (*end) return S_FALSE;
    /* the display name: no other angle bracket, no control character but
     * the tab of folding white space */
    for (end = text; end < open; end++)
        if (*end == '<' || *end == '>' || ((unsigned char)*end < 0x20 && *end != '\t') || *end == 0x7F) return S_FALSE;
    if (!(*address = strndup(open + 1, close - open - 1))) return E_OUTOFMEMORY;
    if (!address_is_mailbox(*address, NULL))
    {
        free(*address);
        *address = NULL;
        return S_FALSE;
    }
    for (end = open; end > start && (end[-1] == ' ' || end[-1] == '\t'); end--) ;
    while (start < end && (*start == ' ' || *start == '\t')) start++;
    if (end - start >= 2 && *start == '"' && end[-1] == '"') start++, end--;
    if (name && end > start && !(display = strndup(start, end - start)))
    {
        free(*address);
        *address = NULL;
        return E_OUTOFMEMORY;
    }
    if (name) *name = display;
    return S_OK;
}

char *address_from_name_addr(const char *text, char **name)
{
    char *address;

    address_read_name_addr(text, &address, name);
    return address;
}
