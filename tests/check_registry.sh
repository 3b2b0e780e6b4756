# The registry matrix: every way FixRecipientTrackStatusTime and the keys
# around it can be found in a real prefix, set with reg.exe and regedit as
# an administrator would, and what `hotfix status`, `time` and `convert`
# each do with it.  Only a four-byte REG_DWORD that is not zero, with
# KB938650 installed on Exchange 2003 SP2 or later, turns the fix on;
# everything else converts along the legacy path (exit 3 for the 1601
# sentinel), and whatever is not plainly "off" says why on stderr.
# A key whose access is denied cannot be played here (Wine's registry does
# not enforce key ACLs); test_gate plays it through the gate's reader seam.
source "$(dirname "$0")/lib.sh"

NOW=2007-08-03T14:05:00Z
V=FixRecipientTrackStatusTime
work=$(mktemp -d "$BUILD/check_registry.XXXXXX")
trap 'rm -rf "$work"' EXIT
trackfix msg new "$TOP/tests/data/update-1601.txt" -o "$work/update-1601.msg" || fail "msg new"

# A .reg file (regedit /S) for what reg.exe cannot write: zero-length data.
regfile() {
    printf 'Windows Registry Editor Version 5.00\r\n\r\n[HKEY_LOCAL_MACHINE\\SYSTEM\\CurrentControlSet\\Services\\MSExchangeIS\\ParametersSystem]\r\n"%s"=%s\r\n' \
        "$V" "$1" > "$work/value.reg"
    run wine regedit /S "$work/value.reg"
    [ "$rc" = 0 ] || fail "regedit /S of $1 exited $rc"
}

# row NAME ACTIVE WARNING SETUP...: from a provisioned SP2 server with
# KB938650 installed and no value, runs SETUP (a shell command), then checks
# the three commands.  ACTIVE is yes or no; WARNING a piece of what time and
# convert print on stderr, "" for nothing at all.
row() {
    local name=$1 active=$2 warning=$3 want_rc
    shift 3
    reset_registry
    trackfix server init > /dev/null && trackfix hotfix install > /dev/null || fail "$name: provisioning"
    eval "$*"
    want_rc=3
    [ "$active" = yes ] && want_rc=0

    run "$TRACKFIX" hotfix status
    [ "$rc" = 0 ] && [[ "$out" == *"fix active: $active"* ]] ||
        fail "$name: hotfix status exited $rc, wanted 'fix active: $active'"
    run "$TRACKFIX" time 0
    [ "$rc" = "$want_rc" ] || fail "$name: time 0 exited $rc, wanted $want_rc"
    if [ -n "$warning" ]; then
        [[ "$err" == *"$warning"* ]] || fail "$name: time 0 did not warn '$warning'"
    else
        [ -z "$err" ] || fail "$name: time 0 warned: $err"
    fi
    run "$TRACKFIX" convert --now=$NOW -o "$work/out" "$work/update-1601.msg"
    [ "$rc" = "$want_rc" ] || fail "$name: convert exited $rc, wanted $want_rc"
    [ -n "$warning" ] && { [[ "$err" == *"$warning"* ]] || fail "$name: convert did not warn '$warning'"; }
    if [ "$active" = yes ]; then
        unfolded "$work/out/update-1601.eml" | grep -q 'X-REPLYTIME=18991230T000000Z' ||
            fail "$name: no clamped REPLYTIME"
    else
        [ ! -e "$work/out/update-1601.eml" ] || fail "$name: converted with the fix off"
    fi
    rm -rf "$work/out"
}

