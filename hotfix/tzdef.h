/*
 * tzdef: a meeting's time zone, read from PidLidAppointmentTimeZoneDefinitionRecur
 * or ...StartDisplay (MS-OXOCAL 2.2.1.41, TZDEFINITION) or from
 * PidLidTimeZoneStruct (2.2.1.39, TZSTRUCT), written as a VTIMEZONE, and
 * used to turn a local time into UTC (DESIGN.md §4.1).
 *
 * Of a TZDEFINITION's rules the one flagged effective (TZRULE_FLAG_EFFECTIVE_TZREG)
 * is used, else the last: the zone as it stands now, for every year.
 */
#ifndef TRACKFIX_TZDEF_H
#define TRACKFIX_TZDEF_H

#include <windef.h>
#include <winbase.h>

#include <libical/ical.h>

#include "errmsg.h"

#define TZDEF_ERROR_SIZE ERRMSG_SIZE
#define TZDEF_NAME_SIZE 256

struct tzdef
{
    char name[TZDEF_NAME_SIZE];  /* TZID: the key name, or the description */
    TIME_ZONE_INFORMATION rule;  /* Bias, StandardBias, DaylightBias and the
                                    two transition dates (wMonth 0: none) */
};

/* Reads a TZDEFINITION (SIZE bytes of DATA) into ZONE.  Returns S_OK or
 * E_INVALIDARG with ERROR naming the field and its byte offset. */
HRESULT tzdef_parse_definition(const BYTE *data, ULONG size, struct tzdef *zone, char error[TZDEF_ERROR_SIZE]);

/* Reads a TZSTRUCT (48 bytes) into ZONE, named NAME (the
 * PidLidTimeZoneDescription; NULL or empty: a name made from the bias). */
HRESULT tzdef_parse_struct(const BYTE *data, ULONG size, const char *name, struct tzdef *zone,
                           char error[TZDEF_ERROR_SIZE]);

/* The VTIMEZONE of ZONE: one STANDARD, and a DAYLIGHT when it has daylight
 * time, each with its yearly RRULE.  Caller frees; NULL out of memory. */
icalcomponent *tzdef_vtimezone(const struct tzdef *zone);

/* LOCAL (a time in ZONE) as UTC.  FALSE when it cannot be converted. */
BOOL tzdef_to_utc(const struct tzdef *zone, const SYSTEMTIME *local, SYSTEMTIME *utc);

#endif
