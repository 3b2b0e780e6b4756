# Every verb takes every path form a user may type: a Unix absolute path, a
# relative one, a drive path (Z:\...), and a folder named in another case,
# here in a folder whose name has spaces and a non-ASCII letter.  Each form
# goes through msg new and dump, convert, reply, scan, the queue (submit,
# list, run, open, retry, delete), eventlog and scenario, and each must end
# in the same real folder.
source "$(dirname "$0")/lib.sh"

T0=2007-08-03T14:00:00Z
work=$(mktemp -d "$BUILD/check_paths.XXXXXX")
real="$work/Dir With Space/Zoë"
mkdir -p "$real"
trap 'rm -rf "$work" "$work.reply.ics"' EXIT
reset_registry
trackfix server init > /dev/null || fail "server init"

# form NAME: how NAME spells the folder $real
form() {
    case "$1" in
    unix) echo "$real" ;;
    relative) echo "Dir With Space/Zoë" ;;
    drive) echo "Z:${real//\//\\}" ;;
    case) echo "$work/DIR WITH SPACE/Zoë" ;;
    esac
}

cd "$work" || fail "cd $work"
# the reply answers the update (sequence 1): one to sequence 0 is out of date
reply="$work.reply.ics"
sed 's/^SEQUENCE:0\r$/SEQUENCE:1\r/' "$TOP/tests/data/reply-accepted.ics" > "$reply"
grep -q "^SEQUENCE:1" "$reply" || fail "no SEQUENCE to raise in reply-accepted.ics"
for name in unix relative drive case; do
    F=$(form "$name")
    run "$TRACKFIX" msg new "$TOP/tests/data/update-1601.txt" -o "$F/m-$name.msg"
    expect_rc 0
    [ -s "$real/m-$name.msg" ] || fail "$name: msg new wrote no $real/m-$name.msg"
    run "$TRACKFIX" msg dump "$F/m-$name.msg"
    expect_rc 0
    expect_out 'PR_SUBJECT = "Updated: Project review"'
    run "$TRACKFIX" convert --fix=on --now=$T0 -o "$F/out-$name" "$F/m-$name.msg"
    expect_rc 0
    [ -s "$real/out-$name/m-$name.eml" ] || fail "$name: convert wrote no $real/out-$name/m-$name.eml"
    cp "$real/m-$name.msg" "$real/meeting-$name.msg"
    run "$TRACKFIX" reply "$F/meeting-$name.msg" "$reply"
    expect_rc 0
    expect_out "applied $reply"
    run "$TRACKFIX" scan --fix=off --now=$T0 --no-recursive "$F"
    expect_rc 4
    expect_out "Scanned"

    Q="$F/server-$name/queue"
    run "$TRACKFIX" queue --queue="$Q" submit --now=$T0 "$F/m-$name.msg"
    expect_rc 0
    expect_out "as 00000001"
    [ -d "$real/server-$name/queue/queued/00000001" ] || fail "$name: submit queued nothing in $real/server-$name"
    run "$TRACKFIX" queue --queue="$Q" list
    expect_rc 0
    expect_out "00000001  queued"
    run "$TRACKFIX" queue --queue="$Q" run --now=$T0 --fix=off
    expect_rc 0
    expect_out "00000001 attempt 1: EcGetMime failed 0x80004005"
    expect_no_out "corrupt"
    run "$TRACKFIX" queue --queue="$Q" open 00000001 --fix=on --now=$T0
    expect_rc 0
    run "$TRACKFIX" eventlog --log="$F/server-$name/eventlog.log"
    expect_rc 0
    expect_out "327"
    run "$TRACKFIX" queue --queue="$Q" retry 00000001 --now=$T0
    expect_rc 0
    run "$TRACKFIX" queue --queue="$Q" run --now=$T0 --fix=on
    expect_rc 0
    expect_out "delivered to"
    [ -s "$real/server-$name/drop/00000001.eml" ] || fail "$name: nothing in $real/server-$name/drop"
    run "$TRACKFIX" queue --queue="$Q" delete 00000001
    expect_rc 0
    [ -e "$real/server-$name/queue/delivered/00000001" ] && fail "$name: delete left the message"
    # Failing to the end: event 327 and the 4.4.7 NDR land beside the
    # queue, whatever form named it (a drive path once put them in the
    # current folder, which the last check below would see).
    rm -f "$real/server-$name/eventlog.log"
    run "$TRACKFIX" queue --queue="$Q" submit --now=$T0 "$F/m-$name.msg"
    expect_rc 0
    run "$TRACKFIX" queue --queue="$Q" run --now=$T0 --until=2007-08-06T14:00:00Z --fix=off
    expect_rc 0
    expect_out "00000002 expired after"
    [ -s "$real/server-$name/mailboxes/olivia@contoso.example/00000002.ndr.eml" ] || fail "$name: no NDR beside the queue"
    [ -s "$real/server-$name/mailboxes/olivia@contoso.example/00000002.delay.eml" ] || fail "$name: no delay DSN beside the queue"
    grep -q $'\t327\t' "$real/server-$name/eventlog.log" || fail "$name: event 327 not logged beside the queue"
done
# The whole story in a drive path and in a relative one.
for name in drive relative; do
    run "$TRACKFIX" scenario --fix=toggle --dir="$(form "$name")/story-$name"
    expect_rc 0
    [ -n "$(ls "$real/story-$name/drop" 2> /dev/null)" ] || fail "$name: the scenario delivered nothing in $real/story-$name"
done
[ "$(ls "$work")" = "Dir With Space" ] || fail "a path form made another folder: $(ls "$work")"

reset_registry
finish
