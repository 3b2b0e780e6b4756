#!/bin/bash
# Remakes tests/data/golden/*.eml from tests/data/*.txt and the corpus
# items of tests/cdoitems.sh with the current build.  Run on purpose after changing the conversion, then read the diff:
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
# the CDO-form meetings made from real Outlook items (tests/cdoitems.sh)
bash tests/cdoitems.sh build/trackfix.exe "$work/cdo"
build/trackfix.exe convert --fix=on --now=2023-01-05T00:00:00Z -o tests/data/golden \
    "$work"/cdo/cdo-{single-tz-reminder,update-replied,series-exception}.msg >/dev/null
build/trackfix.exe convert --cancel --fix=on --now=2023-01-05T00:00:00Z -o tests/data/golden \
    "$work/cdo/cdo-cancel.msg" >/dev/null
ls -l tests/data/golden