row "REG_DWORD 1" yes "" reg add "'$KEY_PARAMS'" /v $V /t REG_DWORD /d 1 /f
row "REG_DWORD 2" yes "" reg add "'$KEY_PARAMS'" /v $V /t REG_DWORD /d 2 /f
row "REG_DWORD 0xFFFFFFFF" yes "" reg add "'$KEY_PARAMS'" /v $V /t REG_DWORD /d 0xffffffff /f
row "REG_DWORD 0" no "" reg add "'$KEY_PARAMS'" /v $V /t REG_DWORD /d 0 /f
row "REG_NONE" no "expected a REG_DWORD, found REG_NONE" reg add "'$KEY_PARAMS'" /v $V /t REG_NONE /f
row "REG_SZ" no 'found REG_SZ "1"' reg add "'$KEY_PARAMS'" /v $V /t REG_SZ /d 1 /f
row "REG_EXPAND_SZ" no 'found REG_EXPAND_SZ "1"' reg add "'$KEY_PARAMS'" /v $V /t REG_EXPAND_SZ /d 1 /f
row "REG_MULTI_SZ" no "found REG_MULTI_SZ" reg add "'$KEY_PARAMS'" /v $V /t REG_MULTI_SZ /d 1 /f
row "REG_BINARY" no "found REG_BINARY 01 00 00 00 (4 bytes)" reg add "'$KEY_PARAMS'" /v $V /t REG_BINARY /d 01000000 /f
row "REG_DWORD_BIG_ENDIAN" no "found REG_DWORD_BIG_ENDIAN" reg add "'$KEY_PARAMS'" /v $V /t REG_DWORD_BIG_ENDIAN /d 1 /f
row "REG_QWORD" no "found REG_QWORD" reg add "'$KEY_PARAMS'" /v $V /t REG_QWORD /d 1 /f
row "REG_DWORD of 0 bytes" no "found REG_DWORD with no data (0 bytes)" regfile "'hex(4):'"
row "REG_BINARY of 0 bytes" no "found REG_BINARY with no data (0 bytes)" regfile "'hex:'"
row "REG_SZ of 0 bytes" no 'found REG_SZ ""' regfile "'\"\"'"
row "key missing" no "ParametersSystem: key not found" reg delete "'$KEY_PARAMS'" /f
row "key without the value" no "" true
row "install marker missing" no "is 1 but KB938650 is not installed" \
    reg add "'$KEY_PARAMS'" /v $V /t REG_DWORD /d 1 /f "&&" reg delete "'$KEY_HOTFIX'" /f
row "Exchange 2003 SP1 (build 7226)" no "MsiBuildMajor is 7226, older than Exchange 2003 SP2" \
    reg add "'$KEY_PARAMS'" /v $V /t REG_DWORD /d 1 /f "&&" reg add "'$KEY_SETUP'" /v MsiBuildMajor /t REG_DWORD /d 7226 /f

# The same states step by step from a provisioned server, as check_time.sh
# sets them: wrong types warn and never enable, and the shipped .reg files
# work through both loaders.
reset_registry
trackfix server init > /dev/null && trackfix hotfix install > /dev/null || fail "provisioning"
# REG_SZ "1": never enables, and the warning says what was found where.
reg add "$KEY_PARAMS" /v FixRecipientTrackStatusTime /t REG_SZ /d 1 /f
run "$TRACKFIX" time 0
expect_rc 3
expect_out "legacy 0x80004005"
expect_err "ParametersSystem\\FixRecipientTrackStatusTime: expected a REG_DWORD, found REG_SZ \"1\""

# REG_QWORD and REG_BINARY: the same.
reg add "$KEY_PARAMS" /v FixRecipientTrackStatusTime /t REG_QWORD /d 1 /f
run "$TRACKFIX" time 0
expect_rc 3
expect_err "found REG_QWORD"
reg add "$KEY_PARAMS" /v FixRecipientTrackStatusTime /t REG_BINARY /d 01000000 /f
run "$TRACKFIX" time 0
expect_rc 3
expect_err "found REG_BINARY 01 00 00 00 (4 bytes)"

# The shipped .reg files, through both loaders.
run wine reg import "$TOP/registry/fix-enable.reg"
expect_rc 0
run "$TRACKFIX" time 0
expect_rc 0
expect_out "clamped 18991230T000000Z"
run wine regedit /S "$TOP/registry/fix-disable.reg"
run "$TRACKFIX" hotfix status
expect_out "FixRecipientTrackStatusTime: REG_DWORD 0"
run "$TRACKFIX" time 0
expect_rc 3
run wine regedit /S "$TOP/registry/fix-enable.reg"
run "$TRACKFIX" time 0
expect_rc 0
run wine reg import "$TOP/registry/fix-remove-value.reg"
expect_rc 0
run "$TRACKFIX" hotfix status
expect_out "FixRecipientTrackStatusTime: no value"
run "$TRACKFIX" time 0
expect_rc 3

# The whole server from .reg files, hotfix installed with it.
reset_registry
run wine regedit /S "$TOP/registry/exchange2003-sp2.reg"
run wine reg import "$TOP/registry/kb938650-installed.reg"
run wine regedit /S "$TOP/registry/fix-enable.reg"
run "$TRACKFIX" hotfix status
expect_out "KB938650 installed: yes"
expect_out "fix active: yes"

reset_registry
finish
