#!/bin/sh
# usage: scripts/run-tests.sh TEST...
# make test's runner: each build/test_*.exe (cmocka, run from build/) and
# each tests/e2e_*.sh, in order, each under a TEST_TIMEOUT-second guard so
# that a hang fails instead of stalling CI.  Stops at the first failure.
# Wants WINEPREFIX, BUILD and the rest of make's test environment.
set -eu
: "${BUILD:?run through make test}"
for t in "$@"; do
    echo "== $t"
    case "$t" in
    *.exe) (cd "$BUILD" && timeout "${TEST_TIMEOUT:-600}" "./${t##*/}") ;;
    *.sh) timeout "${TEST_TIMEOUT:-600}" bash "$t" ;;
    *) echo "$0: do not know how to run $t" >&2; exit 2 ;;
    esac
done
echo "all tests passed"
