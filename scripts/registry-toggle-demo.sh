#!/bin/bash
# KB 938650 driven from outside, with the tools an administrator uses:
# reg.exe and regedit change the registry of the Wine prefix between
# "trackfix queue run" calls.  Each command is printed before it runs.
#
# usage: scripts/registry-toggle-demo.sh [--no-pause] [--dir DIR]
#   --no-pause  never wait for Enter (CI); without it the script pauses
#               between acts only when stdin is a terminal
#   --dir DIR   the server folder (default build/toggle-demo); refused when
#               it holds anything this script did not make
# Exit 0 when the update was stuck with the value off and delivered at the
# next retry after the value was set, as the article says.
set -u
cd "$(dirname "$0")/.."
TOP=$PWD
args=("$@")
pause=1
DIR=build/toggle-demo
while [ $# -gt 0 ]; do
    case "$1" in
    --no-pause) pause=0 ;;
    --dir) DIR=${2:?--dir needs a folder}; shift ;;
    *) echo "usage: $0 [--no-pause] [--dir DIR]" >&2; exit 2 ;;
    esac
    shift
done
[ -t 0 ] || pause=0

make -s all prefix || exit 1
export WINEPREFIX=${WINEPREFIX:-$TOP/build/wineprefix} WINEDEBUG=${WINEDEBUG:--all} TZ=UTC
# one wineserver session for all the commands below (see wine-session.sh)
[ "${TRACKFIX_WINE_SESSION:-}" = "$WINEPREFIX" ] ||
    exec scripts/wine-session.sh "$TOP/scripts/registry-toggle-demo.sh" "${args[@]}"
TRACKFIX=$TOP/build/trackfix.exe
KEY='HKLM\SYSTEM\CurrentControlSet\Services\MSExchangeIS\ParametersSystem'
T1=2007-08-03T14:00:00Z

if [ -e "$DIR" ] && [ ! -e "$DIR/.registry-toggle-demo" ] && [ -n "$(ls -A "$DIR")" ]; then
    echo "$0: '$DIR' holds files this script did not make; give another --dir" >&2
    exit 2
fi
rm -rf "$DIR"
mkdir -p "$DIR/organizer" && touch "$DIR/.registry-toggle-demo"

act() { printf '\n== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }
wait_enter() {
    [ "$pause" = 1 ] || return 0
    printf '\n[press Enter to go on] '
    read -r _
}

act "Provision the Exchange 2003 SP2 server and the KB938650 binaries; the value is off"
show wine regedit /S registry/exchange2003-sp2.reg
show wine reg import registry/kb938650-installed.reg
show wine reg add "$KEY" /v FixRecipientTrackStatusTime /t REG_DWORD /d 0 /f
show "$TRACKFIX" hotfix status

act "The Exchange 2007 attendee accepts without X-MICROSOFT-CDO-ATTENDEE-CRITICAL-CHANGE"
show "$TRACKFIX" msg new tests/data/request-realtime.txt -o "$DIR/organizer/meeting.msg"
show "$TRACKFIX" reply "$DIR/organizer/meeting.msg" tests/data/reply-accepted.ics

act "The organizer sends an update; it goes into the SMTP queue"
printf '$ %s\n' "trackfix msg dump meeting.msg | sed (subject, sequence 1) | trackfix msg new - -o update.msg"
"$TRACKFIX" msg dump "$DIR/organizer/meeting.msg" |
    sed -e 's/^PR_SUBJECT = .*/PR_SUBJECT = "Updated: Project review"/' \
        -e 's/^PidLidAppointmentSequence = .*/PidLidAppointmentSequence = 1/' |
    "$TRACKFIX" msg new - -o "$DIR/organizer/update.msg" || exit 1
show "$TRACKFIX" queue --queue="$DIR/queue" submit --now=$T1 "$DIR/organizer/update.msg"
show "$TRACKFIX" queue --queue="$DIR/queue" run --now=$T1 --until=+35m
show "$TRACKFIX" queue --queue="$DIR/queue" list
show "$TRACKFIX" queue --queue="$DIR/queue" open 00000001 --now=2007-08-03T14:35:00Z
show "$TRACKFIX" eventlog --log="$DIR/eventlog.log" --since=2007-08-03T14:30:00Z
stuck=0
[ -d "$DIR/queue/queued/00000001" ] && [ ! -e "$DIR/drop/00000001.eml" ] && stuck=1
wait_enter

act "Enable the fix as the article says: no restart"
show wine regedit /S registry/fix-enable.reg
show "$TRACKFIX" hotfix status
show "$TRACKFIX" queue --queue="$DIR/queue" run --now=2007-08-03T14:35:00Z --until=+2d
show "$TRACKFIX" queue --queue="$DIR/queue" list
# the ATTENDEE line, unfolded (CDO folds it at 75 octets)
show sed -n -e ':a' -e 'N' -e '$!ba' -e 's/\r\n //g' -e 's/.*\n\(ATTENDEE[^\r]*\).*/\1/p' "$DIR/drop/00000001.eml"
wait_enter

act "Put the value back as it was: removed"
show wine reg delete "$KEY" /v FixRecipientTrackStatusTime /f
show "$TRACKFIX" hotfix status

if [ "$stuck" = 1 ] && [ -d "$DIR/queue/delivered/00000001" ] &&
    grep -q '^last_attempt=2007-08-03T14:45:00Z$' "$DIR/queue/delivered/00000001/state"; then
    printf '\nAs KB 938650 says: stuck with the value off, delivered at the next retry (14:45) after it was set.\n'
    exit 0
fi
printf '\nThe story did not end as KB 938650 says: see above.\n' >&2
exit 1
