/*
 * msgtext: formatting and parsing the text form of a message.
 */
#include <stdarg.h>
#include <stdio.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>

#include "grow.h"
#include "msgtext.h"
#include "strbuf.h"
#include "systime.h"

/* Refuses the text at the parser's line, named "SOURCE:LINE: ". */
#define parse_fail(p, fmt, ...) errmsg_format((p)->error, E_INVALIDARG, "%s:%d: " fmt, (p)->source, (p)->line, ##__VA_ARGS__)

static void write_guid(FILE *out, const GUID *g)
{
    fprintf(out, "{%08X-%04X-%04X-%02X%02X-%02X%02X%02X%02X%02X%02X}", g->Data1, g->Data2, g->Data3, g->Data4[0],
            g->Data4[1], g->Data4[2], g->Data4[3], g->Data4[4], g->Data4[5], g->Data4[6], g->Data4[7]);
}

static void write_hex(FILE *out, const BYTE *data, ULONG size)
{
    ULONG i;

    for (i = 0; i < size; i++) fprintf(out, "%02x", data[i]);
}

/* Writes DATA as a quoted string; bytes above 0x7F stay raw when UTF8. */
static void write_quoted(FILE *out, const BYTE *data, ULONG size, BOOL utf8)
{
    ULONG i;

    fputc('"', out);
    for (i = 0; i < size; i++)
    {
        BYTE c = data[i];
        if (c == '"' || c == '\\') fprintf(out, "\\%c", c);
        else if (c == '\n') fputs("\\n", out);
        else if (c == '\r') fputs("\\r", out);
        else if (c == '\t') fputs("\\t", out);
        else if (c < 0x20 || c == 0x7f || (c > 0x7f && !utf8)) fprintf(out, "\\x%02x", c);
        else fputc(c, out);
    }
    fputc('"', out);
}

/* A value msgtext_write could not convert for want of memory: it fails
 * then, instead of passing an empty string for the value (one writer at a
 * time: msg dump's). */
static BOOL write_out_of_memory;

static void write_string_value(FILE *out, ULONG type, const struct mapi_value *value)
{
    char *utf8;
    int size;

    if (type == PT_STRING8)
    {
        write_quoted(out, value->data, value->size, FALSE);
        return;
    }
    size = WideCharToMultiByte(CP_UTF8, 0, (const WCHAR *)value->data, (int)(value->size / 2), NULL, 0, NULL, NULL);
    if (!(utf8 = malloc(size + 1)))
    {
        write_out_of_memory = TRUE;
        return;
    }
    WideCharToMultiByte(CP_UTF8, 0, (const WCHAR *)value->data, (int)(value->size / 2), utf8, size, NULL, NULL);
    write_quoted(out, (const BYTE *)utf8, (ULONG)size, TRUE);
    free(utf8);
}

static void write_value(FILE *out, const struct mapi_prop *prop)
{
    ULONG type = PROP_TYPE(prop->tag), base = type & ~MV_FLAG, i;
    SHORT s;
    LONG l;
    LONGLONG ll;
    float f;
    double d;
    ULONGLONG t;
    char iso[SYSTIME_ISO_SIZE];

    switch (type)
    {
    case PT_SHORT: memcpy(&s, prop->fixed, 2); fprintf(out, "%d", s); return;
    case PT_LONG: memcpy(&l, prop->fixed, 4); fprintf(out, "%d", l); return;
    case PT_ERROR: memcpy(&l, prop->fixed, 4); fprintf(out, "0x%08X", (unsigned)l); return;
    case PT_BOOLEAN: fputs(prop->fixed[0] || prop->fixed[1] ? "true" : "false", out); return;
    case PT_I8:
    case PT_CURRENCY: memcpy(&ll, prop->fixed, 8); fprintf(out, "%lld", (long long)ll); return;
    case PT_FLOAT: memcpy(&f, prop->fixed, 4); fprintf(out, "%.9g", f); return;
    case PT_DOUBLE:
    case PT_APPTIME: memcpy(&d, prop->fixed, 8); fprintf(out, "%.17g", d); return;
    case PT_SYSTIME: memcpy(&t, prop->fixed, 8); systime_format_iso(t, iso); fputs(iso, out); return;
    case PT_CLSID: write_guid(out, (const GUID *)prop->values[0].data); return;
    case PT_UNICODE:
    case PT_STRING8: write_string_value(out, type, &prop->values[0]); return;
    }
    if ((type & MV_FLAG) && (base == PT_UNICODE || base == PT_STRING8 || base == PT_BINARY))
    {
        fputc('[', out);
        for (i = 0; i < prop->count; i++)
        {
            if (i) fputs(", ", out);
            if (base == PT_BINARY) write_hex(out, prop->values[i].data, prop->values[i].size);
            else write_string_value(out, base, &prop->values[i]);
        }
        fputc(']', out);
        return;
    }
    /* PT_BINARY, PT_OBJECT, other multi-valued types: the bytes */
    if (prop->count) write_hex(out, prop->values[0].data, prop->values[0].size);
}

