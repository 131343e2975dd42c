#!/usr/bin/env bash
# Corpus BLEU over 3,000 segment pairs of realistic length (issue 9), next to sacreBLEU 2.6.0 on
# the same data in the same run, the two scores compared to 1e-9:
# 1. the computation in process: Sources/SacreBLEU's corpusScore (Benchmarks/BLEUCompute, release)
#    against sacrebleu.corpus_bleu on data already loaded, in ROUNDS alternating rounds;
# 2. whole processes: `llmbench score bleu --jsonl F --corpus` (plugin load, every line's sentence
#    BLEU through the plugin ABI, then the corpus figure) against `python3` importing sacreBLEU and
#    computing corpus_bleu.
# sacreBLEU goes into a virtualenv of its own under /tmp (PyPI); nothing is installed elsewhere.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="/opt/swift/usr/bin:$PATH"
ROUNDS="${ROUNDS:-5}"
PAIRS="${PAIRS:-3000}"
venv="${BLEU_VENV:-/tmp/llmbench-bleu-venv}"
[ -x "$venv/bin/python" ] || python3 -m venv "$venv"
"$venv/bin/python" -c "import sacrebleu" 2>/dev/null || "$venv/bin/pip" install -q sacrebleu==2.6.0
work="$(mktemp -d /tmp/llmbench-bleu-bench.XXXXXX)"
trap 'rm -rf "$work"' EXIT
swift build -c release --product llmbench >/dev/null
swift build -c release --product LLMBenchBLEU >/dev/null
swift build -c release --product llmbench-plugin-probe >/dev/null
swift build -c release --product bleu-benchmark >/dev/null
bin="$(swift build -c release --show-bin-path)"

# News-like sentences of 15–40 words (numbers with separators, punctuation, a few accents);
# each hypothesis is its reference with seeded substitutions, drops and swaps.
"$venv/bin/python" - "$work" "$PAIRS" <<'PY'
import json, random, sys
random.seed(2026)
out, pairs = sys.argv[1], int(sys.argv[2])
words = ("the a of to and in for on with that by from at as is was were be been has have said "
         "government minister company market report year percent million billion people city "
         "president officials police court week month price prices oil shares bank growth "
         "economy election vote law state union talks security health school water energy "
         "café naïve résumé Zürich São Paulo Köln").split()
def sentence():
    n = random.randint(15, 40)
    toks = []
    for _ in range(n):
        r = random.random()
        if r < 0.06: toks.append(f"{random.randint(1, 999)},{random.randint(0, 999):03d}")
        elif r < 0.09: toks.append(f"{random.randint(0, 99)}.{random.randint(0, 9)}%")
        else: toks.append(random.choice(words))
    text = " ".join(toks)
    return text[0].upper() + text[1:] + random.choice([".", ".", "?", "!"])
def mutate(ref):
    toks = ref.split()
    for i in range(len(toks)):
        r = random.random()
        if r < 0.12: toks[i] = random.choice(words)
        elif r < 0.16: toks[i] = ""
        elif r < 0.19 and i + 1 < len(toks): toks[i], toks[i + 1] = toks[i + 1], toks[i]
    return " ".join(t for t in toks if t)
refs = [sentence() for _ in range(pairs)]
hyps = [mutate(r) for r in refs]
with open(f"{out}/pairs.jsonl", "w") as f:
    for h, r in zip(hyps, refs):
        f.write(json.dumps({"output": h, "expected": [r]}, ensure_ascii=False) + "\n")
json.dump({"hyps": hyps, "refs": refs}, open(f"{out}/pairs.json", "w"), ensure_ascii=False)
PY

times=()
for _ in $(seq "$ROUNDS"); do
    s=$(date +%s%N)
    "$bin/llmbench" score bleu --jsonl "$work/pairs.jsonl" --corpus --plugins "$bin" > "$work/llmbench.jsonl"
    e=$(date +%s%N)
    times+=($(( (e - s) / 1000 )))
done
llmbench_ms=$(printf '%s\n' "${times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}')

# Alternating, so that a slower minute of a shared machine falls on both: each round times the
# library 3 times and sacreBLEU 3 times (best of each), and the ratio is taken per round.
cat > "$work/sacrebleu_compute.py" <<'PY'
import json, sys, time
import sacrebleu
d = json.load(open(sys.argv[1] + "/pairs.json"))
times = []
for _ in range(3):
    start = time.perf_counter()
    b = sacrebleu.corpus_bleu(d["hyps"], [d["refs"]])
    times.append((time.perf_counter() - start) * 1000)
print(json.dumps({"score": b.score, "best_ms": min(times)}))
PY
: > "$work/compute.tsv"
for _ in $(seq "$ROUNDS"); do
    ours=$(ROUNDS=3 "$bin/bleu-benchmark" "$work/pairs.json")
    theirs=$("$venv/bin/python" "$work/sacrebleu_compute.py" "$work")
    printf '%s\t%s\n' "$ours" "$theirs" >> "$work/compute.tsv"
done

py_times=()
for _ in $(seq "$ROUNDS"); do
    s=$(date +%s%N)
    "$venv/bin/python" -c "import json, sys, sacrebleu
d = json.load(open(sys.argv[1] + '/pairs.json'))
print(sacrebleu.corpus_bleu(d['hyps'], [d['refs']]).score)" "$work" > /dev/null
    e=$(date +%s%N)
    py_times+=($(( (e - s) / 1000 )))
done
py_ms=$(printf '%s\n' "${py_times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}')

"$venv/bin/python" - "$work" "$llmbench_ms" "$py_ms" "$PAIRS" <<'PY'
import json, statistics, sys
work, llmbench_ms, py_ms, pairs = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
rounds = []
for line in open(work + "/compute.tsv"):
    score, best, _median, theirs = line.rstrip("\n").split("\t")
    rounds.append((float(score), float(best), json.loads(theirs)))
corpus = [json.loads(l) for l in open(work + "/llmbench.jsonl") if '"corpus":true' in l][0]
reference = rounds[0][2]["score"]
plugin = corpus["details"]["score"]
worst = max([abs(plugin - reference)] + [abs(r[0] - r[2]["score"]) for r in rounds])
ours = statistics.median(r[1] for r in rounds)
theirs = statistics.median(r[2]["best_ms"] for r in rounds)
ratios = sorted(r[2]["best_ms"] / r[1] for r in rounds)
print(f"{pairs} pairs: sacreBLEU {reference:.12f}; llmbench score --corpus {plugin:.12f}; SacreBLEU library {rounds[0][0]:.12f}")
print(f"largest |difference| {worst:.1e} ({'same to 1e-9' if worst <= 1e-9 else 'DIFFERENT'})")
print(f"compute in process, {len(rounds)} alternating rounds (best of 3 each), medians: SacreBLEU library {ours:.1f} ms, "
      f"sacrebleu.corpus_bleu {theirs:.1f} ms; ratio per round median {statistics.median(ratios):.1f}x (range {ratios[0]:.1f}-{ratios[-1]:.1f})")
print(f"whole process, median: llmbench score --jsonl --corpus {llmbench_ms:.1f} ms, python3 + sacreBLEU {py_ms:.1f} ms: "
      f"{py_ms / llmbench_ms:.1f}x faster")
sys.exit(0 if worst <= 1e-9 else 1)
PY
