#!/usr/bin/env bash
# Benchmark `sorot list` over a generated corpus.
#
#   benches/list.sh [N] [RUNS]     (defaults: 10000 articles, 7 runs)
#
# Generates the corpus into target/bench-corpus-N when missing (deterministic,
# examples/gen_corpus.rs), builds the release binary, does one warm-up run,
# then times RUNS runs and prints the best and median wall time, the median
# CPU time (user + sys) and the peak resident memory of the slowest-memory run.
set -euo pipefail
cd "$(dirname "$0")/.."

N=${1:-10000}
RUNS=${2:-7}
CORPUS=target/bench-corpus-$N

cargo build --release --quiet --bin sorot --example gen_corpus
if [ ! -d "$CORPUS" ]; then
  ./target/release/examples/gen_corpus "$CORPUS.tmp" "$N"
  mv "$CORPUS.tmp" "$CORPUS"
fi
bytes=$(find "$CORPUS" -type f -printf '%s\n' | awk '{s+=$1} END {print s}')
files=$(find "$CORPUS" -type f | wc -l)
articles=$(./target/release/sorot list "$CORPUS" | wc -l) # also the warm-up run

have_time=0
[ -x /usr/bin/time ] && have_time=1
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
walls=()
cpus=()
peak=0
for _ in $(seq "$RUNS"); do
  start=$(date +%s%N)
  if [ "$have_time" = 1 ]; then
    /usr/bin/time -f '%U %S %M' -o "$tmp" ./target/release/sorot list "$CORPUS" >/dev/null
    read -r u s m <"$tmp"
    cpus+=("$(awk -v u="$u" -v s="$s" 'BEGIN {printf "%.2f", u + s}')")
    [ "$m" -gt "$peak" ] && peak=$m
  else
    ./target/release/sorot list "$CORPUS" >/dev/null
  fi
  end=$(date +%s%N)
  walls+=("$(( (end - start) / 1000000 ))")
done

sorted=($(printf '%s\n' "${walls[@]}" | sort -n))
best=${sorted[0]}
median=${sorted[$(( RUNS / 2 ))]}
echo "corpus: $CORPUS: $articles articles in $files files, $((bytes / 1000000)) MB ($bytes bytes)"
echo "sorot list, $RUNS runs: best ${best} ms, median ${median} ms (wall; all: ${walls[*]})"
if [ "$have_time" = 1 ]; then
  csorted=($(printf '%s\n' "${cpus[@]}" | sort -n))
  echo "cpu (user+sys) median: ${csorted[$(( RUNS / 2 ))]} s; peak RSS: $((peak / 1024)) MB ($peak KB)"
else
  echo "(install GNU time as /usr/bin/time for CPU time and peak memory)"
fi
echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)"
