import Foundation
import Yams

/// Turns suite YAML into a `Suite`, reporting every problem with file:line:column.
/// I/O-free: included files are read through `readFile`, which the caller supplies.
public struct SuiteParser {
    /// Reads an included file: (path as written, path of the including file) → (resolved path, text).
    public typealias FileReader = (_ path: String, _ relativeTo: String) throws -> (path: String, text: String)

    static let topKeys = ["version", "name", "description", "include", "providers", "defaults", "tests", "repeat", "slo", "current"]
    static let sloKeys = ["ttft_ms", "latency_ms"]
    static let includeKeys = ["version", "description", "providers", "defaults", "tests"]
    static let providerKeys = ["id", "plugin", "model", "api_key_env", "base_url", "options", "retry", "timeouts", "concurrency",
                               "rate_limit", "budget_usd", "warmup", "usage_from", "tokenizer", "template_tokens", "under_test"]
    static let rateLimitKeys = ["rpm", "tpm"]
    static let retryKeys = ["max_attempts", "rate_limited_max_attempts", "base_delay_ms", "max_delay_ms", "deadline_ms"]
    static let timeoutKeys = ["connect_ms", "first_byte_ms", "idle_ms", "total_ms"]
    static let templateKeys = ["per_message", "per_prompt"]
    static let defaultsKeys = ["scorers", "repeat", "options", "category", "system"]
    static let scorerKeys = ["scorer", "threshold", "options", "timeout_ms"]
    static let testKeys = ["name", "category", "description", "prompt", "messages", "system", "expected", "scorers", "repeat", "options"]
    static let messageKeys = ["role", "content"]
    static let roles = ["system", "user", "assistant"]

    private let readFile: FileReader

    /// `readFile` decides which files may be included and throws an LLMBenchError whose message
    /// says why one may not (it follows "cannot include '<path>': ").
    public init(readFile: @escaping FileReader = { _, _ in throw LLMBenchError(.invalidFile, "includes are not available here") }) {
        self.readFile = readFile
    }

    private struct Defaults {
        var scorers: [ScorerSpec]?
        var repeatCount: Int?
        var options: [String: JSONValue] = [:]
        var category: String?
        var system: String?
    }

