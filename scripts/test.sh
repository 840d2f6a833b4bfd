#!/usr/bin/env bash
# Sets up and runs every check and test of callrec.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
# every test must run: a missing tool or data set fails the run instead of skipping
export CALLREC_REQUIRE_ALL=1
# incremental caches only pay off while editing; here they would double the disk a
# build takes (some thirty test binaries)
export CARGO_INCREMENTAL=0
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings
cargo test --all-targets --no-fail-fast
