#!/usr/bin/env bash
# The whole test suite, as README.md and CI run it: set-up, a build of every product (the tests
# dlopen the real plugin libraries and run the real `llmbench`), then `swift test`, then 20 s of
# fuzzing for each fuzz target (scripts/fuzz.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh --tests
export PATH="/opt/swift/usr/bin:$PATH"
swift build --build-tests
# Timing-accuracy suites run on their own afterwards: other tests running beside them load the two
# cores and would measure the machine rather than the engine.
timing='TimingAccuracyTests|ChunkStampAccuracyTests|measuresFromTheRequestToTheLastByte'
swift test --skip-build --skip "$timing"
swift test --skip-build --filter "$timing"
# Last, bounded fuzzing of the parsers of what others write (a separate build in .build-fuzz).
bash scripts/fuzz.sh 20
