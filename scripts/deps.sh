#!/bin/sh
# Install the Debian packages trackfix needs that this machine lacks.
# Usage: scripts/deps.sh build|test|check|bench|coverage
# build: compiler, Wine, libical, cmocka, valgrind (its header:
# leakcheck.h), and g++ (Wine 10's winegcc stops with "Could not find
# g++" without it, even for C).  test: build plus the independent readers and checkers the
# tests compare against (olefile, icalendar, vobject, libical through
# python3-gi, flufl.bounce, msgconvert), Postfix (the real MTA of
# tests/check_postfix.sh, installed unconfigured: nothing of it runs but
# the test's private instance), script(1) (a terminal for the progress
# lines), GNU time (peak memory), valgrind (make memcheck), help2man and
# man-db (the man page and its test).  check (make check): test and, where
# it can be installed, chromium (the report pages in a real browser:
# tests/check_report_browser.sh, which says it is skipped without it).
# coverage: test plus gcovr (make
# coverage).  bench: build plus msgconvert (the baseline), python3
# (figures, JSON) and GNU time (peak memory).  Does nothing when all are
# present.
set -eu

build_pkgs="wine wine64 wine64-tools libwine-dev libcmocka-dev libical-dev pkg-config valgrind g++"
test_pkgs="python3 python3-olefile python3-icalendar python3-vobject python3-flufl.bounce python3-gi gir1.2-ical-3.0
           libemail-outlook-message-perl libemail-address-perl postfix bsdutils time valgrind help2man man-db"

# wanted, but the tests go on without them (and say so)
optional=
case "${1:-build}" in
build) wanted=$build_pkgs ;;
test) wanted="$build_pkgs $test_pkgs" ;;
check) wanted="$build_pkgs $test_pkgs" optional=chromium ;;
coverage) wanted="$build_pkgs $test_pkgs gcovr" ;;
bench) wanted="$build_pkgs python3 libemail-outlook-message-perl libemail-address-perl postfix time" ;;
*) echo "usage: $0 build|test|check|bench|coverage" >&2; exit 2 ;;
esac

# absent PKGS...: those of PKGS that are not installed
absent() {
    for pkg in "$@"; do
        case "$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)" in
        *" installed") ;;
        *) printf ' %s' "$pkg" ;;
        esac
    done
}
missing=$(absent $wanted)
optional_missing=$(absent $optional)
[ -z "$missing$optional_missing" ] && exit 0

echo "trackfix: installing missing Debian packages:$missing$optional_missing" >&2
sudo=
[ "$(id -u)" = 0 ] || sudo=sudo
$sudo apt-get update -q
if [ -n "$missing" ]; then
    # Postfix unconfigured: no system mail service is set up or started
    echo "postfix postfix/main_mailer_type select No configuration" | $sudo debconf-set-selections
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing
fi
if [ -n "$optional_missing" ] &&
    ! DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $optional_missing; then
    echo "trackfix: could not install$optional_missing; the tests that need it will say they are skipped" >&2
fi
