"""Reference for the engine-overhead benchmark: the same path written the way Python evaluation
harnesses do it (lm-evaluation-harness and promptfoo-style loops): for each test x repeat, a
simulated zero-latency answer (same seeded wrong-answer rate), SQuAD-normalized exact match, one
SQLite row committed per result in WAL mode with synchronous=NORMAL, then the same summary
(mean, p50/p95/p99 of latency per provider and per category). Single process, as those tools run.

With JSON_PATH it also writes every result and the summary to a JSON file at the end, as those
harnesses write their report: from the list of results kept in memory (json.dump).

Usage: reference_engine.py TESTS REPEATS DB_PATH [JSON_PATH]  → prints results/s and peak RSS.
"""
import json
import random
import re
import resource
import sqlite3
import statistics
import string
import sys
import time

tests, repeats, db_path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
json_path = sys.argv[4] if len(sys.argv) > 4 else None
punct = set(string.punctuation)


def normalize(s):
    s = "".join(ch for ch in s.lower() if ch not in punct)
    return " ".join(re.sub(r"\b(a|an|the)\b", " ", s).split())


db = sqlite3.connect(db_path, isolation_level=None)
db.execute("PRAGMA journal_mode=WAL")
db.execute("PRAGMA synchronous=NORMAL")
db.execute("CREATE TABLE results (seq INTEGER PRIMARY KEY, test TEXT, category TEXT, latency_ms REAL, passed INTEGER, data TEXT)")
rng = random.Random(1)
start = time.perf_counter()
latencies, by_category, seq, rows = [], {}, 0, []
for t in range(tests):
    expected = f"The answer {t}"
    for r in range(repeats):
        t0 = time.perf_counter()
        output = "I am not sure." if rng.random() < 0.1 else expected
        latency = (time.perf_counter() - t0) * 1000
        passed = normalize(output) == normalize(expected)
        row = {"test": f"t{t}", "category": f"c{t % 5}", "output": output, "latency_ms": latency, "passed": passed,
               "scores": [{"scorer": "exact_match", "value": 1.0 if passed else 0.0}]}
        db.execute("BEGIN")
        db.execute("INSERT INTO results VALUES (?, ?, ?, ?, ?, ?)", (seq, row["test"], row["category"], latency, passed, json.dumps(row)))
        db.execute("COMMIT")
        seq += 1
        latencies.append(latency)
        by_category.setdefault(row["category"], []).append(latency)
        if json_path:
            rows.append(row)
summary = []
for values in [latencies] + list(by_category.values()):
    q = statistics.quantiles(values, n=100, method="inclusive")
    summary.append({"mean": statistics.mean(values), "p50": q[49], "p95": q[94], "p99": q[98]})
if json_path:
    with open(json_path, "w") as f:
        json.dump({"results": rows, "summary": summary}, f, sort_keys=True)
elapsed = time.perf_counter() - start
print(json.dumps({"results": seq, "seconds": round(elapsed, 3), "results_per_s": round(seq / elapsed),
                  "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}))
