#!/bin/sh
# Create the private Wine prefix given as $1 (once; reused afterwards).
# Headless: Mono and Gecko are not offered.  Exits nonzero when wineboot fails.
set -eu
prefix=$1
if [ -f "$prefix/system.reg" ]; then exit 0; fi
mkdir -p "$prefix"
echo "trackfix: creating Wine prefix $prefix" >&2
WINEPREFIX=$prefix WINEDEBUG=-all WINEDLLOVERRIDES=mscoree,mshtml= wineboot -i >/dev/null 2>&1
WINEPREFIX=$prefix wineserver -w
test -f "$prefix/system.reg"
