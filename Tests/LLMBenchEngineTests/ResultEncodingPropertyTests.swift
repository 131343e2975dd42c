import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Testing

@testable import LLMBenchEngine
import LLMBenchReports

/// One property over many generated results ties the three encodings of a result together: the
/// fast writer (`writeJSON`, what the store and `--json` write) produces exactly the text of the
/// contract (`json`), and reading it back (`init?(json:)`, also through the SQLite store) gives the
/// same result. Seeded, so a failure names the case that shows it.
struct ResultEncodingPropertyTests {
    typealias Generator = SeededGenerator

    static let seed: UInt64 = 20261202

    @Test func theFastWriterTheContractAndTheReaderAgreeOnEveryGeneratedResult() throws {
        var generator = Generator(state: Self.seed)
        for index in 0..<500 {
            let result = generator.result()
            var writer = JSONWriter()
            result.writeJSON(into: &writer)
            let fast = Array(writer.text.utf8), contract = Array(result.json.jsonText.utf8)
            if fast != contract {
                let at = zip(fast, contract).prefix { $0 == $1 }.count
                let near = { (bytes: [UInt8]) in String(decoding: bytes[max(0, at - 40)..<min(bytes.count, at + 40)], as: UTF8.self) }
                Issue.record("case \(index) (seed \(Self.seed)): the fast writer and the contract differ at byte \(at):\n  fast:     \(near(fast))\n  contract: \(near(contract))")
                return
            }
            guard BenchResult(json: try JSONValue.parse(writer.text)) == result else {
                Issue.record("case \(index) (seed \(Self.seed)): reading the JSON back changed the result: \(writer.text)")
                return
            }
            // The store's reader, member by member, reads the same result.
            guard BenchResult.decode(utf8: fast) == result else {
                Issue.record("case \(index) (seed \(Self.seed)): BenchResult.decode read another result: \(writer.text)")
                return
            }
        }
    }

    /// The member-by-member reader agrees with the parse-then-read one where the text is odd:
    /// repeated keys (the last wins), unknown keys, wrong types (read as absent), and it refuses
    /// what the parser refuses.
    @Test func theMemberReaderAgreesWithTheParserOnOddText() throws {
        let texts = [
            #"{"test":"a","provider":"p","status":"ok","test":"b","unknown":{"x":[1,2,{"y":null}]},"latency_ms":"12","passed":true}"#,
            #"{ "status" : "error" , "provider":"p","test":"t","error":{"kind":"timeout","message":"m"},"scores":[{"scorer":"s","value":0.5}]}"#,
            #"{"test":"t","provider":"p","status":"ok","input_tokens":10,"output_tokens":3,"input_tokens_method":"tokenizer"}"#,
            // An escaped key is the key it spells; skipped values of every kind, escapes included.
            #"{"te\u0073t":"a","provider":"p","status":"ok","unknown":{"\u00e9":[true,false,null,-1.5e3,"\"\\\/\b\f\n\r\t\ud83d\ude42"]}}"#,
        ]
        for text in texts {
            let parsed = BenchResult(json: try JSONValue.parse(text))
            #expect(parsed != nil)
            #expect(BenchResult.decode(utf8: Array(text.utf8)) == parsed, "\(text)")
        }
        #expect(BenchResult.decode(utf8: Array(#"{"test":"a","provider":"p","status":"ok"}"#.utf8))?.test == "a")
        // What the parser refuses inside a skipped member is refused too.
        for bad in [#"{"test":"a","provider":"p","status":"ok","u":[1,]}"#, #"{"test":"a","provider":"p","status":"ok","u":"\q"}"#,
                    #"{"test":"a","provider":"p","status":"ok","u":tru}"#, #"{"test":"a","provider":"p","status":"ok","u":"\u12"}"#,
                    "{\"te\u{1}st\":\"a\",\"provider\":\"p\",\"status\":\"ok\"}", #"{"test":"a","provider":"p","status":"ok","u":{"k" 1}}"#] {
            #expect(BenchResult.decode(utf8: Array(bad.utf8)) == nil, "\(bad)")
            #expect(throws: (any Error).self, "\(bad)") { try JSONValue.parse(bad) }
        }
        for bad in [#"{"test":"a","provider":"p","status":"ok"} x"#, #"["test"]"#, #"{"test":"a","provider":"p","status":"ok","#, "", #"{"status":"nope","test":"a","provider":"p"}"#] {
            #expect(BenchResult.decode(utf8: Array(bad.utf8)) == nil, "\(bad)")
        }
    }

