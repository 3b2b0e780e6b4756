# The command reference in the repository (hotfix/COMMANDS.md) is what the
# program's --help says today, and every verb answers --help and -h with
# exit 0 on stdout.
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d "$BUILD/e2e_help.XXXXXX")
trap 'rm -rf "$work"' EXIT

run "$TOP/scripts/gen-commands.sh" "$work/COMMANDS.md"
expect_rc 0
diff -u "$TOP/hotfix/COMMANDS.md" "$work/COMMANDS.md" > "$work/diff" ||
    fail "hotfix/COMMANDS.md differs from the program's --help; run 'make docs': $(head -c 1000 "$work/diff")"

for verb in $(awk '/^## trackfix ./ { print $3 }' "$work/COMMANDS.md"); do
    for flag in --help -h; do
        run "$TRACKFIX" "$verb" "$flag"
        [ "$rc" = 0 ] || fail "$verb $flag exited $rc"
        [[ "$out" == usage:* ]] || fail "$verb $flag: no usage on stdout"
    done
done

finish
