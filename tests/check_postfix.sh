# End to end with a real MTA: `queue run --smtp` delivers to a private
# Postfix (Debian's postfix: its own configuration, queue and Maildirs under
# build/, listening on a free 127.0.0.1 port, stopped at the end).  What
# lands in the Maildirs is what trackfix sent, byte for byte but for the
# trace headers Postfix adds; the recipients Postfix refuses for good
# (550 5.1.1 unknown user, 554 5.7.1 relay denied, 552 5.3.4 too big) get an
# NDR at once with Postfix's words, a deferred one (451) is retried alone;
# every session ends with QUIT.
source "$(dirname "$0")/lib.sh"

T0=2007-08-03T14:00:00Z
work=$(mktemp -d "$BUILD/check_postfix.XXXXXX")
pf="$work/postfix"
postfix_pid=
stop_postfix() {
    [ -n "$postfix_pid" ] || return 0
    postfix -c "$pf/conf" stop > /dev/null 2>&1 || postfix -c "$pf/conf" abort > /dev/null 2>&1
    wait "$postfix_pid" 2> /dev/null
}
# KEEP=1 keeps the work folder (the Postfix log, the Maildirs) to look at
trap 'stop_postfix; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

if [ "$(id -u)" != 0 ] || ! command -v postfix > /dev/null; then
    echo "check_postfix: needs root and Debian's postfix (scripts/deps.sh test installs it)" >&2
    exit 1
fi

# --- a private Postfix: fabrikam.example's mailboxes adam@ and zoe@ as
# Maildirs; busy@ deferred (451 4.2.1), unknown users refused (550 5.1.1),
# other domains not relayed (554 5.7.1), messages over 50,000 bytes
# refused (552 5.3.4); its log in
# $pf/maillog.  Postfix runs as root here (CI and these machines are root).
port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$pf/conf" "$pf/queue" "$pf/data" "$pf/mail"
chmod 755 "$work" "$pf"
chown postfix "$pf/data"
chown nobody:nogroup "$pf/mail"
# smtpd on our port; no daemon in a chroot (the queue is not under /var/spool)
sed -e "s/^smtp      inet  n       -       y       -       -       smtpd/127.0.0.1:$port inet n - n - - smtpd/" \
    -e 's/^\([a-z]*[ ]*unix[ ]*[-n][ ]*[-n][ ]*\)y/\1n/' /etc/postfix/master.cf > "$pf/conf/master.cf"
cat > "$pf/conf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $pf/queue
data_directory = $pf/data
mail_owner = postfix
setgid_group = postdrop
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mx.fabrikam.example
mydomain = fabrikam.example
mydestination =
mynetworks = 127.0.0.0/8
relay_domains =
smtpd_relay_restrictions = reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access texthash:$pf/conf/access
virtual_mailbox_domains = fabrikam.example
virtual_mailbox_base = $pf/mail
virtual_mailbox_maps = texthash:$pf/conf/mailboxes
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
message_size_limit = 50000
maillog_file = /dev/stdout
biff = no
EOF
printf 'adam@fabrikam.example adam/\nzoe@fabrikam.example zoe/\nbusy@fabrikam.example busy/\n' > "$pf/conf/mailboxes"
printf 'busy@fabrikam.example 451 4.2.1 mailbox busy, try again later\n' > "$pf/conf/access"
# in the foreground (start-fg, in the background of this script), logging
# to its stdout: with no syslog on the machine, any other way waits a
# second for every line it logs
postfix -c "$pf/conf" start-fg > "$pf/maillog" 2>&1 &
postfix_pid=$!
/usr/bin/python3 - "$port" <<'EOF' || fail "postfix does not answer on its port: $(cat "$pf/maillog")"
import socket, sys, time
for _ in range(300):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF

