#!/usr/bin/env bash
# System packages the project needs (Debian). Skips apt when everything is already there.
set -euo pipefail
# sqlite3: embedded stores; openssl: test certificates; postgresql + redis-server: the
# scale-out test; chromium + fonts: widget tests in a real browser.
PACKAGES=(sqlite3 openssl postgresql redis-server chromium fonts-noto-core)
missing=()
for package in "${PACKAGES[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ "${#missing[@]}" -gt 0 ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${missing[@]}"
fi
