"""Reference answers for LLMBench's inference statistics (Sources/LLMBenchCore/Statistics/Inference.swift),
computed with scipy and statsmodels themselves. Run from this folder:

    python3 -m venv /tmp/stats-venv && /tmp/stats-venv/bin/pip install numpy==2.3.5 scipy==1.16.3 statsmodels==0.14.5
    /tmp/stats-venv/bin/python generate.py > cases.json

The tests read cases.json only; they need no Python.
"""
import json
import random

import numpy
import scipy
import scipy.stats
import statsmodels
from statsmodels.stats.contingency_tables import mcnemar

random.seed(20261202)
cases = {"generated_with": {"numpy": numpy.__version__, "scipy": scipy.__version__, "statsmodels": statsmodels.__version__}}

# Wilson intervals: edges (0 and n successes, n = 1) and a spread of counts, at three confidences.
wilson = []
for n in [1, 2, 3, 5, 10, 20, 37, 100, 1000, 12345]:
    for k in sorted({0, 1, n // 3, n // 2, n - 1, n} & set(range(n + 1))):
        for confidence in [0.9, 0.95, 0.99]:
            ci = scipy.stats.binomtest(k, n).proportion_ci(confidence_level=confidence, method="wilson")
            wilson.append({"k": k, "n": n, "confidence": confidence, "lower": ci.low, "upper": ci.high})
cases["wilson"] = wilson

# t intervals of a mean: small and large samples, skewed, constant-free.
means = []
for size in [2, 3, 5, 8, 30, 200]:
    for shape in ["uniform", "skewed", "scores"]:
        if shape == "uniform":
            values = [random.random() for _ in range(size)]
        elif shape == "skewed":
            values = [random.expovariate(1 / 800) for _ in range(size)]
        else:
            values = [random.choice([0.0, 0.25, 0.5, 1.0]) for _ in range(size)]
        if len(set(values)) == 1:
            values[0] += 0.5
        for confidence in [0.9, 0.95, 0.99]:
            mean = float(numpy.mean(values))
            low, high = scipy.stats.t.interval(confidence, len(values) - 1, loc=mean, scale=scipy.stats.sem(values))
            means.append({"values": values, "confidence": confidence, "mean": mean, "lower": float(low), "upper": float(high)})
cases["mean_intervals"] = means

# Quantiles of the normal and t distributions.
cases["normal_quantiles"] = [{"p": p, "x": float(scipy.stats.norm.ppf(p))}
                             for p in [1e-12, 1e-6, 0.001, 0.025, 0.05, 0.1, 0.3, 0.5, 0.7, 0.9, 0.95, 0.975, 0.995, 0.999999]]
cases["t_quantiles"] = [{"p": p, "df": df, "x": float(scipy.stats.t.ppf(p, df))}
                        for df in [1, 2, 3, 4, 7, 10, 29, 100, 1000] for p in [0.005, 0.025, 0.05, 0.2, 0.5, 0.8, 0.95, 0.975, 0.995]]
cases["t_cdf"] = [{"t": t, "df": df, "p": float(scipy.stats.t.cdf(t, df))}
                  for df in [1, 2, 5, 30, 500] for t in [-40.0, -3.5, -1.0, -0.1, 0.0, 0.3, 2.0, 12.0]]

# McNemar: statsmodels, exact below 25 discordant pairs, chi-square with continuity correction from 25.
mc = []
for b in [0, 1, 2, 3, 5, 8, 12, 20, 24, 30, 60, 200]:
    for c in [0, 1, 4, 10, 13, 25, 90]:
        exact = b + c < 25
        result = mcnemar([[50, b], [c, 50]], exact=exact, correction=True)
        p = 1.0 if b + c == 0 else float(result.pvalue)
        mc.append({"only_a": b, "only_b": c, "exact": exact, "p": p})
cases["mcnemar"] = mc

# Paired bootstrap, as Inference.pairedBootstrap specifies it: SplitMix64 draws (index = draw mod n),
# numpy's linear percentile of the resampled means, the shift-method p floored at 1/(B+1).
MASK = (1 << 64) - 1


def splitmix64(seed):
    state = seed
    while True:
        state = (state + 0x9E3779B97F4A7C15) & MASK
        z = state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK
        yield z ^ (z >> 31)


def paired_bootstrap(a, b, resamples, seed, confidence):
    d = [y - x for x, y in zip(a, b)]
    n = len(d)
    observed = sum(d) / n
    draws = splitmix64(seed)
    means = []
    for _ in range(resamples):
        total = 0.0
        for _ in range(n):
            total += d[next(draws) % n]
        means.append(total / n)
    farther = sum(1 for m in means if abs(m - observed) >= abs(observed))
    lower, upper = numpy.percentile(means, [100 * (1 - confidence) / 2, 100 * (1 + confidence) / 2])
    p = 1.0 if observed == 0 else max(farther / resamples, 1 / (resamples + 1))
    return observed, float(lower), float(upper), p


boot = []
for n, shift, noise in [(5, 0.0, 0.2), (12, 0.1, 0.3), (40, 0.3, 0.2), (40, 0.0, 0.5), (150, 0.05, 0.4)]:
    a = [random.random() for _ in range(n)]
    b = [min(1.0, max(0.0, x + shift + random.gauss(0, noise))) for x in a]
    for resamples, seed, confidence in [(200, 1, 0.95), (1000, 0x1EB, 0.95), (500, 42, 0.9)]:
        observed, lower, upper, p = paired_bootstrap(a, b, resamples, seed, confidence)
        boot.append({"a": a, "b": b, "resamples": resamples, "seed": seed, "confidence": confidence,
                     "difference": observed, "lower": lower, "upper": upper, "p": p})
cases["paired_bootstrap"] = boot

# Paired t tests: scipy.stats.ttest_rel(b, a) and the t interval of the differences.
paired_t = []
for n, shift in [(3, 0.1), (10, 0.0), (50, 0.05), (3000, 0.01), (3000, 0.0)]:
    a = [random.random() for _ in range(n)]
    b = [x + shift + random.gauss(0, 0.2) for x in a]
    d = [y - x for x, y in zip(a, b)]
    test = scipy.stats.ttest_rel(b, a)
    mean = float(numpy.mean(d))
    low, high = scipy.stats.t.interval(0.95, n - 1, loc=mean, scale=scipy.stats.sem(d))
    paired_t.append({"a": a, "b": b, "difference": mean, "lower": float(low), "upper": float(high), "p": float(test.pvalue)})
cases["paired_t"] = paired_t

print(json.dumps(cases, indent=1))
