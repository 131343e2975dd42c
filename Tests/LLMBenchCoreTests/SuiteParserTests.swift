import LLMBenchCore
import Testing

struct SuiteParserTests {
    static let valid = """
        version: 1
        name: demo
        description: a suite
        providers:
          - id: a
            plugin: mock
            model: m1
            options: {temperature: 0, max_tokens: 64, stream: true}
          - id: b
            plugin: openai
            model: gpt-4o-mini
            api_key_env: OPENAI_API_KEY
            base_url: http://localhost:8080/v1
        defaults:
          system: Be brief.
          repeat: 2
          scorers:
            - scorer: exact_match
              threshold: 1.0
              options: {mode: normalized}
        tests:
          - name: one
            category: factual
            prompt: "What is 1+1?"
            expected: "2"
          - name: two
            messages:
              - {role: user, content: hi}
            expected: [hello, hi]
            repeat: 1
            scorers: [exact_match]
        """

    func parse(_ text: String, includes: [String: String] = [:]) throws(LLMBenchErrors) -> Suite {
        let parser = SuiteParser { path, _ in
            guard let text = includes[path] else { throw LLMBenchError(.invalidFile, "no such file") }
            return (path, text)
        }
        return try parser.parse(text, path: "suite.yaml")
    }

    func problems(_ text: String, includes: [String: String] = [:]) -> [LLMBenchError] {
        do {
            _ = try parse(text, includes: includes)
            return []
        } catch {
            return error.errors
        }
    }

    @Test func readsEverySectionOfAValidSuite() throws {
        let suite = try parse(Self.valid)
        #expect(suite.name == "demo")
        #expect(suite.providers.map(\.id) == ["a", "b"])
        #expect(suite.providers[1].apiKeyEnv == "OPENAI_API_KEY")
        #expect(suite.providers[1].baseURL == "http://localhost:8080/v1")
        #expect(suite.providers[0].options["max_tokens"] == 64)
        #expect(suite.providers[0].options["stream"] == true)
        let one = suite.tests[0], two = suite.tests[1]
        #expect(one.messages == [Message(role: "system", content: "Be brief."), Message(role: "user", content: "What is 1+1?")])
        #expect(one.repeatCount == 2)
        #expect(one.scorers.first?.threshold == 1.0)
        #expect(one.scorers.first?.options["mode"] == "normalized")
        #expect(two.category == "general")
        #expect(two.expected == ["hello", "hi"])
        #expect(two.repeatCount == 1)
        #expect(two.scorers.map(\.scorer) == ["exact_match"] && two.scorers[0].threshold == nil)
        #expect(one.location == SourceLocation(file: "suite.yaml", line: 22, column: 5))
    }

