# The queue's lock holds across Wine prefixes: a run from a second prefix
# (its own wineserver) on the same queue folder is refused while the first
# holds the queue, and goes ahead once the first is killed with SIGKILL
# (the kernel drops a dead holder's lock: nobody has to clean up).
source "$(dirname "$0")/lib.sh"

T0=2007-08-03T14:00:00Z
work=$(mktemp -d "$BUILD/check_lock_prefixes.XXXXXX")
other="$work/prefix2"
trap 'stop_sinks; WINEPREFIX="$other" wineserver -k 2> /dev/null; rm -rf "$work"' EXIT

# A second prefix as the test runner makes its lanes: drive_c hard-linked,
# the registry files copied; its own wineserver.
cp -al "$WINEPREFIX" "$other"
for reg in "$WINEPREFIX"/*.reg; do cp --remove-destination "$reg" "$other/"; done
WINEPREFIX="$other" wineserver -p

trackfix msg new "$TOP/tests/data/update-realtime.txt" -o "$work/update.msg" > /dev/null || fail "msg new"
run "$TRACKFIX" queue --queue="$work/server/queue" submit --now=$T0 "$work/update.msg"
expect_rc 0

# The first run, in this prefix, holds the queue while a server that never
# answers keeps it in its SMTP session.
start_sink "$work/stall" stall
"$TRACKFIX" queue --queue="$work/server/queue" run --now=$T0 --fix=off --smtp=127.0.0.1:$port > "$work/first.out" 2>&1 &
first=$!
for i in $(seq 100); do grep -q CONNECT "$work/stall/session.log" 2> /dev/null && break; sleep 0.1; done
grep -q CONNECT "$work/stall/session.log" || fail "the first run never reached the server"

# The second, from the other prefix: refused, exit 5, nothing done.
WINEPREFIX="$other" run "$TRACKFIX" queue --queue="$work/server/queue" run --now=$T0 --fix=off
expect_rc 5
expect_err "is in use by another run"
[ -d "$work/server/queue/queued/00000001" ] || fail "the refused run touched the message"
[ -e "$work/server/drop" ] && fail "the refused run delivered"

# The first killed outright: the second now runs and delivers, once.
kill -9 "$first"
wait "$first" 2> /dev/null
start_sink "$work/good"
WINEPREFIX="$other" run "$TRACKFIX" queue --queue="$work/server/queue" run --now=$T0 --fix=off --smtp=127.0.0.1:$port
expect_rc 0
expect_out "00000001 attempt 1: delivered to 127.0.0.1:$port over SMTP"
[ "$(ls "$work/good"/*.eml 2> /dev/null | wc -l)" = 1 ] || fail "expected one delivery: $(ls "$work/good")"

finish
