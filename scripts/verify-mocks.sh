#!/usr/bin/env bash
# Runs `gateway contracts verify` for every system against the mocks, as it would run
# against a staging national system.
set -euo pipefail
cd "$(dirname "$0")/.."
scratch=$(mktemp -d)
trap 'kill "$mocks" 2>/dev/null || true; rm -rf "$scratch"' EXIT
.build/debug/gateway mocks --dvcqg-port 0 --bca-port 0 --vbdlis-port 0 --hotich-port 0 --emc-port 0 --ports-file "$scratch/ports.json" > "$scratch/mocks.log" 2>&1 &
mocks=$!
for _ in $(seq 100); do [ -s "$scratch/ports.json" ] && break; sleep 0.1; done
export DVCQG_PASSWORD=dev-password BCA_PASSWORD=dev-password VBDLIS_CLIENT_SECRET=dev-secret HOTICH_CLIENT_SECRET=dev-secret
for target in $(python3 -c "import json, sys; print(' '.join(sorted(json.load(open(sys.argv[1])))))" "$scratch/ports.json"); do
    port=$(python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])" "$scratch/ports.json" "$target")
    base="http://127.0.0.1:$port"
    if [ "$target" = vbdlis ]; then
        # VBDLIS sits behind the LGSP: operations under /api/vbdlis, the token beside them.
        GATEWAY__targets__vbdlis__connection__tokenURL="$base/oauth2/token" \
            .build/debug/gateway contracts verify --target vbdlis --base-url "$base/api/vbdlis"
    else
        .build/debug/gateway contracts verify --target "$target" --base-url "$base"
    fi
done
