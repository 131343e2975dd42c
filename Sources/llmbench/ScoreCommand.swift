import ArgumentParser
import Foundation
import LLMBenchCore
import LLMBenchEngine

struct ScoreCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "score", abstract: "Try a scorer without a suite: one answer, or a JSONL file of them.",
        discussion: """
            Prints one JSON line per answer: {"value", "passed", "details", "explanation"?, "error"?}, or {"error", "line"} for a line \
            that is not a request; with --corpus, one {"corpus": true, "lines", "options", ...} line per set of options after them. \
            Exits 0 when every answer was scored (passed or not), 1 when any answer or the file's figure got no score (the \
            scorer failed or refused its options, or a line was not a request), 2 when nothing could start (an unknown scorer, \
            a bad --option, a file that cannot be read).
            """)

    @Argument(help: "The scorer id (see `llmbench plugins`).") var scorer: String
    @Option(help: "The answer to score.") var output: String?
    @Option(help: "An expected value (repeatable: any may match).") var expected: [String] = []
    @Option(name: .customLong("option"), help: ArgumentHelp("A scorer option (repeatable); VALUE is JSON if it parses, else a string.", valueName: "KEY=VALUE"))
    var options: [String] = []
    @Option(help: "Pass when the value is at least this.") var threshold: Double?
    @Option(help: ArgumentHelp("Score each line {\"output\", \"expected\", \"options\"} of this file; '-' reads standard input.", valueName: "FILE"))
    var jsonl: String?
    @Flag(help: "With --jsonl: after the lines, one line {\"corpus\": true, ...} with the scorer's figure for the whole file (corpus BLEU), one per distinct set of options.")
    var corpus = false
    @Option(help: ArgumentHelp("Prepare this suite's providers, so that a scorer that calls one (embedding_cosine's embedder) can; no test is run.", valueName: "FILE"))
    var suite: String?
    @OptionGroup var plugins: PluginOptions

    func validate() throws {
        if (output == nil) == (jsonl == nil) { throw ValidationError("give --output (with --expected) or --jsonl FILE") }
        if corpus && jsonl == nil { throw ValidationError("--corpus sums up the lines of a --jsonl FILE; give one") }
    }

    func run() throws {
        let catalog = plugins.catalog()
        guard let plugin = catalog.plugin(id: scorer), plugin.kind == .scorer else {
            let known = catalog.plugins(of: .scorer).map(\.id).sorted().joined(separator: ", ")
            throw failInput([LLMBenchError(.unknownPlugin, "unknown scorer '\(scorer)'; found: \(known)")])
        }
        var baseOptions: [String: JSONValue] = [:]
        for option in options {
            guard let equals = option.firstIndex(of: "=") else {
                throw failInput([LLMBenchError(.usage, "--option '\(option)' must be KEY=VALUE")])
            }
            let raw = String(option[option.index(after: equals)...])
            baseOptions[String(option[..<equals])] = (try? JSONValue.parse(raw)) ?? .string(raw)
        }
        var run: RunContext?
        if let suite {
            do throws(LLMBenchErrors) {
                let loaded = try UserFiles.loadSuite(suite)
                run = try RunPreparation(catalog: catalog, prices: PriceTable()).serviceContext(for: loaded)
            } catch {
                throw failInput(error.errors)
            }
        }
        if corpus && !plugin.hasAggregate {
            throw failInput([LLMBenchError(.usage, "scorer '\(scorer)' has no figure for a whole file (its plugin has no aggregate); drop --corpus")])
        }
        var instances: [String: PluginInstance] = [:]
        /// With --corpus: per distinct options, in order of first use, the details of each line scored without error.
        var groups: [(options: [String: JSONValue], details: [JSONValue])] = []
        var groupIndex: [String: Int] = [:]
        func instance(_ key: String) throws(RequestError) -> PluginInstance {
            if let existing = instances[key] { return existing }
            let made = try PluginInstance(plugin: plugin, configJSON: key)
            instances[key] = made
            return made
        }
        func outcome(output: String, expected: [String], options: [String: JSONValue]) throws(RequestError) -> ScoreOutcome {
            let spec = ScorerSpec(scorer: scorer, threshold: threshold, options: options)
            let key = JSONValue.object(options).jsonText
            let scored = ScorerCall.evaluate(try instance(key), spec: spec, output: output, expected: expected, testName: "", run: run)
            if corpus && scored.error == nil {
                if groupIndex[key] == nil {
                    groupIndex[key] = groups.count
                    groups.append((options, []))
                }
                groups[groupIndex[key]!].details.append(scored.details)
            }
            return scored
        }
        guard let jsonl else {
            do {
                let scored = try outcome(output: output!, expected: expected, options: baseOptions)
                print(Self.line(scored).jsonText)
                if let error = scored.error {
                    printError(LLMBenchError(.plugin, "scorer '\(scorer)': \(error)").description)
                    throw Exit.notAllScored
                }
            } catch let error as RequestError {
                print(JSONValue.object(["error": .string(error.message)]).jsonText)
                printError(LLMBenchError(.plugin, "scorer '\(scorer)': \(error.message)").description)
                throw Exit.notAllScored
            }
            return
        }
        let text: String
        if jsonl == "-" {
            text = String(decoding: FileHandle.standardInput.readDataToEndOfFile(), as: UTF8.self)
        } else {
            do { text = try UserFiles.readText(jsonl) } catch { throw failInput([error]) }
        }
        var bad = 0
        // "\r\n" is one Character in Swift: a separator of its own, or a CRLF file is one line.
        for (number, line) in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            // Blank lines are skipped; checked on bytes (Foundation's trimming was 10 % of a 3,000-line corpus score).
            guard line.utf8.contains(where: { $0 != 0x20 && $0 != 0x09 && $0 != 0x0D }) else { continue }
            let place = SourceLocation(file: jsonl, line: number + 1, column: 1)
            do {
                let json: JSONValue
                do { json = try JSONValue.parse(String(line)) } catch {
                    throw LLMBenchError(.invalidFile, "invalid JSON: \(error.message) (column \(error.offset + 1))", at: place)
                }
                guard let output = json["output"]?.stringValue else {
                    throw LLMBenchError(.missingKey, "expected {\"output\": string, \"expected\": string or list, \"options\": object}", at: place)
                }
                let expected = json["expected"]?.arrayValue?.compactMap(\.stringValue) ?? json["expected"]?.stringValue.map { [$0] } ?? []
                let options = baseOptions.merging(json["options"]?.objectValue ?? [:]) { _, line in line }
                let scored: ScoreOutcome
                do { scored = try outcome(output: output, expected: expected, options: options) } catch {
                    throw LLMBenchError(.plugin, "scorer '\(scorer)': \(error.message)", at: place)
                }
                print(Self.line(scored).jsonText)
                if let error = scored.error {
                    bad += 1
                    printError(LLMBenchError(.plugin, "scorer '\(scorer)': \(error)", at: place).description)
                }
            } catch let error as LLMBenchError {
                // Keep the output aligned with the input: one line out per line in, even when it is bad.
                bad += 1
                print(JSONValue.object(["error": .string(error.message), "line": JSONValue(number + 1)]).jsonText)
                printError(error.description)
            }
        }
        if corpus && groups.isEmpty {
            bad += 1
            print(JSONValue.object(["corpus": .bool(true), "lines": 0, "error": "no line was scored"]).jsonText)
            printError(LLMBenchError(.invalidFile, "no line of \(jsonl) was scored, so the file has no figure").description)
        }
        for group in groups {
            let spec = ScorerSpec(scorer: scorer, threshold: threshold, options: group.options)
            let key = JSONValue.object(group.options).jsonText
            guard let whole = try? ScorerCall.aggregate(instance(key), spec: spec, details: group.details, run: run) else { continue }
            guard case .object(var object) = Self.line(whole) else { continue }
            object["corpus"] = .bool(true)
            object["lines"] = JSONValue(group.details.count)
            object["options"] = .object(group.options)
            print(JSONValue.object(object).jsonText)
            if let error = whole.error {
                bad += 1
                printError(LLMBenchError(.plugin, "scorer '\(scorer)', the file's figure: \(error)").description)
            }
        }
        if bad > 0 { throw Exit.notAllScored }
    }

    static func line(_ outcome: ScoreOutcome) -> JSONValue {
        var object: [String: JSONValue] = [
            "value": JSONValue(outcome.value), "passed": .bool(outcome.passed), "details": outcome.details,
        ]
        if let explanation = outcome.explanation { object["explanation"] = .string(explanation) }
        if let error = outcome.error { object["error"] = .string(error) }
        return .object(object)
    }
}
