#!/usr/bin/env bash
# Corpus BLEU over 3,000 segment pairs of realistic length (issue 9): `llmbench score bleu --jsonl F
# --corpus` (release; the whole process: plugin load, every line's sentence BLEU, then the corpus
# figure) next to sacreBLEU 2.6.0's corpus_bleu on the same data in the same run (in-process
# compute only, and the whole `python3` process), and the two scores compared to 1e-9.
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

py_times=()
for _ in $(seq "$ROUNDS"); do
    s=$(date +%s%N)
    "$venv/bin/python" - "$work" > "$work/sacrebleu.json" <<'PY'
import json, sys, time
import sacrebleu
d = json.load(open(sys.argv[1] + "/pairs.json"))
start = time.perf_counter()
b = sacrebleu.corpus_bleu(d["hyps"], [d["refs"]])
compute = time.perf_counter() - start
print(json.dumps({"score": b.score, "compute_ms": compute * 1000}))
PY
    e=$(date +%s%N)
    py_times+=($(( (e - s) / 1000 )))
done
py_ms=$(printf '%s\n' "${py_times[@]}" | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}')

"$venv/bin/python" - "$work" "$llmbench_ms" "$py_ms" "$PAIRS" <<'PY'
import json, sys
work, llmbench_ms, py_ms, pairs = sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), sys.argv[4]
corpus = [json.loads(l) for l in open(work + "/llmbench.jsonl") if '"corpus":true' in l][0]
ref = json.loads(open(work + "/sacrebleu.json").read())
ours = corpus["details"]["score"]
diff = abs(ours - ref["score"])
print(f"{pairs} pairs: llmbench BLEU {ours:.12f}, sacreBLEU {ref['score']:.12f}, |diff| {diff:.1e} ({'same to 1e-9' if diff <= 1e-9 else 'DIFFERENT'})")
print(f"llmbench score --corpus, whole process: {llmbench_ms:.1f} ms (every line's sentence BLEU and the corpus figure)")
print(f"sacreBLEU corpus_bleu, compute only:    {ref['compute_ms']:.1f} ms  -> llmbench is {ref['compute_ms'] / llmbench_ms:.1f}x faster")
print(f"sacreBLEU, whole python3 process:       {py_ms:.1f} ms  -> llmbench is {py_ms / llmbench_ms:.1f}x faster")
sys.exit(0 if diff <= 1e-9 else 1)
PY
