import CLLMBenchPluginABI
import Foundation

/// A provider plugin: one conformance plus one export line (see `PluginExport`).
///
/// ```swift
/// struct EchoProvider: ProviderPlugin {
///     static let id = "echo"
///     init(config: ProviderConfiguration, host: PluginHost) throws(PluginError) {}
///     func complete(_ request: CompletionRequest, events: EventEmitter) throws(PluginError) {
///         events.text(request.messages.last?.content ?? "")
///         events.finish("stop")
///     }
/// }
/// @_cdecl("llmbench_plugin_entry")
/// public func llmbench_plugin_entry() -> UnsafeRawPointer { PluginExport.provider(EchoProvider.self) }
/// ```
public protocol ProviderPlugin: Sendable {
    static var id: String { get }
    static var displayName: String { get }
    static var version: String { get }
    static var capabilities: ProviderCapabilities { get }
    init(config: ProviderConfiguration, host: PluginHost) throws(PluginError)
    /// Blocking; called from many threads at once. Emit deltas as they arrive, then usage and finish.
    func complete(_ request: CompletionRequest, events: EventEmitter) throws(PluginError)
    /// Optional: only called when `capabilities` has `.embeddings`.
    func embed(_ request: EmbeddingRequest) throws(PluginError) -> EmbeddingResult
    /// Optional, for embeddings that need the call: `events.perform` sends HTTP through the engine.
    /// By default calls `embed(_:)`.
    func embed(_ request: EmbeddingRequest, events: EventEmitter) throws(PluginError) -> EmbeddingResult
}

extension ProviderPlugin {
    public static var displayName: String { id }
    public static var version: String { "0.1.0" }
    public static var capabilities: ProviderCapabilities { [.streaming] }
    public func embed(_ request: EmbeddingRequest) throws(PluginError) -> EmbeddingResult {
        throw PluginError(.invalidRequest, "\(Self.id) does not offer embeddings")
    }
    public func embed(_ request: EmbeddingRequest, events: EventEmitter) throws(PluginError) -> EmbeddingResult {
        try embed(request)
    }
}

/// A scorer plugin: judges one output against the expected value(s).
public protocol ScorerPlugin: Sendable {
    static var id: String { get }
    static var displayName: String { get }
    static var version: String { get }
    /// `.slow` when `score` may block for seconds (runs programs, calls providers): the engine then
    /// calls it off the request workers, under a deadline (ABI 1.2's `LLMBENCH_CAP_SLOW`).
    static var capabilities: ScorerCapabilities { get }
    /// `options` are the scorer's options from the suite, checked here once per scorer entry.
    init(options: [String: Any], host: PluginHost) throws(PluginError)
    /// Reentrant; called from many threads at once.
    func score(_ request: ScoreRequest) throws(PluginError) -> ScoreResult
}

extension ScorerPlugin {
    public static var displayName: String { id }
    public static var version: String { "0.1.0" }
    public static var capabilities: ScorerCapabilities { [] }
}

public struct ScorerCapabilities: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static let slow = ScorerCapabilities(rawValue: UInt64(LLMBENCH_CAP_SLOW))
}

/// A scorer that also gives one figure for a group of results (ABI 1.2's `aggregate`): the engine
/// hands it the `details` its `score` returned for each result of a group (a provider × model ×
/// category, or a JSONL file) and reports what it answers beside the per-result scores. Corpus BLEU
/// is the reason: it sums each sentence's n-gram counts, which no mean of sentence scores can give.
/// A plain `ScorerPlugin` has no such figure: its table's `aggregate` stays NULL and the engine never
/// asks.
public protocol AggregatingScorerPlugin: ScorerPlugin {
    /// Reentrant; may run while `score` calls on the same instance are in flight. The value must be
    /// in [0, 1], like a score's.
    func aggregate(_ request: AggregateRequest) throws(PluginError) -> ScoreResult
}

