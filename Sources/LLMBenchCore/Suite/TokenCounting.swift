/// How the engine counts the tokens of a provider that reports no usage (Docs/metrics.md "Token
/// counts"): the provider fields `usage_from`, `tokenizer` and `template_tokens`.
public struct TokenCounting: Sendable, Equatable {
    public enum Source: String, Sendable, CaseIterable {
        /// The tokenizer when there is one, else chunks when the stream looks like one token a chunk, else an estimate.
        case auto
        case chunks
        case tokenizer
        case estimate
    }

    /// What the chat template adds to a prompt, in tokens: around each message, and once (the
    /// reply's opening, a BOS, a default system prompt). ChatML's figures by default: `<|im_start|>`,
    /// role, newline, `<|im_end|>`, newline around a message, and `<|im_start|>assistant\n`.
    public struct Template: Sendable, Equatable {
        public var perMessage: Int
        public var perPrompt: Int

        public init(perMessage: Int = 5, perPrompt: Int = 3) {
            self.perMessage = perMessage
            self.perPrompt = perPrompt
        }
    }

    public var source: Source
    /// A Hugging Face tokenizer.json, as written in the suite: relative to the suite's folder.
    public var tokenizerPath: String?
    public var template: Template

    public init(source: Source = .auto, tokenizerPath: String? = nil, template: Template = Template()) {
        self.source = source
        self.tokenizerPath = tokenizerPath
        self.template = template
    }
}
