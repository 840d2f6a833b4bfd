#!/usr/bin/env bash
# Checks one callrec record with standard tools only (sha256sum, base64, openssl):
# the audio hash and the Ed25519 signature of the sidecar, as docs/ARCHIVE.md specifies.
# Usage: scripts/verify-record.sh STORE/YYYY_MM/<name>.wav [KEYS_DIR]
# Exit 0 when the record is original; it does not open sealed metadata (no secret needed).
set -euo pipefail
audio=$1
sidecar=${audio%.*}.xml
keys=${2:-$(dirname "$(dirname "$audio")")/TMP/keys}
tag() { grep -o "<$1 [^>]*>" "$sidecar" | head -1; }
attr() { tag "$1" | grep -o " $2=\"[^\"]*\"" | cut -d'"' -f2; }
body() { sed -n "s/.*<$1 [^>]*>\([^<]*\)<\/$1>.*/\1/p" "$sidecar"; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
actual=$(sha256sum "$audio" | cut -d' ' -f1)
if [ "$actual" != "$(attr audio sha256)" ] || [ "$(stat -c %s "$audio")" != "$(attr audio size)" ]; then
  echo "manipulated: the audio does not match the sidecar" >&2
  exit 1
fi
{
  echo "callrec-sidecar-v1"
  echo "audio-sha256=$(attr audio sha256)"
  echo "audio-size=$(attr audio size)"
  echo "audio-encryption=$(attr audio encryption)"
  echo "metadata-encoding=$(attr metadata encoding)"
  echo "metadata-key=$(attr metadata key)"
  echo "metadata-sha256=$(body metadata | base64 -d | sha256sum | cut -d' ' -f1)"
  echo "signer=$(attr signature signer)"
} > "$work/msg"
body signature | base64 -d > "$work/sig"
openssl pkeyutl -verify -pubin -inkey "$keys/$(attr signature signer).pem" -rawin \
  -in "$work/msg" -sigfile "$work/sig" >/dev/null
echo "original: signed by $(attr signature signer)"
