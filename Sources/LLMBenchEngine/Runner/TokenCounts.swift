import CLLMBenchPluginABI
import LLMBenchCore

/// The usage of one answer: the provider's when it reported one, else counts the engine makes, each
/// recording how it was made (Docs/metrics.md "Token counts"). Only the runner calls it, once a result.
enum TokenCounts {
    /// `usage_from: auto` counts a stream's content chunks as tokens when they average at most this
    /// many bytes: one token is about 4 bytes of English (3–5 of code or CJK), so servers sending a
    /// token a chunk (llama.cpp, vLLM, Ollama, TGI) average 3–5 and servers batching two or more
    /// 8 and up. The threshold sits between the two.
    static let maxBytesPerTokenChunk = 6.0

    /// What the counts depend on in a request: its messages as sent (`ProviderRequest`), its
    /// `max_tokens`, and whether it was streamed.
    struct Request {
        var messages: [String]
        var maxTokens: Int?
        var streamed: Bool

        init(messages: [String], maxTokens: Int?, streamed: Bool) {
            self.messages = messages
            self.maxTokens = maxTokens
            self.streamed = streamed
        }

        init(test: TestCase, provider: ProviderConfig, pluginStreams: Bool) {
            let sent = ProviderRequest(test: test, providerOptions: provider.options)
            messages = sent.messages.map(\.content)
            maxTokens = TokenCounts.outputLimit(sent.options)
            streamed = pluginStreams && sent.options["stream"]?.boolValue != false
        }
    }

    /// The runner's one call. A failed request keeps what the plugin reported and is never counted.
    static func usage(outcome: CallOutcome, test: TestCase, provider: PreparedRun.Provider, succeeded: Bool) -> Usage? {
        let streams = provider.instance.plugin.capabilities & UInt64(LLMBENCH_CAP_STREAMING) != 0
        return usage(outcome, request: Request(test: test, provider: provider.config, pluginStreams: streams),
                     settings: provider.config.tokens, tokenizer: provider.tokenizer, succeeded: succeeded)
    }

    static func usage(_ outcome: CallOutcome, request: Request, settings: TokenCounting, tokenizer: BPETokenizer?,
                      succeeded: Bool) -> Usage?
    {
        let plugin = outcome.usageJSON.flatMap { try? JSONValue.parse($0) }.flatMap(Usage.init(json:))
        if let plugin, !plugin.estimated { return plugin }
        guard succeeded else { return plugin }
        var input = countInput(request, settings: settings, tokenizer: tokenizer)
        var output = countOutput(outcome, request: request, settings: settings, tokenizer: tokenizer)
        // A plugin's own estimate knows its API better than bytes ÷ 4, not better than a count.
        if let plugin {
            if input.method == .estimate { input.tokens = plugin.inputTokens }
            if output.method == .estimate { output = (plugin.outputTokens, plugin.reasoningTokens, .estimate) }
        }
        if let maxTokens = request.maxTokens {
            if outcome.finishReason == "length" {
                output.tokens = maxTokens
                output.method = .limit
            }
            output.tokens = min(output.tokens, maxTokens)
        }
        return Usage(inputTokens: input.tokens, outputTokens: output.tokens, reasoningTokens: output.reasoning.map { min($0, output.tokens) },
                     inputMethod: input.method, outputMethod: output.method)
    }

    /// The messages' text, by the tokenizer or about four bytes a token, and the template's tokens.
    static func countInput(_ request: Request, settings: TokenCounting, tokenizer: BPETokenizer?) -> (tokens: Int, method: TokenCountMethod) {
        let template = settings.template.perMessage * request.messages.count + settings.template.perPrompt
        if let tokenizer, settings.source != .estimate {
            return (request.messages.reduce(template) { $0 + tokenizer.count($1) }, .tokenizer)
        }
        return (request.messages.reduce(template) { $0 + estimatedTokens($1.utf8.count) }, .estimate)
    }

    /// Text and reasoning together (reasoning also alone), by the first method that applies.
    static func countOutput(_ outcome: CallOutcome, request: Request, settings: TokenCounting, tokenizer: BPETokenizer?)
        -> (tokens: Int, reasoning: Int?, method: TokenCountMethod)
    {
        let chunks = outcome.textChunks + outcome.reasoningChunks
        let bytes = outcome.text.count + outcome.reasoning.count
        let chunksApply = request.streamed && chunks > 0
        let onePerChunk = chunksApply && Double(bytes) / Double(chunks) <= maxBytesPerTokenChunk
        let order: [TokenCountMethod] = switch settings.source {
        case .auto: onePerChunk ? [.tokenizer, .chunks] : [.tokenizer]
        case .chunks: chunksApply ? [.chunks] : [.tokenizer]
        case .tokenizer: [.tokenizer]
        case .estimate: []
        }
        for method in order {
            switch method {
            case .tokenizer:
                guard let tokenizer else { continue }
                let reasoning = outcome.reasoning.isEmpty ? nil : tokenizer.count(String(decoding: outcome.reasoning, as: UTF8.self))
                return (tokenizer.count(outcome.outputText) + (reasoning ?? 0), reasoning, .tokenizer)
            case .chunks:
                return (chunks, outcome.reasoningChunks > 0 ? outcome.reasoningChunks : nil, .chunks)
            default:
                continue
            }
        }
        let reasoning = outcome.reasoning.isEmpty ? nil : estimatedTokens(outcome.reasoning.count)
        return (estimatedTokens(bytes), reasoning, .estimate)
    }

    /// The options that bound an answer's tokens, as the plugins spell them.
    static let outputLimitOptions = ["max_tokens", "max_completion_tokens", "max_output_tokens", "maxOutputTokens", "num_predict"]

    /// The request's bound on output tokens, the first of `outputLimitOptions` set: what the budget
    /// estimates a request at, and what no unreported count may pass.
    static func outputLimit(_ options: [String: JSONValue]) -> Int? {
        outputLimitOptions.lazy.compactMap { options[$0]?.intValue }.first { $0 > 0 }
    }

    /// About four bytes a token, at least one for any text.
    static func estimatedTokens(_ utf8Count: Int) -> Int { utf8Count == 0 ? 0 : max(1, (utf8Count + 3) / 4) }
}
