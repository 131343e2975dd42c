"""Figures of one rate-limit benchmark run, from both sides.
Usage: rate_limit_report.py RECORDS.jsonl RESULT.json WALL_S RPM WINDOW_MS  → one JSON line.

Server side (the fake server's records, CLOCK_MONOTONIC): 200s and 429s sent; the achieved rate,
(200s − 1) ÷ (last 200's arrival − first 200's arrival); the most 200s that arrived within any
WINDOW_MS (a sliding window: what a provider counting that way would see).
llmbench side (the JSON report): results, failed and errored ones, the 429 attempts it saw, the
rate from the start of each result's successful attempt (started_at is the first attempt's start;
later attempts start after the earlier ones' latency and waits), and the rate-limit notice."""
import json
import re
import sys

records_path, result_path = sys.argv[1], sys.argv[2]
wall_s, rpm, window_ms = float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])


def per_minute(stamps_s):
    stamps_s = sorted(stamps_s)
    if len(stamps_s) < 2 or stamps_s[-1] == stamps_s[0]:
        return None
    return round((len(stamps_s) - 1) / (stamps_s[-1] - stamps_s[0]) * 60, 1)


statuses = {}
ok_ns = []
for line in open(records_path):
    r = json.loads(line)
    statuses[r["status"]] = statuses.get(r["status"], 0) + 1
    if r["status"] == 200:
        ok_ns.append(r["request_start_ns"])
ok_ns.sort()
window_ns = window_ms * 1_000_000
most_in_window, lo = 0, 0
for hi, t in enumerate(ok_ns):
    while ok_ns[lo] <= t - window_ns:
        lo += 1
    most_in_window = max(most_in_window, hi - lo + 1)

run = json.load(open(result_path))
results = run["results"]
ok_starts = []
seen_429 = 0
for r in results:
    log = r["attempt_log"]
    seen_429 += sum(1 for a in log if (a.get("http") or {}).get("status") == 429)
    if r["status"] == "ok":
        earlier = sum(a["latency_ms"] or 0 for a in log[:-1]) + sum(a["wait_before_ms"] or 0 for a in log)
        ok_starts.append(r["started_at"] + earlier / 1000)
waits = [n for n in run["run"]["notices"] if n.startswith("rate limit:")]
m = re.match(r"rate limit: (\d+) requests to '[^']*' waited ([\d.]+) s", waits[0]) if waits else None

server_rate = per_minute([t / 1e9 for t in ok_ns])
print(json.dumps({
    "results": len(results),
    "ok": sum(r["status"] == "ok" for r in results),
    "failed": sum(not r["passed"] for r in results),
    "errors": sum(r["status"] != "ok" for r in results),
    "server_200": statuses.get(200, 0),
    "server_429": statuses.get(429, 0),
    "server_other": sum(n for s, n in statuses.items() if s not in (200, 429)),
    "llmbench_saw_429": seen_429,
    "server_rate_per_min": server_rate,
    "server_rate_error_pct": round((server_rate / rpm - 1) * 100, 2) if server_rate else None,
    "llmbench_rate_per_min": per_minute(ok_starts),
    "most_200_in_any_window": most_in_window,
    "window_ms": window_ms,
    "limit_per_window": round(rpm * window_ms / 60000),
    "rate_limit_waits": int(m.group(1)) if m else 0,
    "rate_limit_wait_s": float(m.group(2)) if m else 0.0,
    "duration_s": run["run"]["duration_s"],
    "wall_s": wall_s,
}))
