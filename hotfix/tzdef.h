/*
 * tzdef: a meeting's time zone, read from PidLidAppointmentTimeZoneDefinitionRecur
 * or ...StartDisplay (MS-OXOCAL 2.2.1.41, TZDEFINITION) or from
 * PidLidTimeZoneStruct (2.2.1.39, TZSTRUCT), written as a VTIMEZONE, and
 * used to turn a local time into UTC (DESIGN.md §4.1).
 *
 * Of a TZDEFINITION's rules the one flagged effective (TZRULE_FLAG_EFFECTIVE_TZREG)
 * is used, else the last: the zone as it stands now, for every year.
 *
 * CDO names a zone by its CdoTimeZoneId and its own TZID string; the table
 * in tzdef.c says which number fits a zone (by the Windows key name, else by
 * the offsets) and where each name comes from (DESIGN.md §4.1).
 */
#ifndef TRACKFIX_TZDEF_H
#define TRACKFIX_TZDEF_H

#include <windef.h>
#include <winbase.h>

#include "errmsg.h"
#include "strbuf.h"

#define TZDEF_ERROR_SIZE ERRMSG_SIZE
#define TZDEF_NAME_SIZE 256

struct tzdef
{
    char name[TZDEF_NAME_SIZE];  /* the item's own: the key name, or the description */
    TIME_ZONE_INFORMATION rule;  /* Bias, StandardBias, DaylightBias and the
                                    two transition dates (wMonth 0: none) */
    int cdo_id;                  /* CdoTimeZoneId (X-MICROSOFT-CDO-TZID), or -1: none fits */
    const char *tzid;            /* the TZID CDO writes: its name for CDO_ID, else NAME */
};

/* Reads a TZDEFINITION (SIZE bytes of DATA) into ZONE.  Returns S_OK or
 * E_INVALIDARG with ERROR naming the field and its byte offset. */
HRESULT tzdef_parse_definition(const BYTE *data, ULONG size, struct tzdef *zone, char error[TZDEF_ERROR_SIZE]);

/* Reads a TZSTRUCT (48 bytes) into ZONE, named NAME (the
 * PidLidTimeZoneDescription; NULL or empty: a name made from the bias). */
HRESULT tzdef_parse_struct(const BYTE *data, ULONG size, const char *name, struct tzdef *zone,
                           char error[TZDEF_ERROR_SIZE]);

/* Appends the VTIMEZONE of ZONE to OUT in CDO's form: TZID, then
 * X-MICROSOFT-CDO-TZID when a CdoTimeZoneId fits; STANDARD and DAYLIGHT
 * both (the same offset twice for a zone without daylight time), each
 * with DTSTART on 1601-01-01 at its transition's time of day and, when the
 * zone changes, RRULE:FREQ=YEARLY;WKST=MO;INTERVAL=1;BYMONTH=m;BYDAY=nSU. */
void tzdef_write_vtimezone(struct strbuf *out, const struct tzdef *zone);

/* UTC (a UTC time) as the local time of ZONE.  FALSE when it cannot be
 * converted. */
BOOL tzdef_to_local(const struct tzdef *zone, const SYSTEMTIME *utc, SYSTEMTIME *local);

/* LOCAL (a time in ZONE) as UTC.  FALSE when it cannot be converted. */
BOOL tzdef_to_utc(const struct tzdef *zone, const SYSTEMTIME *local, SYSTEMTIME *utc);

#endif
