import LLMBenchCore

/// A small run that exercises every path of the renderers: three providers (one without a price, one
/// simulated), two categories, repeats, passes, threshold failures, a request error and hostile output.
enum Fixture {
    /// 2026-11-29T04:12:00Z.
    static let startedAt = 1_795_925_520.0
    static let hostname = "ci-runner-01"
    /// Contains `<`, `&`, `"`, `|`, a comma, a newline and the control character U+0001.
    static let hostileOutput = "for i in 1...15 { print(i < 3 && i > 0 ? \"a|b\" : \"c,d\") }\nline two\u{1} & done"
    /// A CR LF and a comma, for CSV.
    static let crlfOutput = "paris,\r\nFrance"

    static let prices = PriceSnapshot(date: "2026-11-01", entries: [
        PriceEntry(plugin: "openai", model: "gpt-4o-mini", effective: "2026-10-01", inputPerMTok: 0.15, outputPerMTok: 0.60),
        PriceEntry(plugin: "mock", model: "echo", effective: "2026-01-01", inputPerMTok: 0, outputPerMTok: 0),
    ])

    static let run = RunInfo(
        id: "run-20261129-041200", suite: "smoke", suiteDigest: "sha256:0f1e2d", startedAt: startedAt,
        finishedAt: startedAt + 42, prices: prices, concurrency: 2,
        notices: ["local/llama-3.1-8b has no price on 2026-11-29: its cost is unknown"])

    static let results: [BenchResult] = [
        // openai: two passes and a threshold failure.
        result("capital", "qa", "openai", "openai", "gpt-4o-mini", 0, latencyMs: 812.5, ttftMs: 210.25, usage: (20, 5),
               costUSD: 0.000006, score: ("exact_match", 1, 1, nil), output: "Paris"),
        result("capital", "qa", "openai", "openai", "gpt-4o-mini", 1, latencyMs: 790, ttftMs: 198, usage: (20, 5),
               costUSD: 0.000006, score: ("exact_match", 1, 1, nil), output: "Paris"),
        result("fizzbuzz", "code", "openai", "openai", "gpt-4o-mini", 0, latencyMs: 2400.75, ttftMs: 350.5, usage: (60, 120),
               costUSD: 0.000081, score: ("contains_all", 0.4, 0.8, "missing: \"FizzBuzz\" | i % 15"), output: hostileOutput),
        // local: no price; a pass, a threshold failure and a request error.
        result("capital", "qa", "local", "openai", "llama-3.1-8b", 0, latencyMs: 120, ttftMs: 15, usage: (18, 4),
               costUSD: nil, score: ("exact_match", 1, 1, nil), output: "Paris"),
        result("capital", "qa", "local", "openai", "llama-3.1-8b", 1, latencyMs: 140, ttftMs: 18, usage: (18, 6),
               costUSD: nil, score: ("exact_match", 0, 1, "expected \"Paris\""), output: crlfOutput),
        BenchResult(test: "fizzbuzz", category: "code", provider: "local", plugin: "openai", model: "llama-3.1-8b",
                    repeatIndex: 0, status: .error,
                    error: RequestError(kind: .timeout, message: "no response within 30000 ms | gave up"),
                    attempts: 3, startedAt: startedAt + 5),
        // mock: simulated, priced at zero.
        result("capital", "qa", "mock", "mock", "echo", 0, latencyMs: 0.4, ttftMs: 0.1, usage: (10, 2),
               costUSD: 0, score: ("exact_match", 1, 1, nil), output: "Paris", simulated: true),
        result("capital", "qa", "mock", "mock", "echo", 1, latencyMs: 0.6, ttftMs: 0.2, usage: (10, 2),
               costUSD: 0, score: ("exact_match", 1, 1, nil), output: "Paris", simulated: true),
        result("fizzbuzz", "code", "mock", "mock", "echo", 0, latencyMs: 0.5, ttftMs: 0.1, usage: (30, 40),
               costUSD: 0, score: ("contains_all", 1, 0.8, nil), output: "FizzBuzz", simulated: true),
    ]

    static let report = RunReport(run: run, results: results)

    private static func result(
        _ test: String, _ category: String, _ provider: String, _ plugin: String, _ model: String, _ repeatIndex: Int,
        latencyMs: Double, ttftMs: Double, usage: (input: Int, output: Int), costUSD: Double?,
        score: (scorer: String, value: Double, threshold: Double, explanation: String?), output: String, simulated: Bool = false
    ) -> BenchResult {
        let passed = score.value >= score.threshold
        return BenchResult(
            test: test, category: category, provider: provider, plugin: plugin, model: model, repeatIndex: repeatIndex,
            status: .ok, latencyMs: latencyMs, ttftMs: ttftMs,
            usage: Usage(inputTokens: usage.input, outputTokens: usage.output), costUSD: costUSD, quality: score.value,
            passed: passed,
            scores: [ScoreOutcome(scorer: score.scorer, value: score.value, passed: passed, threshold: score.threshold,
                                  explanation: score.explanation)],
            output: output, finishReason: "stop", simulated: simulated, startedAt: startedAt + Double(repeatIndex))
    }
}
