#!/bin/bash
# make bench: how fast trackfix is, against what a user would pick instead
# and against the floor.  Prints a table and writes it as build/bench.json.
# Not a test: nothing here fails on a slow machine.
#
#   batch conversion  BENCH_N generated updates and cancellations (half with
#                     the 1601 sentinel) through `trackfix convert --fix=on`
#                     in one process; the same files through msgconvert;
#                     the same files parsed (only) by @kenjiuno/msgreader
#                     MSGREADER_VERSION in one Node process, installed from
#                     npm into build/node (skipped, saying so, without node
#                     and npm); and cat of every byte (the floor)
#   queue scale       BENCH_QUEUE_SIZES messages submitted and run over
#                     --until=+1h with the fix off (half stuck, half delivered),
#                     then listed: seconds and peak memory of each step;
#                     beside it a private Postfix (scripts/postfix-private.sh)
#                     taking the same number of messages of the same size
#                     from smtp-source over SMTP on 127.0.0.1, queueing them
#                     and delivering them to a Maildir (skipped, saying so,
#                     without root and Postfix)
#   queue report      the page of each queue (queue report): seconds,
#                     bytes, and up to 10,000 messages the seconds headless
#                     Chromium takes for a screenshot of it (start, load,
#                     layout, paint), and that less an empty page's: the page's own
#   impact scan       BENCH_SCAN_N items (default 100,000) in 100 folders
#                     through one `trackfix scan`: items/s and peak memory
#   time conversion   ns per value, legacy and clamped, 10^7 values in-process
#   start-up          one `trackfix time` process with a warm wineserver
#
# Each figure is the median of BENCH_RUNS runs (default 3) with min and max;
# the 100,000-message queue takes about 1.5 minutes a run and Postfix's
# 2.3, so the default bench takes about 20 (BENCH_RUNS=1 or smaller
# BENCH_QUEUE_SIZES for a quick look).  Runs inside one persistent wineserver session (make bench
# uses scripts/wine-session.sh).
set -euo pipefail
: "${BUILD:?run through make bench}"
TOP=$(cd "$(dirname "$0")/.." && pwd)
TRACKFIX="$BUILD/trackfix.exe"
N=${BENCH_N:-10000}
RUNS=${BENCH_RUNS:-3}
QUEUE_SIZES=${BENCH_QUEUE_SIZES:-1000 10000 100000}
STARTS=${BENCH_STARTS:-20}
SCAN_N=${BENCH_SCAN_N:-100000}
NOW=2007-08-03T14:00:00Z
MSGREADER_VERSION=1.28.0
work="$BUILD/bench"
samples="$work/samples.tsv"

rm -rf "$work"
mkdir -p "$work/trash"
: > "$samples"

# discard PATH...: moves what a step wrote out of the way, to be removed
# when the bench ends.  Removing 100,000 messages' files at once makes ext4
# pass over their inodes for the next minutes when it makes new ones
# (ialloc.c's recently_deleted: 60 s, 360 s while the inode table is not
# yet written back), so a step right after such a removal measured that
# search too: here a queue run of 100,000 took from 72 to 108 s with what
# had been removed before it.
discarded=0
discard() {
    local path
    for path in "$@"; do
        [ -e "$path" ] || continue
        discarded=$((discarded + 1))
        mv "$path" "$work/trash/$discarded"
    done
}

# sample NAME VALUE: one measurement of figure NAME
sample() { printf '%s\t%s\n' "$1" "$2" >> "$samples"; }
now_ns() { date +%s%N; }
# seconds START END
seconds() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.6f", (e - s) / 1e9 }'; }
# measure CMD...: runs CMD (output to $work/last.out), sets $elapsed
# (seconds, wall) and $peak_kb (peak resident set of CMD's process, from
# GNU time); the bench stops when CMD fails.  A sync first, so that what an
# earlier step left for the disk to write is not counted against CMD.  (It
# does not undo a slower disk after heavy writes: see the README.)
measure() {
    local start end
    sync
    start=$(now_ns)
    if ! /usr/bin/time -f '%M' -o "$work/time.out" "$@" > "$work/last.out" 2> "$work/last.err"; then
        echo "bench: failed: $*" >&2
        cat "$work/last.err" >&2
        exit 1
    fi
    end=$(now_ns)
    elapsed=$(seconds "$start" "$end")
    peak_kb=$(tail -n 1 "$work/time.out")
}
say() { printf '%s\n' "$*" >&2; }