    @Test func numbersInStringPlacesStayAsWritten() throws {
        let suite = try parse(Self.valid.replacingOccurrences(of: #"expected: "2""#, with: "expected: 2.50"))
        #expect(suite.tests[0].expected == ["2.50"])
    }

    @Test func unknownKeyNamesFileLineColumnAndSuggestsTheNearestKey() {
        let found = problems(Self.valid.replacingOccurrences(of: "    category: factual", with: "    categroy: factual"))
        #expect(found.count == 1)
        let error = found[0]
        #expect(error.code == .unknownKey)
        #expect(error.location == SourceLocation(file: "suite.yaml", line: 23, column: 5))
        #expect(error.message.contains("did you mean 'category'"))
    }

    @Test func readsTheLatencyObjectivesAndRefusesEmptyOrUnknownOnes() throws {
        let suite = try parse(Self.valid + "\nslo: {ttft_ms: 800, latency_ms: 5000}")
        #expect(suite.slo == ServiceLevelObjective(ttftMs: 800, latencyMs: 5000))
        #expect(try parse(Self.valid + "\nslo: {latency_ms: 2500}").slo == ServiceLevelObjective(latencyMs: 2500))
        #expect(try parse(Self.valid).slo == nil)
        let unknown = problems(Self.valid + "\nslo: {ttft: 800}").map(\.description)
        #expect(unknown.contains { $0.contains("'ttft'") && $0.contains("ttft_ms") }, "\(unknown)")
        #expect(problems(Self.valid + "\nslo: {}").contains { $0.description.contains("sets no objective") })
        #expect(!problems(Self.valid + "\nslo: {ttft_ms: -1}").isEmpty)
    }

    @Test func currentNamesAProviderOfTheSuite() throws {
        #expect(try parse(Self.valid + "\ncurrent: b").current == "b")
        #expect(problems(Self.valid + "\ncurrent: zz").contains { $0.description.contains("'current' names 'zz', which is not a provider id") })
    }

    @Test func aResultIsGoodWhenItPassedAndMetEveryObjectiveSet() {
        let slo = ServiceLevelObjective(ttftMs: 800, latencyMs: 5000)
        #expect(slo.isGood(passed: true, ok: true, ttftMs: 800, latencyMs: 5000), "at the limit is within it")
        #expect(!slo.isGood(passed: true, ok: true, ttftMs: 801, latencyMs: 100))
        #expect(!slo.isGood(passed: true, ok: true, ttftMs: 100, latencyMs: 5001))
        #expect(!slo.isGood(passed: false, ok: true, ttftMs: 1, latencyMs: 1))
        #expect(!slo.isGood(passed: true, ok: true, ttftMs: nil, latencyMs: 1), "no TTFT misses a TTFT objective")
        #expect(ServiceLevelObjective(latencyMs: 10).isGood(passed: true, ok: true, ttftMs: nil, latencyMs: 9))
    }

    @Test func wrongTypesSayWhatWasExpectedAndFound() {
        let found = problems(Self.valid.replacingOccurrences(of: "threshold: 1.0", with: "threshold: high")
            .replacingOccurrences(of: "repeat: 2", with: "repeat: [2]"))
        let messages = found.map(\.description)
        #expect(messages.contains { $0.hasPrefix("suite.yaml:19:18:") && $0.contains("'threshold' in a scorer to be a number, found a string") })
        #expect(messages.contains { $0.hasPrefix("suite.yaml:16:11:") && $0.contains("'repeat' in defaults to be a whole number, found a list") })
    }

    @Test func reportsAllProblemsAtOnce() {
        let text = """
            version: 1
            name: x
            providers:
              - {id: a, plugin: mock, model: m}
              - {id: a, plugin: mock, model: m2}
              - {id: c, plugin: mock}
            tests:
              - name: t
                expected: 1
              - name: t
                prompt: p
                prompt2: q
            """
        let found = problems(text)
        let codes = found.map(\.code)
        #expect(codes.contains(.missingKey))              // provider model, test prompt
        #expect(codes.filter { $0 == .duplicate }.count == 2) // provider id a, test name t
        #expect(codes.contains(.unknownKey))              // prompt2
        #expect(found.allSatisfy { $0.location != nil })
    }

    @Test func refusesANewerVersionNamingBothNumbers() {
        let found = problems(Self.valid.replacingOccurrences(of: "version: 1", with: "version: 3"))
        #expect(found.count == 1)
        #expect(found[0].code == .unsupportedVersion)
        #expect(found[0].message.contains("version 3") && found[0].message.contains("version 1"))
    }

    @Test func syntaxErrorsHaveAPlace() {
        let found = problems("version: 1\nname: [unclosed\n")
        #expect(found.count == 1)
        #expect(found[0].location?.file == "suite.yaml")
        #expect((found[0].location?.line ?? 0) >= 2)
    }

    @Test func refusesAKeyWhereAnEnvironmentVariableNameBelongs() {
        let found = problems(Self.valid.replacingOccurrences(of: "api_key_env: OPENAI_API_KEY", with: "api_key_env: sk-abc123"))
        #expect(found.count == 1)
        #expect(found[0].message.contains("environment variable"))
        #expect(!found[0].message.contains("sk-abc123"))
    }

    @Test func includesBringSharedDefaultsAndProviders() throws {
        let shared = """
            version: 1
            providers:
              - {id: shared, plugin: mock, model: m}
            defaults:
              category: shared-cat
              scorers: [{scorer: exact_match, threshold: 0.5}]
            """
        let text = """
            version: 1
            name: inc
            include: [shared.yaml]
            tests:
              - {name: t, prompt: p, expected: x}
            """
        let suite = try parse(text, includes: ["shared.yaml": shared])
        #expect(suite.providers.map(\.id) == ["shared"])
        #expect(suite.tests[0].category == "shared-cat")
        #expect(suite.tests[0].scorers.first?.threshold == 0.5)
    }

    @Test func includedTestsComeFirstAndTakeTheSuitesDefaults() throws {
        let shared = "version: 1\ntests:\n  - {name: shared-test, prompt: p, expected: x}\n"
        let text = """
            version: 1
            name: inc
            include: [tests.yaml]
            providers: [{id: p, plugin: mock, model: m}]
            defaults: {category: from-suite, scorers: [exact_match]}
            tests:
              - {name: own, prompt: q}
            """
        let suite = try parse(text, includes: ["tests.yaml": shared])
        #expect(suite.tests.map(\.name) == ["shared-test", "own"])
        #expect(suite.tests[0].category == "from-suite")
        #expect(suite.tests[0].scorers.map(\.scorer) == ["exact_match"])
        #expect(suite.tests[0].location?.file == "tests.yaml")
        let bad = problems(text.replacingOccurrences(of: "name: own", with: "name: shared-test"), includes: ["tests.yaml": shared])
        #expect(bad.count == 1 && bad[0].code == .duplicate)
    }

    @Test func aProblemInsideAnIncludeNamesTheIncludedFile() {
        let text = "version: 1\nname: inc\ninclude: [shared.yaml]\ntests:\n  - {name: t, prompt: p}\n"
        let found = problems(text, includes: ["shared.yaml": "version: 1\nproviders:\n  - {id: s, plugin: mock, model: m, colour: red}\n"])
        #expect(found.count == 1)
        #expect(found[0].location?.file == "shared.yaml")
        #expect(found[0].location?.line == 3)
    }

    @Test func shippedSuitesParse() throws {
        for file in try TestFiles.yamlFiles(in: TestFiles.repo("Suites")) {
            let parser = SuiteParser { path, _ in (path, try TestFiles.read(TestFiles.repo("Suites/\(path)"))) }
            _ = try parser.parse(try TestFiles.read(file), path: file)
        }
    }
}

/// The provider fields that say how tokens are counted when the provider reports none.
struct TokenCountingSuiteTests {
    static func suite(_ providerFields: String) -> String {
        """
        version: 1
        name: tokens
        providers:
          - {id: local, plugin: openai, model: smollm2, \(providerFields)}
        tests:
          - {name: t, prompt: hi}
        """
    }

    func parse(_ fields: String) throws(LLMBenchErrors) -> TokenCounting {
        try SuiteParser().parse(Self.suite(fields), path: "suite.yaml").providers[0].tokens
    }

    func problems(_ fields: String) -> [LLMBenchError] {
        do {
            _ = try parse(fields)
            return []
        } catch {
            return error.errors
        }
    }

    @Test func readsUsageFromTokenizerAndTemplateTokens() throws {
        let tokens = try parse("usage_from: tokenizer, tokenizer: models/smollm2/tokenizer.json, template_tokens: {per_message: 5, per_prompt: 24}")
        #expect(tokens == TokenCounting(source: .tokenizer, tokenizerPath: "models/smollm2/tokenizer.json",
                                        template: .init(perMessage: 5, perPrompt: 24)))
        #expect(try parse("usage_from: chunks").source == .chunks)
    }

