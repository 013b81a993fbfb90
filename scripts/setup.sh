#!/usr/bin/env bash
# Installs what the gateway needs on a Debian 12 machine with Swift 6.
set -euo pipefail
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
packages=(librdkafka-dev libssl-dev libxml2 pkg-config kcat python3 python3-jsonschema systemd openssl chromium)
missing=()
for package in "${packages[@]}"; do
  dpkg -s "$package" >/dev/null 2>&1 || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  $sudo_cmd apt-get update
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y --no-install-recommends "${missing[@]}"
fi
command -v swift >/dev/null || { echo "swift 6 is required (https://www.swift.org/install/linux/)" >&2; exit 1; }
