#!/usr/bin/env bash
# Sets up callrec and shows it at work: generated innovaphone-style call recordings and
# their PBX CDRs are archived (signed sidecars, activity log), the archive is verified,
# and one call is converted to a stereo WAV (external party left).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --quiet
bin=target/release/callrec
demo=${DEMO_DIR:-demo}
rm -rf "$demo"
mkdir -p "$demo/incoming"
now=$(date +%s)
: > "$demo/cdrs.xml"
for i in 1 2 3; do
  conf=$(printf '6a2f0c1e9b7d4e2f8c3a5b6d7e8f9a%02x' "$i")
  "$bin" synth out="$demo/incoming/$conf-009033445566-1.pcap" codec=g722 seconds=$((10 * i)) 2>/dev/null
  start=$((now - 600 * i))
  echo "<cdr guid=\"9362bef8e909d31188ce0090330602e8\" sys=\"PBX\" pbx=\".\" node=\"root\" device=\"p2$i\" cn=\"Agent 2$i\" e164=\"2$i\" h323=\"agent2$i\" dir=\"to\" utc=\"$start\"><user/><event msg=\"setup-to\" time=\"0\" type=\"ext\" e164=\"03012345$i\" conf=\"$conf\"/><event msg=\"alert-from\" time=\"0\" type=\"ext\" e164=\"03012345$i\"/><event msg=\"conn-from\" time=\"$i\" type=\"ext\" e164=\"03012345$i\"/><event msg=\"rel-from\" time=\"$((10 * i + i))\" cause=\"16\"/></cdr>" >> "$demo/cdrs.xml"
done
"$bin" import in="$demo/incoming" cdr="$demo/cdrs.xml" store="$demo/store" recpath="$demo/setup"
"$bin" verify store="$demo/store" recpath="$demo/setup"
record=$(ls "$demo"/store/*/*.wav | head -1)
"$bin" inspect in="$record" recpath="$demo/setup" | head -30
"$bin" convert in="$(ls "$demo"/incoming/*.pcap | head -1)" out="$demo/call.wav"
echo
echo "demo: archive in $demo/store, activity log $demo/store/TMP/iREC_Player_log.txt,"
echo "      $demo/call.wav is a call as stereo WAV (external party left, internal right)."
if command -v aplay >/dev/null && aplay -l >/dev/null 2>&1; then aplay -q "$demo/call.wav"; fi
