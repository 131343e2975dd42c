import Foundation
import LLMBenchPluginKit

/// A deterministic, offline provider. Answers the expected value, echoes the prompt, or gives
/// scripted answers, with seeded wrong answers and errors, and simulated timing and usage.
struct MockProvider: ProviderPlugin {
    static let id = "mock"
    static let displayName = "Mock (simulated)"
    static let version = "1.0.0"
    static let capabilities: ProviderCapabilities = [.streaming, .simulated, .embeddings]

    enum Mode: String, CaseIterable { case expected, echo, scripted }

    static let knownOptions: Set<String> = [
        "mode", "answers", "wrong_rate", "wrong_answer", "error_rate", "error_kind", "seed", "ttft_ms", "tokens_per_second",
        "reasoning", "input_tokens", "output_tokens",
        // Generation options every provider accepts; the mock reads max_tokens and ignores the rest.
        "temperature", "top_p", "max_tokens", "stop", "stream", "system",
    ]

    let mode: Mode
    let answers: [String: String]
    let wrongRate: Double
    let wrongAnswer: String
    let errorRate: Double
    let errorKind: PluginError.Code
    let seed: UInt64
    let ttftMs: Double
    let tokensPerSecond: Double
    let reasoning: String?
    let fixedInputTokens: Int?
    let fixedOutputTokens: Int?

    let host: PluginHost

    init(config: ProviderConfiguration, host: PluginHost) throws(PluginError) {
        self.host = host
        let options = config.options
        try PluginOptions.rejectUnknown(options, known: Self.knownOptions, plugin: "the mock provider")
        mode = try PluginOptions.choice(options, "mode", default: Mode.expected, plugin: "mock")
        if let answers = options["answers"], !(answers is [String: String]) {
            throw PluginError(.invalidRequest, "mock option 'answers' must map test names to answer strings")
        }
        self.answers = options["answers"] as? [String: String] ?? [:]
        if mode == .scripted && answers.isEmpty {
            throw PluginError(.invalidRequest, "mock mode 'scripted' needs 'answers: {test-name: answer}'")
        }
        wrongRate = try Self.fraction(options, "wrong_rate")
        errorRate = try Self.fraction(options, "error_rate")
        wrongAnswer = options["wrong_answer"] as? String ?? "I am not sure."
        let kindName = options["error_kind"] as? String ?? "server"
        guard let kind = Self.errorKinds[kindName] else {
            throw PluginError(.invalidRequest, "mock option 'error_kind' must be one of: \(Self.errorKinds.keys.sorted().joined(separator: ", "))")
        }
        errorKind = kind
        seed = UInt64(truncatingIfNeeded: options.integer("seed") ?? 0)
        ttftMs = try Self.nonNegative(options, "ttft_ms")
        tokensPerSecond = try Self.nonNegative(options, "tokens_per_second")
        reasoning = options["reasoning"] as? String
        fixedInputTokens = options.integer("input_tokens")
        fixedOutputTokens = options.integer("output_tokens")
    }

    static let errorKinds: [String: PluginError.Code] = [
        "server": .server, "rate_limited": .rateLimited, "timeout": .timeout, "network": .network,
        "invalid_request": .invalidRequest, "auth": .auth, "content_filter": .contentFilter,
    ]

    static func number(_ options: [String: Any], _ key: String) throws(PluginError) -> Double? {
        guard options[key] != nil else { return nil }
        guard let number = options.number(key) else {
            throw PluginError(.invalidRequest, "mock option '\(key)' must be a number")
        }
        return number
    }

    static func fraction(_ options: [String: Any], _ key: String) throws(PluginError) -> Double {
        let value = try number(options, key) ?? 0
        guard (0...1).contains(value) else { throw PluginError(.invalidRequest, "mock option '\(key)' must be between 0 and 1, found \(value)") }
        return value
    }

    static func nonNegative(_ options: [String: Any], _ key: String) throws(PluginError) -> Double {
        let value = try number(options, key) ?? 0
        guard value >= 0 else { throw PluginError(.invalidRequest, "mock option '\(key)' must not be negative") }
        return value
    }

