"""TTFT error against the fake server's own stamps (same CLOCK_MONOTONIC):
client TTFT − server TTFT, where server TTFT = first content written − request's first byte read.
Usage: ttft_error.py RECORDS.jsonl (llmbench RESULT.json | reference CLIENT.jsonl)"""
import json
import sys

records = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    records[r["prompt"]] = r
errors = []
if sys.argv[2].endswith(".json"):
    run = json.load(open(sys.argv[2]))
    for r in run["results"]:
        rec = records.get("bench request " + r["test"][1:])
        if rec and r["ttft_ms"] is not None and rec["first_content_ns"]:
            errors.append(r["ttft_ms"] - (rec["first_content_ns"] - rec["request_start_ns"]) / 1e6)
else:
    for line in open(sys.argv[2]):
        r = json.loads(line)
        rec = records.get(r["prompt"])
        if rec and r["ttft_ms"] is not None and rec["first_content_ns"]:
            errors.append(r["ttft_ms"] - (rec["first_content_ns"] - rec["request_start_ns"]) / 1e6)
errors.sort()


def pct(p):
    h = (len(errors) - 1) * p / 100
    lo = int(h)
    hi = min(lo + 1, len(errors) - 1)
    return errors[lo] + (h - lo) * (errors[hi] - errors[lo])


print(json.dumps({"n": len(errors), "p50_ms": round(pct(50), 3), "p99_ms": round(pct(99), 3), "max_ms": round(errors[-1], 3)}))
