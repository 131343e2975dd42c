#!/usr/bin/env bash
# Engine benchmarks, side by side with a reference in the same run. Prints a table and writes
# Benchmarks/results/latest.json.
#   bash Benchmarks/run.sh            # 100,000 results (1,000 tests x 100 repeats), 3 rounds each
#   ROUNDS=5 TESTS=1000 REPEATS=100 bash Benchmarks/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
ROUNDS=${ROUNDS:-3}; TESTS=${TESTS:-1000}; REPEATS=${REPEATS:-100}; CONCURRENCY=${CONCURRENCY:-2}
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p Benchmarks/results

swift build -c release >/dev/null
bin=.build/release/llmbench
python3 Benchmarks/make_suite.py "$TESTS" "$REPEATS" "$work/suite.yaml"
n=$((TESTS * REPEATS))

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "== engine overhead: $n results (plan -> mock at zero latency -> exact_match -> SQLite commit -> summary), concurrency $CONCURRENCY"
: > "$work/llmbench.txt"; : > "$work/reference.txt"
for round in $(seq "$ROUNDS"); do
    rm -f "$work"/r.sqlite*
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$bin" run "$work/suite.yaml" --store "$work/r.sqlite" \
        --concurrency "$CONCURRENCY" --fail-on never >/dev/null 2>&1
    read -r secs kb < "$work/time.txt"
    stored=$(sqlite3 "$work/r.sqlite" "SELECT count(*) FROM results")
    [ "$stored" -eq "$n" ] || { echo "llmbench stored $stored of $n results" >&2; exit 1; }
    echo "$secs $kb" >> "$work/llmbench.txt"
    rm -f "$work"/ref.sqlite*
    python3 Benchmarks/reference_engine.py "$TESTS" "$REPEATS" "$work/ref.sqlite" >> "$work/reference.txt"
done
ll_secs=$(cut -d' ' -f1 "$work/llmbench.txt" | median)
ll_kb=$(cut -d' ' -f2 "$work/llmbench.txt" | sort -n | tail -1)
ref_rps=$(python3 -c "import json,sys; v=sorted(json.loads(l)['results_per_s'] for l in open('$work/reference.txt')); print(v[len(v)//2])")
ref_mib=$(python3 -c "import json; print(max(json.loads(l)['peak_rss_mib'] for l in open('$work/reference.txt')))")
ll_rps=$(python3 -c "print(round($n / $ll_secs))")
printf "%-34s %14s %14s\n" "" "results/s" "peak RSS MiB"
printf "%-34s %14s %14s\n" "llmbench run (whole process)" "$ll_rps" "$(python3 -c "print(round($ll_kb/1024,1))")"
printf "%-34s %14s %14s\n" "reference (Python loop, in-process)" "$ref_rps" "$ref_mib"

echo "== llmbench plugins: wall time with every built-in plugin"
python3 - "$bin" "$ROUNDS" > "$work/plugins.txt" <<'PY'
import subprocess, sys, time
bin, rounds = sys.argv[1], int(sys.argv[2])
samples = []
for _ in range(max(10, rounds * 5)):
    t0 = time.perf_counter()
    subprocess.run([bin, "plugins"], check=True, stdout=subprocess.DEVNULL)
    samples.append((time.perf_counter() - t0) * 1000)
samples.sort()
print(f"{samples[len(samples)//2]:.1f} {samples[0]:.1f} {samples[-1]:.1f}")
PY
read -r p50 pmin pmax < "$work/plugins.txt"
echo "llmbench plugins: median ${p50} ms (min ${pmin}, max ${pmax})"

cat > Benchmarks/results/latest.json <<JSON
{"date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "results": $n, "concurrency": $CONCURRENCY, "rounds": $ROUNDS,
 "llmbench_results_per_s": $ll_rps, "llmbench_peak_rss_kib": $ll_kb,
 "reference_results_per_s": $ref_rps, "reference_peak_rss_mib": $ref_mib,
 "plugins_ms_median": $p50}
JSON
