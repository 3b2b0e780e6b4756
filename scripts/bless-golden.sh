#!/bin/bash
# Remakes tests/data/golden/*.eml from tests/data/*.txt with the current
# build.  Run on purpose after changing the conversion, then read the diff:
# the tests compare against these files byte for byte and never write them.
set -euo pipefail
cd "$(dirname "$0")/.."
make -s all prefix
export WINEPREFIX=$PWD/build/wineprefix WINEDEBUG=-all TZ=UTC
work=$(mktemp -d build/bless.XXXXXX)
trap 'rm -rf "$work"' EXIT
mkdir -p tests/data/golden
for kind in request update cancel; do
    for case in realtime:off 1601:on; do
        time=${case%:*} fix=${case#*:}
        build/trackfix.exe msg new "tests/data/$kind-$time.txt" -o "$work/$kind-$time.fix-$fix.msg"
        build/trackfix.exe convert --fix="$fix" --now=2007-08-03T14:05:00Z -o tests/data/golden \
            "$work/$kind-$time.fix-$fix.msg" >/dev/null
    done
done
ls -l tests/data/golden
