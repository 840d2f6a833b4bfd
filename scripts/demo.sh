#!/usr/bin/env bash
# Sets up callrec and shows it at work: a generated innovaphone-style call recording
# is converted to a stereo WAV (external party left) and inspected.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --quiet
bin=target/release/callrec
demo=${DEMO_DIR:-demo}
mkdir -p "$demo"
capture="$demo/6a2f0c1e9b7d4e2f8c3a5b6d7e8f9a0b-009033445566-1.pcap"
"$bin" synth out="$capture" codec=g722 seconds=20
"$bin" inspect in="$capture" | head -40
"$bin" convert in="$capture" out="$demo/call.wav"
echo
echo "demo: wrote $demo/call.wav (external party left, internal right)."
if command -v aplay >/dev/null && aplay -l >/dev/null 2>&1; then aplay -q "$demo/call.wav"; fi
