# The report pages in a real browser: headless Chromium (Debian's chromium,
# which scripts/deps.sh installs) loads the story with the toggle, the story
# without the fix and the scan page, takes a screenshot of each and dumps
# its DOM.  tests/reportcheck.py then checks the DOM as the browser built it
# (marks per message, the toggle line between the last failure and the
# delivery, the NDR two days after submission), the screenshot's pixels
# (the marks' colours are drawn), and Chromium's network log: the page asked
# for nothing outside.  With SCREENSHOT_DIR set the screenshots are kept
# there (scripts/screenshots.sh: the README's pictures).  Skipped, and says
# so, only where the chromium package could not be installed.
source "$(dirname "$0")/lib.sh"

T0=2007-08-03T14:00:00Z
if ! command -v chromium > /dev/null; then
    echo "check_report_browser: skipped: the chromium package is not installed and could not be (scripts/deps.sh test)"
    exit 0
fi
work=$(mktemp -d "$BUILD/check_report_browser.XXXXXX")
trap 'rm -rf "$work"' EXIT
check() { /usr/bin/python3 "$TOP/tests/reportcheck.py" "$@" || fail "reportcheck $*"; }

# browse NAME PAGE: NAME.png, NAME.dom.html and NAME.netlog.json in $work,
# from a browser of its own (its own profile, no background requests).
browse() {
    local flags=(--headless --no-sandbox --disable-gpu --user-data-dir="$work/profile-$1" --no-first-run
                 --disable-background-networking --disable-component-update --disable-sync --disable-default-apps
                 --disable-features=Translate,OptimizationHints,MediaRouter,SpellCheck,AutofillServerCommunication
                 --hide-scrollbars --window-size=1240,"$3")
    timeout 120 chromium "${flags[@]}" --screenshot="$work/$1.png" "file://$2" > /dev/null 2>&1 ||
        fail "chromium could not take a screenshot of $2"
    timeout 120 chromium "${flags[@]}" --log-net-log="$work/$1.netlog.json" --dump-dom "file://$2" \
        > "$work/$1.dom.html" 2> /dev/null || fail "chromium could not load $2"
    if [ -n "${SCREENSHOT_DIR:-}" ]; then cp "$work/$1.png" "$SCREENSHOT_DIR/$1.png"; fi
}

reset_registry
trackfix scenario --fix=toggle --dir="$work/toggle" > /dev/null || fail "scenario --fix=toggle"
browse queue-report-toggle "$work/toggle/report.html" 460
check "$work/queue-report-toggle.dom.html" --marks 00000001=1 --marks 00000002=5 --marks 00000003=5 --toggle \
    --netlog "$work/queue-report-toggle.netlog.json" \
    --png "$work/queue-report-toggle.png" --color d62728 --color 2ca02c --color 1f5fbf

reset_registry
trackfix scenario --fix=off --dir="$work/off" > /dev/null || fail "scenario --fix=off"
browse queue-report-no-fix "$work/off/report.html" 460
check "$work/queue-report-no-fix.dom.html" --no-toggle --ndr-days 00000002=2 --ndr-days 00000003=2 \
    --netlog "$work/queue-report-no-fix.netlog.json" \
    --png "$work/queue-report-no-fix.png" --color d62728 --color e6b800 --color 2ca02c

"$TRACKFIX" scan --format=html --now=$T0 "$work/toggle" > "$work/toggle/scan.html"
browse scan "$work/toggle/scan.html" 760
check "$work/scan.dom.html" --has "olivia@contoso.example: 1" --netlog "$work/scan.netlog.json" \
    --png "$work/scan.png" --color d62728
finish
