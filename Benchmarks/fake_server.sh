# Sourced by the HTTP benchmarks, from the repository's root: builds release, sets $bin (llmbench),
# $fake (llmbench-fake-server) and $work (a temporary folder removed on exit, with the server
# stopped), and runs the fake server (OpenAI API) with its stdin on a FIFO in $work, so that
# closing fd 9 stops it (and makes it write its records).
#   start_server [RECORDS_FILE [PORT]]   sets server_pid, port and base (the provider's base_url);
#                                        pinned to core $server_cpu when that is set
#   stop_server                          stops it and waits: the records file is complete after it
bash scripts/build.sh release >/dev/null
swift build -c release --product llmbench-fake-server >/dev/null
bin=$PWD/.build/release/llmbench
fake=$PWD/.build/release/llmbench-fake-server
work=$(mktemp -d)
server_pid=""
cleanup() { [ -n "$server_pid" ] && kill "$server_pid" 2>/dev/null; exec 9>&- 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p Benchmarks/results
start_server() {
    rm -f "$work/fifo" "$work/port" ${1:+"$1"}; mkfifo "$work/fifo"
    ${server_cpu:+taskset -c "$server_cpu"} "$fake" --api openai ${1:+--records "$1"} ${2:+--port "$2"} < "$work/fifo" > "$work/port" &
    server_pid=$!
    exec 9> "$work/fifo"
    for _ in $(seq 100); do grep -q listening "$work/port" 2>/dev/null && break; sleep 0.05; done
    port=$(awk '{print $2}' "$work/port")
    [ -n "$port" ] || { echo "llmbench-fake-server did not start" >&2; exit 1; }
    base="http://127.0.0.1:$port/v1"
}
stop_server() { exec 9>&-; wait "$server_pid" 2>/dev/null || true; server_pid=""; }