say "bench: generating $N messages"
"$TOP/scripts/bench-corpus.sh" "$N" "$work/text"
measure "$TRACKFIX" msg new "$work/text" -o "$work/corpus"
rm -rf "$work/text"
corpus_bytes=$(find "$work/corpus" -name '*.msg' -printf '%s\n' | awk '{ s += $1 } END { print s }')
sample corpus.messages "$N"
sample corpus.mb "$(awk -v b="$corpus_bytes" 'BEGIN { printf "%.3f", b / 1e6 }')"
sample generate.messages_per_s "$(awk -v n="$N" -v s="$elapsed" 'BEGIN { printf "%.1f", n / s }')"

# msgreader, pinned, in build/node: installed once, again when the version
# there is another
msgreader=
if command -v node > /dev/null && command -v npm > /dev/null; then
    installed=$(node -p "require('$BUILD/node/node_modules/@kenjiuno/msgreader/package.json').version" 2> /dev/null || true)
    if [ "$installed" != "$MSGREADER_VERSION" ]; then
        say "bench: installing @kenjiuno/msgreader@$MSGREADER_VERSION into $BUILD/node"
        npm install --prefix "$BUILD/node" --no-audit --no-fund --silent "@kenjiuno/msgreader@$MSGREADER_VERSION" >&2 ||
            say "bench: npm install failed: msgreader skipped"
    fi
    [ -e "$BUILD/node/node_modules/@kenjiuno/msgreader/package.json" ] && msgreader=yes
else
    say "bench: no node and npm: the msgreader peer is skipped"
fi

rate() { awk -v n="$1" -v s="$2" 'BEGIN { printf "%.1f", n / s }'; }
mb_rate() { awk -v b="$corpus_bytes" -v s="$1" 'BEGIN { printf "%.2f", b / 1e6 / s }'; }

for run in $(seq "$RUNS"); do
    say "bench: batch conversion, run $run of $RUNS"
    measure sh -c 'find "$1" -name "*.msg" -print0 | xargs -0 cat > /dev/null' sh "$work/corpus"
    sample floor_cat.seconds "$elapsed"
    sample floor_cat.mb_per_s "$(mb_rate "$elapsed")"

    discard "$work/out"
    measure "$TRACKFIX" convert --fix=on --now=$NOW -o "$work/out" "$work/corpus"
    grep -q "^$N converted, 0 failed" "$work/last.out" || { say "convert: $(tail -n 1 "$work/last.out")"; exit 1; }
    trackfix_rate=$(rate "$N" "$elapsed")
    sample convert.seconds "$elapsed"
    sample convert.messages_per_s "$trackfix_rate"
    sample convert.mb_per_s "$(mb_rate "$elapsed")"
    sample convert.peak_mb "$(awk -v k="$peak_kb" 'BEGIN { printf "%.1f", k / 1024 }')"

    discard "$work/mc" && mkdir -p "$work/mc"
    measure sh -c 'cd "$1" && find "$2" -name "*.msg" -print0 | xargs -0 msgconvert' sh "$work/mc" "$work/corpus"
    got=$(find "$work/mc" -name '*.eml' | wc -l)
    [ "$got" = "$N" ] || { say "msgconvert wrote $got of $N"; exit 1; }
    msgconvert_rate=$(rate "$N" "$elapsed")
    sample msgconvert.seconds "$elapsed"
    sample msgconvert.messages_per_s "$msgconvert_rate"
    sample msgconvert.mb_per_s "$(mb_rate "$elapsed")"
    sample ratio.trackfix_over_msgconvert "$(awk -v a="$trackfix_rate" -v b="$msgconvert_rate" 'BEGIN { printf "%.2f", a / b }')"

    if [ -n "$msgreader" ]; then
        measure env NODE_PATH="$BUILD/node/node_modules" node "$TOP/scripts/bench-msgreader.js" "$work/corpus"
        grep -q "^$N parsed" "$work/last.out" || { say "msgreader: $(cat "$work/last.out")"; exit 1; }
        msgreader_rate=$(rate "$N" "$elapsed")
        sample msgreader.seconds "$elapsed"
        sample msgreader.messages_per_s "$msgreader_rate"
        sample ratio.trackfix_over_msgreader "$(awk -v a="$trackfix_rate" -v b="$msgreader_rate" 'BEGIN { printf "%.2f", a / b }')"
    fi
