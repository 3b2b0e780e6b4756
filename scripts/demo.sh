#!/bin/bash
# The heart of KB 938650 in the private Wine prefix: provision a simulated
# Exchange 2003 SP2 server, then convert the 1601-01-01 track-status time
# (FILETIME 0) with the fix off and on, flipping the registry value from
# outside with reg.exe between the two runs.  Run through `make demo`.
set -u
: "${BUILD:?run through make demo}"
TRACKFIX="$BUILD/trackfix.exe"
KEY_PARAMS='HKLM\SYSTEM\CurrentControlSet\Services\MSExchangeIS\ParametersSystem'

step() { printf '\n== %s\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

step "Provision a simulated Exchange Server 2003 SP2 and install KB938650"
show "$TRACKFIX" server init || exit 1
show "$TRACKFIX" hotfix install || exit 1
show wine reg add "$KEY_PARAMS" /v FixRecipientTrackStatusTime /t REG_DWORD /d 0 /f

step "Fix off: the attendee's PR_RECIPIENT_TRACKSTATUS_TIME of 1601-01-01 cannot be converted"
show "$TRACKFIX" hotfix status
show "$TRACKFIX" time 0
off=$?

step "Enable the fix as the article says (no restart), and convert the same value"
show wine reg add "$KEY_PARAMS" /v FixRecipientTrackStatusTime /t REG_DWORD /d 1 /f
show "$TRACKFIX" hotfix status
show "$TRACKFIX" time 0
on=$?

step "Only the track-status time is clamped: a real time converts the same way both ways"
show "$TRACKFIX" time --fix=off 2007-08-01T09:30:00Z
show "$TRACKFIX" time --fix=on 2007-08-01T09:30:00Z

if [ "$off" = 3 ] && [ "$on" = 0 ]; then
    printf '\nAs KB 938650 says: E_FAIL (0x80004005) without the fix, 18991230T000000Z with it.\n'
    exit 0
fi
printf '\nUnexpected: exit %s with the fix off, %s with it on.\n' "$off" "$on" >&2
exit 1
