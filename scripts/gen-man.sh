#!/bin/bash
# usage: scripts/gen-man.sh OUT.1
# The man page of trackfix, made by help2man from the program's own --help
# and --version, with every command's --help as its COMMANDS section (the
# same text as hotfix/COMMANDS.md).  make man and make install run it.
# Wants WINEPREFIX and a built build/trackfix.exe (BUILD to use another).
set -euo pipefail
TOP=$(cd "$(dirname "$0")/.." && pwd)
TRACKFIX=${BUILD:-$TOP/build}/trackfix.exe
out=$1
include=$(mktemp)
trap 'rm -f "$include"' EXIT

# roff: a backslash is \e; a line starting with . or ' needs \& first
roff() { sed -e 's/\\/\\e/g' -e "s/^\\([.']\\)/\\\\\\&\\1/"; }

verbs=$("$TRACKFIX" --help | tr -d '\r' | sed -n '/^commands:/,/^$/p' | awk 'NF > 1 { print $1 }')
{
    echo "[COMMANDS]"
    for verb in $verbs; do
        echo ".SS \"trackfix $verb\""
        echo ".nf"
        "$TRACKFIX" "$verb" --help | tr -d '\r' | roff
        echo ".fi"
    done
    echo "[EXIT STATUS]"
    echo "0 success, 1 refused or failed action, 2 usage error or unreadable input,"
    echo "3 a conversion failed, 4 a reply that did not apply, 5 the queue is held"
    echo "by another run."
    echo "[ENVIRONMENT]"
    echo ".TP"
    echo ".B WINEPREFIX"
    echo "the Wine prefix whose registry holds the simulated server and the switch."
    echo ".TP"
    echo ".B WINEDEBUG=+trackfix"
    echo "traces of the time conversions and of what the switch read."
    echo "[SEE ALSO]"
    echo "Microsoft Knowledge Base article 938650;"
    echo ".BR wine (1),"
    echo ".BR regedit (1)."
} > "$include"
help2man --no-info --no-discard-stderr --include="$include" \
    --name="Exchange 2003 SP2's EcGetMime with and without the KB938650 fix, under Wine" \
    --output="$out.tmp" "$TRACKFIX"
mv "$out.tmp" "$out"
