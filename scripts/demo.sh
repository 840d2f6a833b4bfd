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
soap=$((port + 1))
"$bin" setup recpath="$demo/setup" store="$demo/store" listen="127.0.0.1:$port" cdrwait=2 \
  pbx="http://127.0.0.1:$soap/PBX0/user.soap" pbxuser=API show=text >/dev/null
# the simulated PBX first (its SOAP API for the recorder's PBX link); it waits for the
# recorder, then places a call every few seconds
calls=6 gap=0 length=15
[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ] && calls=8 gap=4 length=20
"$bin" simulate url="http://127.0.0.1:$port" calls=$calls seconds=$length gap=$gap \
  soap="127.0.0.1:$soap" > "$demo/simulator.log" 2>&1 &
sim=$!
sleep 0.5
if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  "$bin" recpath="$demo/setup" 2> "$demo/recorder.log" &
else
  "$bin" service recpath="$demo/setup" 2> "$demo/recorder.log" &
fi
app=$!
trap 'kill $app $sim 2>/dev/null || true' EXIT
for _ in $(seq 100); do
  curl -sf "http://127.0.0.1:$port/status" >/dev/null 2>&1 && break
  sleep 0.2
done
echo "recorder listening on http://127.0.0.1:$port (log: $demo/recorder.log)"

if [ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" ]; then
  echo "demo: calls arrive every few seconds (log: $demo/simulator.log); close the callrec window (it asks before it stops recording) to end the demo."
  wait $app || true
  exit 0
fi

echo "waiting for the last (late) CDR…"
for _ in $(seq 60); do
  n=$( (ls "$demo"/store/20*/*.wav 2>/dev/null || true) | wc -l)
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
