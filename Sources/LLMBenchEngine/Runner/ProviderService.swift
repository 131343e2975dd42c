import CLLMBenchPluginABI
import Foundation
import LLMBenchCore

/// ABI 1.2's provider service: a scorer's call to a provider of the run's suite (an embedder, a
/// judge), made through that provider's plugin instance, the engine's transport, and the provider's
/// retry policy and timeouts. Docs/plugin-abi.md "The provider service" says what is shared with the
/// run's scheduler and what is not.
enum ProviderService {
    enum Kind: Int32 {
        case embed = 1, complete = 2
    }

    /// One call, retried as the provider's policy says. Returns the result JSON, or the last error.
    /// Blocking: runs on the scorer's thread, and sleeps there between attempts.
    static func call(run: RunContext?, providerID: String, kind rawKind: Int32, request: [UInt8],
                     usage: inout ScoringUsage) -> Result<[UInt8], RequestError>
    {
        guard let run else {
            return .failure(RequestError(kind: .invalidRequest, message: "provider '\(providerID)' was asked for outside a run: only a run's scorers can call the suite's providers (with llmbench score, give the suite: --suite FILE)"))
        }
        guard let kind = Kind(rawValue: rawKind) else {
            return .failure(RequestError(kind: .invalidRequest, message: "unknown provider call kind \(rawKind) (1 embed, 2 complete)"))
        }
        guard let provider = run.serviceProvider(id: providerID) else {
            let known = run.serviceProviderIDs.joined(separator: ", ")
            return .failure(RequestError(kind: .notFound, message: "no provider '\(providerID)' in this run; it has: \(known.isEmpty ? "none" : known) (a provider skipped for a missing key is not prepared)"))
        }
        var object: [String: JSONValue]
        switch Self.request(kind, request, provider: provider.config) {
        case .success(let made): object = made
        case .failure(let error): return .failure(error)
        }
        // Embeddings already in the store are not asked again: only the texts missing are.
        var cached: [String: [Double]] = [:]
        var inputs: [String] = []
        if kind == .embed, let store = run.embeddingCache {
            inputs = object["inputs"]?.arrayValue?.compactMap(\.stringValue) ?? []
            cached = (try? store.embeddings(plugin: provider.config.plugin, model: provider.config.model, texts: inputs)) ?? [:]
            if inputs.allSatisfy({ cached[$0] != nil }) { return .success(embeddingsJSON(inputs.map { cached[$0]! })) }
            if !cached.isEmpty { object["inputs"] = .array(Self.missing(inputs, cached).map { .string($0) }) }
        }
        let requestJSON = Array(JSONValue.object(object).jsonText.utf8)
        let policy = provider.config.retry
        let deadlineNs = MonotonicClock.nowNs() + UInt64(policy.deadlineMs) * 1_000_000
        let admission = run.serviceAdmission
        let estimate = Self.estimate(kind, object, price: provider.price)
        var attempts = 0
        while true {
            attempts += 1
            // During a run each attempt waits in the run's admission, as the run's requests do.
            var ticket: Scheduler.ServiceTicket?
            if let admission {
                switch admission.scheduler.admitServiceCall(providerID: providerID, estimate: estimate) {
                case .success(let admitted): ticket = admitted
                case .failure(var refusal):
                    refusal.message = "provider '\(providerID)': " + refusal.message
                    return .failure(refusal)
                }
            }
            let outcome = kind == .embed
                ? provider.instance.embed(requestJSON: requestJSON, timeouts: provider.config.timeouts, run: run)
                : provider.instance.complete(requestJSON: requestJSON, timeouts: provider.config.timeouts, run: run)
            let reported: Usage?
            switch kind {
            case .embed: reported = outcome.resultJSON.flatMap { try? JSONValue.parse($0) }?["usage"].flatMap(Usage.init(json:))
            case .complete: reported = outcome.usageJSON.flatMap { try? JSONValue.parse($0) }.flatMap(Usage.init(json:))
            }
            if let admission, let ticket {
                admission.scheduler.serviceCallEnded(ticket, error: outcome.failure, costUSD: reported.flatMap { provider.price?.costUSD($0) },
                                                     tokens: reported.map { $0.inputTokens + $0.outputTokens }, alert: admission.alert)
            }
            guard var error = outcome.failure else {
                // The call's usage, priced at the run's price for that provider: scoring cost.
                usage.add(reported, price: provider.price)
                if kind == .embed, let store = run.embeddingCache {
                    return remembered(outcome, inputs: inputs, cached: cached, store: store, provider: provider.config, providerID: providerID)
                }
                return result(kind, outcome, providerID: providerID)
            }
            error.message = "provider '\(providerID)': " + run.redactor.redact(error.message)
            guard !run.isCancelled else { return .failure(error) }
            let now = MonotonicClock.nowNs()
            switch policy.next(after: error, attempts: attempts, remainingMs: MonotonicClock.ms(from: now, to: max(now, deadlineNs)),
                               unit: Double.random(in: 0..<1))
            {
            case .retry(let waitMs):
                if !sleep(ms: waitMs, unlessCancelled: run) { return .failure(error) }
            case .stop:
                if RetryPolicy.isRetryable(error.kind) { error.message += " (after \(attempts) attempts)" }
                return .failure(error)
            case .pastDeadline(let waitMs):
                error.message += " (not retried: waiting \(Int(waitMs)) ms would pass the \(policy.deadlineMs) ms deadline)"
                return .failure(error)
            }
        }
    }