static void write_name(FILE *out, const struct mapi_prop *prop)
{
    const char *type_name = mapi_type_name(PROP_TYPE(prop->tag)), *name;
    BOOL other_type;

    if ((name = mapi_prop_name(prop, &other_type)))
    {
        /* a name stored as the other kind of text says which: NAME:TYPE */
        fputs(name, out);
        if (other_type) fprintf(out, ":%s", type_name);
    }
    else if (!prop->named)
        fprintf(out, "0x%08X", prop->tag);
    else
    {
        fputs("named:", out);
        write_guid(out, &prop->name.guid);
        if (prop->name.is_string)
        {
            fputc(':', out);
            write_quoted(out, (const BYTE *)prop->name.string, (ULONG)strlen(prop->name.string), TRUE);
        }
        else
            fprintf(out, ":0x%04X", prop->name.lid);
        fprintf(out, ":%s", type_name);
    }
}

/* Writes SET, a line a property.  A named-range id the file's name map
 * does not list (a damaged file) is shown as a comment: msg new cannot
 * write it back without a name. */
static void write_propset(FILE *out, const struct mapi_propset *set)
{
    ULONG i;

    for (i = 0; i < set->count; i++)
    {
        const struct mapi_prop *prop = &set->props[i];
        BOOL unnamed = !prop->named && PROP_ID(prop->tag) >= PROP_ID_NAMED_FIRST;

        if (unnamed) fputs("# ", out);
        write_name(out, prop);
        fputs(" = ", out);
        write_value(out, prop);
        if (unnamed) fputs("  (a named-range id without an entry in the name map: not read back)", out);
        fputc('\n', out);
    }
}

HRESULT msgtext_write(FILE *out, const struct mapi_message *message)
{
    ULONG i;

    write_out_of_memory = FALSE;
    fputs("[message]\n", out);
    write_propset(out, &message->props);
    if (message->attachment_count) fprintf(out, "# %u attachment(s), not shown\n", message->attachment_count);
    for (i = 0; i < message->recipient_count; i++)
    {
        fputs("\n[recipient]\n", out);
        write_propset(out, &message->recipients[i]);
    }
    return write_out_of_memory ? E_OUTOFMEMORY : ferror(out) ? E_FAIL : S_OK;
}

/* Parsing. */

struct parser
{
    const char *source;
    int line;
    char *error;
};


