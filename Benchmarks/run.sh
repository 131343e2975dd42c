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

bash scripts/build.sh release >/dev/null
bin=.build/release/llmbench
python3 Benchmarks/make_suite.py "$TESTS" "$REPEATS" "$work/suite.yaml"
n=$((TESTS * REPEATS))

median() { sort -n | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

echo "== engine overhead: $n results (plan -> mock at zero latency -> exact_match -> SQLite commit -> summary), concurrency $CONCURRENCY"
echo "   each round: llmbench run, llmbench run --json FILE, llmbench report --format json (the stored run), and the reference with and without its JSON file"
for f in llmbench llmbench_json report reference reference_json; do : > "$work/$f.txt"; done
# Runs "$@" under /usr/bin/time and appends "seconds peak-KiB" to $1's file.
timed() {
    local out=$1; shift
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@"
    cat "$work/time.txt" >> "$work/$out.txt"
}
stored() {
    local count
    count=$(sqlite3 "$work/r.sqlite" "SELECT count(*) FROM results")
    [ "$count" -eq "$n" ] || { echo "llmbench stored $count of $n results" >&2; exit 1; }
}
# The JSON document ends with the run's counts: "done" must be every result.
json_done() {
    tail -c 65536 "$1" | grep -q "\"done\":$n," || { echo "$1 does not report $n results done" >&2; exit 1; }
}
for round in $(seq "$ROUNDS"); do
    rm -f "$work"/r.sqlite*
    timed llmbench "$bin" run "$work/suite.yaml" --store "$work/r.sqlite" --concurrency "$CONCURRENCY" --fail-on never >/dev/null 2>&1
    stored
    rm -f "$work"/r.sqlite* "$work/run.json"
    timed llmbench_json "$bin" run "$work/suite.yaml" --store "$work/r.sqlite" --concurrency "$CONCURRENCY" --fail-on never \
        --json "$work/run.json" >/dev/null 2>&1
    stored
    json_done "$work/run.json"
    timed report "$bin" report --last --store "$work/r.sqlite" --format json --output "$work/report.json"
    cmp -s "$work/run.json" "$work/report.json" || { echo "report --format json differs from run --json" >&2; exit 1; }
    rm -f "$work"/ref.sqlite*
    python3 Benchmarks/reference_engine.py "$TESTS" "$REPEATS" "$work/ref.sqlite" >> "$work/reference.txt"
    rm -f "$work"/ref.sqlite*
    python3 Benchmarks/reference_engine.py "$TESTS" "$REPEATS" "$work/ref.sqlite" "$work/ref.json" >> "$work/reference_json.txt"
done
# results/s from the median wall time, and the highest peak RSS of the rounds, for one file of "seconds KiB" lines.
rate() { python3 -c "print(round($n / $(cut -d' ' -f1 "$work/$1.txt" | median)))"; }
peak() { python3 -c "print(round($(cut -d' ' -f2 "$work/$1.txt" | sort -n | tail -1) / 1024, 1))"; }
seconds() { cut -d' ' -f1 "$work/$1.txt" | median; }
ref_rate() { python3 -c "import json; v=sorted(json.loads(l)['results_per_s'] for l in open('$work/$1.txt')); print(v[len(v)//2])"; }
ref_peak() { python3 -c "import json; print(max(json.loads(l)['peak_rss_mib'] for l in open('$work/$1.txt')))"; }
ll_rps=$(rate llmbench); ll_mib=$(peak llmbench)
llj_rps=$(rate llmbench_json); llj_mib=$(peak llmbench_json)
rep_s=$(seconds report); rep_mib=$(peak report)
ref_rps=$(ref_rate reference); ref_mib=$(ref_peak reference)
refj_rps=$(ref_rate reference_json); refj_mib=$(ref_peak reference_json)
printf "%-44s %14s %14s\n" "" "results/s" "peak RSS MiB"
printf "%-44s %14s %14s\n" "llmbench run (whole process)" "$ll_rps" "$ll_mib"
printf "%-44s %14s %14s\n" "llmbench run --json FILE" "$llj_rps" "$llj_mib"
printf "%-44s %14s %14s\n" "llmbench report --format json (stored run)" "${rep_s} s" "$rep_mib"
printf "%-44s %14s %14s\n" "reference (Python loop, in-process)" "$ref_rps" "$ref_mib"
printf "%-44s %14s %14s\n" "reference writing its JSON file" "$refj_rps" "$refj_mib"

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
 "llmbench_results_per_s": $ll_rps, "llmbench_peak_rss_mib": $ll_mib,
 "llmbench_json_results_per_s": $llj_rps, "llmbench_json_peak_rss_mib": $llj_mib,
 "report_json_seconds": $rep_s, "report_json_peak_rss_mib": $rep_mib,
 "reference_results_per_s": $ref_rps, "reference_peak_rss_mib": $ref_mib,
 "reference_json_results_per_s": $refj_rps, "reference_json_peak_rss_mib": $refj_mib,
 "plugins_ms_median": $p50}
JSON
