# make install: the program starts from PREFIX/bin, its man page renders
# with every command in it, and its bash completion offers every verb,
# action and option that the program's own --help names, and .msg paths.
source "$(dirname "$0")/lib.sh"

work=$(mktemp -d "$BUILD/check_install.XXXXXX")
trap 'rm -rf "$work"' EXIT
P=$work/prefix

run make -s -C "$TOP" install PREFIX="$P" BUILD="$BUILD" WINE_PREFIX="$WINEPREFIX"
expect_rc 0
run "$P/bin/trackfix" --version
expect_rc 0
expect_out "trackfix 0."
run "$P/bin/trackfix" time --fix=on 0
expect_rc 0
expect_out "clamped 18991230T000000Z"

# The man page: help2man's, with each command's --help.
run env MANWIDTH=100 man -P cat -l "$P/share/man/man1/trackfix.1"
expect_rc 0
expect_out "EcGetMime"
verbs=$(trackfix --help | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 { print $1 }')
for verb in $verbs; do
    expect_out "trackfix $verb"
done
expect_out "--until"
expect_out "EXIT STATUS"

# The completion, asked as bash asks it.
source "$P/share/bash-completion/completions/trackfix"
complete_words() {
    COMP_WORDS=("$@")
    COMP_CWORD=$(($# - 1))
    COMPREPLY=()
    _trackfix
    echo " ${COMPREPLY[*]} "
}
offered=$(complete_words trackfix "")
for verb in $verbs; do
    [[ "$offered" == *" $verb "* ]] || fail "completion does not offer the verb $verb"
done
# every option each verb's usage names; for queue, each action's
for verb in $verbs; do
    usage=$(trackfix "$verb" --help | sed -n '1,/^$/p')
    if [ "$verb" = queue ]; then
        for action in submit run list open retry delete report; do
            offered=$(complete_words trackfix queue "$action" -)
            for option in $(grep -- " $action " <<<"$usage" | grep -o -- '--[a-z-]*' | sort -u); do
                [[ "$offered" == *" $option "* ]] || fail "completion of 'queue $action -' lacks $option"
            done
        done
        continue
    fi
    offered=$(complete_words trackfix "$verb" "$([ "$verb" = msg ] && echo new)" -)
    for option in $(grep -o -- ' -[a-z-]*' <<<"$usage" | sort -u); do
        [[ "$offered" == *" $option "* ]] || fail "completion of '$verb -' lacks $option"
    done
done
offered=$(complete_words trackfix queue "")
for action in submit run list open retry delete report; do
    [[ "$offered" == *" $action "* ]] || fail "completion of 'queue' lacks $action"
done
offered=$(complete_words trackfix convert --fix "")
[ "$offered" = " auto on off " ] || fail "completion of --fix: $offered"
mkdir -p "$work/files"
touch "$work/files/a.msg" "$work/files/b.txt"
offered=$(complete_words trackfix convert "$work/files/")
[[ "$offered" == *"a.msg"* && "$offered" != *"b.txt"* ]] || fail "completion of convert paths: $offered"

finish