static int hex_digit(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Parses {XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX} at *S; advances *S. */
static BOOL parse_guid(const char **s, GUID *guid)
{
    static const char pattern[] = "{XXXXXXXX-XXXX-XXXX-XXXX-XXXXXXXXXXXX}";
    BYTE bytes[16] = {0};
    const char *p = *s;
    int i, n = 0;

    for (i = 0; pattern[i]; i++, p++)
    {
        int digit;
        if (pattern[i] != 'X')
        {
            if (*p != pattern[i]) return FALSE;
            continue;
        }
        if ((digit = hex_digit(*p)) < 0) return FALSE;
        bytes[n / 2] |= (BYTE)(n % 2 ? digit : digit << 4);
        n++;
    }
    guid->Data1 = (ULONG)bytes[0] << 24 | bytes[1] << 16 | bytes[2] << 8 | bytes[3];
    guid->Data2 = (USHORT)(bytes[4] << 8 | bytes[5]);
    guid->Data3 = (USHORT)(bytes[6] << 8 | bytes[7]);
    memcpy(guid->Data4, bytes + 8, 8);
    *s = p;
    return TRUE;
}

/* Parses a quoted string at *S into OUT (raw bytes, UTF-8 as written);
 * advances *S past the closing quote. */
static HRESULT parse_quoted(struct parser *p, const char **s, struct strbuf *out)
{
    const char *q = *s;

    if (*q++ != '"') return parse_fail(p, "expected a string in double quotes");
    while (*q && *q != '"')
    {
        BYTE c = (BYTE)*q++;
        if (c == '\\')
        {
            switch (*q++)
            {
            case '\\': c = '\\'; break;
            case '"': c = '"'; break;
            case 'n': c = '\n'; break;
            case 'r': c = '\r'; break;
            case 't': c = '\t'; break;
            case 'x':
                if (hex_digit(q[0]) < 0 || hex_digit(q[1]) < 0) return parse_fail(p, "bad \\x escape");
                c = (BYTE)(hex_digit(q[0]) << 4 | hex_digit(q[1]));
                q += 2;
                break;
            default: return parse_fail(p, "unknown escape '\\%c'", q[-1]);
            }
        }
        strbuf_add(out, &c, 1);
    }
    if (*q != '"') return parse_fail(p, "string without its closing quote");
    *s = q + 1;
    return out->failed ? E_OUTOFMEMORY : S_OK;
}

/* Parses a string of TYPE (PT_UNICODE: to UTF-16LE) at *S into VALUE. */
static HRESULT parse_string(struct parser *p, const char **s, ULONG type, struct mapi_value *value)
{
    struct strbuf raw = {0};
    WCHAR *wide = NULL;
    HRESULT hr;
    int chars;

    if (FAILED(hr = parse_quoted(p, s, &raw))) goto done;
    if (type == PT_STRING8)
    {
        hr = mapi_value_set(value, raw.data, (ULONG)raw.size);
        goto done;
    }
    chars = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, raw.data, (int)raw.size, NULL, 0);
    if (raw.size && !chars)
    {
        hr = parse_fail(p, "string is not valid UTF-8");
        goto done;
    }
    if (!(wide = malloc((chars + 1) * sizeof(WCHAR))))
    {
        hr = E_OUTOFMEMORY;
        goto done;
    }
    MultiByteToWideChar(CP_UTF8, 0, raw.data, (int)raw.size, wide, chars);
    hr = mapi_value_set(value, wide, (ULONG)chars * sizeof(WCHAR));
done:
    free(wide);
    strbuf_free(&raw);
    return hr;
}

/* Parses hex digits at *S (up to a ',' ']' or the end) into VALUE. */
static HRESULT parse_hex(struct parser *p, const char **s, struct mapi_value *value)
{
    struct strbuf raw = {0};
    const char *q = *s;
    HRESULT hr;

    while (*q && *q != ',' && *q != ']')
    {
        char c;
        if (hex_digit(q[0]) < 0 || hex_digit(q[1]) < 0)
        {
            hr = parse_fail(p, "expected pairs of hex digits at '%.20s'", q);
            goto done;
        }
        c = (char)(hex_digit(q[0]) << 4 | hex_digit(q[1]));
        strbuf_add(&raw, &c, 1);
        q += 2;
    }
    *s = q;
    hr = raw.failed ? E_OUTOFMEMORY : mapi_value_set(value, raw.data, (ULONG)raw.size);
done:
    strbuf_free(&raw);
    return hr;
}