    public func parse(_ text: String, path: String) throws(LLMBenchErrors) -> Suite {
        var doc = YAMLDocument(path: path, what: "a suite")
        guard let root = doc.compose(text) else { throw LLMBenchErrors(doc.problems) }
        guard let top = doc.mapping(root, what: "the suite", allowed: Self.topKeys) else { throw LLMBenchErrors(doc.problems) }
        checkVersion(top["version"], parent: root, doc: &doc)

        let name = doc.nonEmptyString(top["name"], key: "name", in: "the suite", required: true, parent: root) ?? ""
        let description = doc.string(top["description"], key: "description", in: "the suite", parent: root)

        var providers: [ProviderConfig] = []
        var defaults = Defaults()
        var includedTests: [(node: Node, path: String)] = []
        for include in doc.sequence(top["include"], key: "include", in: "the suite") ?? [] {
            guard let includePath = doc.string(include, key: "include", in: "the suite", parent: include) else { continue }
            parseInclude(includePath, node: include, from: path, providers: &providers, defaults: &defaults, tests: &includedTests, doc: &doc)
        }
        if let node = top["providers"] {
            providers += parseProviders(node, doc: &doc)
        } else if providers.isEmpty {
            doc.problem(.missingKey, "missing 'providers' in the suite; expected a list of {id, plugin, model}", at: root)
        }
        if let node = top["defaults"] { mergeDefaults(parseDefaults(node, doc: &doc), into: &defaults) }
        if let repeatCount = doc.int(top["repeat"], key: "repeat", in: "the suite", min: 1) { defaults.repeatCount = repeatCount }
        var slo: ServiceLevelObjective?
        if let node = top["slo"], let fields = doc.mapping(node, what: "slo", allowed: Self.sloKeys) {
            slo = ServiceLevelObjective(ttftMs: doc.double(fields["ttft_ms"], key: "ttft_ms", in: "slo", range: 0.001...1e9),
                                        latencyMs: doc.double(fields["latency_ms"], key: "latency_ms", in: "slo", range: 0.001...1e9))
            if slo == ServiceLevelObjective() { doc.problem(.invalidValue, "'slo' sets no objective; expected ttft_ms and/or latency_ms", at: node) }
        }

        // Included tests first, with the suite's final defaults, each reported in its own file.
        var tests: [TestCase] = []
        for (node, includedPath) in includedTests {
            var inner = YAMLDocument(path: includedPath, what: "a suite")
            if let test = parseTest(node, defaults: defaults, doc: &inner) { tests.append(test) }
            for problem in inner.problems { doc.problem(problem) }
        }
        if let items = doc.sequence(top["tests"], key: "tests", in: "the suite") {
            if items.isEmpty { doc.problem(.invalidValue, "'tests' is empty; a suite needs at least one test", at: top["tests"]!) }
            for item in items { if let test = parseTest(item, defaults: defaults, doc: &doc) { tests.append(test) } }
        } else if top["tests"] == nil && includedTests.isEmpty {
            doc.problem(.missingKey, "missing 'tests' in the suite; expected a list of tests", at: root)
        }
        let current = doc.nonEmptyString(top["current"], key: "current", in: "the suite", parent: root)
        if let current, let node = top["current"], !providers.contains(where: { $0.id == current }) {
            doc.problem(.invalidValue, "'current' names '\(current)', which is not a provider id of the suite", at: node)
        }
        checkUnique(providers.map { ($0.id, $0.location) }, what: "provider id", doc: &doc)
        checkUnique(tests.map { ($0.name, $0.location) }, what: "test name", doc: &doc)

        guard doc.problems.isEmpty else { throw LLMBenchErrors(doc.problems) }
        var suite = Suite(version: Suite.supportedVersion, name: name, description: description, providers: providers, tests: tests,
                          sourcePath: path, digest: Digest.fnv1a64Hex(text))
        suite.slo = slo
        suite.current = current
        return suite
    }

    private func checkVersion(_ node: Node?, parent: Node, doc: inout YAMLDocument) {
        guard let node else {
            doc.problem(.missingKey, "missing 'version'; expected 'version: \(Suite.supportedVersion)' as the first key", at: parent)
            return
        }
        guard let version = doc.int(node, key: "version", in: "the file", min: 1) else { return }
        if version > Suite.supportedVersion {
            doc.problem(.unsupportedVersion, "this file is version \(version), but this llmbench reads version \(Suite.supportedVersion) at most; upgrade llmbench", at: node)
        }
    }

    private func checkUnique(_ items: [(String, SourceLocation?)], what: String, doc: inout YAMLDocument) {
        var seen: [String: SourceLocation?] = [:]
        for (name, location) in items {
            if let first = seen[name] {
                let firstText = first.map { " (first at \($0))" } ?? ""
                doc.problem(LLMBenchError(.duplicate, "duplicate \(what) '\(name)'\(firstText); each must be unique in the suite", at: location))
            } else {
                seen[name] = location
            }
        }
    }

    private func parseInclude(_ includePath: String, node: Node, from path: String, providers: inout [ProviderConfig],
                              defaults: inout Defaults, tests: inout [(node: Node, path: String)], doc: inout YAMLDocument)
    {
        let file: (path: String, text: String)
        let shown = Excerpt.clip(includePath, to: 200)
        do {
            file = try readFile(includePath, path)
        } catch {
            doc.problem(.invalidFile, "cannot include '\(shown)': \((error as? LLMBenchError)?.message ?? "\(error)")", at: node)
            return
        }
        // Nothing of an included file is quoted until it looks like a suite file: anything else
        // (a list of accounts, say) would be echoed back as unknown keys.
        let screen = YAMLScreen(file.text, path: file.path, what: "a suite")
        guard screen.rootKeys?.contains("version") == true else {
            doc.problem(.invalidFile, "cannot include '\(shown)': it is not a suite file (a YAML mapping with 'version: 1'); its content is not shown",
                        at: node)
            return
        }
        var inner = YAMLDocument(path: file.path, what: "a suite")
        defer { for problem in inner.problems { doc.problem(problem) } }
        guard let root = inner.compose(screen),
              let top = inner.mapping(root, what: "an included file", allowed: Self.includeKeys) else { return }
        checkVersion(top["version"], parent: root, doc: &inner)
        if let node = top["providers"] { providers += parseProviders(node, doc: &inner) }
        if let node = top["defaults"] { mergeDefaults(parseDefaults(node, doc: &inner), into: &defaults) }
        for test in inner.sequence(top["tests"], key: "tests", in: "an included file") ?? [] { tests.append((test, file.path)) }
    }

