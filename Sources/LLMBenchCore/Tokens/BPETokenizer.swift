/// Counts tokens as a Hugging Face `tokenizer.json` does for byte-level BPE models (GPT-2, SmolLM2,
/// Llama 3, Qwen2 and their kin), the way the `tokenizers` library encodes without special tokens
/// (`add_special_tokens=False`): added tokens are split out first, then each other piece goes
/// through the normalizer, the pre-tokenizer steps and the merges. Checked id for id against the
/// library on the fixtures in Tests/Fixtures/tokenizers. Immutable after reading, so any thread may use it.
public final class BPETokenizer: Sendable {
    let addedTokens: AddedTokens
    let normalizer: TextNormalizer
    /// The steps before the byte-level one, in order.
    let splits: [PreTokenizerSplit]
    let byteLevel: ByteLevelStep
    let model: BPEModel

    init(addedTokens: AddedTokens, normalizer: TextNormalizer, splits: [PreTokenizerSplit], byteLevel: ByteLevelStep, model: BPEModel) {
        self.addedTokens = addedTokens
        self.normalizer = normalizer
        self.splits = splits
        self.byteLevel = byteLevel
        self.model = model
    }

    /// The ids of `text`, without the special tokens a template or post-processor would add.
    public func encode(_ text: String) -> [Int] {
        var ids: [Int] = []
        for raw in addedTokens.split(text, normalized: false) {
            if let id = raw.tokenID {
                ids.append(id)
                continue
            }
            for piece in addedTokens.split(normalizer.apply(raw.text), normalized: true) {
                if let id = piece.tokenID {
                    ids.append(id)
                    continue
                }
                var words = [piece.text]
                for step in splits { words = words.flatMap(step.split) }
                for word in words.flatMap(byteLevel.split) { model.encode(word, into: &ids) }
            }
        }
        return ids
    }

    /// How many tokens `text` is.
    public func count(_ text: String) -> Int { text.isEmpty ? 0 : encode(text).count }
}
