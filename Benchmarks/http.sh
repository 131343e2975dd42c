#!/usr/bin/env bash
# HTTP benchmarks against one local fake OpenAI-compatible server (llmbench-fake-server), with
# llmbench and a reference Python aiohttp client (reference_client.py, written the way vLLM's
# benchmark client is) run side by side in the same script against the same server.
#   bash Benchmarks/http.sh                  # full run (several minutes)
#   QUICK=1 bash Benchmarks/http.sh          # fewer requests
# Writes Benchmarks/results/http-latest.json.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
python3 -c "import aiohttp" 2>/dev/null || python3 -m pip install -q aiohttp
source Benchmarks/fake_server.sh
if [ -n "${QUICK:-}" ]; then SCALE=1; else SCALE=4; fi

llmbench_run() { # requests concurrency model -> prints requests/s; leaves $work/r.json
    python3 Benchmarks/make_http_suite.py "$1" "$base" "$3" "$work/suite.yaml"
    rm -f "$work"/s.sqlite*
    /usr/bin/time -f "%M" -o "$work/rss" "$bin" run "$work/suite.yaml" --store "$work/s.sqlite" --concurrency "$2" \
        --json "$work/r.json" --fail-on never >/dev/null 2>"$work/err" || { cat "$work/err" >&2; exit 1; }
    python3 - "$work/r.json" <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))
ok = sum(r["status"] == "ok" for r in run["results"])
print(round(ok / run["run"]["duration_s"], 1), ok, len(run["results"]))
PY
}

echo "== requests/s: 64 chunks per stream, no delay"
printf "%-12s %16s %16s %8s\n" concurrency llmbench reference ratio
rps_json=""
for c in 1 64 256; do
    n=$(( c == 1 ? 500 * SCALE : 2000 * SCALE ))
    start_server
    read -r ll ok total < <(llmbench_run "$n" "$c" "fake;chunks=64")
    [ "$ok" -eq "$total" ] || { echo "llmbench: only $ok of $total requests succeeded" >&2; exit 1; }
    ref=$(python3 Benchmarks/reference_client.py "$base" "fake;chunks=64" "$n" "$c" "$work/ref.jsonl" | python3 -c "import json,sys; print(json.load(sys.stdin)['requests_per_s'])")
    stop_server
    ratio=$(python3 -c "print(round($ll / $ref, 2))")
    printf "%-12s %16s %16s %8s\n" "$c" "$ll" "$ref" "$ratio"
    rps_json="$rps_json\"$c\": {\"llmbench\": $ll, \"reference\": $ref, \"ratio\": $ratio},"
done

echo "== TTFT error vs the server's stamps: TTFT 50 ms, 10 ms between 64 chunks"
printf "%-12s %22s %22s\n" concurrency "llmbench p50/p99 ms" "reference p50/p99 ms"
ttft_json=""
for c in 1 64 256; do
    n=$(( c == 1 ? 50 * SCALE : c * 2 * SCALE ))
    start_server "$work/records.jsonl"
    llmbench_run "$n" "$c" "fake;ttft=50;gap=10;chunks=64" >/dev/null
    python3 Benchmarks/reference_client.py "$base" "fake;ttft=50;gap=10;chunks=64" "$n" "$c" "$work/ref.jsonl" >/dev/null
    stop_server
    ll=$(python3 Benchmarks/ttft_error.py "$work/records.jsonl" "$work/r.json")
    ref=$(python3 Benchmarks/ttft_error.py "$work/records.jsonl" "$work/ref.jsonl")
    fmt() { python3 -c "import json,sys; d=json.loads(sys.argv[1]); print(f\"{d['p50_ms']}/{d['p99_ms']}\")" "$1"; }
    printf "%-12s %22s %22s\n" "$c" "$(fmt "$ll")" "$(fmt "$ref")"
    ttft_json="$ttft_json\"$c\": {\"llmbench\": $ll, \"reference\": $ref},"
done

echo "== peak memory at 1,024 concurrent streams (TTFT 200 ms, 10 ms between 64 chunks)"
start_server
llmbench_run $((1024 * 2)) 1024 "fake;ttft=200;gap=10;chunks=64" >/dev/null
stop_server
rss_kib=$(cat "$work/rss")
echo "llmbench peak RSS: $(python3 -c "print(round($rss_kib / 1024, 1))") MiB"

echo "== the transport choice (Docs/http.md): raw libcurl, 64 chunks, no delay, concurrency 256"
cc -O2 -o "$work/curl_modes" Benchmarks/curl_modes.c -lcurl -lpthread
start_server
for mode in threads loop handoff; do "$work/curl_modes" "$mode" "$base/chat/completions" "fake;chunks=64" $((2000 * SCALE)) 256; done
stop_server

cat > Benchmarks/results/http-latest.json <<JSON
{"date": "$(date -u +%Y-%m-%dT%H:%M:%SZ)", "scale": $SCALE,
 "requests_per_s": {${rps_json%,}},
 "ttft_error": {${ttft_json%,}},
 "peak_rss_kib_1024_streams": $rss_kib}
JSON
