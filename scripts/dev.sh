#!/usr/bin/env bash
# Sets up, builds and runs `gateway-dev dev`: embedded Kafka, the mock national systems,
# the gateway and sample traffic. Arguments go to `gateway-dev dev` (default: --events 200).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
swift build --product gateway-dev
[ $# -gt 0 ] || set -- --events 200
exec .build/debug/gateway-dev dev "$@"