# --- the messages: the ordinary update to Adam; one to Adam, an unknown
# user, a busy one, Zoë (Cc, an 8-bit name) and someone at another domain;
# one with 1,000 attendees, too big for this server.
row() { printf '\n[recipient]\nPR_DISPLAY_NAME = "%s"\nPR_ADDRTYPE = "SMTP"\nPR_SMTP_ADDRESS = "%s"\nPR_RECIPIENT_TYPE = %s\nPR_RECIPIENT_FLAGS = 1\nPR_RECIPIENT_TRACKSTATUS = 3\nPR_RECIPIENT_TRACKSTATUS_TIME = 2007-08-01T10:15:00Z\n' "$@"; }
mkdir -p "$work/text"
cp "$TOP/tests/data/update-realtime.txt" "$work/text/a-ordinary.txt"
{
    sed 's/update.realtime.938650/update.mixed.938650/' "$TOP/tests/data/update-realtime.txt"
    row "Nobody" "unknown@fabrikam.example" 1
    row "Busy Bee" "busy@fabrikam.example" 1
    row "Zoë Zeller" "zoe@fabrikam.example" 2
    row "Out Sider" "outsider@northwind.example" 1
} > "$work/text/b-mixed.txt"
{
    cat "$TOP/tests/data/update-realtime.txt"
    for i in $(seq 1000); do row "Attendee $i" "a$i@fabrikam.example" 1; done
} > "$work/text/c-big.txt"
"$TRACKFIX" msg new "$work/text" -o "$work/msg" > /dev/null || fail "msg new"
reset_registry
"$TRACKFIX" server init > /dev/null
run "$TRACKFIX" queue --queue="$work/server/queue" submit --now=$T0 "$work/msg"
expect_rc 0
run "$TRACKFIX" queue --queue="$work/server/queue" run --now=$T0 --fix=off --smtp=127.0.0.1:$port
expect_rc 0
mailbox="$work/server/mailboxes/olivia@contoso.example"
expect_out "00000001 attempt 1: delivered to 127.0.0.1:$port over SMTP"
expect_out "00000002 attempt 1: 2 recipients refused for good (550 5.1.1 <unknown@fabrikam.example>: Recipient address rejected"
expect_out "00000002 attempt 1: accepted for 2 recipients by 127.0.0.1:$port"
expect_out "00000002 attempt 1: SMTP server 127.0.0.1:$port: RCPT refused: 451 4.2.1 <busy@fabrikam.example>: Recipient address rejected: mailbox busy, try again later; next retry"
expect_out "00000003 attempt 1: 1001 recipients refused for good (552 5.3.4 Message size exceeds fixed limit): NDR 5.3.4"
expect_out "00000003 attempt 1: refused for every recipient; not retried"

# The retry goes to busy@ alone, deferred again; nobody else gets it twice.
run "$TRACKFIX" queue --queue="$work/server/queue" run --now=2007-08-03T14:10:00Z --fix=off --smtp=127.0.0.1:$port
expect_out "00000002 attempt 2: SMTP server 127.0.0.1:$port: RCPT refused: 451 4.2.1"
run "$TRACKFIX" queue --queue="$work/server/queue" list --format=json
expect_out '"pending":"busy@fabrikam.example"'

# --- Postfix delivers to the Maildirs: adam@ twice, zoe@ once.
for i in $(seq 100); do
    [ "$(find "$pf/mail" -path '*/new/*' -type f | wc -l)" = 3 ] && break
    sleep 0.1
done
[ "$(find "$pf/mail" -path '*/new/*' -type f | wc -l)" = 3 ] || fail "Postfix did not deliver: $(tail -n 5 "$pf/maillog")"
run /usr/bin/python3 - "$pf/mail" "$work/server/sent" <<'EOF'
import glob, os, sys
mail, sent = sys.argv[1], sys.argv[2]
trace = ("Return-Path:", "X-Original-To:", "Delivered-To:", "Received:")

def without_trace(data):
    lines = data.split(b"\n")
    while lines and (lines[0].startswith(tuple(t.encode() for t in trace)) or lines[0][:1] in (b" ", b"\t")):
        lines.pop(0)
    return b"\n".join(lines)

copies = {os.path.basename(p): open(p, "rb").read().replace(b"\r\n", b"\n") for p in glob.glob(sent + "/*.eml")}
delivered = sorted(glob.glob(mail + "/*/new/*"))
assert len(delivered) == 3, delivered
for path in delivered:
    body = without_trace(open(path, "rb").read())
    match = [name for name, copy in copies.items() if copy == body]
    assert match, "%s is not byte for byte any message trackfix sent" % path
    print("%s = %s" % (path.split("/mail/")[1].split("/")[0], match[0]))
EOF
expect_rc 0
expect_out "adam = 00000001.eml"
expect_out "adam = 00000002.attempt1.eml"
expect_out "zoe = 00000002.attempt1.eml"

# --- the NDRs carry Postfix's status and words, and pass the checkers.
ndr="$mailbox/00000002.refused.1.eml"
grep -q '^Status: 5.1.1' "$ndr" || fail "no 5.1.1 for the unknown user"
grep -q '^Status: 5.7.1' "$ndr" || fail "no 5.7.1 for the relay refusal"
grep -q '^Final-Recipient: rfc822;outsider@northwind.example' "$ndr" || fail "the relay refusal is not reported"
grep -q '^Status: 5.3.4' "$mailbox/00000003.refused.1.eml" || fail "no 5.3.4 for the message too big"
run /usr/bin/python3 "$TOP/tests/conform.py" "$mailbox"/*.eml "$work/server/sent"/*.eml
expect_rc 0
# every session of trackfix said QUIT, refused ones included (the port probe
# above only connected: commands=0/0)
[ "$(grep 'disconnect from' "$pf/maillog" | grep -c 'quit=1')" = 4 ] || fail "expected four sessions of trackfix in Postfix's log"
grep 'disconnect from' "$pf/maillog" | grep -v 'commands=0/0' | grep -v 'quit=1' && fail "a session ended without QUIT"

reset_registry
finish
