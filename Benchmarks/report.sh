#!/usr/bin/env bash
# The comparative report over many stored results (issue 10): PROVIDERS Mock providers × TESTS tests
# (5 categories, seeded wrong answers) run into a fresh store, then `llmbench report` in every format,
# each timed as a whole process with its peak memory (GNU time). The issue's figure is 20 × 50,000
# = 1,000,000 results in ≤ 2 s per format: `PROVIDERS=20 TESTS=50000 bash Benchmarks/report.sh`
# (the run that fills the store takes about 35 s at that size, and the folder needs about 3 GB).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
PROVIDERS="${PROVIDERS:-20}"
TESTS="${TESTS:-5000}"
work="$(mktemp -d /tmp/llmbench-report-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
bash scripts/build.sh release >/dev/null
bin=.build/release/llmbench

python3 - "$work/suite.yaml" "$PROVIDERS" "$TESTS" <<'PY'
import sys
path, providers, tests = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
lines = ["version: 1", "name: report-bench", "providers:"]
lines += [f"  - {{id: p{i}, plugin: mock, model: m{i}, options: {{mode: expected, wrong_rate: {0.02 * i:.2f}, seed: {i}}}}}" for i in range(providers)]
lines += ["defaults:", "  scorers: [exact_match]", "tests:"]
lines += [f"  - {{name: t{j}, category: c{j % 5}, prompt: \"q{j}\", expected: \"a{j}\"}}" for j in range(tests)]
open(path, "w").write("\n".join(lines) + "\n")
PY
/usr/bin/time -f "%e %M" -o "$work/run.time" "$bin" run "$work/suite.yaml" --store "$work/s.sqlite" --quiet --concurrency 2 --fail-on never >/dev/null 2>&1
read -r run_s run_kb < "$work/run.time"
echo "store: $((PROVIDERS * TESTS)) results from $PROVIDERS providers × $TESTS tests (run: ${run_s} s)"
# Beside each format, the floor for its size on this machine: `cat` writing the same bytes to a new
# file in the same folder (a report listing every result cannot be written faster than that).
printf '%-10s %10s %12s %12s %16s\n' format seconds "peak MiB" "output MiB" "cat of it, s"
for format in table json markdown csv junit html; do
    /usr/bin/time -f "%e %M" -o "$work/t" "$bin" report --last --store "$work/s.sqlite" --format "$format" --output "$work/r.$format" >/dev/null 2>&1
    read -r seconds kb < "$work/t"
    bytes=$(stat -c %s "$work/r.$format")
    /usr/bin/time -f "%e" -o "$work/c" cat "$work/r.$format" > "$work/copy"
    rm -f "$work/copy"
    printf '%-10s %10s %12s %12s %16s\n' "$format" "$seconds" "$((kb / 1024))" "$((bytes / 1048576))" "$(cat "$work/c")"
    rm -f "$work/r.$format"
done
