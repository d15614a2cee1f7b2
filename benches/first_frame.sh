#!/usr/bin/env bash
# Time to the reader's first frame with articles, in a real terminal (tmux),
# over a generated corpus; plus time until everything is loaded and the
# slowest event-loop turn while loading (how long a key could wait).
#
#   benches/first_frame.sh [N=10000] [RUNS=5]
#
# Uses the hidden SOROT_FIRST_FRAME_EXIT option (documented in src/app.rs).
# The corpus comes from `cargo run --example gen_corpus -- DIR N` when that
# example exists, else from a small built-in generator (nested .txt files,
# ~3.3 KB each). Nothing is written outside a temporary directory.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
RUNS=${2:-5}
command -v tmux >/dev/null || { echo "first_frame.sh: tmux is required" >&2; exit 1; }

cargo build --release --quiet
BIN=$PWD/target/release/sorot
WORK=$(mktemp -d)
SOCK=sorot-first-frame-$$
trap 'tmux -L "$SOCK" kill-server 2>/dev/null || true; rm -rf "$WORK"' EXIT
CORPUS=$WORK/corpus

if [ -f examples/gen_corpus.rs ]; then
  cargo run --release --quiet --example gen_corpus -- "$CORPUS" "$N" >/dev/null
else
  mkdir -p "$CORPUS"
  awk -v n="$N" -v dir="$CORPUS" 'BEGIN {
    srand(7)
    split("Jakarta Surabaya Bandung Medan Semarang Makassar Denpasar Yogyakarta", city, " ")
    split("pemerintah perusahaan peneliti warga nelayan petani mahasiswa pejabat", who, " ")
    split("meresmikan membahas menolak mendukung meneliti membangun menunda mengumumkan", did, " ")
    for (i = 0; i < n; i++) {
      d = sprintf("%s/%02d", dir, i % 100)
      if (!(d in made)) { system("mkdir -p " d); made[d] = 1 }
      f = sprintf("%s/artikel-%05d.txt", d, i)
      printf "Berita %d dari %s\n\n", i, city[i % 8 + 1] > f
      for (p = 0; p < 8; p++) {
        line = ""
        for (w = 0; w < 10; w++)
          line = line sprintf("%s %s %s di %s. ", who[int(rand()*8)+1], did[int(rand()*8)+1], "proyek", city[int(rand()*8)+1])
        print line > f
      }
      close(f)
    }
  }'
fi
echo "corpus: $N articles, $(du -sh "$CORPUS" | cut -f1) in $CORPUS"

. benches/tmux_probe.sh
run() { # $1 = probe mode, $2 = output file
  tmux_probe "$SOCK" 60 \
    "env XDG_DATA_HOME='$WORK/data' SOROT_FIRST_FRAME_EXIT=$1 '$BIN' '$CORPUS' 2>'$2'"
  cat "$2"
}

echo "first frame with articles (${RUNS} runs):"
for i in $(seq "$RUNS"); do run 1 "$WORK/ff.$i"; done
echo "everything loaded (${RUNS} runs):"
for i in $(seq "$RUNS"); do run loaded "$WORK/all.$i"; done
