import Foundation
import LLMBenchCore
import Synchronization

/// One scorer applied to one answer, with the threshold rule: value >= threshold when the suite
/// sets one, else the scorer's own `passed`, else value >= 1.
public enum ScorerCall {
    /// What a grader may need beyond the answer (ABI 1.2): the request that produced it.
    public struct Request: Sendable {
        public var messages: [Message]
        public var provider: String
        public var model: String
        public var category: String
        public var repeatIndex: Int

        public init(messages: [Message], provider: String, model: String, category: String, repeatIndex: Int) {
            self.messages = messages
            self.provider = provider
            self.model = model
            self.category = category
            self.repeatIndex = repeatIndex
        }
    }

    /// The score request (Docs/plugin-abi.md "Scorers"): `output`, `expected`, `options`, `test`,
    /// and with `request` its `category`, `messages`, `provider`, `model` and `repeat`.
    public static func evaluate(_ scorer: PluginInstance, spec: ScorerSpec, output: String, expected: [String],
                                testName: String, request: Request? = nil, run: RunContext? = nil) -> ScoreOutcome
    {
        // Written field by field, keys in sorted order: this runs once per scorer per result
        // (Benchmarks/engine-overhead).
        var writer = JSONWriter()
        writer.raw("{")
        if let request {
            writer.raw("\"category\":")
            writer.string(request.category)
            writer.raw(",")
        }
        writer.raw("\"expected\":[")
        for (i, reference) in expected.enumerated() {
            if i > 0 { writer.raw(",") }
            writer.string(reference)
        }
        writer.raw("]")
        if let request {
            writer.raw(",\"messages\":[")
            for (i, message) in request.messages.enumerated() {
                writer.raw(i > 0 ? ",{\"content\":" : "{\"content\":")
                writer.string(message.content)
                writer.raw(",\"role\":")
                writer.string(message.role)
                writer.raw("}")
            }
            writer.raw("],\"model\":")
            writer.string(request.model)
        }
        writer.raw(",\"options\":")
        writer.write(.object(spec.options))
        writer.raw(",\"output\":")
        writer.string(output)
        if let request {
            writer.raw(",\"provider\":")
            writer.string(request.provider)
            writer.raw(",\"repeat\":\(request.repeatIndex)")
        }
        writer.raw(",\"test\":")
        writer.string(testName)
        writer.raw("}")
        return outcome(of: scorer.score(requestJSON: writer.bytes, run: run), spec: spec)
    }

    /// A slow scorer's deadline when the suite gives none (`timeout_ms`).
    static let slowScorerDeadlineMs = 60_000

    /// The deadline one score by `spec` runs under; nil: none, call it in place.
    static func deadlineMs(_ spec: ScorerSpec, _ scorer: PluginInstance) -> Int? {
        spec.timeoutMs ?? (scorer.plugin.isSlowScorer ? slowScorerDeadlineMs : nil)
    }

    /// Runs a score on a thread of its own and waits for it until the deadline. A scorer past it is
    /// recorded as failed (an error, value nil) and its late answer is dropped; its thread is left to
    /// finish, as a blocking C call cannot be stopped from outside.
    static func withDeadline(_ deadlineMs: Int, spec: ScorerSpec, _ body: @escaping @Sendable () -> ScoreOutcome) -> ScoreOutcome {
        let answer = Mutex<ScoreOutcome?>(nil)
        let done = DispatchSemaphore(value: 0)
        let thread = Thread {
            let outcome = body()
            answer.withLock { $0 = outcome }
            done.signal()
        }
        thread.stackSize = 1 << 20
        thread.start()
        guard done.wait(timeout: .now() + .milliseconds(deadlineMs)) == .success, let outcome = answer.withLock({ $0 }) else {
            return ScoreOutcome(scorer: spec.scorer, value: nil, passed: false, threshold: spec.threshold,
                                error: "internal: the scorer passed its \(deadlineMs) ms deadline (timeout_ms); its answer is ignored")
        }
        return outcome
    }

    /// One figure for a group of results (a provider × model × category, say) from the `details`
    /// each result's score carries — corpus BLEU, where a mean of sentence scores would be wrong.
    /// Nil when the scorer has no such figure (its plugin has no ABI 1.2 `aggregate`). The same
    /// threshold rule as `evaluate` decides `passed`. Blocking.
    public static func aggregate(_ scorer: PluginInstance, spec: ScorerSpec, details: [JSONValue],
                                 run: RunContext? = nil) -> ScoreOutcome?
    {
        guard scorer.plugin.hasAggregate else { return nil }
        var writer = JSONWriter()
        writer.raw("{\"items\":")
        writer.write(.array(details))
        writer.raw(",\"options\":")
        writer.write(.object(spec.options))
        writer.raw("}")
        return scorer.aggregate(requestJSON: writer.bytes, run: run).map { outcome(of: $0, spec: spec) }
    }

    /// A scorer call's RESULT event, or its error, as an outcome.
    private static func outcome(of call: CallOutcome, spec: ScorerSpec) -> ScoreOutcome {
        var outcome = verdict(of: call, spec: spec)
        // Whatever the verdict, calls the scorer made to providers were made, and paid for.
        if call.scoring.calls > 0 {
            outcome.inputTokens = call.scoring.inputTokens
            outcome.outputTokens = call.scoring.outputTokens
            outcome.costUSD = call.scoring.priced ? call.scoring.costUSD : nil
        }
        return outcome
    }

    private static func verdict(of call: CallOutcome, spec: ScorerSpec) -> ScoreOutcome {
        if let error = call.error {
            return ScoreOutcome(scorer: spec.scorer, value: nil, passed: false, threshold: spec.threshold,
                                error: "\(error.kind.rawValue): \(error.message)")
        }
        guard let text = call.resultJSON, let json = try? JSONValue.parse(text), let value = json["value"]?.doubleValue,
              value.isFinite, (0...1).contains(value)
        else {
            return ScoreOutcome(scorer: spec.scorer, value: nil, passed: false, threshold: spec.threshold,
                                error: "scorer returned no value in [0, 1]")
        }
        let passed: Bool
        if let threshold = spec.threshold { passed = value >= threshold } else { passed = json["passed"]?.boolValue ?? (value >= 1) }
        return ScoreOutcome(scorer: spec.scorer, value: value, passed: passed, threshold: spec.threshold,
                            explanation: json["explanation"]?.stringValue, details: json["details"] ?? .object([:]))
    }
}
