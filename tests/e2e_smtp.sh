# End to end: the queue delivering over SMTP to a server given on the
# command line (hotfix/DESIGN.md §6), a local test sink on 127.0.0.1.
source "$(dirname "$0")/lib.sh"

T0=2007-08-03T14:00:00Z
work=$(mktemp -d "$BUILD/e2e_smtp.XXXXXX")
trap 'stop_sinks; rm -rf "$work"' EXIT

trackfix msg new "$TOP/tests/data/update-realtime.txt" -o "$work/update.msg" || fail "msg new"
reset_registry

# Delivered over SMTP: envelope from the organizer to the attendee, the
# message as EcGetMime made it, a copy kept in sent/.
start_sink "$work/sink"
run "$TRACKFIX" queue --queue="$work/server/queue" submit --now=$T0 "$work/update.msg"
run "$TRACKFIX" queue --queue="$work/server/queue" run --now=$T0 --fix=off --smtp=127.0.0.1:$port
expect_rc 0
expect_out "00000001 attempt 1: delivered to 127.0.0.1:$port over SMTP, copy in $work/server/sent/00000001.eml"
[ -e "$work/sink/1.eml" ] || fail "the sink received nothing"
grep -q '^MAIL FROM:<olivia@contoso.example>$' "$work/sink/1.env" || fail "envelope sender"
grep -q '^RCPT TO:<adam@fabrikam.example>$' "$work/sink/1.env" || fail "envelope recipient"
cmp -s <(tr -d '\r' < "$work/sink/1.eml") <(tr -d '\r' < "$work/server/sent/00000001.eml") || fail "what was sent differs from the copy"
unfolded "$work/sink/1.eml" | grep -q 'X-REPLYTIME=20070801T101500Z' || fail "the iCalendar part did not arrive"
[ -d "$work/server/queue/delivered/00000001" ] || fail "not delivered"
[ -e "$work/server/drop" ] && fail "SMTP delivery also wrote the drop folder"

# The session: no BODY=8BITMIME for a 7-bit message, QUIT at the end.
grep -q '^MAIL FROM:<olivia@contoso.example>$' "$work/sink/session.log" || fail "MAIL FROM of a 7-bit message: $(cat "$work/sink/session.log")"
grep -q '^QUIT$' "$work/sink/session.log" || fail "no QUIT after a delivery"

# One message to five: Adam accepted, unknown@ refused for good (550),
# busy@ deferred (451), Zoë (Cc) accepted, Bea in Bcc accepted.  Adam, Zoë
# and Bea get it once; the NDR names unknown@ with the server's 5.1.1 at
# once; busy@ is retried alone; the NDR's copy of the headers shows no Bcc.
row() { printf '\n[recipient]\nPR_DISPLAY_NAME = "%s"\nPR_ADDRTYPE = "SMTP"\nPR_SMTP_ADDRESS = "%s"\nPR_RECIPIENT_TYPE = %s\nPR_RECIPIENT_FLAGS = 1\nPR_RECIPIENT_TRACKSTATUS = 3\nPR_RECIPIENT_TRACKSTATUS_TIME = 2007-08-01T10:15:00Z\n' "$@"; }
{
    cat "$TOP/tests/data/update-realtime.txt"
    row "Nobody" "unknown@fabrikam.example" 1
    row "Busy Bee" "busy@fabrikam.example" 1
    row "Zoë Zeller" "zoe@fabrikam.example" 2
    row "Bea Blind" "bea@northwind.example" 3
} > "$work/five.txt"
trackfix msg new "$work/five.txt" -o "$work/five.msg" > /dev/null || fail "msg new of five.txt"
start_sink "$work/mixed"
mailbox="$work/server2/mailboxes/olivia@contoso.example"
run "$TRACKFIX" queue --queue="$work/server2/queue" submit --now=$T0 "$work/five.msg"
run "$TRACKFIX" queue --queue="$work/server2/queue" run --now=$T0 --fix=off --smtp=127.0.0.1:$port
expect_rc 0
expect_out "00000001 attempt 1: 1 recipient refused for good (550 5.1.1 <unknown@fabrikam.example>: Recipient address rejected: User unknown): NDR 5.1.1 to olivia@contoso.example in $mailbox/00000001.refused.1.eml"
expect_out "00000001 attempt 1: accepted for 3 recipients by 127.0.0.1:$port"
expect_out "00000001 attempt 1: SMTP server 127.0.0.1:$port: RCPT refused: 451 4.2.1 <busy@fabrikam.example>: mailbox busy, try again later; next retry 2007-08-03T14:10:00Z"
[ "$(ls "$work/mixed"/*.eml | wc -l)" = 1 ] || fail "expected one delivery: $(ls "$work/mixed")"
[ "$(grep -c '^RCPT TO:' "$work/mixed/1.env")" = 3 ] || fail "envelope: $(cat "$work/mixed/1.env")"
grep -q '^MAIL FROM:<olivia@contoso.example> BODY=8BITMIME$' "$work/mixed/session.log" || fail "no BODY=8BITMIME for 8-bit content: $(grep MAIL "$work/mixed/session.log")"
ndr="$mailbox/00000001.refused.1.eml"
grep -q '^Status: 5.1.1' "$ndr" || fail "the NDR's status is not the server's"
grep -q '^Diagnostic-Code: smtp;550 5.1.1 <unknown@fabrikam.example>: Recipient address' "$ndr" || fail "the NDR lacks the server's words"
[ "$(grep -c '^Final-Recipient:' "$ndr")" = 1 ] || fail "the NDR names recipients that were not refused"
grep -qi 'bea@northwind' "$ndr" && fail "the NDR reveals the Bcc recipient"
grep -q '^To: <adam@fabrikam.example>,' "$ndr" || fail "the NDR's header copy lacks the To recipients"
grep -q '^Cc: <zoe@fabrikam.example>' "$ndr" || fail "the NDR's header copy lacks the Cc recipient"
awk '/^To: / { on = 1; print; next } on && /^ / { print; next } { on = 0 }' "$ndr" | grep -q 'zoe@' &&
    fail "the NDR's header copy puts a Cc recipient in To"
