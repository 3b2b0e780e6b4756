# make check: `trackfix time 0` under every state of the real registry,
# changed from outside with reg.exe and regedit, as an administrator would.
source "$(dirname "$0")/lib.sh"

reset_registry

# No server at all: legacy path, and the missing key is named.
run "$TRACKFIX" time 0
expect_rc 3
expect_out "0 1601-01-01T00:00:00Z legacy 0x80004005"
expect_err "MSExchangeIS\\ParametersSystem: key not found"

# The simulated SP2 server, hotfix not yet installed: still failing.
run wine regedit /S "$TOP/registry/exchange2003-sp2.reg"
run "$TRACKFIX" hotfix status
expect_rc 0
expect_out "KB938650 installed: no"
expect_out "fix active: no"
run "$TRACKFIX" time 0
expect_rc 3
expect_out "0x80004005"

# Value set but hotfix not installed: inactive, with a warning.
reg add "$KEY_PARAMS" /v FixRecipientTrackStatusTime /t REG_DWORD /d 1 /f
run "$TRACKFIX" time 0
expect_rc 3
expect_out "legacy 0x80004005"
expect_err "is 1 but KB938650 is not installed"

# Installed and enabled: the clamped path.
run "$TRACKFIX" hotfix install
expect_rc 0
run "$TRACKFIX" time 0
expect_rc 0
expect_out "0 1601-01-01T00:00:00Z clamped 18991230T000000Z"
expect_no_err
run "$TRACKFIX" hotfix status
expect_out "KB938650 installed: yes"
expect_out "FixRecipientTrackStatusTime: REG_DWORD 1"
expect_out "fix active: yes"

# /d 0: disabled again.
reg add "$KEY_PARAMS" /v FixRecipientTrackStatusTime /t REG_DWORD /d 0 /f
run "$TRACKFIX" time 0
expect_rc 3
expect_out "legacy 0x80004005"

# Any non-zero DWORD enables.
reg add "$KEY_PARAMS" /v FixRecipientTrackStatusTime /t REG_DWORD /d 7 /f
run "$TRACKFIX" time 0
expect_rc 0
expect_out "clamped 18991230T000000Z"

# Deleted: disabled, no warning (an absent value is the documented default).
reg delete "$KEY_PARAMS" /v FixRecipientTrackStatusTime /f
run "$TRACKFIX" time 0
expect_rc 3
expect_out "legacy 0x80004005"
expect_no_err

# enable/disable/uninstall verbs.
run "$TRACKFIX" hotfix enable
expect_rc 0
run "$TRACKFIX" time --format=json 0
expect_rc 0
expect_out '{"filetime":0,"iso":"1601-01-01T00:00:00Z","path":"clamped","converted":true,"datetime":"18991230T000000Z"}'
run "$TRACKFIX" hotfix disable
run "$TRACKFIX" time --format=json 0
expect_rc 3
expect_out '"path":"legacy","converted":false,"hresult":"0x80004005"}'
run "$TRACKFIX" hotfix enable
run "$TRACKFIX" hotfix uninstall
expect_rc 0
run "$TRACKFIX" time 0
expect_rc 3

# Install is refused before SP2 (build 7226 is SP1) and without Exchange.
reset_registry
run "$TRACKFIX" hotfix install
expect_rc 1
expect_err "requires Microsoft Exchange Server 2003 Service Pack 2"
run "$TRACKFIX" server init --build=7226
expect_rc 0
run "$TRACKFIX" hotfix install
expect_rc 1
expect_err "Service Pack 2 (build 7638); this server is build 7226"
run "$TRACKFIX" hotfix status
expect_out "KB938650 installed: no"
run "$TRACKFIX" server init
expect_out "6.5 build 7638"
run "$TRACKFIX" hotfix install
expect_rc 0

# Several values, the fix forced either way, whatever the registry says.
run "$TRACKFIX" time --fix=on 0 0x014F35A9A90CC000 9999-12-31T23:59:59Z 18446744073709551615
expect_rc 0
expect_out "0 1601-01-01T00:00:00Z clamped 18991230T000000Z"
expect_out "94353120000000000 1899-12-30T00:00:00Z clamped 18991230T000000Z"
expect_out "18446744073709551615 60056-05-28T05:36:10.9551615Z clamped 99991231T235959Z"
run "$TRACKFIX" time --fix=off 1899-12-30T00:00:00Z 2650467744000000000
expect_rc 3
expect_out "94353120000000000 1899-12-30T00:00:00Z legacy 18991230T000000Z"
expect_out "2650467744000000000 10000-01-01T00:00:00Z legacy 0x80004005"

# Usage errors name what was wrong and exit 2.
run "$TRACKFIX" time 0 yesterday
expect_rc 2
expect_err "cannot parse 'yesterday' as a time"
expect_no_out "0x80004005"
run "$TRACKFIX" time --fix=maybe 0
expect_rc 2
expect_err "'--fix=maybe': expected auto, on or off"
run "$TRACKFIX" time
expect_rc 2
run "$TRACKFIX" frobnicate
expect_rc 2
expect_err "unknown command 'frobnicate'"
run "$TRACKFIX" server init --build=abc
expect_rc 2

# The debug channel: WINEDEBUG=+trackfix traces why each legacy conversion
# failed (a wrapped date that oleaut32 refuses, a year 10000 it returns)
# and what the gate read.
reset_registry
trackfix server init > /dev/null && trackfix hotfix install > /dev/null || fail "provisioning"
WINEDEBUG=+trackfix run "$TRACKFIX" time 0 2650467743995000065
expect_rc 3
expect_err "trace:trackfix:systime_to_systemtime VariantTimeToSystemTime(21241193.233460128) failed for 0"
expect_err "trace:trackfix:systime_to_systemtime VariantTimeToSystemTime(2958465.9999942132) gave year 10000"
expect_err "trace:trackfix:gate_read installed 1, value no value, active 0"
run "$TRACKFIX" time 0
expect_rc 3
[[ "$err" != *trace:* ]] || fail "traces without WINEDEBUG=+trackfix"

reset_registry
finish
