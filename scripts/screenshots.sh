#!/bin/bash
# The README's pictures: the screenshots tests/check_report_browser.sh takes
# in headless Chromium (the story with the toggle, the story without the
# fix, the scan of the story's server folder), kept in hotfix/screenshots/.
# Run it after a change to the pages:
#   make all build/wineprefix/system.reg && scripts/screenshots.sh
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${BUILD:-$TOP/build}
mkdir -p "$TOP/hotfix/screenshots"
export BUILD WINEPREFIX=$BUILD/wineprefix WINEDEBUG=-all TZ=UTC LC_ALL=C.UTF-8 WINEDLLOVERRIDES=mscoree,mshtml=
WINELOADER=$(test -x /usr/lib/wine/wine64 && echo /usr/lib/wine/wine64 || echo wine)
export WINELOADER
command -v chromium > /dev/null || { echo "screenshots: needs Debian's chromium (scripts/deps.sh check)" >&2; exit 2; }
SCREENSHOT_DIR="$TOP/hotfix/screenshots" "$TOP/scripts/wine-session.sh" bash "$TOP/tests/check_report_browser.sh"
ls -l "$TOP/hotfix/screenshots"
