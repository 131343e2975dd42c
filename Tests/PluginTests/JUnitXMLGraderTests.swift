import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchTestSupport
import Testing

/// The junit_xml grader through the engine: a Mock provider answers with code, the grader runs a
/// real pytest on it in the sandbox, and the JUnit XML that pytest writes decides the score.
struct JUnitXMLGraderTests {
    static let tests = """
        from solution import add

        def test_small():
            assert add(2, 3) == 5

        def test_negative():
            assert add(-2, -3) == -5
        """

    static func suite(answers: [String: String], options: String = "", testFile: String = tests) -> String {
        let scripted = answers.map { "\(YAMLQuoting.quoted($0.key)): \(YAMLQuoting.quoted($0.value))" }.sorted().joined(separator: ", ")
        let names = answers.keys.sorted().map { "  - {name: \(YAMLQuoting.quoted($0)), prompt: \"Write add(a, b) in Python.\"}" }.joined(separator: "\n")
        return """
            version: 1
            name: grader
            providers:
              - {id: p, plugin: mock, model: m, options: {mode: scripted, answers: {\(scripted)}}}
            defaults:
              scorers: [{scorer: junit_xml, options: {files: {test_solution.py: \(YAMLQuoting.quoted(testFile))}\(options)}}]
            tests:
            \(names)
            """
    }

    static func score(_ outcome: TestRunOutcome, _ test: String) throws -> ScoreOutcome {
        try #require(outcome.results.first { $0.test == test }?.scores.first)
    }

    @Test func passedOverTotalFromARealPytestRun() throws {
        try #require(Shell.which("python3") != nil, "the grader tests run python3 -m pytest (scripts/setup.sh --tests installs it)")
        let (outcome, _, _) = try runSuite(Self.suite(answers: [
            "right": "Here it is:\n```python\ndef add(a, b):\n    return a + b\n```\nUsage:\n```bash\npython3 -c 'print(add(1, 2))'\n```",
            "wrong": "```python\ndef add(a, b):\n    return abs(a) + abs(b)\n```",
            "syntax": "```python\ndef add(a, b) return a + b\n```",
            "prose": "```python\n```\nI would rather not.",
        ]))
        let right = try Self.score(outcome, "right")
        #expect(right.error == nil && right.value == 1 && right.passed)
        #expect(right.details["tests"]?.intValue == 2 && right.details["passed"]?.intValue == 2)

        let wrong = try Self.score(outcome, "wrong")
        #expect(wrong.value == 0.5 && !wrong.passed)
        let failures = try #require(wrong.details["failures"]?.arrayValue)
        #expect(failures.count == 1 && failures[0]["name"]?.stringValue == "test_negative")
        #expect(failures[0]["message"]?.stringValue?.contains("assert") == true)

        // A syntax error is pytest's collection error: one errored case, nothing passed.
        let syntax = try Self.score(outcome, "syntax")
        #expect(syntax.error == nil && syntax.value == 0 && syntax.details["errored"]?.intValue == 1)

        let prose = try Self.score(outcome, "prose")
        #expect(prose.value == 0 && prose.details["no_code"]?.boolValue == true)

        // The network was cut off for every run on this system (the details say so where it was not).
        #expect(right.details["isolation"]?["network"]?.boolValue == true)
    }

    /// Code that never ends scores 0 at the sandbox's deadline; the run goes on.
    @Test func codeThatLoopsScoresZeroAtTheDeadline() throws {
        let (outcome, _, _) = try runSuite(Self.suite(
            answers: ["loops": "```python\ndef add(a, b):\n    while True:\n        pass\n```", "right": "```python\ndef add(a, b):\n    return a + b\n```"],
            options: ", wall_timeout_ms: 2000"))
        let loops = try Self.score(outcome, "loops")
        #expect(loops.error == nil && loops.value == 0 && !loops.passed)
        #expect(loops.details["exit"]?.stringValue == "timed out")
        #expect(try Self.score(outcome, "right").value == 1)
    }

    /// The answer is a file, never part of a command line, even when the command is a shell string.
    @Test func theAnswerNeverReachesAShell() throws {
        let folder = TemporaryDirectory()
        let marker = folder.file("pwned")
        let answer = "```python\n# $(touch \(marker)) `touch \(marker)`\ndef add(a, b):\n    return a + b\n```"
        let (outcome, _, _) = try runSuite(Self.suite(
            answers: ["shell": answer],
            options: ", command: \"python3 -m pytest -q -p no:cacheprovider --junitxml=report.xml\""))
        #expect(try Self.score(outcome, "shell").value == 1)
        #expect(!FileManager.default.fileExists(atPath: marker))
    }

    @Test func aReportWithNoTestThatRanIsAnErrorNotAFullScore() throws {
        let skipped = "import pytest\n\n@pytest.mark.skip(reason='later')\ndef test_later():\n    pass\n"
        let (outcome, _, _) = try runSuite(Self.suite(answers: ["all-skipped": "```python\ndef add(a, b): return a + b\n```"], testFile: skipped))
        let score = try Self.score(outcome, "all-skipped")
        #expect(score.value == nil && !score.passed)
        #expect(score.error?.contains("no test ran (1 test cases, 1 skipped)") == true)
    }

    /// Bad options are refused when the scorer is created, before any request, at the suite's place.
    @Test(arguments: [
        (", code_file: ../escape.py", "relative path without '..'"),
        (", language: rust", "needs option 'command'"),
        (", command: []", "non-empty list"),
        (", timeout: 5", "unknown option 'timeout'"),
        (", memory_mb: -1", "positive whole number"),
    ])
    func badOptionsAreRefusedBeforeTheRun(options: String, message: String) throws {
        #expect {
            try runSuite(Self.suite(answers: ["x": "y"], options: options))
        } throws: { "\($0)".contains(message) }
    }
}
