# Sourced: a private Postfix from Debian's package, for tests/check_postfix.sh
# and the bench.  postfix_private_start DIR MAILBOXES [MAIN_CF_LINES]
# writes its own main.cf and master.cf under DIR/conf, its queue, data and
# Maildirs (DIR/mail/NAME/) under DIR, listens on a free 127.0.0.1 port
# ($postfix_port) for fabrikam.example, whose MAILBOXES ("adam zoe") are
# Maildirs, and runs in the foreground of a background job logging to
# DIR/maillog (with no syslog, any other way waits a second a line).
# MAIN_CF_LINES are added to main.cf.  postfix_private_stop stops it.
# Postfix runs as root here (CI and these machines are root).
postfix_pid=
postfix_dir=
postfix_private_start() {
    local dir=$1 mailboxes=$2 extra=${3:-} box
    if [ "$(id -u)" != 0 ] || ! command -v postfix > /dev/null; then
        echo "postfix-private: needs root and Debian's postfix (scripts/deps.sh test installs it)" >&2
        return 1
    fi
    postfix_dir=$dir
    postfix_port=$(/usr/bin/python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
    mkdir -p "$dir/conf" "$dir/queue" "$dir/data" "$dir/mail"
    chmod 755 "$(dirname "$dir")" "$dir"
    chown postfix "$dir/data"
    chown nobody:nogroup "$dir/mail"
    # smtpd on our port; no daemon in a chroot (the queue is not under /var/spool)
    sed -e "s/^smtp      inet  n       -       y       -       -       smtpd/127.0.0.1:$postfix_port inet n - n - - smtpd/" \
        -e 's/^\([a-z]*[ ]*unix[ ]*[-n][ ]*[-n][ ]*\)y/\1n/' /etc/postfix/master.cf > "$dir/conf/master.cf"
    cat > "$dir/conf/main.cf" <<EOF
compatibility_level = 3.6
queue_directory = $dir/queue
data_directory = $dir/data
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
virtual_mailbox_domains = fabrikam.example
virtual_mailbox_base = $dir/mail
virtual_mailbox_maps = texthash:$dir/conf/mailboxes
virtual_uid_maps = static:65534
virtual_gid_maps = static:65534
maillog_file = /dev/stdout
biff = no
$extra
EOF
    : > "$dir/conf/mailboxes"
    for box in $mailboxes; do printf '%s@fabrikam.example %s/\n' "$box" "$box" >> "$dir/conf/mailboxes"; done
    postfix -c "$dir/conf" start-fg > "$dir/maillog" 2>&1 &
    postfix_pid=$!
    /usr/bin/python3 - "$postfix_port" <<'EOF' || { echo "postfix does not answer on its port: $(cat "$dir/maillog")" >&2; return 1; }
import socket, sys, time
for _ in range(300):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
EOF
}
postfix_private_stop() {
    [ -n "$postfix_pid" ] || return 0
    postfix -c "$postfix_dir/conf" stop > /dev/null 2>&1 || postfix -c "$postfix_dir/conf" abort > /dev/null 2>&1
    wait "$postfix_pid" 2> /dev/null || true
    postfix_pid=
}