/* Parses a [v1, v2] list of TYPE's base type into PROP. */
static HRESULT parse_list(struct parser *p, const char *s, ULONG base, struct mapi_prop *prop)
{
    struct mapi_value *values = NULL;
    ULONG count = 0;
    HRESULT hr = S_OK;

    if (*s++ != '[') return parse_fail(p, "expected a list in [ ]");
    while (*s != ']')
    {
        struct mapi_value *grown = realloc(values, (count + 1) * sizeof(*values));
        if (!grown)
        {
            hr = E_OUTOFMEMORY;
            break;
        }
        values = grown;
        memset(&values[count], 0, sizeof(values[count]));
        hr = base == PT_BINARY ? parse_hex(p, &s, &values[count]) : parse_string(p, &s, base, &values[count]);
        if (FAILED(hr)) break;
        count++;
        if (!strncmp(s, ", ", 2)) s += 2;
        else if (*s != ']')
        {
            hr = parse_fail(p, "expected ', ' or ']' in the list");
            break;
        }
    }
    if (SUCCEEDED(hr) && s[1]) hr = parse_fail(p, "text after the list");
    prop->values = values;
    prop->count = count;
    return hr;
}

static HRESULT parse_integer(struct parser *p, const char *s, LONGLONG min, LONGLONG max, LONGLONG *value)
{
    char *end;

    *value = strtoll(s, &end, 10);
    if (!*s || *end || *value < min || *value > max)
        return parse_fail(p, "expected an integer from %lld to %lld, not '%s'", (long long)min, (long long)max, s);
    return S_OK;
}

/* Parses VALUE text S for PROP (its tag sets the type). */
static HRESULT parse_value(struct parser *p, const char *s, struct mapi_prop *prop)
{
    ULONG type = PROP_TYPE(prop->tag), base = type & ~MV_FLAG;
    LONGLONG n;
    HRESULT hr;
    char *end;

    switch (type)
    {
    case PT_SHORT:
    case PT_LONG:
    case PT_I8:
    case PT_CURRENCY:
        if (FAILED(hr = parse_integer(p, s, type == PT_SHORT ? -32768 : type == PT_LONG ? (LONGLONG)INT_MIN : LLONG_MIN,
                                      type == PT_SHORT ? 32767 : type == PT_LONG ? (LONGLONG)INT_MAX : LLONG_MAX, &n)))
            return hr;
        memcpy(prop->fixed, &n, 8); /* little-endian: the low bytes come first */
        return S_OK;
    case PT_ERROR:
    {
        ULONG code = strtoul(s, &end, 16);
        if (strncmp(s, "0x", 2) || *end) return parse_fail(p, "expected an error code as 0xXXXXXXXX");
        memcpy(prop->fixed, &code, 4);
        return S_OK;
    }
    case PT_BOOLEAN:
        if (strcmp(s, "true") && strcmp(s, "false")) return parse_fail(p, "expected true or false");
        prop->fixed[0] = !strcmp(s, "true");
        return S_OK;
    case PT_FLOAT:
    case PT_DOUBLE:
    case PT_APPTIME:
    {
        /* a float's "%.9g" is far from any float midpoint: read as a double,
         * it rounds back to the same float */
        double d = strtod(s, &end);
        float f = (float)d;
        if (!*s || *end) return parse_fail(p, "expected a number");
        if (type == PT_FLOAT) memcpy(prop->fixed, &f, 4);
        else memcpy(prop->fixed, &d, 8);
        return S_OK;
    }
    case PT_SYSTIME:
    {
        ULONGLONG t;
        if (!strchr(s, 'T') || FAILED(systime_parse(s, &t)))
            return parse_fail(p, "expected an ISO-8601 UTC time like 2007-08-01T09:30:00Z, not '%s'", s);
        memcpy(prop->fixed, &t, 8);
        return S_OK;
    }
    case PT_CLSID:
    {
        GUID guid;
        if (!parse_guid(&s, &guid) || *s) return parse_fail(p, "expected a {GUID}");
        if (FAILED(hr = mapi_prop_alloc_values(prop, 1))) return hr;
        return mapi_value_set(&prop->values[0], &guid, sizeof(guid));
    }
    case PT_UNICODE:
    case PT_STRING8:
        if (FAILED(hr = mapi_prop_alloc_values(prop, 1)) || FAILED(hr = parse_string(p, &s, type, &prop->values[0])))
            return hr;
        return *s ? parse_fail(p, "text after the closing quote") : S_OK;
    }
    if ((type & MV_FLAG) && (base == PT_UNICODE || base == PT_STRING8 || base == PT_BINARY))
        return parse_list(p, s, base, prop);
    if (FAILED(hr = mapi_prop_alloc_values(prop, 1)) || FAILED(hr = parse_hex(p, &s, &prop->values[0]))) return hr;
    return *s ? parse_fail(p, "unexpected '%c' in hex", *s) : S_OK;
}

