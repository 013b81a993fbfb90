#!/usr/bin/env bash
# Runs `gateway contracts verify` for every system against the mocks, as it would run
# against a staging national system.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'kill "$mocks" 2>/dev/null || true; rm -rf "$scratch"' EXIT
.build/debug/gateway mocks --dvcqg-port 0 --hotich-port 0 --emc-port 0 --ports-file "$scratch/ports.json" > "$scratch/mocks.log" 2>&1 &
mocks=$!
for _ in $(seq 100); do [ -s "$scratch/ports.json" ] && break; sleep 0.1; done
export DVCQG_PASSWORD=dev-password HOTICH_CLIENT_SECRET=dev-secret
for target in $(python3 -c "import json, sys; print(' '.join(sorted(json.load(open(sys.argv[1])))))" "$scratch/ports.json"); do
    port=$(python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$scratch/ports.json" "$target")
    .build/debug/gateway contracts verify --target "$target" --base-url "http://127.0.0.1:$port"
done