done
# the size of what the queue sends: Postfix gets messages of that size
eml_bytes=$(find "$work/out" -name '*.eml' -printf '%s\n' | awk '{ s += $1 } END { printf "%d", s / NR }')
discard "$work/out" "$work/mc"

for run in $(seq "$RUNS"); do
    say "bench: time conversion, run $run of $RUNS"
    measure "$BUILD/bench_time.exe" 10000000
    sample time_legacy.ns_per_value "$(awk '$1 == "legacy" { print $2 }' "$work/last.out")"
    sample time_clamped.ns_per_value "$(awk '$1 == "clamped" { print $2 }' "$work/last.out")"
    # the same work on both sides: values every path converts
    sample time_bare_in_range.ns_per_value "$(awk '$1 == "bare" { print $2 }' "$work/last.out")"
    sample time_legacy_in_range.ns_per_value "$(awk '$1 == "legacy-in-range" { print $2 }' "$work/last.out")"
    sample time_clamped_in_range.ns_per_value "$(awk '$1 == "clamped-in-range" { print $2 }' "$work/last.out")"
    sample time_clamp_adds.ns_per_value "$(awk '$1 == "clamp-adds" { print $2 }' "$work/last.out")"
done

say "bench: start-up, $STARTS processes"
measure "$TRACKFIX" time --fix=on 0   # warms the session
for run in $(seq "$STARTS"); do
    measure "$TRACKFIX" time --fix=on 0
    sample startup.ms "$(awk -v s="$elapsed" 'BEGIN { printf "%.1f", s * 1000 }')"
done

# The impact scan: SCAN_N items in 100 folders, hard links cycling through
# the batch corpus (half of it carries the 1601 track time), one process,
# one run: items per second and the peak resident set.  Exit 4 (meetings
# at risk) is what this corpus must give.
say "bench: impact scan of $SCAN_N items"
/usr/bin/python3 - "$work/corpus" "$work/scan" "$SCAN_N" <<'EOF'
import os, sys
src, dst, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
names = sorted(os.listdir(src))
for i in range(size):
    folder = os.path.join(dst, "mailbox%03d" % (i % 100))
    os.makedirs(folder, exist_ok=True)
    os.link(os.path.join(src, names[i % len(names)]), os.path.join(folder, "%06d.msg" % (i + 1)))
EOF
measure sh -c '"$1" scan --fix=off --now="$2" "$3"; [ $? = 4 ]' sh "$TRACKFIX" "$NOW" "$work/scan"
grep -q "^Scanned $SCAN_N items: $SCAN_N meeting items" "$work/last.out" ||
    { say "scan: $(head -n 1 "$work/last.out")"; exit 1; }
sample scan.items "$SCAN_N"
sample scan.seconds "$elapsed"
sample scan.items_per_s "$(rate "$SCAN_N" "$elapsed")"
sample scan.peak_mb "$(awk -v k="$peak_kb" 'BEGIN { printf "%.1f", k / 1024 }')"
discard "$work/scan"

# The queue corpus: SIZE hard links cycling through the batch corpus (the
# queue copies each message in, so links cost nothing and change nothing).
"$TRACKFIX" server init > /dev/null
for size in $QUEUE_SIZES; do
    discard "$work/qin" && mkdir -p "$work/qin"
    /usr/bin/python3 - "$work/corpus" "$work/qin" "$size" <<'EOF'
