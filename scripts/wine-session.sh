#!/bin/sh
# usage: scripts/wine-session.sh CMD [ARG...]
# Runs CMD with one persistent wineserver for $WINEPREFIX and stops that
# server afterwards (the registry is saved); exits with CMD's status.
#
# Wine's default is to end a server session as soon as its last program
# exits: it shuts down services.exe, explorer.exe and the rest, and the next
# program starts a new session with wineboot.  A run of hundreds of short
# programs (the tests, the toggle demo) then starts programs while a session
# is going down; CI saw one of them end with status 1 and no output.  One
# session for the whole run takes that window away and saves the start-up
# of a session per program.
# Inside a session already (TRACKFIX_WINE_SESSION names its prefix), CMD
# just runs in it.
set -u
: "${WINEPREFIX:?set WINEPREFIX to the prefix this session is for}"
[ "${TRACKFIX_WINE_SESSION:-}" = "$WINEPREFIX" ] && exec "$@"
export TRACKFIX_WINE_SESSION=$WINEPREFIX
# a server left over from an interrupted run would make -p fail
wineserver -k 2>/dev/null
wineserver -w
if ! wineserver -p; then
    echo "$0: cannot start a persistent wineserver for $WINEPREFIX" >&2
    exit 1
fi
stop() { wineserver -k 2>/dev/null; wineserver -w; }
trap 'stop; exit 130' INT TERM
"$@"
status=$?
stop
exit $status
