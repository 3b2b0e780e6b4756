# bash completion for trackfix: verbs, actions, options, option values, and
# .msg/.txt/.ics/.eml paths where the verb takes them.  make install puts it
# in $(PREFIX)/share/bash-completion/completions/trackfix; to try it from
# the source tree: source scripts/trackfix-completion.bash.
# tests/check_install.sh checks that it offers every verb, action and option
# that the program's --help names.

_trackfix_verbs="scenario time server hotfix convert reply queue scan eventlog msg"

# _trackfix_options VERB [ACTION]: the options VERB (and ACTION) take
_trackfix_options() {
    case "$1" in
    scenario) echo "--fix --dir --format --help" ;;
    time) echo "--fix --format --help" ;;
    server) echo "--build --diagnostics --help" ;;
    hotfix) echo "--help" ;;
    convert) echo "--fix -o --format --cancel --now --help" ;;
    reply) echo "--dry-run --format --help" ;;
    scan) echo "--fix --format --no-recursive --now --help" ;;
    eventlog) echo "--log --since --help" ;;
    msg) [ "$2" = new ] && echo "-o --help" || echo "--help" ;;
    queue)
        case "$2" in
        submit) echo "--queue --now --help" ;;
        run) echo "--queue --now --until --fix --retry --delay --expire --smtp --help" ;;
        list) echo "--queue --format --help" ;;
        open) echo "--queue --now --fix --help" ;;
        retry) echo "--queue --now --help" ;;
        delete) echo "--queue --help" ;;
        report) echo "--queue -o --help" ;;
        *) echo "--queue --help" ;;
        esac
        ;;
    esac
}

# _trackfix_actions VERB: the words that choose what VERB does
_trackfix_actions() {
    case "$1" in
    queue) echo "submit run list open retry delete report" ;;
    hotfix) echo "status install uninstall enable disable" ;;
    msg) echo "dump new series" ;;
    server) echo "init directory" ;;
    esac
}

_trackfix() {
    local cur prev verb="" action="" i word
    cur=${COMP_WORDS[COMP_CWORD]}
    prev=${COMP_WORDS[COMP_CWORD - 1]}
    for ((i = 1; i < COMP_CWORD; i++)); do
        word=${COMP_WORDS[i]}
        case "$word" in
        -*) ;;
        *)
            # the word after an option that takes a value is that value
            case "${COMP_WORDS[i - 1]}" in
            --fix | --format | --dir | --now | --until | --retry | --delay | --expire | --smtp | --queue | --log | --since | --build | --diagnostics | -o) continue ;;
            esac
            if [ -z "$verb" ]; then verb=$word
            elif [ -z "$action" ] && [ -n "$(_trackfix_actions "$verb")" ]; then action=$word
            fi
            ;;
        esac
    done
    if [ -z "$verb" ]; then
        COMPREPLY=($(compgen -W "$_trackfix_verbs --help --version" -- "$cur"))
        return
    fi
    case "$prev" in
    --fix)
        [ "$verb" = scenario ] && COMPREPLY=($(compgen -W "off on toggle" -- "$cur")) ||
            COMPREPLY=($(compgen -W "auto on off" -- "$cur"))
        return
        ;;
    --format)
        [ "$verb" = scan ] && COMPREPLY=($(compgen -W "text json csv html" -- "$cur")) ||
            COMPREPLY=($(compgen -W "text json" -- "$cur"))
        return
        ;;
    --dir | --queue | -o) COMPREPLY=($(compgen -d -- "$cur")); return ;;
    --log) COMPREPLY=($(compgen -f -- "$cur")); return ;;
    --now | --until | --retry | --delay | --expire | --smtp | --since | --build | --diagnostics) return ;;
    esac
    if [[ "$cur" == -* ]]; then
        COMPREPLY=($(compgen -W "$(_trackfix_options "$verb" "$action")" -- "$cur"))
        return
    fi
    if [ -z "$action" ] && [ -n "$(_trackfix_actions "$verb")" ]; then
        COMPREPLY=($(compgen -W "$(_trackfix_actions "$verb")" -- "$cur"))
        return
    fi
    case "$verb/$action" in
    convert/ | queue/submit | msg/dump | msg/series | scan/) COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.[mM][sS][gG]' -- "$cur")) ;;
    msg/new) COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.txt' -- "$cur")) ;;
    reply/) COMPREPLY=($(compgen -d -- "$cur") $(compgen -f -X '!*.[mM][sS][gG]' -- "$cur")
        $(compgen -f -X '!*.ics' -- "$cur") $(compgen -f -X '!*.eml' -- "$cur")) ;;
    esac
}
complete -o filenames -F _trackfix trackfix trackfix.exe