run "$TRACKFIX" queue --queue="$work/server2/queue" list --format=json
expect_out '"pending":"busy@fabrikam.example"'
# a server's deferral is not EcGetMime's "Unable to open for delivery"
run "$TRACKFIX" queue --queue="$work/server2/queue" list
expect_out "0x800704d5 SMTP server 127.0.0.1:$port: RCPT refused: 451 4.2.1"
expect_no_out "Unable to open for delivery"
# The retry goes to busy@ alone; it is still busy, so it waits again.
run "$TRACKFIX" queue --queue="$work/server2/queue" run --now=2007-08-03T14:10:00Z --fix=off --smtp=127.0.0.1:$port
expect_out "attempt 2: SMTP server 127.0.0.1:$port: RCPT refused: 451 4.2.1"
[ "$(grep -c '^RCPT TO:<adam' "$work/mixed/session.log")" = 1 ] || fail "Adam was sent the message twice"
[ "$(grep -c '^RCPT TO:<busy' "$work/mixed/session.log")" = 2 ] || fail "busy@ was not retried"
[ "$(grep -c '^QUIT$' "$work/mixed/session.log")" = 2 ] || fail "a session ended without QUIT"

# Every recipient refused for good: NDR at once, no retry, QUIT after the
# refusals; no event 327 (EcGetMime did not fail).
reset_registry
trackfix server init >/dev/null
start_sink "$work/refusing" refuse-rcpt
run "$TRACKFIX" queue --queue="$work/server3/queue" submit --now=$T0 "$work/update.msg"
run "$TRACKFIX" queue --queue="$work/server3/queue" run --now=$T0 --fix=off --smtp=127.0.0.1:$port
expect_rc 0
expect_out "attempt 1: 1 recipient refused for good (550 5.1.1 <adam@fabrikam.example>: Recipient address rejected: User unknown)"
expect_out "attempt 1: refused for every recipient; not retried"
[ -d "$work/server3/queue/expired/00000001" ] || fail "a message refused for good stayed in the queue"
tail -n 1 "$work/refusing/session.log" | grep -q '^QUIT$' || fail "no QUIT after the refusal: $(tail -n 3 "$work/refusing/session.log")"
[ -e "$work/server3/eventlog.log" ] && fail "event 327 logged for an SMTP refusal"

