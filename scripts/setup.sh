#!/usr/bin/env bash
# Installs what building and testing callrec needs on Debian 12 (run as root or with sudo).
# Safe to run again: it installs only what is missing.
set -euo pipefail
packages=(libasound2-dev pkg-config build-essential libbcg729-dev tshark sox ffmpeg curl openssl xvfb xauth imagemagick nginx-light libnginx-mod-http-dav-ext apache2-bin python3-aiosmtpd poppler-utils unzip)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  echo "setup: installing ${missing[*]}"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
  # nginx is only for the tests, which start their own on a loopback port: the system
  # service the package starts is stopped again if this run installed it
  if [[ " ${missing[*]} " == *" nginx-light "* ]] && command -v systemctl >/dev/null; then
    $SUDO systemctl disable --now nginx >/dev/null 2>&1 || true
  fi
fi
if ! command -v cargo >/dev/null; then
  echo "setup: cargo (Rust 1.95 or newer) is required: https://rustup.rs" >&2
  exit 1
fi
# Garage, the distributed object store that the archive-in-a-bucket tests start on
# loopback ports. Building it takes about 13 minutes on 2 cores, so only when missing.
GARAGE_VERSION=2.5.0
if ! garage --version 2>/dev/null | grep -q "cargo:${GARAGE_VERSION} "; then
  echo "setup: building garage ${GARAGE_VERSION} (about 13 minutes, once)"
  cargo install garage --locked --version "${GARAGE_VERSION}" --quiet
fi
