#!/bin/sh
# Runs every target (or $TARGETS) for $SECS seconds each, one after
# another, at the lowest priority. Logs go to $LOGDIR/fuzz-<target>.log
# (default /tmp), findings to fuzz/artifacts/<target>/.
SECS=${SECS:-600}
cd "$(dirname "$0")"
for t in ${TARGETS:-load_json load_jsonl load_md load_txt sanitize layout tokenize}; do
  mkdir -p corpus/$t
  echo "$t start $(date -u +%H:%M:%S)"
  RUSTC_BOOTSTRAP=1 nice -n 19 cargo fuzz run -s none -a "$t" -- \
    -max_total_time="$SECS" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
    -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -print_final_stats=1 > "${LOGDIR:-/tmp}/fuzz-$t.log" 2>&1
  echo "$t end $(date -u +%H:%M:%S) rc=$?"
done