    /// The plugin's request: the scorer's, with the provider's model (and, for completions, the
    /// provider's options under the scorer's).
    private static func request(_ kind: Kind, _ bytes: [UInt8], provider: ProviderConfig) -> Result<[String: JSONValue], RequestError> {
        let parsed = bytes.withUnsafeBytes { buffer in Result { () throws(JSONParseError) in try JSONValue.parse(bytes: buffer) } }
        guard case .success(let value) = parsed, var object = value.objectValue else {
            return .failure(RequestError(kind: .invalidRequest, message: "the request to provider '\(provider.id)' is not a JSON object"))
        }
        object["model"] = .string(provider.model)
        switch kind {
        case .embed:
            guard let inputs = object["inputs"]?.arrayValue, inputs.allSatisfy({ $0.stringValue != nil }) else {
                return .failure(RequestError(kind: .invalidRequest, message: "an embedding request needs \"inputs\": a list of strings"))
            }
        case .complete:
            guard object["messages"]?.arrayValue != nil else {
                return .failure(RequestError(kind: .invalidRequest, message: "a completion request needs \"messages\": [{\"role\", \"content\"}]"))
            }
            object["options"] = .object(provider.options.merging(object["options"]?.objectValue ?? [:]) { _, scorers in scorers })
            if object["test"] == nil {
                object["test"] = .object(["name": .string(""), "category": .string(""), "expected": .array([]), "repeat": .number(0)])
            }
        }
        return .success(object)
    }

    private static func result(_ kind: Kind, _ outcome: CallOutcome, providerID: String) -> Result<[UInt8], RequestError> {
        switch kind {
        case .embed:
            guard let json = outcome.resultJSON else {
                return .failure(RequestError(kind: .malformedResponse, message: "provider '\(providerID)' answered no embeddings"))
            }
            return .success(Array(json.utf8))
        case .complete:
            var object: [String: JSONValue] = ["text": .string(outcome.outputText)]
            if let reasoning = outcome.reasoningText { object["reasoning"] = .string(reasoning) }
            if let finish = outcome.finishReason { object["finish_reason"] = .string(finish) }
            if let usage = outcome.usageJSON, let value = try? JSONValue.parse(usage) { object["usage"] = value }
            return .success(Array(JSONValue.object(object).jsonText.utf8))
        }
    }

    /// What a call is expected to take, for the budget and the token bucket: its texts at four
    /// bytes a token (no tokenizer is at hand for an embedder), and for a completion the output
    /// bound its options set, else `RequestEstimate.defaultOutputBound`.
    static func estimate(_ kind: Kind, _ object: [String: JSONValue], price: PriceEntry?) -> RequestEstimate {
        let texts: [String]
        var outputBound = 0
        switch kind {
        case .embed:
            texts = object["inputs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        case .complete:
            texts = object["messages"]?.arrayValue?.compactMap { $0["content"]?.stringValue } ?? []
            outputBound = TokenCounts.outputLimit(object["options"]?.objectValue ?? [:]) ?? RequestEstimate.defaultOutputBound
        }
        let inputTokens = texts.reduce(0) { $0 + ($1.utf8.count + 3) / 4 }
        return RequestEstimate(inputTokens: inputTokens, outputBound: outputBound,
                               costUSD: price?.costUSD(Usage(inputTokens: inputTokens, outputTokens: outputBound, estimated: true)))
    }

    /// The texts without a stored embedding, each once, in order.
    private static func missing(_ inputs: [String], _ cached: [String: [Double]]) -> [String] {
        var seen: Set<String> = []
        return inputs.filter { cached[$0] == nil && seen.insert($0).inserted }
    }

    private static func embeddingsJSON(_ vectors: [[Double]]) -> [UInt8] {
        Array(JSONValue.object(["embeddings": .array(vectors.map { .array($0.map { .number($0) }) })]).jsonText.utf8)
    }

    /// Stores the new embeddings and answers every input of the scorer's request, in its order.
    private static func remembered(_ outcome: CallOutcome, inputs: [String], cached: [String: [Double]], store: any ResultStore,
                                   provider: ProviderConfig, providerID: String) -> Result<[UInt8], RequestError>
    {
        let asked = cached.isEmpty ? inputs : missing(inputs, cached)
        guard let text = outcome.resultJSON, let json = try? JSONValue.parse(text),
              let vectors = json["embeddings"]?.arrayValue?.map({ $0.arrayValue?.compactMap(\.doubleValue) ?? [] }),
              vectors.count == asked.count
        else {
            return result(.embed, outcome, providerID: providerID)
        }
        var known = cached
        for (input, vector) in zip(asked, vectors) { known[input] = vector }
        // A store that cannot keep them costs a rerun its calls, never this answer.
        try? store.storeEmbeddings(plugin: provider.plugin, model: provider.model,
                                   Dictionary(zip(asked, vectors).map { ($0, $1) }, uniquingKeysWith: { first, _ in first }))
        return .success(embeddingsJSON(inputs.map { known[$0] ?? [] }))
    }

    /// Sleeps in short slices so that a cancelled run ends the wait; false when it did.
    private static func sleep(ms: Double, unlessCancelled run: RunContext) -> Bool {
        let endNs = MonotonicClock.nowNs() + UInt64(max(0, ms) * 1_000_000)
        while MonotonicClock.nowNs() < endNs {
            if run.isCancelled { return false }
            let leftNs = endNs - min(endNs, MonotonicClock.nowNs())
            usleep(useconds_t(min(leftNs / 1000, 50_000)))
        }
        return !run.isCancelled
    }
}
