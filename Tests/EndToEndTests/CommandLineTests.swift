import Foundation
import LLMBenchCore
import LLMBenchFakeServers
import LLMBenchTestSupport
import Testing

/// Runs the built `llmbench` as a user would, with a private HOME so nothing leaks between tests.
struct CLI {
    let home = TemporaryDirectory("llmbench-home")

    var environment: [String: String] { TestEnvironment.isolated(home: home.path) }

    @discardableResult
    func run(_ arguments: [String], env extra: [String: String] = [:], stdin: String? = nil) throws -> ProcessResult {
        try Shell.run(TestPaths.llmbench, arguments, environment: environment.merging(extra) { _, new in new }, stdin: stdin)
    }
}

struct RunCommandTests {
    @Test func quickstartRunsStoresAndWritesEveryFormat() throws {
        let cli = CLI()
        let out = TemporaryDirectory()
        let result = try cli.run(["run", TestPaths.repo("Suites/quickstart.yaml"), "--store", out.file("r.sqlite"),
                                  "--json", out.file("r.json"), "--junit", out.file("r.xml"), "--markdown", out.file("r.md"),
                                  "--concurrency", "8", "--fail-on", "never"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONValue.parse(try String(contentsOfFile: out.file("r.json"), encoding: .utf8))
        let results = try #require(json["results"]?.arrayValue)
        // 10 tests, one repeated 3 times, × 3 providers.
        #expect(results.count == 36)
        #expect(results.allSatisfy { $0["simulated"] == true })
        #expect(results.contains { $0["status"] == "error" && $0["error"]?["kind"] == "rate_limited" })
        let summary = try #require(json["summary"]?.arrayValue)
        #expect(summary.filter { $0["category"] == .null }.count == 3)
        let accurate = try #require(summary.first { $0["provider"] == "mock-accurate" && $0["category"] == .null })
        #expect(accurate["pass_rate"] == 1)
        #expect(accurate["cost_per_pass_usd"]?.doubleValue ?? 0 > 0)
        #expect(FileManager.default.fileExists(atPath: out.file("r.xml")))
        #expect(FileManager.default.fileExists(atPath: out.file("r.md")))

        // The stored run renders to the same results.
        let again = try cli.run(["report", "--last", "--format", "json", "--store", out.file("r.sqlite")])
        #expect(again.status == 0)
        let stored = try JSONValue.parse(again.stdout)
        #expect(stored["results"] == json["results"])
        #expect(stored["run"]?["price_snapshot"] == json["run"]?["price_snapshot"])
    }

    static let passing = """
        version: 1
        name: e2e
        providers:
          - {id: good, plugin: mock, model: m}
        tests:
          - {name: t1, prompt: "1+1?", expected: "2", scorers: [{scorer: exact_match}]}
        """

    @Test func exitCodesFollowTheOutcomeAndFailOn() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let passing = dir.write("pass.yaml", Self.passing)
        #expect(try cli.run(["run", passing, "--store", dir.file("s.sqlite")]).status == 0)

        let failing = dir.write("fail.yaml", Self.passing.replacingOccurrences(of: "model: m}", with: "model: m, options: {mode: echo}}"))
        #expect(try cli.run(["run", failing, "--store", dir.file("s.sqlite")]).status == 1)
        #expect(try cli.run(["run", failing, "--store", dir.file("s.sqlite"), "--fail-on", "error"]).status == 0)
        #expect(try cli.run(["run", failing, "--store", dir.file("s.sqlite"), "--fail-on", "never"]).status == 0)

        let erroring = dir.write("err.yaml", Self.passing.replacingOccurrences(of: "model: m}", with: "model: m, options: {error_rate: 1}}"))
        #expect(try cli.run(["run", erroring, "--store", dir.file("s.sqlite"), "--fail-on", "error"]).status == 1)

        #expect(try cli.run(["run", passing, "--concurrency", "0"]).status == 2)
        #expect(try cli.run(["run"]).status == 2)
    }

    @Test func badSuitesStopBeforeAnyRequestWithFileLineColumn() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let bad = dir.write("bad.yaml", Self.passing.replacingOccurrences(of: "plugin: mock", with: "plugin: mokc")
            .replacingOccurrences(of: "scorer: exact_match", with: "scorer: exact"))
        let result = try cli.run(["run", bad, "--store", dir.file("s.sqlite")])
        #expect(result.status == 2)
        #expect(result.stderr.contains("\(bad):4:5: error: unknown provider plugin 'mokc'"))
        #expect(result.stderr.contains("\(bad):6:57: error: unknown scorer 'exact'"))
        #expect(!FileManager.default.fileExists(atPath: dir.file("s.sqlite")), "nothing may be stored for a refused suite")

        let validate = try cli.run(["validate", bad, TestPaths.repo("Suites/quickstart.yaml"), TestPaths.repo("Suites/pricing/openai.yaml")])
        #expect(validate.status == 2)
        #expect(validate.stdout.contains("quickstart.yaml: ok") && validate.stdout.contains("openai.yaml: ok"))
        #expect(validate.stderr.contains("unknown provider plugin 'mokc'"))
    }