    @Test func theDefaultsAreAutoWithChatMLsTemplate() throws {
        let tokens = try parse("base_url: \"http://localhost:8080/v1\"")
        #expect(tokens.source == .auto && tokens.tokenizerPath == nil)
        #expect(tokens.template.perMessage == 5 && tokens.template.perPrompt == 3)
    }

    @Test func anUnknownSourceIsNamedWithTheChoices() {
        let found = problems("usage_from: chunk")
        #expect(found.count == 1)
        #expect(found.first?.message.contains("did you mean 'chunks'") == true)
        #expect(found.first?.message.contains("auto, chunks, tokenizer, estimate") == true)
        #expect(found.first?.location?.line == 4)
    }

    @Test func usageFromTokenizerNeedsATokenizer() {
        let found = problems("usage_from: tokenizer")
        #expect(found.map(\.code) == [.missingKey])
        #expect(found.first?.message.contains("needs 'tokenizer: FILE'") == true)
    }

    @Test func templateTokensAreWholeNumbersWithKnownKeys() {
        let found = problems("template_tokens: {per_message: -1, per_reply: 3}")
        #expect(found.count == 2)
        #expect(found.contains { $0.code == .unknownKey && $0.message.contains("'per_reply'") && $0.message.contains("per_message, per_prompt") })
        #expect(found.contains { $0.code == .invalidValue && $0.message.contains("'per_message'") })
    }
}
