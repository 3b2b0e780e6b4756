# The command line.  The command reference in the repository (hotfix/COMMANDS.md) is what the
# program's --help says today, and every verb answers --help and -h with
# exit 0 on stdout.
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d "$BUILD/e2e_cli.XXXXXX")
trap 'rm -rf "$work"' EXIT

run "$TOP/scripts/gen-commands.sh" "$work/COMMANDS.md"
expect_rc 0
diff -u "$TOP/hotfix/COMMANDS.md" "$work/COMMANDS.md" > "$work/diff" ||
    fail "hotfix/COMMANDS.md differs from the program's --help; run 'make docs': $(head -c 1000 "$work/diff")"

# Every module has its row in DESIGN.md's layer table (§8): a file added
# without one is a module nobody was told about.
layers=$(sed -n '/^## 8. Layers/,/^## 9/p' "$TOP/hotfix/DESIGN.md")
for file in "$TOP"/hotfix/*.c; do
    name=$(basename "$file")
    case "$name" in cmd_*.c) name='cmd_*.c' ;; esac
    grep -qF "\`$name\`" <<<"$layers" || fail "hotfix/$name is not in DESIGN.md's layer table (§8)"
done
grep -qF '`registry/`' <<<"$layers" || fail "registry/ is not in DESIGN.md's layer table (§8)"

# gen-commands.sh fails unless every "VERB --help" exits 0, and its output
# is what the file says; -h must say the same.
for verb in $(awk '/^## trackfix ./ { print $3 }' "$work/COMMANDS.md"); do
    run "$TRACKFIX" "$verb" -h
    [ "$rc" = 0 ] || fail "$verb -h exited $rc"
    [ "$out" = "$(awk -v h="## trackfix $verb" '$0 == h { on = 1; next } on && /^```$/ { if (++fence == 2) exit; next } on && fence == 1' "$work/COMMANDS.md")" ] ||
        fail "$verb -h differs from $verb --help"
done

# More paths than a Windows command line holds: said in words, exit 2 (Wine
# alone ends such a start with status 1 and nothing said).
many=()
for i in $(seq 2100); do many+=("$work/a-fairly-long-name-of-a-meeting-file-$i.msg"); done
run "$TRACKFIX" convert "${many[@]}"
expect_rc 2
expect_err "name the folder instead of its files"

# One parser for every verb: "--opt value" and "--opt=value" alike,
# options before or after the operands, "--" ends them.
NOW=2007-08-03T14:05:00Z
trackfix msg new "$TOP/tests/data/update-realtime.txt" -o "$work/update.msg" > /dev/null || fail "msg new"
run "$TRACKFIX" convert --fix=off --now=$NOW -o "$work/a" "$work/update.msg"
expect_rc 0
run "$TRACKFIX" convert "$work/update.msg" --now $NOW --fix off -o "$work/b"
expect_rc 0
cmp -s "$work/a/update.eml" "$work/b/update.eml" || fail "'--opt value' after the operand converted differently"
run "$TRACKFIX" time --format json --fix off -- 0
expect_rc 3
expect_out '{"filetime":0,'
run "$TRACKFIX" queue submit --queue "$work/q/queue" --now 2007-08-03T14:00:00Z "$work/update.msg"
expect_rc 0
expect_out "queued $work/update.msg as 00000001"
run "$TRACKFIX" queue list --format=json --queue="$work/q/queue"
expect_rc 0
expect_out '"id":"00000001"'
run "$TRACKFIX" queue run --until +1h --queue "$work/q/queue" --fix on --now 2007-08-03T14:00:00Z
expect_rc 0
expect_out "00000001 attempt 1: delivered"

# Mistakes are named, with the nearest right word, and exit 2.
run "$TRACKFIX" covert "$work/update.msg"
expect_rc 2
expect_err "unknown command 'covert'; did you mean 'convert'?"
# a word near none, no command at all, and help asked
run "$TRACKFIX" frobnicate
expect_rc 2
expect_err "unknown command 'frobnicate'"
run "$TRACKFIX"
expect_rc 2
expect_err "usage: trackfix COMMAND"
run "$TRACKFIX" -h
expect_rc 0
expect_out "usage: trackfix COMMAND"
run "$TRACKFIX" convert --fixx=on "$work/update.msg"
expect_rc 2
expect_err "convert: unknown option '--fixx=on'; did you mean '--fix'?"
run "$TRACKFIX" queue lsit --queue "$work/q/queue"
expect_rc 2
expect_err "queue: unknown action 'lsit'; did you mean 'list'?"
run "$TRACKFIX" queue list --now $NOW --queue "$work/q/queue"
expect_rc 2
expect_err "--now does not apply to 'queue list'"
run "$TRACKFIX" time 0 --fix
expect_rc 2
expect_err "time: missing the value of --fix (auto, on or off)"
run "$TRACKFIX" convert --cancel=yes "$work/update.msg"
expect_rc 2
expect_err "bad value in '--cancel=yes': expected no value"
run "$TRACKFIX" convert --now 1601 "$work/update.msg"
expect_rc 2
expect_err "bad value in '--now=1601': expected a time in ISO-8601 UTC"
run "$TRACKFIX" server init --build 7226x
expect_rc 2
expect_err "bad value in '--build=7226x': expected a decimal number"

# --version: trackfix, Wine, libical, the build.
run "$TRACKFIX" --version
expect_rc 0
expect_out "trackfix 0."
# the Wine that runs the tests, whichever (8.0 in Debian 12, 10.0 in 13)
wine_version=$(wine --version | sed 's/^wine-//; s/ .*//')
[ -n "$wine_version" ] || fail "wine --version said nothing"
expect_out "Wine $wine_version"
expect_out "libical 3."
expect_out "-bit Winelib"

finish