public struct ProviderCapabilities: OptionSet, Sendable {
    public let rawValue: UInt64
    public init(rawValue: UInt64) { self.rawValue = rawValue }
    public static let streaming = ProviderCapabilities(rawValue: UInt64(LLMBENCH_CAP_STREAMING))
    public static let embeddings = ProviderCapabilities(rawValue: UInt64(LLMBENCH_CAP_EMBEDDINGS))
    public static let simulated = ProviderCapabilities(rawValue: UInt64(LLMBENCH_CAP_SIMULATED))
    public static let network = ProviderCapabilities(rawValue: UInt64(LLMBENCH_CAP_NETWORK))
}

/// A failure, classified. The engine decides from `code` whether to retry.
public struct PluginError: Error, Sendable {
    public enum Code: Int32, Sendable {
        case invalidRequest = 1, auth, notFound, rateLimited, timeout, server, network, malformedResponse, contentFilter, cancelled, `internal`
    }

    public var code: Code
    public var message: String
    public var httpStatus: Int
    /// How long the provider asked to wait, for rate limits; -1 if it did not say.
    public var retryAfterMs: Int64

    public init(_ code: Code, _ message: String, httpStatus: Int = 0, retryAfterMs: Int64 = -1) {
        self.code = code
        self.message = message
        self.httpStatus = httpStatus
        self.retryAfterMs = retryAfterMs
    }
}

/// A provider's configuration, from its suite entry (Docs/plugin-abi.md "Provider config").
public struct ProviderConfiguration: @unchecked Sendable {
    public var providerID: String
    public var model: String
    public var baseURL: String?
    /// The key read from the environment by the engine; never log it.
    public var apiKey: String?
    /// Options from the suite, as JSON values: String, Bool, Int, Double, [Any], [String: Any]; null is
    /// `Optional<Any>.none`. `options.number(_:)` and `options.integer(_:)` read numbers either way.
    public var options: [String: Any]
}

public struct ChatMessage: Sendable {
    public var role: String
    public var content: String
}

/// One completion to run.
public struct CompletionRequest: @unchecked Sendable {
    public var model: String
    public var messages: [ChatMessage]
    /// Generation options (provider options with the test's laid over them).
    public var options: [String: Any]
    /// Which test this is: simulated providers use it; real ones ignore it.
    public var testName: String
    public var category: String
    public var expected: [String]
    public var repeatIndex: Int
}

public struct EmbeddingRequest: Sendable {
    public var model: String
    public var inputs: [String]
}

public struct EmbeddingResult: Sendable {
    public var embeddings: [[Double]]
    public var inputTokens: Int?
    public init(embeddings: [[Double]], inputTokens: Int? = nil) {
        self.embeddings = embeddings
        self.inputTokens = inputTokens
    }
}

public struct ScoreRequest: @unchecked Sendable {
    public var output: String
    /// References; empty when the test has none.
    public var expected: [String]
    /// The scorer's options from the suite (the same as at init).
    public var options: [String: Any]
    public var testName: String
    /// The engine's services for this call: `host.embed(providerID:inputs:)` and
    /// `host.complete(providerID:messages:)` call a provider of the suite (ABI 1.2).
    public var host: ScorerHost = .none
}

/// A group of results to sum up (`AggregatingScorerPlugin`).
public struct AggregateRequest: @unchecked Sendable {
    /// Each result's `details` as this scorer's `score` returned them (JSON values), in no
    /// particular order.
    public var items: [[String: Any]]
    /// The scorer's options from the suite (the same as at init).
    public var options: [String: Any]

    public init(items: [[String: Any]], options: [String: Any]) {
        self.items = items
        self.options = options
    }
}

public struct ScoreResult: @unchecked Sendable {
    /// In [0, 1].
    public var value: Double
    /// The scorer's own verdict, when it has one; nil lets the threshold decide.
    public var passed: Bool?
    public var explanation: String?
    /// JSON-serialisable details.
    public var details: [String: Any]

    public init(value: Double, passed: Bool? = nil, explanation: String? = nil, details: [String: Any] = [:]) {
        self.value = value
        self.passed = passed
        self.explanation = explanation
        self.details = details
    }
}