    /// A plugin that refuses its options at `create` fails `validate` as it fails `run`: both exit 2
    /// with the plugin's reason at the suite's line, for a provider and for a scorer.
    @Test(arguments: [
        ("plugin: mock, model: m}", "plugin: mock, model: m, options: {error_kind: bogus}}", "mock option 'error_kind' must be one of"),
        ("scorer: exact_match}", "scorer: exact_match, options: {regexes_to_ignore: [\"(\"]}}", "invalid regular expression '('"),
    ])
    func validateAndRunAgreeOnOptionsAPluginRefuses(find: String, replace: String, reason: String) throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let suite = dir.write("refused.yaml", Self.passing.replacingOccurrences(of: find, with: replace))
        let validate = try cli.run(["validate", suite])
        #expect(validate.status == 2, "\(validate.stdout)")
        #expect(!validate.stdout.contains("ok"))
        #expect(validate.stderr.contains(suite + ":") && validate.stderr.contains(reason), "\(validate.stderr)")
        let run = try cli.run(["run", suite, "--store", dir.file("s.sqlite")])
        #expect(run.status == 2)
        #expect(run.stderr.contains(reason))
    }

    @Test func aProviderWithoutItsKeyIsSkippedVisiblyOrRefusedWhenAskedFor() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let suite = dir.write("keys.yaml", Self.passing.replacingOccurrences(of: "  - {id: good, plugin: mock, model: m}", with: """
              - {id: good, plugin: mock, model: m}
              - {id: keyed, plugin: mock, model: m, api_key_env: LLMBENCH_TEST_UNSET_KEY}
            """))
        let skipped = try cli.run(["run", suite, "--store", dir.file("s.sqlite"), "--json", dir.file("r.json")])
        #expect(skipped.status == 0)
        #expect(skipped.stderr.contains("skipped provider 'keyed': environment variable LLMBENCH_TEST_UNSET_KEY is not set"))
        let results = try JSONValue.parse(try String(contentsOfFile: dir.file("r.json"), encoding: .utf8))["results"]?.arrayValue
        #expect(results?.count == 1)
        let asked = try cli.run(["run", suite, "--store", dir.file("s.sqlite"), "--provider", "keyed"])
        #expect(asked.status == 2)
        #expect(asked.stderr.contains("LLMBENCH_TEST_UNSET_KEY is not set"))
    }

    @Test func keysNeverReachTheStoreOrTheReports() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let secret = "sk-test-\(UUID().uuidString)"
        let suite = dir.write("secret.yaml", """
            version: 1
            name: secrets
            providers:
              - {id: keyed, plugin: mock, model: m, api_key_env: LLMBENCH_TEST_KEY, options: {mode: echo}}
            tests:
              - {name: leak, prompt: "my key is \(secret)", expected: x, scorers: [exact_match]}
            """)
        let result = try cli.run(["run", suite, "--store", dir.file("s.sqlite"), "--json", dir.file("r.json"), "--junit", dir.file("r.xml"),
                                  "--markdown", dir.file("r.md")], env: ["LLMBENCH_TEST_KEY": secret])
        #expect(result.status == 1)
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where !file.hasSuffix(".yaml") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.file(file)))
            #expect(bytes.range(of: Data(secret.utf8)) == nil, "the key reached \(file)")
        }
        #expect(!result.stdout.contains(secret) && !result.stderr.contains(secret))
        let json = try String(contentsOfFile: dir.file("r.json"), encoding: .utf8)
        #expect(json.contains("my key is [REDACTED]"))
    }

    /// A key written into base_url (no api_key_env) is a secret too: here the Mock echoes it back,
    /// as a server echoing the request URL in an error would.
    @Test func aKeyInsideBaseURLNeverReachesTheStoreOrTheReports() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let key = "kq-\(UUID().uuidString)", password = "pw-\(UUID().uuidString)"
        let suite = dir.write("url.yaml", """
            version: 1
            name: url-secret
            providers:
              - {id: p, plugin: mock, model: m, base_url: "https://user:\(password)@llm.example/v1?api-version=2024-10-21&key=\(key)", options: {mode: echo}}
            tests:
              - {name: leak, prompt: "echo \(key) and \(password) and 2024-10-21", expected: x, scorers: [exact_match]}
            """)
        let result = try cli.run(["run", suite, "--store", dir.file("s.sqlite"), "--json", dir.file("r.json"), "--junit", dir.file("r.xml"),
                                  "--markdown", dir.file("r.md")])
        #expect(result.status == 1)
        for file in try FileManager.default.contentsOfDirectory(atPath: dir.path) where !file.hasSuffix(".yaml") {
            let bytes = try Data(contentsOf: URL(fileURLWithPath: dir.file(file)))
            #expect(bytes.range(of: Data(key.utf8)) == nil && bytes.range(of: Data(password.utf8)) == nil, "a secret reached \(file)")
        }
        #expect(!(result.stdout + result.stderr).contains(key) && !(result.stdout + result.stderr).contains(password))
        let json = try String(contentsOfFile: dir.file("r.json"), encoding: .utf8)
        #expect(json.contains("echo [REDACTED] and [REDACTED] and 2024-10-21"), "only credentials are redacted")
    }
}

