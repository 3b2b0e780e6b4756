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
source "$TOP/scripts/postfix-private.sh"
# KEEP=1 keeps the work folder (the Postfix log, the Maildirs) to look at
trap 'postfix_private_stop; [ -n "${KEEP:-}" ] || rm -rf "$work"' EXIT

# --- a private Postfix (scripts/postfix-private.sh): fabrikam.example's
# mailboxes adam@, zoe@ and busy@ as Maildirs; busy@ deferred (451 4.2.1),
# unknown users refused (550 5.1.1), other domains not relayed (554 5.7.1),
# messages over 50,000 bytes refused (552 5.3.4); its log in $pf/maillog.
mkdir -p "$pf/conf"
printf 'busy@fabrikam.example 451 4.2.1 mailbox busy, try again later\n' > "$pf/conf/access"
postfix_private_start "$pf" "adam zoe busy" "smtpd_recipient_restrictions = check_recipient_access texthash:$pf/conf/access
message_size_limit = 50000" || { fail "no private Postfix"; finish; }
port=$postfix_port

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
trackfix msg new "$work/text" -o "$work/msg" > /dev/null || fail "msg new"
reset_registry
trackfix server init > /dev/null
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

# --- hostile fields (tests/injectfields.py, as tests/e2e_inject.sh): every
# meeting the queue takes reaches Adam's Maildir, and Postfix was asked
# for no other recipient, whatever the names, subjects and addresses held.
mkdir -p "$work/inject"
run /usr/bin/python3 "$TOP/tests/injectfields.py" "$TOP/tests/data/update-realtime.txt" "$work/inject"
trackfix msg new "$work/inject" -o "$work/inject-msg" > /dev/null || fail "msg new of the hostile meetings"
run "$TRACKFIX" queue --queue="$work/inject-server/queue" submit --now=$T0 "$work/inject-msg"
queued=$(ls "$work/inject-server/queue/queued" | wc -l)
[ "$queued" -ge 150 ] || fail "only $queued hostile meetings queued"
before=$(find "$pf/mail/adam" -path '*/new/*' -type f | wc -l)
run "$TRACKFIX" queue --queue="$work/inject-server/queue" run --now=$T0 --fix=on --smtp=127.0.0.1:$port
expect_rc 0
expect_out "0 queued, $queued delivered"
for i in $(seq 200); do
    [ "$(find "$pf/mail/adam" -path '*/new/*' -type f | wc -l)" = $((before + queued)) ] && break
    sleep 0.1
done
[ "$(find "$pf/mail/adam" -path '*/new/*' -type f | wc -l)" = $((before + queued)) ] ||
    fail "Adam's Maildir got $(( $(find "$pf/mail/adam" -path '*/new/*' -type f | wc -l) - before )) of $queued"
[ "$(find "$pf/mail/zoe" -path '*/new/*' -type f | wc -l)" = 1 ] || fail "Zoë got a hostile meeting"
# the only recipients Postfix saw: Adam, and those of the earlier messages
grep -o 'to=<[^>]*>' "$pf/maillog" | sort -u | grep -v -e 'to=<adam@fabrikam.example>' -e 'to=<zoe@fabrikam.example>' \
    -e 'to=<busy@fabrikam.example>' -e 'to=<unknown@fabrikam.example>' -e 'to=<outsider@northwind.example>' \
    -e 'to=<a[0-9]*@fabrikam.example>' && fail "Postfix was asked for another recipient"
grep -q 'to=<[^>]*attacker.example>' "$pf/maillog" && fail "a recipient at attacker.example reached Postfix"

reset_registry
finish