import os, sys
src, dst, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
names = sorted(os.listdir(src))
for i in range(size):
    os.link(os.path.join(src, names[i % len(names)]), os.path.join(dst, "%06d.msg" % (i + 1)))
EOF
    for run in $(seq "$RUNS"); do
        say "bench: queue of $size, run $run of $RUNS"
        discard "$work/server"
        measure "$TRACKFIX" queue --queue="$work/server/queue" submit --now=$NOW "$work/qin"
        submit_s=$elapsed submit_kb=$peak_kb
        measure "$TRACKFIX" queue --queue="$work/server/queue" run --fix=off --now=$NOW --until=+1h
        half=$((size / 2))
        grep -q "^$((size - half)) queued, $half delivered, 0 expired" "$work/last.out" ||
            { say "queue run: $(tail -n 1 "$work/last.out")"; exit 1; }
        total=$(awk -v a="$submit_s" -v b="$elapsed" 'BEGIN { printf "%.3f", a + b }')
        sample "queue_$size.submit_seconds" "$submit_s"
        sample "queue_$size.run_seconds" "$elapsed"
        sample "queue_$size.total_seconds" "$total"
        sample "queue_$size.messages_per_s" "$(rate "$size" "$total")"
        sample "queue_$size.us_per_message" "$(awk -v n="$size" -v s="$total" 'BEGIN { printf "%.0f", s * 1e6 / n }')"
        sample "queue_$size.peak_mb" "$(awk -v a="$submit_kb" -v b="$peak_kb" 'BEGIN { printf "%.1f", (a > b ? a : b) / 1024 }')"
        sample "queue_$size.run_peak_mb" "$(awk -v k="$peak_kb" 'BEGIN { printf "%.1f", k / 1024 }')"
        # the whole queue listed, a line a message (half queued, half delivered)
        measure "$TRACKFIX" queue --queue="$work/server/queue" list
        [ "$(wc -l < "$work/last.out")" = $((size + 1)) ] || { say "queue list: $(wc -l < "$work/last.out") lines"; exit 1; }
        sample "queue_$size.list_seconds" "$elapsed"
        sample "queue_$size.list_peak_mb" "$(awk -v k="$peak_kb" 'BEGIN { printf "%.1f", k / 1024 }')"
        # the queue as a picture: the page written, then loaded by Chromium
        measure "$TRACKFIX" queue --queue="$work/server/queue" report -o "$work/report.html"
        sample "report_$size.seconds" "$elapsed"
        sample "report_$size.bytes" "$(stat -c %s "$work/report.html")"
        if [ "$size" -le 10000 ] && command -v chromium > /dev/null; then
            # a screenshot of the page, and of an empty page: the difference
            # is the page's own load, layout and paint, without the start
            echo '<p>empty</p>' > "$work/empty.html"
            for page in report empty; do
                start=$(now_ns)
                timeout 300 chromium --headless --no-sandbox --disable-gpu --user-data-dir="$work/chromium" \
                    --disable-background-networking --window-size=1240,900 --screenshot="$work/shot.png" \
                    "file://$work/$page.html" > /dev/null 2>&1
                eval "${page}_s=\$(seconds \"\$start\" \"\$(now_ns)\")"
            done
            sample "report_$size.chromium_seconds" "$report_s"
            sample "report_$size.chromium_page_seconds" "$(awk -v a="$report_s" -v b="$empty_s" 'BEGIN { printf "%.3f", a - b }')"
        fi
    done
    discard "$work/server" "$work/qin"
done
discard "$work/corpus"