    /// Results stored before each count recorded its method have only `tokens_estimated`.
    @Test func aResultStoredBeforeTheMethodsTakesThemFromItsEstimatedFlag() throws {
        for (flag, method) in [("true", TokenCountMethod.estimate), ("false", .reported)] {
            let text = #"{"test":"t","provider":"p","status":"ok","input_tokens":10,"output_tokens":3,"tokens_estimated":"# + flag + "}"
            let usage = try #require(BenchResult(json: try JSONValue.parse(text))?.usage)
            #expect(usage.inputMethod == method && usage.outputMethod == method && usage.estimated == (method == .estimate))
        }
    }

    @Test func theStoreGivesBackEveryGeneratedResult() throws {
        var generator = Generator(state: Self.seed &+ 1)
        let results = (0..<300).map { _ in generator.result() }
        let dir = TemporaryDirectory()
        let store = try SQLiteResultStore(path: dir.file("s.sqlite"))
        try store.beginRun(StoreTests.sampleRun(), suitePath: "generated")
        try store.append(runID: "run-1", batch: results.enumerated().map { EncodedResult(sequence: $0.offset, result: $0.element) })
        let back = try store.results(runID: "run-1")
        #expect(back.count == results.count)
        for (index, pair) in zip(back, results).enumerated() where pair.0 != pair.1 {
            Issue.record("result \(index) came back changed from the store")
            return
        }
    }
}

/// A report reads a run's figures from the store's columns and copies the JSON text the store keeps;
/// both must be what reading each result gives, for rows this build wrote and for rows from before
/// schema 7 (no encoding recorded: read from their JSON).
struct StoredFiguresTests {
    @Test(arguments: [false, true]) func theColumnsAndTheStoredTextAgreeWithTheResults(rowsFromBefore: Bool) throws {
        var generator = SeededGenerator(state: ResultEncodingPropertyTests.seed &+ 2)
        let results = (0..<400).map { _ in generator.result() }
        let dir = TemporaryDirectory()
        let store = try SQLiteResultStore(path: dir.file("s.sqlite"))
        try store.beginRun(StoreTests.sampleRun(), suitePath: "generated")
        try store.append(runID: "run-1", batch: results.enumerated().map { EncodedResult(sequence: $0.offset, result: $0.element) })
        if rowsFromBefore {
            let raw = try SQLiteDatabase(path: dir.file("s.sqlite"))
            try raw.execute("UPDATE results SET encoding = NULL, plugin = NULL, tpot_ms = NULL, input_tokens = NULL, simulated = NULL")
        }
        let measured = results.filter { !$0.warmup }
        var figures: [ResultFigures] = []
        try store.forEachFigures(runID: "run-1", matching: .all) { figures.append($0) }
        #expect(figures.count == measured.count)
        for (index, (read, result)) in zip(figures, measured).enumerated() where read != ResultFigures(result) {
            Issue.record("result \(index): the store's figures \(read) differ from the result's \(ResultFigures(result))")
            return
        }
        var texts: [[UInt8]] = []
        try store.forEachResultJSON(runID: "run-1", matching: .all) { texts.append(Array($0)) }
        #expect(texts.count == measured.count)
        for (index, (text, result)) in zip(texts, measured).enumerated() {
            var writer = JSONWriter()
            result.writeJSON(into: &writer)
            guard text == writer.bytes else {
                Issue.record("result \(index): the store's text differs from writeJSON's: \(String(decoding: text, as: UTF8.self))")
                return
            }
        }
        // Filters reach the columns' reader too.
        let failures = measured.filter { $0.status == .error || !$0.passed }
        var failed = 0
        try store.forEachFigures(runID: "run-1", matching: ResultFilter(onlyFailures: true)) { _ in failed += 1 }
        #expect(failed == failures.count && failed > 0)
        // And a limit: the first failures in sequence order.
        var firstFailures: [String] = []
        try store.forEachFigures(runID: "run-1", matching: ResultFilter(onlyFailures: true, limit: 7)) { firstFailures.append($0.test) }
        #expect(firstFailures == failures.prefix(7).map(\.test))
    }

