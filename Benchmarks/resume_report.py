"""Figures of one round of the resume benchmark → one JSON line.
Usage: resume_report.py WORK STOPPED_AT CANCELLED STORE PLANNED
WORK holds first.jsonl and resume.jsonl (the fake server's records of the first run and of the
resume, CLOCK_MONOTONIC) and launch-first.txt and launch-resume.txt (stamped_launch.py's stamps)."""
import json
import sqlite3
import sys

work, before, cancelled, store, planned = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], int(sys.argv[5])


def first_request(records, launch_file):
    """Milliseconds from the launch to the first request the server read, the requests, the stamps."""
    lines = open(launch_file).read().split("\n")
    launch = int(lines[0].split()[1])
    end = int(lines[1].split()[0]) if len(lines) > 1 and lines[1] else None
    starts = [json.loads(line)["request_start_ns"] for line in open(records)]
    return (round((min(starts) - launch) / 1e6, 1) if starts else None), len(starts), launch, end


fresh_ms, _, _, _ = first_request(f"{work}/first.jsonl", f"{work}/launch-first.txt")
resume_ms, requests, launch, end = first_request(f"{work}/resume.jsonl", f"{work}/launch-resume.txt")
db = sqlite3.connect(store)
stored, distinct, ok = db.execute(
    "SELECT count(*), count(DISTINCT test || char(0) || provider || char(0) || repeat_index), sum(status = 'ok') FROM results"
).fetchone()
print(json.dumps({
    "stopped_at": before,
    "cancelled_in_flight": cancelled,
    "fresh_first_request_ms": fresh_ms,
    "first_request_ms": resume_ms,
    "resume_wall_s": round((end - launch) / 1e9, 2),
    "requests": requests,
    "added": stored - before,
    "stored": stored,
    "distinct": distinct,
    "ok": ok,
    "store_ok": stored == planned and distinct == planned,
}))
