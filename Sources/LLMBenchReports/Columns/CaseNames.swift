import LLMBenchCore

/// How human-facing reports name one result: the test name, plus " #<repeat+1>" when the test ran more
/// than once. Decided run-wide, so every provider names its cases alike.
struct CaseNames {
    private var lastRepeat: [String: Int]

    /// From the highest repeat of each test that ran and, when the plan is known, of each planned one.
    init(_ tally: RunTally) {
        lastRepeat = tally.lastRepeat
        for test in tally.run.plan?.tests ?? [] { lastRepeat[test.name] = max(lastRepeat[test.name] ?? 0, test.repeats - 1) }
    }

    func name(_ result: BenchResult) -> String { name(test: result.test, repeatIndex: result.repeatIndex) }

    func name(test: String, repeatIndex: Int) -> String {
        (lastRepeat[test] ?? 0) > 0 ? "\(test) #\(repeatIndex + 1)" : test
    }
}
