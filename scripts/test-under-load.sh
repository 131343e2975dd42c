#!/usr/bin/env bash
# Runs the test suite (both stages of scripts/test.sh) N times in a row (default 5) while a busy loop
# keeps one core busy, to check that no test depends on having the machine to itself. Needs a build
# (swift build --build-tests). Prints one line per round; exits 1 if any round failed.
set -uo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
rounds="${1:-5}"
( while :; do :; done ) & busy=$!
trap 'kill $busy 2>/dev/null' EXIT
timing='TimingAccuracyTests|ChunkStampAccuracyTests|measuresFromTheRequestToTheLastByte'
logs="$(mktemp -d /tmp/llmbench-load.XXXXXX)"
failed=0
for i in $(seq 1 "$rounds"); do
    swift test --skip-build --skip "$timing" > "$logs/main-$i.log" 2>&1; a=$?
    swift test --skip-build --filter "$timing" > "$logs/timing-$i.log" 2>&1; b=$?
    echo "round $i: tests $a, timing tests $b"
    if [ $a -ne 0 ] || [ $b -ne 0 ]; then
        failed=1
        grep -hE "recorded an issue" "$logs/main-$i.log" "$logs/timing-$i.log" | head -10
    fi
done
echo "logs: $logs"
exit $failed
