import LLMBenchCore

/// How human-facing reports name one result: the test name, plus " #<repeat+1>" when the test ran more
/// than once. Decided run-wide, so every provider names its cases alike.
struct CaseNames {
    private var lastRepeat: [String: Int] = [:]

    /// `plan`, when known, also counts the repeats that never ran.
    init(_ results: [BenchResult], plan: RunPlan? = nil) {
        for result in results { lastRepeat[result.test] = max(lastRepeat[result.test] ?? 0, result.repeatIndex) }
        for test in plan?.tests ?? [] { lastRepeat[test.name] = max(lastRepeat[test.name] ?? 0, test.repeats - 1) }
    }

    func name(_ result: BenchResult) -> String { name(test: result.test, repeatIndex: result.repeatIndex) }

    func name(test: String, repeatIndex: Int) -> String {
        (lastRepeat[test] ?? 0) > 0 ? "\(test) #\(repeatIndex + 1)" : test
    }
}
