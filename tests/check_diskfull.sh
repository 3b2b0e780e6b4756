# A full disk: outputs and the queue on a small tmpfs.  Every write that
# fails says "Disk full" in words with the file, leaves no partial
# or temporary file, and loses nothing: once the disk has room again the
# same queue delivers every message it confirmed.  Needs mount(8) for a
# tmpfs (root); where the machine does not allow one, says so and skips.
source "$(dirname "$0")/lib.sh"

T0=2007-08-03T14:00:00Z
work=$(mktemp -d "$BUILD/check_diskfull.XXXXXX")
disk="$work/disk"
mkdir -p "$disk"
trap 'umount "$disk" 2> /dev/null; rm -rf "$work"' EXIT
if ! mount -t tmpfs -o size=96k tmpfs "$disk" 2> "$work/mount.err"; then
    echo "check_diskfull: skipped: this machine does not let the test mount a tmpfs ($(cat "$work/mount.err"))"
    exit 0
fi

# A big message (1,000 attendees: a 150 KB .eml) converted onto the full
# disk: refused in words, nothing left behind.
{
    cat "$TOP/tests/data/update-realtime.txt"
    for i in $(seq 1000); do
        printf '\n[recipient]\nPR_DISPLAY_NAME = "Attendee %d"\nPR_SMTP_ADDRESS = "a%d@fabrikam.example"\nPR_RECIPIENT_TYPE = 1\n' "$i" "$i"
    done
} > "$work/big.txt"
trackfix msg new "$work/big.txt" -o "$work/big.msg" > /dev/null || fail "msg new big"
run "$TRACKFIX" convert --fix=on --now=$T0 -o "$disk/out" "$work/big.msg"
expect_rc 3
expect_out "cannot write '$disk/out/big.eml': Disk full (0x80070070)"
[ -z "$(find "$disk" -type f)" ] || fail "a full disk kept a partial file: $(find "$disk" -type f)"

# The queue on the full disk: submissions until the disk is full, each
# confirmed one whole; a run that cannot write its drop copies fails them
# in words; with room again, every confirmed message is delivered.
trackfix msg new "$TOP/tests/data/update-realtime.txt" -o "$work/update.msg" > /dev/null || fail "msg new"
mkdir -p "$work/in"
for i in $(seq 20); do ln "$work/update.msg" "$work/in/m$i.msg"; done
run "$TRACKFIX" queue --queue="$disk/server/queue" submit --now=$T0 "$work/in"
[ "$rc" = 0 ] || [ "$rc" = 1 ] || fail "submit on a full disk exited $rc"
confirmed=$(grep -c '^queued ' <<<"$out")
[ "$rc" = 1 ] && expect_err "Disk full (0x80070070)"
[ "$(grep -c 'submit failed' <<<"$err")" -le 1 ] || fail "submit went on after the disk was full"
[ "$confirmed" -ge 1 ] || fail "not one submission fitted: $err"
run "$TRACKFIX" queue --queue="$disk/server/queue" list --format=json
expect_rc 0
expect_no_out '"state":"corrupt"'
[ "$(grep -c '"state":"queued"' <<<"$out")" = "$confirmed" ] || fail "listed $(grep -c '"state":"queued"' <<<"$out") of $confirmed confirmed"
run "$TRACKFIX" queue --queue="$disk/server/queue" run --now=$T0 --fix=on
[ "$rc" = 0 ] || expect_err "Disk full (0x80070070)"
[ -z "$(find "$disk" -name '*.tmp')" ] || fail "temporary files left: $(find "$disk" -name '*.tmp')"
mount -o remount,size=4m "$disk" || fail "cannot give the tmpfs room again"
run "$TRACKFIX" queue --queue="$disk/server/queue" run --now=$T0 --fix=on
expect_rc 0
run "$TRACKFIX" queue --queue="$disk/server/queue" list --format=json
[ "$(grep -c '"state":"delivered"' <<<"$out")" = "$confirmed" ] || fail "delivered $(grep -c '"state":"delivered"' <<<"$out") of $confirmed"
[ "$(ls "$disk/server/drop" | wc -l)" = "$confirmed" ] || fail "drop/ holds $(ls "$disk/server/drop" | wc -l) of $confirmed"

finish
