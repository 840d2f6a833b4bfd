#!/usr/bin/env bash
# Sets up callrec and shows it at work on a fresh demo store: callrec starts (recorder
# and window in one process), and the PBX simulator places calls (captures by PUT,
# CDRs in the PBX's shapes). The calls appear in the window as they are archived;
# click one to play it, or press SOS for the newest; the recorder panel above shows
# the lamps and the master alarm. Without a display, the recorder runs headless and
# the demo prints the archive instead.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
cargo build --release --quiet
bin=target/release/callrec
demo=${DEMO_DIR:-demo}
port=${DEMO_PORT:-8090}
rm -rf "$demo"
mkdir -p "$demo"
"$bin" setup recpath="$demo/setup" store="$demo/store" listen="127.0.0.1:$port" cdrwait=2 >/dev/null
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  "$bin" recpath="$demo/setup" 2> "$demo/recorder.log" &
else
  "$bin" service recpath="$demo/setup" 2> "$demo/recorder.log" &
fi
app=$!
trap 'kill $app 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/status" >/dev/null 2>&1 && break
  sleep 0.2
done
echo "recorder listening on http://127.0.0.1:$port (log: $demo/recorder.log)"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  # a call every few seconds, so that they are seen arriving
  for _ in $(seq 8); do
    "$bin" simulate url="http://127.0.0.1:$port" calls=1 seconds=20 || true
    sleep 4
    kill -0 $app 2>/dev/null || break
  done
  echo "demo: close the callrec window to end the demo."
  wait $app || true
  exit 0
fi

"$bin" simulate url="http://127.0.0.1:$port" calls=6 seconds=15
echo "waiting for the last (late) CDR…"
for _ in $(seq 60); do
  n=$(ls "$demo"/store/20*/*.wav 2>/dev/null | wc -l)
  [ "$n" -ge 6 ] && break
  sleep 0.5
done
echo
echo "archive:"
ls -1 "$demo"/store/20*/
echo
curl -s "http://127.0.0.1:$port/status" | head -c 600; echo
echo
"$bin" verify recpath="$demo/setup"
record=$(ls "$demo"/store/20*/*.wav | tail -1)
echo
echo "demo: no display, so no Player window; $record is a call as stereo WAV"
echo "      (external party left, internal right); the activity log is $demo/store/TMP/iREC_Player_log.txt."
if command -v aplay >/dev/null && aplay -l >/dev/null 2>&1; then aplay -q "$record"; fi