struct OtherCommandTests {
    @Test func pluginsListsBuiltInsAndExplainsRefusals() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        dir.write("libbroken.so", "garbage")
        let result = try cli.run(["plugins", "--json", "--plugins", dir.path])
        #expect(result.status == 0)
        let json = try JSONValue.parse(result.stdout)
        let ids = json["plugins"]?.arrayValue?.compactMap { $0["id"]?.stringValue } ?? []
        #expect(Set(ids).isSuperset(of: ["mock", "exact_match"]))
        let refused = json["refused"]?.arrayValue ?? []
        #expect(refused.contains { ($0["path"]?.stringValue ?? "").hasSuffix("libbroken.so") && ($0["reason"]?.stringValue ?? "").contains("not a loadable") })
        let table = try cli.run(["plugins", "--plugins", dir.path])
        #expect(table.stdout.contains("Refused:") && table.stdout.contains("libbroken.so"))
    }

    /// `llmbench plugins --plugins .build/debug` from the checkout: the folder given relatively is
    /// the executable's own, so each built-in plugin is listed once and none is refused.
    @Test func pluginsGivenRelativelyAreNotDuplicatesOfThemselves() throws {
        let cli = CLI()
        let parent = (TestPaths.buildDir as NSString).deletingLastPathComponent
        let relative = (TestPaths.buildDir as NSString).lastPathComponent
        let result = try Shell.run(TestPaths.llmbench, ["plugins", "--json", "--plugins", relative, "--plugins", "./" + relative],
                                   environment: cli.environment, directory: parent)
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONValue.parse(result.stdout)
        #expect(json["refused"]?.arrayValue?.isEmpty == true, "\(result.stdout)")
        let paths = json["plugins"]?.arrayValue?.compactMap { $0["path"]?.stringValue } ?? []
        #expect(paths.contains { $0.hasSuffix("/libLLMBenchMock.so") })
        #expect(paths.allSatisfy { $0.hasPrefix("/") && !$0.contains("/./") }, "\(paths)")
    }

    /// `plugins --kind scorer` lists the scorers alone, each with the options its plugin.json
    /// describes (read from the source tree for the libraries built beside llmbench).
    @Test func pluginsListsScorersWithTheirOptions() throws {
        let cli = CLI()
        let result = try cli.run(["plugins", "--kind", "scorer", "--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let plugins = try JSONValue.parse(result.stdout)["plugins"]?.arrayValue ?? []
        #expect(!plugins.isEmpty && plugins.allSatisfy { $0["kind"] == "scorer" })
        func options(_ id: String) -> Set<String> {
            Set(plugins.first { $0["id"]?.stringValue == id }?["options"]?.objectValue?.keys.map { $0 } ?? [])
        }
        #expect(options("exact_match") == ["mode", "unicode_normalize", "regexes_to_ignore", "ignore_case", "ignore_punctuation", "ignore_numbers"])
        #expect(options("bleu") == ["tokenize", "lowercase", "smooth_method", "smooth_value", "effective_order", "max_ngram_order"])
        #expect(options("embedding_cosine") == ["embedder"])
        let exact = try #require(plugins.first { $0["id"] == "exact_match" })
        #expect(exact["options"]?["mode"]?.stringValue?.hasPrefix("exact (default)") == true)
        #expect(exact["description"]?.stringValue?.contains("SQuAD") == true)

        let table = try cli.run(["plugins", "--kind", "scorer"])
        #expect(table.stdout.contains("Options:\n") && table.stdout.contains("  embedding_cosine\n    embedder  required:"), "\(table.stdout)")
        #expect(!table.stdout.contains("  provider  "), "no provider row")
        #expect(try cli.run(["plugins", "--kind", "judge"]).status == 2)
    }

    @Test func scoreOneAnswer() throws {
        let cli = CLI()
        let hit = try cli.run(["score", "exact_match", "--output", "The Paris", "--expected", "paris", "--option", "mode=normalized"])
        #expect(hit.status == 0)
        let json = try JSONValue.parse(hit.stdout)
        #expect(json["value"] == 1 && json["passed"] == true && json["details"]?["mode"] == "normalized")
        let miss = try JSONValue.parse(try cli.run(["score", "exact_match", "--output", "Lyon", "--expected", "Paris"]).stdout)
        #expect(miss["value"] == 0 && miss["passed"] == false)
        #expect(try cli.run(["score", "nope", "--output", "x", "--expected", "y"]).status == 2)
    }

    @Test func scoreJSONLinesKeepsOrderAndReportsBadLinesInPlace() throws {
        let cli = CLI()
        let input = """
            {"output": "Paris", "expected": "paris", "options": {"ignore_case": true}}
            {"output": "x", "expected": ["y", "x"]}
            not json
            {"output": "a b", "expected": "ab", "options": {"regexes_to_ignore": ["\\\\s"]}}
            """
        let result = try cli.run(["score", "exact_match", "--jsonl", "-"], stdin: input)
        #expect(result.status == 1, "a line that is not a request got no score")
        let lines = result.stdout.split(separator: "\n").map { try? JSONValue.parse(String($0)) }
        #expect(lines.count == 4)
        #expect(lines[0]?["value"] == 1 && lines[1]?["value"] == 1 && lines[3]?["value"] == 1)
        #expect(lines[2]?["line"] == 3)
        #expect(result.stderr.contains("-:3:1: error: invalid JSON"))
    }

    /// A file written on Windows: CRLF line ends (one Character in Swift) and a line of blanks.
    @Test func scoreJSONLinesReadsCRLFAndSkipsBlankLines() throws {
        let input = "{\"output\": \"a\", \"expected\": \"a\"}\r\n \t \r\n{\"output\": \"b\", \"expected\": \"c\"}\r\nnot json\r\n"
        let result = try CLI().run(["score", "exact_match", "--jsonl", "-"], stdin: input)
        let lines = result.stdout.split(separator: "\n").map { try? JSONValue.parse(String($0)) }
        #expect(lines.count == 3)
        #expect(lines[0]?["value"] == 1 && lines[1]?["value"] == 0)
        #expect(lines[2]?["line"] == 4)
        #expect(result.stderr.contains("-:4:1: error: invalid JSON"))
        #expect(result.status == 1, "the bad line got no score")
    }

    /// One rule for `score`'s exit: 0 when every answer got a score, passed or not; 1 when any got
    /// none, whether the scorer failed on it or refused the options its line gave; 2 when nothing
    /// could start. The line that got no score still says why, in its place.
    @Test func scoreExitsOneWhenAnAnswerGotNoScoreHoweverItFailed() throws {
        let cli = CLI()
        let failed = try cli.run(["score", "exact_match", "--output", "x"])
        #expect(failed.status == 1, "exact_match fails without expected: \(failed.stderr)")
        #expect(try JSONValue.parse(failed.stdout)["error"]?.stringValue?.contains("needs 'expected'") == true)
        let refusedOption = try cli.run(["score", "exact_match", "--output", "x", "--expected", "x", "--option", #"regexes_to_ignore=["("]"#])
        #expect(refusedOption.status == 1)
        #expect(try JSONValue.parse(refusedOption.stdout)["error"]?.stringValue?.contains("invalid regular expression") == true)
        let input = """
            {"output": "x", "expected": "x"}
            {"output": "x", "expected": "x", "options": {"regexes_to_ignore": ["("]}}
            {"output": "x"}
            """
        let lines = try cli.run(["score", "exact_match", "--jsonl", "-"], stdin: input)
        #expect(lines.status == 1)
        let out = lines.stdout.split(separator: "\n").map { try? JSONValue.parse(String($0)) }
        #expect(out.count == 3 && out[0]?["value"] == 1 && out[1]?["line"] == 2 && out[2]?["error"] != nil)
        #expect(lines.stderr.contains("-:2:1: error:") && lines.stderr.contains("-:3:1: error:"), "\(lines.stderr)")
        #expect(try cli.run(["score", "exact_match", "--jsonl", "-"], stdin: #"{"output": "x", "expected": "y"}"#).status == 0, "a failed answer is a score")
    }

    /// `score --suite` prepares the suite's providers, so embedding_cosine reaches its embedder
    /// (the OpenAI plugin against the loopback fake); without it the scorer says it is outside a run.
    @Test func scoreWithASuiteReachesItsEmbedder() throws {
        let cli = CLI()
        let server = try FakeProviderServer(api: .openai)
        let dir = TemporaryDirectory()
        let suite = dir.write("embed.yaml", """
            version: 1
            name: embed
            providers:
              - {id: emb, plugin: openai, model: "fake;dims=24", base_url: "\(server.baseURL)", api_key_env: FAKE_PROVIDER_KEY, under_test: false}
            tests:
              - {name: t, prompt: p}
            """)
        let arguments = ["score", "embedding_cosine", "--output", "the cat sat", "--expected", "the cat sat", "--expected", "blue sky",
                         "--option", "embedder=emb"]
        let scored = try cli.run(arguments + ["--suite", suite], env: ["FAKE_PROVIDER_KEY": "fake-key-123"])
        #expect(scored.status == 0, "\(scored.stderr)")
        let line = try JSONValue.parse(scored.stdout)
        #expect(abs((line["value"]?.doubleValue ?? 0) - 1) < 1e-9 && line["passed"] == true, "the output is a reference: cosine 1")
        #expect(line["details"]?["cosines"]?.arrayValue?.count == 2)
        #expect(server.records().count == 1 && server.records()[0].path.hasSuffix("/embeddings"), "one batch, no completion")
        #expect(server.records()[0].headers["authorization"] == "Bearer fake-key-123")

        let outside = try cli.run(arguments)
        #expect(outside.status == 1)
        #expect(try JSONValue.parse(outside.stdout)["error"]?.stringValue?.contains("outside a run") == true)
    }

    /// Corpus BLEU is not the mean of the lines' BLEU: 69.19 from sacreBLEU 2.6.0's
    /// corpus_bleu(["The cat sat on the mat.", "a b c d e"], [["The cat is on the mat.", "a b c d e"], [None, "a b"]]).
    @Test func scoreJSONLinesWithCorpusAddsTheFilesFigure() throws {
        let cli = CLI()
        let input = """
            {"output": "The cat sat on the mat.", "expected": "The cat is on the mat."}
            {"output": "a b c d e", "expected": ["a b c d e", "a b"]}
            {"output": "x", "expected": []}
            """
        let result = try cli.run(["score", "bleu", "--jsonl", "-", "--corpus"], stdin: input)
        #expect(result.status == 1, "the third line got no score: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").compactMap { try? JSONValue.parse(String($0)) }
        #expect(lines.count == 4)
        #expect(lines[2]["error"]?.stringValue?.contains("at least one reference") == true, "a line the scorer refused stays in place")
        let corpus = lines[3]
        #expect(corpus["corpus"] == true && corpus["lines"] == 2)
        #expect(abs((corpus["details"]?["score"]?.doubleValue ?? 0) - 69.18912876154525) < 1e-9)
        #expect(corpus["details"]?["signature"] == "nrefs:var|case:mixed|eff:no|tok:13a|smooth:exp|version:2.6.0")
        let mean = ((lines[0]["value"]?.doubleValue ?? 0) + (lines[1]["value"]?.doubleValue ?? 0)) / 2
        #expect(abs(mean - (corpus["value"]?.doubleValue ?? 0)) > 0.01)

        let refused = try cli.run(["score", "exact_match", "--jsonl", "-", "--corpus"], stdin: input)
        #expect(refused.status == 2 && refused.stderr.contains("has no figure for a whole file"))
    }
}

struct CancellationTests {
    /// Ctrl-C stops a run promptly: no new request starts, the one in flight stops, what finished is
    /// stored, and the exit code says the run was aborted (3).
    @Test func anInterruptStopsTheRunAndKeepsWhatFinished() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        var yaml = """
            version: 1
            name: long
            providers:
              - {id: slow, plugin: mock, model: m, options: {ttft_ms: 300}}
            tests:

            """
        for i in 0..<40 { yaml += "  - {name: t\(i), prompt: p, expected: x}\n" }
        let suite = dir.write("long.yaml", yaml)
        let store = dir.file("s.sqlite")
        let process = Process()
        process.executableURL = URL(fileURLWithPath: TestPaths.llmbench)
        process.arguments = ["run", suite, "--store", store, "--concurrency", "1"]
        process.environment = cli.environment
        let errors = Pipe()
        process.standardError = errors
        process.standardOutput = FileHandle.nullDevice
        try process.run()
        // Wait (by condition, with a deadline) until at least one result is stored.
        let deadline = Date().addingTimeInterval(20)
        var stored = 0
        while stored == 0 && Date() < deadline {
            let report = try cli.run(["report", "--last", "--format", "json", "--store", store])
            stored = (try? JSONValue.parse(report.stdout))?["results"]?.arrayValue?.count ?? 0
        }
        #expect(stored > 0, "the run never stored a result")
        let interruptedAt = Date()
        kill(process.processIdentifier, SIGINT)
        process.waitUntilExit()
        #expect(process.terminationStatus == 3)
        #expect(Date().timeIntervalSince(interruptedAt) < 3, "40 × 300 ms were planned; an interrupt must not wait them out")
        let stderr = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(stderr.contains("cancelled:") && stderr.contains("of 40 results stored"))
        let report = try JSONValue.parse(try cli.run(["report", "--last", "--format", "json", "--store", store]).stdout)
        let results = report["results"]?.arrayValue ?? []
        #expect(results.count >= stored && results.count < 40)
        // The request in flight when the interrupt came is kept, as cancelled.
        #expect(results.filter { $0["status"] == "ok" }.count >= stored)
        #expect(results.allSatisfy { $0["status"] == "ok" || $0["error"]?["kind"] == "cancelled" })
        // The run says it is incomplete, with what never started.
        #expect(report["run"]?["status"] == "interrupted")
        #expect(report["run"]?["planned"] == 40 && report["run"]?["not_started"]?.intValue == 40 - results.count)
    }
}

/// `llmbench serve` hands over to `llmbench-serve` beside it, options and all.
struct ServeCommandTests {
    @Test func serveRunsTheDashboardProgramWhichRefusesToServeBeyondLoopbackWithoutAToken() throws {
        let cli = CLI()
        let refused = try cli.run(["serve", "--bind", "0.0.0.0", "--port", "0", "--store", cli.home.file("s.sqlite")])
        #expect(refused.status == 2)
        #expect(refused.stderr.contains("error: refusing to serve on 0.0.0.0 without a token"), "\(refused.stderr)")
        let help = try cli.run(["serve", "--help"])
        #expect(help.status == 0 && help.stdout.contains("USAGE: llmbench serve [--store <store>] [--bind <bind>] [--port <port>] [--token <TOKEN>]"))
    }
}
