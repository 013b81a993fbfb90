#!/usr/bin/env bash
# Runs `gateway contracts verify` for every system against the mocks, as it would run
# against a staging national system. The mocks say where they are and who the gateway is
# there through the environment file they write.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'kill "$mocks" 2>/dev/null || true; rm -rf "$scratch"' EXIT
.build/debug/gateway-dev mocks --free-ports --ports-file "$scratch/ports.json" --env-file "$scratch/mocks.env" > "$scratch/mocks.log" 2>&1 &
mocks=$!
for _ in $(seq 100); do [ -s "$scratch/mocks.env" ] && break; sleep 0.1; done
# shellcheck disable=SC1091
source "$scratch/mocks.env"
for target in $(python3 -c "import json, sys; print(' '.join(sorted(json.load(open(sys.argv[1])))))" "$scratch/ports.json"); do
    .build/debug/gateway contracts verify --target "$target"
done