    private func mergeDefaults(_ new: Defaults, into defaults: inout Defaults) {
        if let scorers = new.scorers { defaults.scorers = scorers }
        if let repeatCount = new.repeatCount { defaults.repeatCount = repeatCount }
        defaults.options.merge(new.options) { _, newer in newer }
        if let category = new.category { defaults.category = category }
        if let system = new.system { defaults.system = system }
    }

    private func parseProviders(_ node: Node, doc: inout YAMLDocument) -> [ProviderConfig] {
        guard let items = doc.sequence(node, key: "providers", in: "the suite") else { return [] }
        if items.isEmpty { doc.problem(.invalidValue, "'providers' is empty; expected at least one provider", at: node) }
        return items.compactMap { item in
            guard let fields = doc.mapping(item, what: "a provider", allowed: Self.providerKeys) else { return nil }
            let id = doc.nonEmptyString(fields["id"], key: "id", in: "a provider", required: true, parent: item)
            let plugin = doc.nonEmptyString(fields["plugin"], key: "plugin", in: "a provider", required: true, parent: item)
            let model = doc.nonEmptyString(fields["model"], key: "model", in: "a provider", required: true, parent: item)
            let keyEnv = doc.nonEmptyString(fields["api_key_env"], key: "api_key_env", in: "a provider", parent: item)
            if let keyEnv, let keyNode = fields["api_key_env"], !Self.isEnvironmentName(keyEnv) {
                doc.problem(.invalidValue, "'api_key_env' must name an environment variable (like OPENAI_API_KEY), not hold a key", at: keyNode)
            }
            let baseURL = doc.nonEmptyString(fields["base_url"], key: "base_url", in: "a provider", parent: item)
            if let baseURL, let urlNode = fields["base_url"], URLComponents(string: baseURL)?.scheme == nil {
                doc.problem(.invalidValue, "'base_url' must be an absolute URL like https://api.example.com/v1, found '\(baseURL)'", at: urlNode)
            }
            let options = doc.object(fields["options"], key: "options", in: "a provider") ?? [:]
            var retry = RetryPolicy()
            if let node = fields["retry"], let retryFields = doc.mapping(node, what: "retry", allowed: Self.retryKeys) {
                retry.maxAttempts = doc.int(retryFields["max_attempts"], key: "max_attempts", in: "retry", min: 1) ?? retry.maxAttempts
                retry.rateLimitedMaxAttempts = doc.int(retryFields["rate_limited_max_attempts"], key: "rate_limited_max_attempts", in: "retry", min: 1)
                    ?? retry.rateLimitedMaxAttempts
                retry.baseDelayMs = doc.int(retryFields["base_delay_ms"], key: "base_delay_ms", in: "retry", min: 0) ?? retry.baseDelayMs
                retry.maxDelayMs = doc.int(retryFields["max_delay_ms"], key: "max_delay_ms", in: "retry", min: 0) ?? retry.maxDelayMs
                retry.deadlineMs = doc.int(retryFields["deadline_ms"], key: "deadline_ms", in: "retry", min: 1) ?? retry.deadlineMs
            }
            var timeouts = TransportTimeouts()
            if let node = fields["timeouts"], let t = doc.mapping(node, what: "timeouts", allowed: Self.timeoutKeys) {
                timeouts.connectMs = doc.int(t["connect_ms"], key: "connect_ms", in: "timeouts", min: 1) ?? timeouts.connectMs
                timeouts.firstByteMs = doc.int(t["first_byte_ms"], key: "first_byte_ms", in: "timeouts", min: 1) ?? timeouts.firstByteMs
                timeouts.idleMs = doc.int(t["idle_ms"], key: "idle_ms", in: "timeouts", min: 1) ?? timeouts.idleMs
                timeouts.totalMs = doc.int(t["total_ms"], key: "total_ms", in: "timeouts", min: 1) ?? timeouts.totalMs
            }
            let concurrency = doc.int(fields["concurrency"], key: "concurrency", in: "a provider", min: 1)
            var rateLimit = RateLimit()
            if let node = fields["rate_limit"], let r = doc.mapping(node, what: "rate_limit", allowed: Self.rateLimitKeys) {
                rateLimit.requestsPerMinute = doc.double(r["rpm"], key: "rpm", in: "rate_limit", range: 0.001...1e9)
                rateLimit.tokensPerMinute = doc.double(r["tpm"], key: "tpm", in: "rate_limit", range: 1...1e12)
            }
            let budget = doc.double(fields["budget_usd"], key: "budget_usd", in: "a provider", range: 0...1e9)
            let warmup = doc.int(fields["warmup"], key: "warmup", in: "a provider", min: 0) ?? 0
            let tokens = parseTokenCounting(fields, doc: &doc)
            var underTest = true
            if let node = fields["under_test"] {
                if case .scalar = node, let value = node.bool {
                    underTest = value
                } else {
                    doc.problem(.wrongType, "expected 'under_test' in a provider to be true or false, found \(YAMLDocument.describe(node))", at: node)
                }
            }
            guard let id, let plugin, let model else { return nil }
            return ProviderConfig(id: id, plugin: plugin, model: model, apiKeyEnv: keyEnv, baseURL: baseURL,
                                  options: options, retry: retry, timeouts: timeouts, concurrency: concurrency, rateLimit: rateLimit,
                                  budgetUSD: budget, warmup: warmup, tokens: tokens, underTest: underTest, location: doc.location(item))
        }
    }

