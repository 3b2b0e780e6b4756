#!/bin/sh
# gen-mapinames.sh MAPINAMES_TXT: the C rows of the table of MS-OXPROPS
# names (hotfix/mapinames.txt, whose header says the format):
#   oxprops_sets[]   {"name", GUID}
#   oxprops_tags[]   {PROP_TAG(type, id), "PidTag..."}
#   oxprops_named[]  {set index, lid, "string" or NULL, type, "PidLid..."}
# A line it cannot read, or one naming a set not declared before it, stops
# the build with the line's number.  hotfix/mapimsg.c includes the result.
set -e
[ -r "$1" ] || { echo "gen-mapinames.sh: cannot read '$1'" >&2; exit 2; }
awk -v file="$1" '
function fail(why) { printf "%s:%d: %s\n", file, NR, why > "/dev/stderr"; failed = 1; exit 1 }
function hex(s, n) { return length(s) == n + 2 && s ~ /^0x[0-9A-F]+$/ }
function guid(g,    p) {
    p = substr(g, 2, 36)
    if (length(g) != 38 || g !~ /^\{[-0-9A-F]+\}$/ || substr(p, 9, 1) substr(p, 14, 1) substr(p, 19, 1) substr(p, 24, 1) != "----")
        fail("bad GUID " g)
    return sprintf("{0x%s, 0x%s, 0x%s, {0x%s, 0x%s, 0x%s, 0x%s, 0x%s, 0x%s, 0x%s, 0x%s}}",
                   substr(p, 1, 8), substr(p, 10, 4), substr(p, 15, 4), substr(p, 20, 2), substr(p, 22, 2),
                   substr(p, 25, 2), substr(p, 27, 2), substr(p, 29, 2), substr(p, 31, 2), substr(p, 33, 2),
                   substr(p, 35, 2))
}
/^#/ || /^$/ { next }
$1 == "set" {
    if (NF != 4 || ($2 in set)) fail("bad or repeated set line")
    set[$2] = nsets
    sets[nsets++] = sprintf("    {\"%s\", %s},", $2, guid($3))
    next
}
$1 == "tag" {
    if (NF != 4 || !hex($2, 4) || !hex($3, 4) || $4 !~ /^PidTag[A-Za-z0-9]+$/) fail("bad tag line")
    if ($2 >= "0x8000") fail("tag id in the named range")
    tags[ntags++] = sprintf("    {PROP_TAG(%s, %s), \"%s\"},", $3, $2, $4)
    next
}
$1 == "lid" {
    if (NF != 5 || !($2 in set) || !hex($3, 4) || !hex($4, 4) || $5 !~ /^PidLid[A-Za-z0-9]+$/) fail("bad lid line")
    named[nnamed++] = sprintf("    {%d, %s, NULL, %s, \"%s\"},", set[$2], $3, $4, $5)
    next
}
$1 == "name" {
    if (NF != 5 || !($2 in set) || $3 ~ /["\\]/ || !hex($4, 4) || $5 !~ /^PidName[A-Za-z0-9]+$/) fail("bad name line")
    named[nnamed++] = sprintf("    {%d, 0, \"%s\", %s, \"%s\"},", set[$2], $3, $4, $5)
    next
}
{ fail("unknown line") }
END {
    if (failed) exit 1
    print "/* generated from hotfix/mapinames.txt by scripts/gen-mapinames.sh */"
    print "static const struct oxprops_set oxprops_sets[] = {"
    for (i = 0; i < nsets; i++) print sets[i]
    print "};"
    print "static const struct oxprops_tag oxprops_tags[] = {"
    for (i = 0; i < ntags; i++) print tags[i]
    print "};"
    print "static const struct oxprops_named oxprops_named[] = {"
    for (i = 0; i < nnamed; i++) print named[i]
    print "};"
}' "$1"