    func complete(_ request: CompletionRequest, events: EventEmitter) throws(PluginError) {
        var random = SplitMix64(seed: seed ^ fnv1a(request.testName) ^ UInt64(request.repeatIndex &* 0x9E37_79B9))
        let failDraw = random.nextUnit()
        let wrongDraw = random.nextUnit()
        if ttftMs > 0 { try pause(milliseconds: ttftMs) }
        if failDraw < errorRate {
            throw PluginError(errorKind, "simulated \(Self.errorKinds.first { $0.value == errorKind }!.key) error",
                              httpStatus: errorKind == .rateLimited ? 429 : (errorKind == .server ? 500 : 0),
                              retryAfterMs: 0) // simulated: retry at once, no real waiting
        }
        var answer: String
        if wrongDraw < wrongRate {
            answer = wrongAnswer
        } else {
            switch mode {
            case .expected: answer = request.expected.first ?? ""
            case .echo: answer = request.messages.last { $0.role == "user" }?.content ?? ""
            case .scripted: answer = answers[request.testName] ?? request.expected.first ?? ""
            }
        }
        var finish = "stop"
        let words = Self.tokens(answer)
        var outputWords = words
        if let maxTokens = request.options.integer("max_tokens"), maxTokens >= 0, words.count > maxTokens {
            outputWords = Array(words.prefix(maxTokens))
            answer = outputWords.joined()
            finish = "length"
        }
        if let reasoning {
            guard events.reasoning(reasoning) else { throw PluginError(.cancelled, "cancelled") }
        }
        if tokensPerSecond > 0 {
            // The first token comes at ttft_ms; each later one 1/tokens_per_second after the last.
            for (i, word) in outputWords.enumerated() {
                if i > 0 { try pause(milliseconds: 1000 / tokensPerSecond) }
                guard events.text(word) else { throw PluginError(.cancelled, "cancelled") }
            }
        } else if !answer.isEmpty {
            guard events.text(answer) else { throw PluginError(.cancelled, "cancelled") }
        }
        let prompt = request.messages.map(\.content).joined(separator: "\n")
        let reasoningTokens = reasoning.map { Self.tokens($0).count }
        events.usage(inputTokens: fixedInputTokens ?? max(1, prompt.utf8.count / 4),
                     outputTokens: fixedOutputTokens ?? (outputWords.count + (reasoningTokens ?? 0)),
                     reasoningTokens: reasoningTokens)
        events.finish(finish)
    }

    /// A deterministic "embedding": a normalised bag of hashed character trigrams in 64 dimensions.
    func embed(_ request: EmbeddingRequest) throws(PluginError) -> EmbeddingResult {
        let vectors = request.inputs.map { text -> [Double] in
            var v = [Double](repeating: 0, count: 64)
            let chars = Array(text.lowercased().unicodeScalars)
            for i in 0..<max(0, chars.count - 2) {
                v[Int(fnv1a(String(String.UnicodeScalarView(chars[i..<i + 3]))) % 64)] += 1
            }
            let norm = v.reduce(0) { $0 + $1 * $1 }.squareRoot()
            return norm > 0 ? v.map { $0 / norm } : v
        }
        return EmbeddingResult(embeddings: vectors, inputTokens: request.inputs.reduce(0) { $0 + max(1, $1.utf8.count / 4) })
    }

    /// Splits text into word-like pieces that keep their leading space, so joined they give the text back.
    static func tokens(_ text: String) -> [String] {
        var pieces: [String] = []
        var current = ""
        for ch in text {
            if ch == " " && !current.isEmpty && current != " " {
                pieces.append(current)
                current = ""
            }
            current.append(ch)
        }
        if !current.isEmpty { pieces.append(current) }
        return pieces
    }

    /// Sleeps in slices of at most 50 ms, so that a cancelled run does not wait out a long simulated TTFT.
    private func pause(milliseconds: Double) throws(PluginError) {
        var left = milliseconds
        while left > 0 {
            if host.runCancelled { throw PluginError(.cancelled, "the run was cancelled") }
            let slice = min(left, 50)
            var spec = timespec(tv_sec: 0, tv_nsec: Int(slice * 1_000_000))
            var remaining = timespec()
            while nanosleep(&spec, &remaining) != 0 && errno == EINTR { spec = remaining }
            left -= slice
        }
    }
}

struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    /// Uniform in [0, 1).
    mutating func nextUnit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}

func fnv1a(_ text: String) -> UInt64 {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    for byte in text.utf8 {
        hash ^= UInt64(byte)
        hash &*= 0x0000_0100_0000_01b3
    }
    return hash
}

@_cdecl("llmbench_plugin_entry")
public func llmbench_plugin_entry() -> UnsafeRawPointer { PluginExport.provider(MockProvider.self) }