    /// `usage_from`, `tokenizer` and `template_tokens` of a provider (Docs/metrics.md "Token counts").
    private func parseTokenCounting(_ fields: [String: Node], doc: inout YAMLDocument) -> TokenCounting {
        var tokens = TokenCounting()
        if let node = fields["tokenizer"] { tokens.tokenizerPath = doc.nonEmptyString(node, key: "tokenizer", in: "a provider", parent: node) }
        if let node = fields["usage_from"], let value = doc.string(node, key: "usage_from", in: "a provider", parent: node) {
            let choices = TokenCounting.Source.allCases.map(\.rawValue)
            if let source = TokenCounting.Source(rawValue: value) {
                tokens.source = source
                if source == .tokenizer && tokens.tokenizerPath == nil {
                    doc.problem(.missingKey, "'usage_from: tokenizer' needs 'tokenizer: FILE' (a Hugging Face tokenizer.json) on the same provider", at: node)
                }
            } else {
                let hint = Spelling.closest(to: value, in: choices).map { " (did you mean '\($0)'?)" } ?? ""
                doc.problem(.invalidValue, "unknown 'usage_from' value '\(Excerpt.clip(value, to: 60))'\(hint); expected one of: \(choices.joined(separator: ", "))", at: node)
            }
        }
        if let node = fields["template_tokens"], let t = doc.mapping(node, what: "template_tokens", allowed: Self.templateKeys) {
            tokens.template.perMessage = doc.int(t["per_message"], key: "per_message", in: "template_tokens", min: 0) ?? tokens.template.perMessage
            tokens.template.perPrompt = doc.int(t["per_prompt"], key: "per_prompt", in: "template_tokens", min: 0) ?? tokens.template.perPrompt
        }
        return tokens
    }

