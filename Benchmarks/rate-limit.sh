#!/usr/bin/env bash
# Rate-limit benchmark: REQUESTS requests to llmbench-fake-server, which answers 429 (with
# retry-after-ms and Retry-After) beyond RPM requests a minute, counted in fixed windows of
# WINDOW_MS (RPM x WINDOW_MS / 60000 requests each). Two variants, each against a fresh server:
#   rpm       the provider has `rate_limit: {rpm: RPM}` (requests evenly spaced by the scheduler)
#   adaptive  no limit configured: 429s halve the provider's concurrency and Retry-After pauses it
# Targets: no failed test; achieved rate (server side) within 5 % of RPM with the limit configured
# (the adaptive variant's rate is reported, and checked for no failed test only).
#   bash Benchmarks/rate-limit.sh            # 10,000 requests at 600/min, 60 s windows (~17 min a variant)
#   QUICK=1 bash Benchmarks/rate-limit.sh    # 600 requests at 600/min, 10 s windows (~1 min a variant)
#   VARIANTS=rpm REQUESTS=1200 RPM=600 WINDOW_MS=10000 CONCURRENCY=4 bash Benchmarks/rate-limit.sh
# Writes Benchmarks/results/rate-limit-latest.json; exits 1 when a target is missed.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
if [ -n "${QUICK:-}" ]; then REQUESTS=${REQUESTS:-600}; WINDOW_MS=${WINDOW_MS:-10000}; fi
REQUESTS=${REQUESTS:-10000}; RPM=${RPM:-600}; WINDOW_MS=${WINDOW_MS:-60000}
VARIANTS=${VARIANTS:-rpm adaptive}; CONCURRENCY=${CONCURRENCY:-4}
LIMIT=$((RPM * WINDOW_MS / 60000))
[ $((LIMIT * 60000)) -eq $((RPM * WINDOW_MS)) ] && [ "$LIMIT" -ge 1 ] ||
    { echo "RPM x WINDOW_MS / 60000 must be a whole number >= 1 (the requests a window lets through)" >&2; exit 2; }
source Benchmarks/fake_server.sh

echo "== $REQUESTS requests, server limit $LIMIT per ${WINDOW_MS} ms window ($RPM/min), concurrency $CONCURRENCY"
missed=0
figures=""
for variant in $VARIANTS; do
    case "$variant" in
        rpm) keys="rate_limit: {rpm: $RPM}" ;;
        adaptive) keys="" ;;
        *) echo "unknown variant '$variant' (rpm, adaptive)" >&2; exit 2 ;;
    esac
    start_server "$work/records.jsonl"
    python3 Benchmarks/make_http_suite.py "$REQUESTS" "$base" "fake;limit=$LIMIT;window_ms=$WINDOW_MS" "$work/suite.yaml" --provider-keys "$keys"
    rm -f "$work"/s.sqlite*
    t0=$(date +%s.%N)
    "$bin" run "$work/suite.yaml" --store "$work/s.sqlite" --concurrency "$CONCURRENCY" --json "$work/r.json" \
        --fail-on never --quiet >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    t1=$(date +%s.%N)
    stop_server
    wall=$(python3 -c "print(round($t1 - $t0, 2))")
    python3 Benchmarks/rate_limit_report.py "$work/records.jsonl" "$work/r.json" "$wall" "$RPM" "$WINDOW_MS" > "$work/figures.json"
    python3 - "$variant" "$work/figures.json" <<'PY' || missed=1
import json, sys
variant, f = sys.argv[1], json.load(open(sys.argv[2]))
print(f"-- {variant}: {f['results']} results, {f['failed']} failed ({f['errors']} errors); wall {f['wall_s']} s (run {f['duration_s']} s)")
print(f"   achieved rate: {f['server_rate_per_min']}/min at the server ({f['server_rate_error_pct']:+} % of the limit), "
      f"{f['llmbench_rate_per_min']}/min from llmbench's results")
print(f"   server sent {f['server_200']} 200s, {f['server_429']} 429s, {f['server_other']} others; llmbench saw {f['llmbench_saw_429']} 429s")
print(f"   rate-limit waits: {f['rate_limit_waits']} requests, {f['rate_limit_wait_s']} s in all; "
      f"most 200s within any {f['window_ms']} ms: {f['most_200_in_any_window']} (limit {f['limit_per_window']} per fixed window)")
no_failure = f["failed"] == 0 and f["results"] == f["ok"]
on_rate = f["server_rate_error_pct"] is not None and abs(f["server_rate_error_pct"]) <= 5
print(f"   targets: no failed test {'met' if no_failure else 'MISSED'}; rate within 5 % {'met' if on_rate else 'missed'}"
      + ("" if variant == "rpm" else " (not a target here: a client that bursts at each window's start gets k + 1 windows'"
         " requests in k windows' time, so first-to-last overstates its long-run rate by one window in k)"))
sys.exit(0 if no_failure and (on_rate or variant != "rpm") else 1)
PY
    figures="$figures\"$variant\": $(cat "$work/figures.json"),"
done

cat > Benchmarks/results/rate-limit-latest.json <<JSON
{"date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "requests": $REQUESTS, "rpm": $RPM, "window_ms": $WINDOW_MS, "concurrency": $CONCURRENCY,
 "variants": {${figures%,}}}
JSON
exit "$missed"
