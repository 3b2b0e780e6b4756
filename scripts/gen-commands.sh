#!/bin/bash
# usage: scripts/gen-commands.sh [OUT]
# Writes the command reference, hotfix/COMMANDS.md (or OUT), from the
# program's own help: `trackfix --help`, then `trackfix VERB --help` for each
# verb it lists.  make docs runs it; tests/e2e_cli.sh checks that the file
# in the repository is what the program says today.
# Wants WINEPREFIX and a built build/trackfix.exe (BUILD to use another).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
TRACKFIX=${BUILD:-$TOP/build}/trackfix.exe
out=${1:-$TOP/hotfix/COMMANDS.md}

# help [VERB]: the program's --help; run once more when Wine failed to
# start it (status 1 and no output at all, as tests/lib.sh's run knows it)
help() {
    local text rc=0 err
    err=$(mktemp)
    # stderr to a file: a pipe would stay open as long as the wineserver
    text=$("$TRACKFIX" "$@" --help 2>"$err") || rc=$?
    if [ "$rc" = 1 ] && [ -z "$text" ] && [ ! -s "$err" ]; then
        sleep 0.2
        rc=0
        text=$("$TRACKFIX" "$@" --help 2>"$err") || rc=$?
    fi
    cat "$err" >&2
    rm -f "$err"
    printf '%s\n' "$text" | tr -d '\r'
    return "$rc"
}

main_help=$(help)
verbs=$(sed -n '/^commands:/,/^$/p' <<<"$main_help" | awk 'NF > 1 { print $1 }')
[ -n "$verbs" ] || { echo "$0: '$TRACKFIX --help' lists no commands" >&2; exit 1; }
{
    echo "# trackfix command reference"
    echo
    echo "Generated from the program's own \`--help\` by \`scripts/gen-commands.sh\`"
    echo "(\`make docs\`); \`tests/e2e_cli.sh\` fails when it differs from the program."
    echo "Do not edit by hand: change the help text in \`hotfix/cmd_*.c\` and regenerate."
    echo
    echo "Exit status of every command: 0 success, 1 refused or failed action, 2"
    echo "usage error or unreadable input, 3 a conversion failed, 4 a reply that did"
    echo "not apply or (scan) a meeting at risk, 5 the queue is held by another run"
    echo "(\`hotfix/exitcode.h\`)."
    echo
    echo "## trackfix"
    echo
    echo '```'
    echo "$main_help"
    echo '```'
    for verb in $verbs; do
        echo
        echo "## trackfix $verb"
        echo
        echo '```'
        help "$verb"
        echo '```'
    done
} > "$out.tmp"
mv "$out.tmp" "$out"