# Postfix, the same numbers of messages: smtp-source (4 sessions) hands them
# over SMTP, Postfix queues each durably and delivers it to adam's Maildir;
# the time runs until the last is in the Maildir.
if [ "$(id -u)" = 0 ] && command -v postfix > /dev/null && command -v smtp-source > /dev/null; then
    source "$TOP/scripts/postfix-private.sh"
    trap postfix_private_stop EXIT
    for size in $QUEUE_SIZES; do
        for run in $(seq "$RUNS"); do
            say "bench: Postfix, $size messages of $eml_bytes bytes, run $run of $RUNS"
            discard "$work/postfix"
            postfix_private_start "$work/postfix" adam "default_process_limit = 100" || exit 1
            measure sh -c 'smtp-source -s 4 -m "$1" -l "$2" -f olivia@contoso.example -t adam@fabrikam.example \
                               "127.0.0.1:$3" &&
                           while [ "$(ls "$4" 2> /dev/null | wc -l)" -lt "$1" ]; do sleep 0.05; done' \
                sh "$size" "$eml_bytes" "$postfix_port" "$work/postfix/mail/adam/new"
            postfix_private_stop
            sample "postfix_$size.seconds" "$elapsed"
            sample "postfix_$size.us_per_message" "$(awk -v n="$size" -v s="$elapsed" 'BEGIN { printf "%.0f", s * 1e6 / n }')"
        done
        discard "$work/postfix"
    done
else
    say "bench: no root or no Postfix: the Postfix peer is skipped (scripts/deps.sh bench installs it)"
fi

/usr/bin/python3 - "$samples" "$BUILD/bench.json" <<'EOF'
import json, os, platform, statistics, subprocess, sys
samples, out = sys.argv[1], sys.argv[2]
figures = {}
for line in open(samples):
    name, value = line.rstrip("\n").split("\t")
    figures.setdefault(name, []).append(float(value))

def cpu():
    for line in open("/proc/cpuinfo"):
        if line.startswith("model name"):
            return line.split(":", 1)[1].strip()
    return platform.processor()

def wine_version():
    try:
        return subprocess.run(["wine", "--version"], capture_output=True, text=True).stdout.strip()
    except OSError:
        return "unknown"

machine = {
    "cpu": cpu(), "cores": os.cpu_count(),
    "memory_gb": round(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30, 1),
    "kernel": platform.release(), "wine": wine_version(),
}
table = {}
for name, values in figures.items():
    table[name] = {"median": statistics.median(values), "min": min(values), "max": max(values), "runs": len(values)}
with open(out + ".tmp", "w") as f:
    json.dump({"machine": machine, "figures": table}, f, indent=1, sort_keys=True)
    f.flush()
    os.fsync(f.fileno())
os.replace(out + ".tmp", out)

print("machine: %(cpu)s, %(cores)s cores, %(memory_gb)s GiB, Linux %(kernel)s, %(wine)s" % machine)
print("%-40s %12s %12s %12s %5s" % ("figure", "median", "min", "max", "runs"))
for name in figures:
    row = table[name]
    print("%-40s %12.6g %12.6g %12.6g %5d" % (name, row["median"], row["min"], row["max"], row["runs"]))

# the peers side by side: medians, and how many times trackfix's figure
def median(name):
    return table[name]["median"] if name in table else None

print()
print("peers (medians)")
convert = median("convert.messages_per_s")
for label, name in (("msgconvert", "msgconvert.messages_per_s"), ("msgreader, parse only", "msgreader.messages_per_s")):
    peer = median(name)
    if convert and peer:
        print("  trackfix convert %8.0f msg/s   %-22s %8.0f msg/s   trackfix %.1fx" % (convert, label, peer, convert / peer))
    else:
        print("  %s: not measured" % label)
sizes = sorted({int(n.split(".")[0].split("_")[1]) for n in table if n.startswith("queue_")})
for size in sizes:
    queue, postfix = median("queue_%d.us_per_message" % size), median("postfix_%d.us_per_message" % size)
    if postfix:
        print("  trackfix queue of %6d %6.0f us/msg   Postfix %6.0f us/msg   queue/Postfix %.2f" %
              (size, queue, postfix, queue / postfix))
    else:
        print("  trackfix queue of %6d %6.0f us/msg   Postfix: not measured" % (size, queue))
# flat means the dearest size costs at most 1.5 times the cheapest a message
costs = [median("queue_%d.us_per_message" % size) for size in sizes]
if len(costs) > 1:
    print("  queue cost a message, dearest size over cheapest: %.2f" % (max(costs) / min(costs)))
print("written to %s" % out)
EOF
# what the steps wrote, removed now that nothing more is measured
rm -rf "$work/trash"