# A server that answers without RFC 3463 status codes (they are optional):
# the NDR's status is the reply's class, 5.0.0.
start_sink "$work/plain" plain-codes
run "$TRACKFIX" queue --queue="$work/server8/queue" submit --now=$T0 "$work/update.msg"
run "$TRACKFIX" queue --queue="$work/server8/queue" run --now=$T0 --fix=off --smtp=127.0.0.1:$port
expect_out "attempt 1: 1 recipient refused for good (550 no such user here): NDR 5.0.0"
grep -q '^Status: 5.0.0' "$work/server8/mailboxes/olivia@contoso.example/00000001.refused.1.eml" ||
    fail "the NDR of a bare 550 does not say 5.0.0"

# Too big for the server (SIZE declared, 552 5.3.4): refused for good at
# once, not sent again and again.
start_sink "$work/small" size-limit=1000
run "$TRACKFIX" queue --queue="$work/server4/queue" submit --now=$T0 "$work/update.msg"
run "$TRACKFIX" queue --queue="$work/server4/queue" run --now=$T0 --fix=off --smtp=127.0.0.1:$port
expect_out "refused for good (552 5.3.4 message size exceeds fixed limit): NDR 5.3.4"
grep -q '^MAIL FROM:<olivia@contoso.example> SIZE=[0-9]*$' "$work/small/session.log" || fail "no SIZE declared: $(grep MAIL "$work/small/session.log")"
grep -q '^DATA' "$work/small/session.log" && fail "the data was sent to a server that refused its size"

# A server that drops the line or says 421, and nobody listening: retried,
# never a hang.
start_sink "$work/dropping" drop
run "$TRACKFIX" queue --queue="$work/server5/queue" submit --now=$T0 "$work/update.msg"
run "$TRACKFIX" queue --queue="$work/server5/queue" run --now=$T0 --fix=off --smtp=127.0.0.1:$port
expect_out "attempt 1: SMTP server 127.0.0.1:$port: no reply to EHLO"
start_sink "$work/closing" greet421
run "$TRACKFIX" queue --queue="$work/server5/queue" run --now=2007-08-03T14:10:00Z --fix=off --smtp=127.0.0.1:$port
expect_out "attempt 2: SMTP server 127.0.0.1:$port: the greeting refused: 421 4.3.2"
run "$TRACKFIX" queue --queue="$work/server5/queue" run --now=2007-08-03T14:20:00Z --fix=off --smtp=127.0.0.1:9
expect_rc 0
expect_out "attempt 3: SMTP server 127.0.0.1:9: cannot connect"
run "$TRACKFIX" queue --queue="$work/server5/queue" list
expect_out "00000001  queued     3"

# A reply longer than a client keeps (RFC 5321 4.5.3.1.5 gives a line 512
# octets; 400 lines of EHLO are past what smtp.c reads): the attempt
# fails, said, and is retried.
start_sink "$work/long" long-ehlo
run "$TRACKFIX" queue --queue="$work/server6/queue" submit --now=$T0 "$work/update.msg"
run "$TRACKFIX" queue --queue="$work/server6/queue" run --now=$T0 --fix=off --smtp=127.0.0.1:$port
expect_rc 0
expect_out "attempt 1: SMTP server 127.0.0.1:$port: reply to EHLO longer than"

# A body line that starts with a dot is sent with the dot doubled (RFC
# 5321 4.5.2) and arrives as written.
sed 's/^PR_BODY = .*/PR_BODY = "first\\r\\n.hidden line\\r\\n..two dots\\r\\n.\\r\\nlast\\r\\n"/' \
    "$TOP/tests/data/update-realtime.txt" > "$work/dots.txt"
trackfix msg new "$work/dots.txt" -o "$work/dots.msg" || fail "msg new of the dotted body"
start_sink "$work/dotted"
run "$TRACKFIX" queue --queue="$work/server7/queue" submit --now=$T0 "$work/dots.msg"
run "$TRACKFIX" queue --queue="$work/server7/queue" run --now=$T0 --fix=on --smtp=127.0.0.1:$port
expect_out "attempt 1: delivered to 127.0.0.1:$port over SMTP"
cmp -s <(tr -d '\r' < "$work/dotted/1.eml") <(tr -d '\r' < "$work/server7/sent/00000001.eml") ||
    fail "a body with dotted lines did not arrive as sent"
grep -q '^\.hidden line' <(tr -d '\r' < "$work/dotted/1.eml") || fail "the dotted line is not in what arrived"

reset_registry
finish