/* Parses NAME:TYPE (S, COLON at the ':'), a table name stored as the other
 * kind of text than the table's, into PROP. */
static HRESULT parse_typed_name(struct parser *p, const char *s, const char *colon, struct mapi_prop *prop)
{
    char name[128];
    ULONG type, table_type;
    HRESULT hr;

    if ((size_t)(colon - s) >= sizeof(name)) return parse_fail(p, "unknown property name '%s'", s);
    memcpy(name, s, colon - s);
    name[colon - s] = 0;
    if ((hr = mapi_name_lookup(name, &prop->tag, &prop->named, &prop->name, &table_type)) != S_OK)
        return hr == S_FALSE ? parse_fail(p, "unknown property name '%s'", name) : hr;
    if (!mapi_type_parse(colon + 1, &type) || !mapi_type_is_known(type))
        return parse_fail(p, "bad type '%s' after the property name '%s'", colon + 1, name);
    prop->tag = PROP_TAG(type, prop->named ? 0 : PROP_ID(prop->tag));
    return S_OK;
}

/* Parses NAME into PROP's tag and name. */
static HRESULT parse_name(struct parser *p, const char *s, struct mapi_prop *prop)
{
    struct strbuf raw = {0};
    ULONG type;
    HRESULT hr;
    char *end;

    if ((hr = mapi_name_lookup(s, &prop->tag, &prop->named, &prop->name, &type)) != S_FALSE) return hr;
    if (strncmp(s, "named:", 6) && (end = strrchr(s, ':')))
        return parse_typed_name(p, s, end, prop);
    if (!strncmp(s, "0x", 2))
    {
        prop->tag = strtoul(s + 2, &end, 16);
        if (*end || end - s != 10) return parse_fail(p, "bad property tag '%s': expected 0xPPPPTTTT", s);
        if (!mapi_type_is_known(PROP_TYPE(prop->tag)))
            return parse_fail(p, "property '%s' has unknown type 0x%04X", s, PROP_TYPE(prop->tag));
        if (PROP_ID(prop->tag) >= PROP_ID_NAMED_FIRST)
            return parse_fail(p, "property '%s' is in the named range: write it as named:{GUID}:...", s);
        return S_OK;
    }
    if (strncmp(s, "named:", 6)) return parse_fail(p, "unknown property name '%s'", s);
    s += 6;
    if (!parse_guid(&s, &prop->name.guid) || *s++ != ':') return parse_fail(p, "bad named property: expected named:{GUID}:");
    if (*s == '"')
    {
        if (FAILED(hr = parse_quoted(p, &s, &raw)))
        {
            strbuf_free(&raw);
            return hr;
        }
        if (!(prop->name.string = strbuf_detach(&raw))) return E_OUTOFMEMORY;
        prop->name.is_string = TRUE;
    }
    else
    {
        prop->name.lid = strtoul(s, &end, 16);
        /* "0x" alone: strtoul takes the 0 and stops at the x */
        if (strncmp(s, "0x", 2) || hex_digit(s[2]) < 0) return parse_fail(p, "bad named property LID: expected 0xLLLL");
        s = end;
    }
    prop->named = TRUE;
    if (*s++ != ':' || !mapi_type_parse(s, &type) || !mapi_type_is_known(type))
        return parse_fail(p, "bad named property type '%s'", s);
    prop->tag = PROP_TAG(type, 0);
    return S_OK;
}

/* The line of each property of the section being read, in its order. */
struct prop_lines
{
    int *at;
    ULONG count, capacity;
};

