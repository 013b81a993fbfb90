#!/usr/bin/env bash
# Checks the shipped systemd unit with systemd-analyze, against the gateway just built.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
binary="$(pwd)/.build/debug/gateway"
sed -e "s#/opt/national-gateway/bin/gateway#$binary#" -e "s#/opt/national-gateway#$(pwd)#" deploy/national-gateway.service > "$scratch/national-gateway.service"
output=$(systemd-analyze verify "$scratch/national-gateway.service" 2>&1 || true)
# Credential sources and the service user exist only on a host it is installed on.
problems=$(printf '%s\n' "$output" | grep -v -e '^$' -e 'credentials' -e 'national-gateway' -e 'Failed to.*bus' || true)
if [ -n "$problems" ]; then
    printf 'systemd-analyze verify found problems:\n%s\n' "$problems" >&2
    exit 1
fi
"$binary" --version >/dev/null
echo "systemd unit verified"
