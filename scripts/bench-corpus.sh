#!/bin/bash
# usage: scripts/bench-corpus.sh N DIR
# Writes N distinct meeting messages as text forms DIR/NNNNNN.txt, for
# `trackfix msg new DIR -o OUT` to turn into .msg files in one process.
# They cycle through the four tests/data samples: update and cancellation,
# each with the 1601 sentinel track time and with a real one; so half carry
# the sentinel.  Message i gets its own subject, Message-ID and meeting
# GOID (the last 8 hex digits are i).
set -euo pipefail
n=${1:?usage: bench-corpus.sh N DIR}
dir=${2:?usage: bench-corpus.sh N DIR}
data=$(cd "$(dirname "$0")/../tests/data" && pwd)
mkdir -p "$dir"
awk -v n="$n" -v dir="$dir" '
    FNR == 1 { t++ }
    { line[t, FNR] = $0; lines[t] = FNR }
    END {
        for (i = 1; i <= n; i++) {
            k = (i - 1) % 4 + 1
            out = sprintf("%s/%06d.txt", dir, i)
            hex = sprintf("%08x", i)
            for (j = 1; j <= lines[k]; j++) {
                s = line[k, j]
                if (s ~ /^PR_SUBJECT = /) sub(/"$/, " #" i "\"", s)
                else if (s ~ /^PR_INTERNET_MESSAGE_ID = /) sub(/@/, "." i "@", s)
                else if (s ~ /^PidLid(Clean)?GlobalObjectId = /) s = substr(s, 1, length(s) - 8) hex
                print s > out
            }
            close(out)
        }
    }' "$data/update-1601.txt" "$data/update-realtime.txt" "$data/cancel-1601.txt" "$data/cancel-realtime.txt"