    static func isEnvironmentName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first == "_" || (first.isASCII && first.properties.isAlphabetic) else { return false }
        return name.unicodeScalars.allSatisfy { $0 == "_" || ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) }
    }

    private func parseDefaults(_ node: Node, doc: inout YAMLDocument) -> Defaults {
        var defaults = Defaults()
        guard let fields = doc.mapping(node, what: "defaults", allowed: Self.defaultsKeys) else { return defaults }
        if let scorers = fields["scorers"] { defaults.scorers = parseScorers(scorers, doc: &doc) }
        defaults.repeatCount = doc.int(fields["repeat"], key: "repeat", in: "defaults", min: 1)
        defaults.options = doc.object(fields["options"], key: "options", in: "defaults") ?? [:]
        defaults.category = doc.nonEmptyString(fields["category"], key: "category", in: "defaults", parent: node)
        defaults.system = doc.string(fields["system"], key: "system", in: "defaults", parent: node)
        return defaults
    }

    private func parseScorers(_ node: Node, doc: inout YAMLDocument) -> [ScorerSpec] {
        guard let items = doc.sequence(node, key: "scorers", in: "the suite") else { return [] }
        return items.compactMap { item in
            // A bare name is allowed: `scorers: [exact_match]`.
            if case .scalar = item, let name = item.string, item.null == nil {
                return ScorerSpec(scorer: name, location: doc.location(item))
            }
            guard let fields = doc.mapping(item, what: "a scorer", allowed: Self.scorerKeys) else { return nil }
            let name = doc.nonEmptyString(fields["scorer"], key: "scorer", in: "a scorer", required: true, parent: item)
            let threshold = doc.double(fields["threshold"], key: "threshold", in: "a scorer", range: 0...1)
            let options = doc.object(fields["options"], key: "options", in: "a scorer") ?? [:]
            let timeout = doc.int(fields["timeout_ms"], key: "timeout_ms", in: "a scorer", min: 1)
            guard let name else { return nil }
            return ScorerSpec(scorer: name, threshold: threshold, options: options, timeoutMs: timeout, location: doc.location(item))
        }
    }

    private func parseTest(_ node: Node, defaults: Defaults, doc: inout YAMLDocument) -> TestCase? {
        guard let fields = doc.mapping(node, what: "a test", allowed: Self.testKeys) else { return nil }
        let name = doc.nonEmptyString(fields["name"], key: "name", in: "a test", required: true, parent: node)
        let what = name.map { "test '\($0)'" } ?? "a test"
        let category = doc.nonEmptyString(fields["category"], key: "category", in: what, parent: node) ?? defaults.category ?? "general"
        let description = doc.string(fields["description"], key: "description", in: what, parent: node)
        let system = doc.string(fields["system"], key: "system", in: what, parent: node) ?? defaults.system

        var messages: [Message] = []
        switch (fields["prompt"], fields["messages"]) {
        case (nil, nil):
            doc.problem(.missingKey, "\(what) needs 'prompt' (a string) or 'messages' (a list of {role, content})", at: node)
        case (.some, .some):
            doc.problem(.invalidValue, "\(what) has both 'prompt' and 'messages'; use one", at: fields["messages"]!)
        case (let prompt?, nil):
            if let text = doc.string(prompt, key: "prompt", in: what, parent: node) { messages = [Message(role: "user", content: text)] }
        case (nil, let list?):
            messages = parseMessages(list, what: what, doc: &doc)
        }
        if let system, !messages.contains(where: { $0.role == "system" }) {
            messages.insert(Message(role: "system", content: system), at: 0)
        }

        var expected: [String] = []
        if let node = fields["expected"] {
            switch node {
            case .sequence(let items):
                for item in items {
                    if let text = doc.string(item, key: "expected", in: what, parent: node) { expected.append(text) }
                }
            default:
                if let text = doc.string(node, key: "expected", in: what, parent: node) { expected = [text] }
            }
        }
        let scorers = fields["scorers"].map { parseScorers($0, doc: &doc) } ?? defaults.scorers ?? []
        let repeatCount = doc.int(fields["repeat"], key: "repeat", in: what, min: 1) ?? defaults.repeatCount ?? 1
        let options = defaults.options.merging(doc.object(fields["options"], key: "options", in: what) ?? [:]) { _, test in test }
        guard let name else { return nil }
        return TestCase(name: name, category: category, description: description, messages: messages, expected: expected,
                        scorers: scorers, repeatCount: repeatCount, options: options, location: doc.location(node))
    }

    private func parseMessages(_ node: Node, what: String, doc: inout YAMLDocument) -> [Message] {
        guard let items = doc.sequence(node, key: "messages", in: what) else { return [] }
        if items.isEmpty { doc.problem(.invalidValue, "'messages' in \(what) is empty", at: node) }
        return items.compactMap { item in
            guard let fields = doc.mapping(item, what: "a message", allowed: Self.messageKeys) else { return nil }
            let role = doc.nonEmptyString(fields["role"], key: "role", in: "a message", required: true, parent: item)
            let content = doc.string(fields["content"], key: "content", in: "a message", required: true, parent: item)
            if let role, !Self.roles.contains(role) {
                doc.problem(.invalidValue, "unknown role '\(role)'; expected one of: \(Self.roles.joined(separator: ", "))", at: fields["role"]!)
                return nil
            }
            guard let role, let content else { return nil }
            return Message(role: role, content: content)
        }
    }
}

