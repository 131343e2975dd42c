#!/usr/bin/env bash
# Client CPU per streamed request: the fake OpenAI server pinned to core 0, each client pinned to
# core 1, REQUESTS streamed requests of 64 chunks at CONCURRENCY; CPU = the client process's user +
# system seconds (GNU time) ÷ requests. Side by side in one run: llmbench (this checkout), the same
# with BASE_BIN (another build, e.g. the commit before a change), the aiohttp reference client and a
# bare C libcurl-multi client (curl_modes.c, `loop` mode).
#   bash Benchmarks/client-cpu.sh
#   BASE_BIN=/path/to/old/.build/release/llmbench ROUNDS=5 bash Benchmarks/client-cpu.sh
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
REQUESTS=${REQUESTS:-2000}; CONCURRENCY=${CONCURRENCY:-8}; ROUNDS=${ROUNDS:-3}
python3 -c "import aiohttp" 2>/dev/null || python3 -m pip install -q aiohttp
source Benchmarks/fake_server.sh
cc -O2 -o "$work/curl_modes" Benchmarks/curl_modes.c -lcurl -lpthread
model="fake;chunks=64"
server_cpu=0
start_server
python3 Benchmarks/make_http_suite.py "$REQUESTS" "$base" "$model" "$work/suite.yaml"

# cpu_us NAME COMMAND...: one round, prints CPU µs per request.
cpu_us() {
    local name=$1; shift
    /usr/bin/time -f "%U %S" -o "$work/time.txt" taskset -c 1 "$@" > "$work/out.txt" 2> "$work/err.txt" || {
        cat "$work/err.txt" >&2; echo "$name failed" >&2; exit 1; }
    python3 -c "u, s = map(float, open('$work/time.txt').read().split()); print(round((u + s) / $REQUESTS * 1e6))"
}

declare -A samples
clients="llmbench reference curl"
[ -n "${BASE_BIN:-}" ] && clients="llmbench base reference curl"
for round in $(seq "$ROUNDS"); do
    for client in $clients; do
        rm -f "$work"/r.sqlite*
        case $client in
            llmbench) v=$(cpu_us llmbench "$bin" run "$work/suite.yaml" --store "$work/r.sqlite" --concurrency "$CONCURRENCY" --fail-on never --quiet) ;;
            base) v=$(cpu_us base "$BASE_BIN" run "$work/suite.yaml" --store "$work/r.sqlite" --concurrency "$CONCURRENCY" --fail-on never) ;;
            reference) v=$(cpu_us reference python3 Benchmarks/reference_client.py "$base" "$model" "$REQUESTS" "$CONCURRENCY" "$work/ref.jsonl") ;;
            curl) v=$(cpu_us curl "$work/curl_modes" loop "$base/chat/completions" "$model" "$REQUESTS" "$CONCURRENCY") ;;
        esac
        samples[$client]="${samples[$client]:-} $v"
    done
done
echo "== client CPU per streamed request (64 chunks, concurrency $CONCURRENCY, $REQUESTS requests, $ROUNDS rounds; server on core 0, client on core 1)"
for client in $clients; do
    echo "$client ${samples[$client]}" | python3 -c "
import sys; name, *v = sys.stdin.read().split(); v = sorted(map(int, v))
print(f'{name:10s} median {v[len(v)//2]:5d} µs   (rounds: {\" \".join(map(str, v))})')"
done
