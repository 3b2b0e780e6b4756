# Helpers for the end-to-end tests: run the real build/trackfix.exe and the
# real reg.exe in the private prefix, and check what they did.
# Sourced by tests/e2e_*.sh; BUILD and WINEPREFIX come from `make test`.
set -u

: "${BUILD:?run through make test}"
: "${WINEPREFIX:?run through make test}"
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
TRACKFIX="$BUILD/trackfix.exe"
failures=0
out= err= rc=
# where run and trackfix keep a program's output while it runs: one folder
# a test, made once (the helpers start no process of their own)
LIB_TMP=$(mktemp -d "$BUILD/lib.XXXXXX")

KEY_PARAMS='HKLM\SYSTEM\CurrentControlSet\Services\MSExchangeIS\ParametersSystem'
KEY_DIAG='HKLM\SYSTEM\CurrentControlSet\Services\MSExchangeTransport\Diagnostics'
KEY_SETUP='HKLM\SOFTWARE\Microsoft\Exchange\Setup'
KEY_HOTFIX='HKLM\SOFTWARE\Microsoft\Updates\Exchange Server 2003\SP3\KB938650'
KEY_DIRECTORY='HKLM\SOFTWARE\trackfix\Directory'

# wine ARGS...: Wine's loader as make chose it (WINELOADER), else the
# wine command: reg.exe and regedit start as trackfix does.
wine() {
    if [ -n "${WINELOADER:-}" ] && [ "$WINELOADER" != wine ]; then "$WINELOADER" "$@"; else command wine "$@"; fi
}

# run CMD...: runs CMD, keeping its stdout in $out, stderr in $err, status in $rc.
# A Windows program that ends with status 1 and no output at all did not
# run: under load Wine now and then fails to start one that way (trackfix
# itself never exits 1 without saying why on stderr).  It is run once more,
# and the test's log says so.
run() {
    local attempt
    for attempt in 1 2; do
        "$@" >"$LIB_TMP/out" 2>"$LIB_TMP/err"
        rc=$?
        [ "$rc" = 1 ] && [ ! -s "$LIB_TMP/out" ] && [ ! -s "$LIB_TMP/err" ] && [ "$attempt" = 1 ] || break
        case "$1" in *.exe | wine) ;; *) break ;; esac
        echo "note: '$*' exited 1 with no output, as Wine does when it fails to start a program; running it again" >&2
        sleep 0.2
    done
    out=$(<"$LIB_TMP/out")
    err=$(<"$LIB_TMP/err")
}

# trackfix ARGS...: the program, for a step a test only needs done (its
# output goes where the caller sends it); run once more, as run does, when
# Wine failed to start it (status 1, nothing on stderr).  Not for a process
# a test kills: this shell function stands between the two.
trackfix() {
    local err=$LIB_TMP/trackfix.err rc
    "$TRACKFIX" "$@" 2>"$err"
    rc=$?
    if [ "$rc" = 1 ] && [ ! -s "$err" ]; then
        echo "note: 'trackfix $*' exited 1 with no output, as Wine does when it fails to start a program; running it again" >&2
        sleep 0.2
        "$TRACKFIX" "$@" 2>"$err"
        rc=$?
    fi
    [ -s "$err" ] && cat "$err" >&2
    return "$rc"
}

# unfolded FILE: FILE with its folded lines joined (a line end and the
# space or tab after it removed), so a grep finds a parameter that
# iCalendar's 75-octet fold split.
unfolded() {
    sed -e ':a' -e 'N' -e '$!ba' -e 's/\r\{0,1\}\n[ \t]//g' "$1"
}

# start_sink DIR [MODE...]: starts the test SMTP server (tests/smtpsink.py)
# writing into DIR and sets $port; stop_sinks stops every one started.
sinks=()
start_sink() {
    mkdir -p "$1"
    /usr/bin/python3 "$TOP/tests/smtpsink.py" "$@" &
    sinks+=($!)
    local i
    for i in $(seq 250); do [ -e "$1/port" ] && break; sleep 0.02; done
    port=$(cat "$1/port" 2> /dev/null) || fail "the SMTP sink did not start"
}
stop_sinks() {
    local pid
    for pid in "${sinks[@]}"; do kill "$pid" 2> /dev/null; done
}

fail() {
    local i=1
    # name the line of the test script, not of these helpers
    while [ "${BASH_SOURCE[$i]##*/}" = lib.sh ]; do i=$((i + 1)); done
    echo "FAIL ${BASH_SOURCE[$i]##*/}:${BASH_LINENO[$((i - 1))]}: $*" >&2
    echo "  stdout: ${out:0:1500}" >&2
    echo "  stderr: ${err:0:1500}" >&2
    failures=$((failures + 1))
}

expect_rc() { [ "$rc" = "$1" ] || fail "exit status $rc, expected $1"; }
expect_out() { [[ "$out" == *"$1"* ]] || fail "stdout lacks '$1'"; }
expect_no_out() { [[ "$out" != *"$1"* ]] || fail "stdout has '$1'"; }
expect_err() { [[ "$err" == *"$1"* ]] || fail "stderr lacks '$1'"; }
expect_no_err() { [ -z "$err" ] || fail "stderr not empty"; }

# reg ARGS...: the real reg.exe of the prefix; the test fails when it does.
reg() {
    local rc out err
    run wine reg "$@"
    [ "$rc" = 0 ] || { echo "FAIL: wine reg $* -> $rc: $err" >&2; failures=$((failures + 1)); }
}

# Removes everything trackfix writes to the registry: a server-less prefix.
# One regedit process ("[-KEY]" deletes a key; a missing one is no error).
reset_registry() {
    local key file
    file=$(mktemp "$BUILD/reset.XXXXXX.reg")
    {
        printf 'Windows Registry Editor Version 5.00\r\n'
        for key in "$KEY_PARAMS" "$KEY_DIAG" "$KEY_SETUP" "$KEY_HOTFIX" "$KEY_DIRECTORY"; do
            printf '\r\n[-HKEY_LOCAL_MACHINE\\%s]\r\n' "${key#HKLM\\}"
        done
    } > "$file"
    # Wine's regedit has been seen to exit 1 now and then under load; what
    # counts is that the keys are gone, so then each is deleted and checked
    if ! wine regedit /S "$file" 2> /dev/null; then
        for key in "$KEY_PARAMS" "$KEY_DIAG" "$KEY_SETUP" "$KEY_HOTFIX" "$KEY_DIRECTORY"; do
            wine reg delete "$key" /f > /dev/null 2>&1
            if wine reg query "$key" > /dev/null 2>&1; then
                echo "FAIL: cannot reset the registry: $key is still there" >&2
                failures=$((failures + 1))
            fi
        done
    fi
    rm -f "$file"
}

finish() {
    rm -rf "$LIB_TMP"
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    echo "ok"
}
