#!/usr/bin/env bash
# The reader's peak memory against the corpus size, in a real terminal
# (tmux), over the generated corpus: once everything is loaded, and once
# every article's entities are held by the reader with a cold and with a warm
# annotation cache. Also prints the time each took.
#
#   benches/memory.sh [N=10000] [RUNS=3]
#
# Uses the hidden SOROT_FIRST_FRAME_EXIT option (documented in src/app.rs),
# whose report ends with the process's peak RSS (VmHWM, Linux only). The
# target (issue 2) is a peak under 3x the corpus's bytes on disk. Nothing is
# written outside a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
RUNS=${2:-3}
command -v tmux >/dev/null || { echo "memory.sh: tmux is required" >&2; exit 1; }
[ -r /proc/self/status ] || { echo "memory.sh: needs Linux /proc for peak RSS" >&2; exit 1; }

cargo build --release --quiet
BIN=$PWD/target/release/sorot
WORK=$(mktemp -d)
SOCK=sorot-memory-$$
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -rf "$WORK"' EXIT
CORPUS=$WORK/corpus
cargo run --release --quiet --example gen_corpus -- "$CORPUS" "$N" >/dev/null
BYTES=$(find "$CORPUS" -type f -printf '%s\n' | awk '{s += $1} END {print s}')
echo "corpus: $N articles, $BYTES bytes; 3x is $((BYTES * 3 / 1024)) KiB"

. benches/tmux_probe.sh
run() { # $1 = probe mode, $2 = cache dir
  local out=$WORK/out
  rm -rf "$WORK/data"
  tmux_probe "$SOCK" 120 \
    "env XDG_DATA_HOME='$WORK/data' XDG_CACHE_HOME='$2' SOROT_FIRST_FRAME_EXIT=$1 '$BIN' '$CORPUS' 2>'$out'"
  local line kib
  line=$(grep -E "^(all loaded|entities indexed)" "$out" || { cat "$out" >&2; exit 1; })
  kib=$(sed -n 's/.*peak RSS: \([0-9]*\) KiB.*/\1/p' <<<"$line")
  awk -v l="${line%%,*}" -v k="$kib" -v b="$BYTES" \
    'BEGIN { printf "  %-28s peak %6.1f MiB = %.2fx the corpus\n", l, k / 1024, k * 1024 / b }'
}

echo "everything loaded (${RUNS} runs):"
for i in $(seq "$RUNS"); do run loaded "$WORK/cache-loaded"; done
echo "every article's entities held, cold cache (${RUNS} runs):"
for i in $(seq "$RUNS"); do rm -rf "$WORK/cache-cold"; run entities "$WORK/cache-cold"; done
echo "every article's entities held, warm cache (${RUNS} runs):"
run entities "$WORK/cache-warm" >/dev/null
for i in $(seq "$RUNS"); do run entities "$WORK/cache-warm"; done
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