static BOOL same_property(const struct mapi_prop *a, const struct mapi_prop *b)
{
    if (a->named != b->named || PROP_TYPE(a->tag) != PROP_TYPE(b->tag)) return FALSE;
    if (!a->named) return a->tag == b->tag;
    if (!IsEqualGUID(&a->name.guid, &b->name.guid) || a->name.is_string != b->name.is_string) return FALSE;
    return a->name.is_string ? !strcmp(a->name.string, b->name.string) : a->name.lid == b->name.lid;
}

/* Refuses the property just read into SECTION (named NAME in the text)
 * when the section has it already, naming both lines: a .msg holds one
 * value for each property, and writing two would give a file whose sizes
 * disagree.  Records its line in LINES. */
static HRESULT check_repeat(struct parser *p, const struct mapi_propset *section, const char *name,
                            struct prop_lines *lines)
{
    const struct mapi_prop *last = &section->props[section->count - 1];
    ULONG i;

    for (i = 0; i + 1 < section->count && i < lines->count; i++)
        if (same_property(&section->props[i], last))
            return parse_fail(p, "%s is given twice in this section, here and on line %d", name, lines->at[i]);
    if (!grow_for_one(&lines->at, &lines->capacity, lines->count, sizeof(*lines->at), 64)) return E_OUTOFMEMORY;
    lines->at[lines->count++] = p->line;
    return S_OK;
}

HRESULT msgtext_parse(const char *text, const char *source, struct mapi_message *message,
                      char error[MSGTEXT_ERROR_SIZE])
{
    struct parser p = {source, 0, error};
    struct mapi_propset *section = NULL;
    struct prop_lines lines = {0};
    const char *line = text;
    char *copy = NULL;
    HRESULT hr = S_OK;

    memset(message, 0, sizeof(*message));
    while (*line && SUCCEEDED(hr))
    {
        size_t len = strcspn(line, "\n");
        char *s, *eq;
        struct mapi_prop *prop;

        p.line++;
        free(copy);
        if (!(copy = malloc(len + 1)))
        {
            hr = E_OUTOFMEMORY;
            break;
        }
        memcpy(copy, line, len);
        copy[len] = 0;
        line += len + (line[len] == '\n');
        if (len && copy[len - 1] == '\r') copy[--len] = 0;
        for (s = copy; *s == ' ' || *s == '\t'; s++) {}
        if (!*s || *s == '#') continue;
        if (!strcmp(s, "[message]"))
        {
            if (section) hr = parse_fail(&p, "[message] must come once, first");
            section = &message->props;
            lines.count = 0;
            continue;
        }
        if (!strcmp(s, "[recipient]"))
        {
            if (!section) hr = parse_fail(&p, "[recipient] before [message]");
            else if (!(section = mapi_message_add_recipient(message))) hr = E_OUTOFMEMORY;
            lines.count = 0;
            continue;
        }
        if (*s == '[')
        {
            hr = parse_fail(&p, "unknown section '%s': expected [message] or [recipient]", s);
            break;
        }
        if (!section)
        {
            hr = parse_fail(&p, "property before the [message] section");
            break;
        }
        if (!(eq = strstr(s, " = ")))
        {
            hr = parse_fail(&p, "expected NAME = VALUE");
            break;
        }
        *eq = 0;
        if (!(prop = mapi_propset_add(section, 0)))
        {
            hr = E_OUTOFMEMORY;
            break;
        }
        if (SUCCEEDED(hr = parse_name(&p, s, prop))) hr = check_repeat(&p, section, s, &lines);
        if (SUCCEEDED(hr)) hr = parse_value(&p, eq + 3, prop);
    }
    free(lines.at);
    free(copy);
    if (SUCCEEDED(hr) && !section) hr = parse_fail(&p, "no [message] section");
    if (hr == E_OUTOFMEMORY) snprintf(error, MSGTEXT_ERROR_SIZE, "%s: out of memory", source);
    if (FAILED(hr)) mapi_message_clear(message);
    return hr;
}