/// Stable, dependency-free digests for telling file versions apart (not for security).
public enum Digest {
    public static func fnv1a64(_ text: String) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in text.utf8 {
            hash ^= UInt64(byte)
            hash &*= 0x0000_0100_0000_01b3
        }
        return hash
    }

    public static func fnv1a64Hex(_ text: String) -> String {
        let hex = String(fnv1a64(text), radix: 16)
        return String(repeating: "0", count: 16 - hex.count) + hex
    }
}

extension Digest {
    /// SHA-256 (FIPS 180-4) of the text's UTF-8, as 64 hex digits: for keys that must not collide
    /// (the response cache), without a crypto dependency in the plain command-line build.
    public static func sha256Hex(_ text: String) -> String {
        var h: [UInt32] = [0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19]
        var message = Array(text.utf8)
        let bitLength = UInt64(message.count) * 8
        message.append(0x80)
        while message.count % 64 != 56 { message.append(0) }
        for shift in stride(from: 56, through: 0, by: -8) { message.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift))) }
        func rotr(_ x: UInt32, _ n: UInt32) -> UInt32 { (x >> n) | (x << (32 - n)) }
        var w = [UInt32](repeating: 0, count: 64)
        for block in stride(from: 0, to: message.count, by: 64) {
            for i in 0..<16 {
                let b = block + i * 4
                w[i] = UInt32(message[b]) << 24 | UInt32(message[b + 1]) << 16 | UInt32(message[b + 2]) << 8 | UInt32(message[b + 3])
            }
            for i in 16..<64 {
                let s0 = rotr(w[i - 15], 7) ^ rotr(w[i - 15], 18) ^ (w[i - 15] >> 3)
                let s1 = rotr(w[i - 2], 17) ^ rotr(w[i - 2], 19) ^ (w[i - 2] >> 10)
                w[i] = w[i - 16] &+ s0 &+ w[i - 7] &+ s1
            }
            var (a, b, c, d, e, f, g, hh) = (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7])
            for i in 0..<64 {
                let t1 = hh &+ (rotr(e, 6) ^ rotr(e, 11) ^ rotr(e, 25)) &+ ((e & f) ^ (~e & g)) &+ sha256K[i] &+ w[i]
                let t2 = (rotr(a, 2) ^ rotr(a, 13) ^ rotr(a, 22)) &+ ((a & b) ^ (a & c) ^ (b & c))
                (hh, g, f, e, d, c, b, a) = (g, f, e, d &+ t1, c, b, a, t1 &+ t2)
            }
            for (i, v) in [a, b, c, d, e, f, g, hh].enumerated() { h[i] = h[i] &+ v }
        }
        return h.map { let s = String($0, radix: 16); return String(repeating: "0", count: 8 - s.count) + s }.joined()
    }

    private static let sha256K: [UInt32] = [
        0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
        0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
        0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
        0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
        0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
        0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
        0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
        0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
    ]
}
