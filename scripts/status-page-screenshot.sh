#!/usr/bin/env bash
# Renders the status page of a dev stack in headless chromium, at a phone's width, with
# DVCQG told to fail, to docs/status-page.png (the README's picture).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product gateway-dev
port=9465
env_file=$(mktemp)
.build/debug/gateway-dev dev --rate 5 --admin-port "$port" --env-file "$env_file" >/dev/null 2>&1 &
dev=$!
trap 'kill -INT "$dev" 2>/dev/null || true; rm -f "$env_file"' EXIT
for _ in $(seq 1 120); do
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break
  sleep 0.5
done
# shellcheck disable=SC1090
source "$env_file"
sleep 5
curl -sf -X POST "$GATEWAY__targets__dvcqg__connection__baseURL/_control/faults" -H 'content-type: application/json' \
  -d '{"status":503,"count":100000}' >/dev/null
sleep 8
profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$profile" --hide-scrollbars \
  --window-size=420,1100 --screenshot="$PWD/docs/status-page.png" "http://127.0.0.1:$port/" 2>/dev/null
rm -rf "$profile"
echo "docs/status-page.png written"
