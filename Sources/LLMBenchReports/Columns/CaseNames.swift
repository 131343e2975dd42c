import LLMBenchCore

/// How human-facing reports name one result: the test name, plus " #<repeat+1>" when the test ran more
/// than once. Decided run-wide, so every provider names its cases alike.
struct CaseNames {
    private var lastRepeat: [String: Int] = [:]

    init(_ results: [BenchResult]) {
        for result in results { lastRepeat[result.test] = max(lastRepeat[result.test] ?? 0, result.repeatIndex) }
    }

    func name(_ result: BenchResult) -> String {
        (lastRepeat[result.test] ?? 0) > 0 ? "\(result.test) #\(result.repeatIndex + 1)" : result.test
    }
}