    /// A schema-6 store's results, read as they are and after the store is brought to schema 7 with
    /// new results added to the same run: old rows from their JSON, new ones from their columns.
    @Test func aSchemaSixStoreIsReadAsItIsAndAfterItsUpgradeMixedWithNewResults() throws {
        var generator = SeededGenerator(state: ResultEncodingPropertyTests.seed &+ 4)
        let results = (0..<60).map { _ in generator.result() }
        let dir = TemporaryDirectory()
        let path = dir.file("six.sqlite")
        let old = try SQLiteDatabase(path: path)
        try old.execute(SQLiteResultStore.migrations[0..<6].joined(separator: "\n") + "PRAGMA user_version = 6;")
        try old.execute("INSERT INTO runs (id, suite, suite_digest, started_at, finished_at, concurrency) VALUES ('run-1', 's', 'd', 1, 2, 1)")
        let insert = try old.prepare("""
            INSERT INTO results (run_id, seq, test, category, provider, model, repeat_index, status, passed, data, warmup)
            VALUES ('run-1', ?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)
            """)
        for (i, result) in results.prefix(30).enumerated() {
            insert.bind(1, i); insert.bind(2, result.test); insert.bind(3, result.category); insert.bind(4, result.provider)
            insert.bind(5, result.model); insert.bind(6, result.repeatIndex); insert.bind(7, result.status.rawValue)
            insert.bind(8, result.passed ? 1 : 0); insert.bind(9, bytes: EncodedResult(sequence: i, result: result).json)
            insert.bind(10, result.warmup ? 1 : 0)
            try insert.run()
        }
        func check(_ store: SQLiteResultStore, _ expected: [BenchResult]) throws {
            let measured = expected.filter { !$0.warmup }
            var figures: [ResultFigures] = [], texts: [[UInt8]] = []
            try store.forEachFigures(runID: "run-1", matching: .all) { figures.append($0) }
            try store.forEachResultJSON(runID: "run-1", matching: .all) { texts.append(Array($0)) }
            #expect(figures == measured.map(ResultFigures.init))
            #expect(texts == measured.map { EncodedResult(sequence: 0, result: $0).json })
        }
        try check(try SQLiteResultStore(readingFrom: path), Array(results.prefix(30)))
        let upgraded = try SQLiteResultStore(path: path)
        try upgraded.append(runID: "run-1", batch: results.suffix(30).enumerated().map { EncodedResult(sequence: 30 + $0.offset, result: $0.element) })
        try check(upgraded, results)
    }

    /// The store copies stored text only while it is what `writeJSON` writes today. If this test
    /// fails, `writeJSON`'s text changed: raise `BenchResult.jsonEncoding` and add the new digest.
    @Test func theTextOfTheCurrentEncodingIsUnchanged() throws {
        var generator = SeededGenerator(state: 7)
        var all: [UInt8] = []
        for _ in 0..<50 {
            var writer = JSONWriter()
            generator.result().writeJSON(into: &writer)
            all += writer.bytes + [10]
        }
        let digests = [1: "4d07fa18476d36c309b487dd89ad54f51c5d4d544597007f2cd8e71edff4e630"]
        #expect(Digest.sha256Hex(String(decoding: all, as: UTF8.self)) == digests[BenchResult.jsonEncoding],
                "writeJSON's text changed: raise BenchResult.jsonEncoding (stored text of the old one is then re-encoded by reports)")
    }
}

/// Results with every field the contract has, and what JSON must escape.
extension SeededGenerator {
    /// Text with what JSON must escape: quotes, backslashes, every control character, and more
    /// than one byte a character.
    mutating func text() -> String {
        let pieces = ["a", "Paris", " ", "\"", "\\", "/", "\n", "\r", "\t", "\u{0}", "\u{1}", "\u{1f}", "\u{7f}", "é", "漢",
                      "🙂", "\u{2028}", "<b>", "&amp;", "{\"k\":1}", "0.1", "null"]
        return (0..<int(0...12)).map { _ in pieces[int(0...(pieces.count - 1))] }.joined()
    }

    /// Integers, microsecond-exact times, and arbitrary finite doubles (shortest form).
    mutating func double() -> Double {
        switch int(0...3) {
        case 0: return Double(int(0...100_000))
        case 1: return Double(int(0...99_999_999)) / 1000
        case 2: return Double(int(0...1_000_000)) / 1_000_000_000
        default:
            while true {
                let d = Double(bitPattern: next())
                if d.isFinite { return d }
            }
        }
    }

    mutating func method() -> TokenCountMethod {
        chance(50) ? .reported : TokenCountMethod.allCases[int(0...(TokenCountMethod.allCases.count - 1))]
    }

    mutating func error() -> RequestError {
        RequestError(kind: ErrorKind.allCases[int(0...(ErrorKind.allCases.count - 1))], message: text(),
                     httpStatus: maybe { $0.int(100...599) }, retryAfterMs: maybe { $0.int(0...120_000) })
    }

    mutating func http() -> HTTPInfo {
        HTTPInfo(status: maybe { $0.int(100...599) }, version: maybe { [10, 11, 20, 30][$0.int(0...3)] },
                 reusedConnection: maybe { $0.chance(50) }, bytesIn: int(0...1 << 40), bytesOut: int(0...1 << 30), chunks: int(0...100_000))
    }

