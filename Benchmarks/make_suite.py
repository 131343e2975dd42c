"""Writes an engine-overhead suite: TESTS tests x REPEATS repeats on one zero-latency Mock provider,
scored by exact_match, so the run measures LLMBench's own path and nothing else."""
import sys

tests, repeats, path = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
with open(path, "w") as f:
    f.write("version: 1\nname: engine-overhead\nproviders:\n")
    f.write("  - {id: mock, plugin: mock, model: mock-small, options: {mode: expected, wrong_rate: 0.1, seed: 1}}\n")
    f.write(f"defaults:\n  repeat: {repeats}\n  scorers: [{{scorer: exact_match, threshold: 1, options: {{mode: normalized}}}}]\n")
    f.write("tests:\n")
    for i in range(tests):
        f.write(f"  - {{name: t{i}, category: c{i % 5}, prompt: \"Question {i}: what is the answer?\", expected: \"The answer {i}\"}}\n")
