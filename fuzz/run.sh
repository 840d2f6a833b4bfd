#!/usr/bin/env bash
# Runs every fuzz target: RUNS executions each (default 10 000 000) or SECONDS each
# (default 900), whichever comes first, starting from the seeds in seeds/TARGET and
# the corpus it keeps in corpus/TARGET. Prints one line per target with the runs done;
# a crash stops the script and leaves the input in artifacts/TARGET.
# Needs a nightly toolchain and cargo-fuzz (cargo install cargo-fuzz).
set -euo pipefail
cd "$(dirname "$0")"
runs=${RUNS:-10000000}
seconds=${SECONDS_EACH:-900}
targets=${*:-$(cargo +nightly fuzz list)}
# built once, then each binary run directly (so that a source change meanwhile does
# not rebuild between targets)
cargo +nightly fuzz build -O >/dev/null
bin=target/x86_64-unknown-linux-gnu/release
for target in $targets; do
  mkdir -p "corpus/$target" "artifacts/$target"
  log=$(mktemp)
  if ! "$bin/$target" "corpus/$target" "seeds/$target" -artifact_prefix="artifacts/$target/" \
      -runs="$runs" -max_total_time="$seconds" -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log"
    echo "$target: CRASH (input in artifacts/$target)"
    exit 1
  fi
  done_runs=$(grep -o 'Done [0-9]* runs in [0-9]* second' "$log" | tail -1)
  echo "$target: ${done_runs:-no run count}; no crash"
  rm -f "$log"
done
