#!/usr/bin/env bash
# Sets up, builds and runs every test: unit, contract, Kafka (against librdkafka's
# mock cluster) and end-to-end (embedded broker, real mocks, real gateway).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
python3 scripts/check-contracts.py
swift build --build-tests
bash scripts/check-unit.sh
bash scripts/verify-mocks.sh
swift test --skip-build
# The benchmark's smoke run: every event of a small run accounted for, nothing about speed.
"$(swift build --show-bin-path)/gateway-bench" --smoke --output "$(swift build --show-bin-path)/bench-smoke.json"
