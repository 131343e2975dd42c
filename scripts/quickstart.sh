#!/usr/bin/env bash
# Sets everything up and runs the quickstart suite on the embedded default store
# (~/.llmbench/results.sqlite), offline, with the simulated Mock provider.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
export PATH="/opt/swift/usr/bin:$PATH"
bash scripts/build.sh release
exec .build/release/llmbench run Suites/quickstart.yaml --fail-on never "$@"
