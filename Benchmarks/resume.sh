#!/usr/bin/env bash
# Resume benchmark: a run of TESTS x REPEATS results (default 1,000 x 100 = 100,000) on an openai
# provider at llmbench-fake-server (`fake;ttft=0`) is stopped at about half its results (STOP=int:
# SIGINT, as Ctrl-C stops it; STOP=kill: SIGKILL), then `llmbench run --resume last` is timed from
# its launch to the first request the fake server reads. Launches are stamped with CLOCK_MONOTONIC
# in the process that then execs llmbench (stamped_launch.py); the server's records use the same
# clock. A fresh server on the same port serves the resume, so its first record is the first new
# request. The fresh run's own time to its first request is reported beside it.
# Target: time to the first new request <= 1 s. ROUNDS fresh half-done runs; medians are reported.
#   bash Benchmarks/resume.sh                      # 3 rounds, 1,000 tests x 100 repeats, SIGINT
#   STOP=kill ROUNDS=1 TESTS=100000 REPEATS=1 CONCURRENCY=8 bash Benchmarks/resume.sh
# Writes Benchmarks/results/resume-latest.json; exits 1 when the target or a store check fails.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
TESTS=${TESTS:-1000}; REPEATS=${REPEATS:-100}; ROUNDS=${ROUNDS:-3}; STOP=${STOP:-int}; CONCURRENCY=${CONCURRENCY:-8}
case "$STOP" in int) signal=INT ;; kill) signal=KILL ;; *) echo "STOP is int or kill" >&2; exit 2 ;; esac
planned=$((TESTS * REPEATS)); half=$((planned / 2))
source Benchmarks/fake_server.sh
run_pid=""; launcher_pid=""
# The interrupted run too, before the server and the folder.
stop_all() { [ -n "$run_pid" ] && kill "$run_pid" 2>/dev/null && wait "$launcher_pid" 2>/dev/null; cleanup; }
trap stop_all EXIT
store="$work/s.sqlite"
count() { sqlite3 "$store" "SELECT count(*) FROM results" 2>/dev/null || echo 0; }

echo "== resume: $TESTS tests x $REPEATS repeats = $planned results, stopped by SIG$signal at about $half, concurrency $CONCURRENCY"
: > "$work/rounds.jsonl"
for round in $(seq "$ROUNDS"); do
    start_server "$work/first.jsonl"
    python3 Benchmarks/make_http_suite.py "$TESTS" "$base" "fake;ttft=0" "$work/suite.yaml" --repeat "$REPEATS"
    rm -f "$store"* "$work"/launch-*.txt
    python3 Benchmarks/stamped_launch.py "$work/launch-first.txt" "$work/first.err" "$bin" run "$work/suite.yaml" --store "$store" \
        --concurrency "$CONCURRENCY" --fail-on never --quiet &
    launcher_pid=$!
    until [ -s "$work/launch-first.txt" ]; do sleep 0.01; done
    read -r run_pid _ < "$work/launch-first.txt"
    until [ "$(count)" -ge "$half" ]; do
        kill -0 "$run_pid" 2>/dev/null || { cat "$work/first.err" >&2; echo "the run ended before half its results" >&2; exit 1; }
        sleep 0.05
    done
    kill -s "$signal" "$run_pid"
    wait "$launcher_pid" 2>/dev/null || true
    run_pid=""; launcher_pid=""
    stop_server
    stopped_at=$(count)
    cancelled=$(sqlite3 "$store" "SELECT count(*) FROM results WHERE error_kind = 'cancelled'")

    start_server "$work/resume.jsonl" "$port"
    python3 Benchmarks/stamped_launch.py "$work/launch-resume.txt" "$work/resume.err" "$bin" run --resume last --store "$store" \
        --concurrency "$CONCURRENCY" --fail-on never --quiet || { cat "$work/resume.err" >&2; echo "the resume failed" >&2; exit 1; }
    stop_server
    python3 Benchmarks/resume_report.py "$work" "$stopped_at" "$cancelled" "$store" "$planned" >> "$work/rounds.jsonl"
    tail -1 "$work/rounds.jsonl" | python3 -c "
import json, sys; r = json.load(sys.stdin)
print(f\"round $round: the fresh run's first request {r['fresh_first_request_ms']} ms after launch; stopped at {r['stopped_at']} results \"
      f\"({r['cancelled_in_flight']} in flight stored as cancelled)\")
print(f\"   resume: first new request {r['first_request_ms']} ms after launch; {r['resume_wall_s']} s in all, {r['requests']} requests, \"
      f\"{r['added']} results added; store: {r['stored']} results, {r['distinct']} distinct items, {r['ok']} ok\")"
done

failed=0
python3 - "$work/rounds.jsonl" "$STOP" "$TESTS" "$REPEATS" "$CONCURRENCY" > "$work/summary.json" <<'PY'
import json, statistics, sys
rounds = [json.loads(line) for line in open(sys.argv[1])]
median = lambda key: round(statistics.median(r[key] for r in rounds), 2)
print(json.dumps({"stop": sys.argv[2], "tests": int(sys.argv[3]), "repeats": int(sys.argv[4]), "concurrency": int(sys.argv[5]),
                  "first_request_ms_median": median("first_request_ms"), "fresh_first_request_ms_median": median("fresh_first_request_ms"),
                  "resume_wall_s_median": median("resume_wall_s"), "stores_ok": all(r["store_ok"] for r in rounds), "rounds": rounds}))
PY
python3 - "$work/summary.json" <<'PY' || failed=1
import json, sys
s = json.load(open(sys.argv[1]))
on_time = s["first_request_ms_median"] <= 1000
print(f"time to the first new request: median {s['first_request_ms_median']} ms over {len(s['rounds'])} rounds "
      f"(target <= 1000 ms: {'met' if on_time else 'MISSED'}); a fresh run of the same suite: median {s['fresh_first_request_ms_median']} ms")
print(f"resume wall time: median {s['resume_wall_s_median']} s; "
      f"every store holds one result per planned item: {'yes' if s['stores_ok'] else 'NO'}")
sys.exit(0 if on_time and s["stores_ok"] else 1)
PY
{ printf '{"date": "%s", ' "$(date -u +%Y-%m-%dT%H:%M:%SZ)"; tail -c +2 "$work/summary.json"; } > Benchmarks/results/resume-latest.json
exit "$failed"