    mutating func details(depth: Int = 0) -> JSONValue {
        var fields: [String: JSONValue] = [:]
        for _ in 0..<int(0...3) {
            switch int(0...4) {
            case 0: fields[text()] = .string(text())
            case 1: fields[text()] = .number(double())
            case 2: fields[text()] = .bool(chance(50))
            case 3: fields[text()] = .null
            default: fields[text()] = depth < 2 ? .array([details(depth: depth + 1), .number(double())]) : .null
            }
        }
        return .object(fields)
    }

    mutating func result() -> BenchResult {
        let failed = chance(30)
        var result = BenchResult(
            test: text(), category: text(), provider: text(), plugin: text(), model: text(), repeatIndex: int(0...1000),
            status: failed ? .error : .ok, error: failed ? error() : nil,
            latencyMs: maybe { $0.double() }, ttftMs: maybe { $0.double() }, ttfotMs: maybe { $0.double() },
            usage: maybe { g in
                Usage(inputTokens: g.int(0...1_000_000), outputTokens: g.int(0...1_000_000), cachedInputTokens: g.maybe { $0.int(0...1000) },
                      cacheWriteTokens: g.maybe { $0.int(0...1000) }, reasoningTokens: g.maybe { $0.int(0...1000) },
                      inputMethod: g.method(), outputMethod: g.method())
            },
            costUSD: maybe { $0.double() }, quality: maybe { $0.double() }, passed: chance(50),
            scores: (0..<int(0...3)).map { _ in
                ScoreOutcome(scorer: text(), value: maybe { $0.double() }, passed: chance(50), threshold: maybe { $0.double() },
                             explanation: maybe { $0.text() }, details: details(), error: maybe { $0.text() },
                             inputTokens: maybe { $0.int(0...100_000) }, outputTokens: maybe { $0.int(0...100_000) }, costUSD: maybe { $0.double() })
            },
            output: text(), reasoning: maybe { $0.text() }, truncated: chance(10), finishReason: maybe { $0.text() },
            attempts: int(1...5), waitMs: double(), http: maybe { $0.http() }, chunkGapsMs: (0..<int(0...6)).map { _ in double() },
            simulated: chance(50), startedAt: Double(int(1_600_000_000...1_900_000_000)) + Double(int(0...999_999)) / 1e6,
            cached: chance(20), warmup: chance(10))
        // A log of one first-time success with no wait is kept as no log at all (the result is that
        // attempt); generate logs of two or more, or none.
        if chance(40) {
            result.attemptLog = (0..<int(2...3)).map { _ in
                AttemptRecord(status: chance(50) ? .ok : .error, error: maybe { $0.error() }, latencyMs: maybe { $0.double() },
                              ttftMs: maybe { $0.double() }, waitBeforeMs: double(), http: maybe { $0.http() })
            }
        }
        return result
    }
}

/// Every report rendered from the store (figures from columns, text copied or partly decoded, whole
/// results only where needed) is the one rendered from the results themselves, byte for byte.
struct StoredReportTests {
    @Test func everyFormatFromTheStoreIsTheOneFromTheResults() throws {
        var generator = SeededGenerator(state: ResultEncodingPropertyTests.seed &+ 3)
        let results = (0..<300).map { i in
            var result = generator.result()
            // A few providers and categories, so groups, decisions and JUnit's testsuites have several results.
            (result.provider, result.model, result.category) = (["a", "b", "c"][i % 3], ["m1", "m2", "m3"][i % 3], ["x", "y"][i / 3 % 2])
            result.test = "t\(i / 3)"
            result.repeatIndex = 0
            return result
        }
        let dir = TemporaryDirectory()
        let store = try SQLiteResultStore(path: dir.file("s.sqlite"))
        let run = StoreTests.sampleRun()
        try store.beginRun(run, suitePath: "generated")
        try store.append(runID: run.id, batch: results.enumerated().map { EncodedResult(sequence: $0.offset, result: $0.element) })
        let stored = try #require(try store.run(id: run.id))
        for format in ReportFormat.allCases {
            let options = RenderOptions(hostname: "host")
            let fromResults = try render(RunReport(run: stored, results: results.filter { !$0.warmup }), as: format, options: options)
            var bytes: [UInt8] = []
            try StreamingReport(run: stored, results: store.results(of: run.id))
                .write(format, options: options, to: ReportOutput { bytes.append(contentsOf: $0) })
            let fromStore = String(decoding: bytes, as: UTF8.self)
            if fromStore != fromResults {
                let at = zip(fromStore.utf8, fromResults.utf8).prefix { $0 == $1 }.count
                Issue.record("\(format): the store's report differs at byte \(at): \(String(decoding: Array(fromStore.utf8)[max(0, at - 80)..<min(fromStore.utf8.count, at + 80)], as: UTF8.self))")
            }
        }
    }
}
