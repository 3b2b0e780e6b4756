#!/bin/sh
# gen-proptags.sh MAPITAGS_H: the C rows of msg dump's table of tagged
# property names, from Wine's own table of them (mapitags.h): one
# '{PROP_TAG(TYPE, ID), "PR_NAME"},' per '#define PR_NAME PROP_TAG(TYPE, ID)'.
# A PT_UNICODE name loses its '_W' (Unicode is what .msg files hold); a
# PT_STRING8 one keeps its '_A'.  Wine's aliases PT_I2/PT_I4 become the
# PT_SHORT/PT_LONG that mapimsg.h defines.  hotfix/mapimsg.c includes the result.
set -e
[ -r "$1" ] || { echo "gen-proptags.sh: cannot read '$1' (Debian's wine64-tools / libwine-dev)" >&2; exit 2; }
sed -nE 's/^#define[[:space:]]+(PR_[A-Z0-9_]+)[[:space:]]+PROP_TAG\([[:space:]]*(PT_[A-Z0-9_]+)[[:space:]]*,[[:space:]]*(0x[0-9A-Fa-f]+)[[:space:]]*\).*/\1 \2 \3/p' "$1" |
    awk 'BEGIN { alias["PT_I2"] = "PT_SHORT"; alias["PT_I4"] = "PT_LONG"; alias["PT_MV_I2"] = "MV_FLAG | PT_SHORT";
                 alias["PT_MV_LONG"] = "MV_FLAG | PT_LONG"; alias["PT_MV_I4"] = "MV_FLAG | PT_LONG" }
         { name = $1; type = $2 in alias ? alias[$2] : $2
           if (type == "PT_UNICODE") sub(/_W$/, "", name)
           printf "    {PROP_TAG(%s, %s), \"%s\"},\n", type, $3, name }'
