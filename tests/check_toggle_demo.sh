# make check: the administrator's version of the story,
# scripts/registry-toggle-demo.sh, played from outside with reg.exe and
# regedit between trackfix queue runs.
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d "$BUILD/check_toggle_demo.XXXXXX")
trap 'rm -rf "$work"' EXIT

# --- the administrator's script, from outside with reg.exe and regedit.
reset_registry
run "$TOP/scripts/registry-toggle-demo.sh" --no-pause --dir "$work/script"
expect_rc 0
expect_out '$ wine regedit /S registry/fix-enable.reg'
expect_out '$ wine reg delete HKLM\SYSTEM\CurrentControlSet\Services\MSExchangeIS\ParametersSystem /v FixRecipientTrackStatusTime /f'
grep -q '^last_attempt=2007-08-03T14:45:00Z$' "$work/script/queue/delivered/00000001/state" || fail "script: not delivered at 14:45"
unfolded "$work/script/drop/00000001.eml" | grep -q 'X-REPLYTIME=18991230T000000Z' || fail "script: not clamped"
[ "$(grep -c $'\t327\t' "$work/script/eventlog.log")" = 4 ] || fail "script: expected 4 event 327 records"
run "$TRACKFIX" hotfix status
expect_out "FixRecipientTrackStatusTime: no value"

reset_registry
finish
