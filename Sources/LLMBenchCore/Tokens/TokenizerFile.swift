import Foundation

/// Reads a Hugging Face `tokenizer.json` into a `BPETokenizer`, refusing, with the reason and what
/// is supported, anything it could not count exactly. Errors never quote the file's content.
extension BPETokenizer {
    static let supported = "llmbench counts with BPE tokenizers whose pre-tokenizer ends with ByteLevel (GPT-2, SmolLM2, Llama 3, Qwen2 and their kin)"

    /// `text` is the file's content; `path` names it in errors.
    public convenience init(json text: String, path: String) throws(LLMBenchError) {
        func refuse(_ reason: String) -> LLMBenchError {
            LLMBenchError(.invalidFile, "tokenizer \(path): \(reason)")
        }
        let root: JSONValue
        do { root = try JSONValue.parse(text) } catch { throw refuse("not a tokenizer.json (\(error))") }
        guard let model = root["model"], model.objectValue != nil else { throw refuse("not a tokenizer.json: it has no 'model'") }
        let type = model["type"]?.stringValue ?? "BPE"
        guard type == "BPE" else { throw refuse("model type '\(Excerpt.clip(type, to: 40))' is not supported; \(Self.supported)") }
        for field in ["continuing_subword_prefix", "end_of_word_suffix"] where !(model[field]?.isNull ?? true) {
            throw refuse("BPE with '\(field)' is not supported; \(Self.supported)")
        }
        let steps = try Self.preTokenizerSteps(root["pre_tokenizer"] ?? .null, refuse: refuse)
        guard let byteLevel = steps.byteLevel else {
            throw refuse("its pre-tokenizer has no ByteLevel step (\(steps.names.joined(separator: ", "))); \(Self.supported)")
        }
        let normalizer = try Self.normalizer(root["normalizer"] ?? .null, refuse: refuse)

        guard let vocabObject = model["vocab"]?.objectValue else { throw refuse("its BPE model has no 'vocab' object") }
        var vocab: [String: Int] = [:]
        vocab.reserveCapacity(vocabObject.count)
        for (token, id) in vocabObject {
            guard let id = id.intValue, id >= 0, id <= Int(Int32.max) else { throw refuse("vocab entry has an id that is not a whole number ≥ 0") }
            vocab[token] = id
        }
        guard let mergeList = model["merges"]?.arrayValue else { throw refuse("its BPE model has no 'merges' list") }
        var merges: [UInt64: BPEModel.Merge] = [:]
        merges.reserveCapacity(mergeList.count)
        for (rank, entry) in mergeList.enumerated() {
            let pair: [String]
            switch entry {
            case .string(let text): pair = text.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            case .array(let items): pair = items.compactMap(\.stringValue)
            default: pair = []
            }
            guard pair.count == 2 else { throw refuse("merge \(rank) is neither \"a b\" nor [\"a\", \"b\"]") }
            guard let left = vocab[pair[0]], let right = vocab[pair[1]], let merged = vocab[pair[0] + pair[1]] else {
                throw refuse("merge \(rank) joins tokens that are not in the vocab")
            }
            let key = BPEModel.key(Int32(left), Int32(right))
            if merges[key] == nil { merges[key] = BPEModel.Merge(rank: Int32(rank), id: Int32(merged)) }
        }
        let byteIDs = BPEModel.byteCharacters.map { Int32(vocab[String($0)] ?? -1) }
        let unknownID = model["unk_token"]?.stringValue.flatMap { vocab[$0] }
        let bpe = BPEModel(vocab: vocab, merges: merges, byteIDs: byteIDs, ignoreMerges: model["ignore_merges"]?.boolValue ?? false,
                           unknownID: unknownID, fuseUnknown: model["fuse_unk"]?.boolValue ?? false)

        var added: [AddedTokens.Token] = []
        for entry in root["added_tokens"]?.arrayValue ?? [] {
            guard let content = entry["content"]?.stringValue, let id = entry["id"]?.intValue else {
                throw refuse("an entry of 'added_tokens' lacks its content or id")
            }
            added.append(AddedTokens.Token(content: Array(content.utf8), id: id, singleWord: entry["single_word"]?.boolValue ?? false,
                                           lstrip: entry["lstrip"]?.boolValue ?? false, rstrip: entry["rstrip"]?.boolValue ?? false,
                                           normalized: entry["normalized"]?.boolValue ?? !(entry["special"]?.boolValue ?? false)))
        }
        self.init(addedTokens: AddedTokens(added), normalizer: normalizer, splits: steps.splits, byteLevel: byteLevel, model: bpe)
    }

    private struct Steps {
        var splits: [PreTokenizerSplit] = []
        var byteLevel: ByteLevelStep?
        var names: [String] = []
    }

    private static func preTokenizerSteps(_ node: JSONValue, refuse: (String) -> LLMBenchError) throws(LLMBenchError) -> Steps {
        var steps = Steps()
        let list = node["type"]?.stringValue == "Sequence" ? node["pretokenizers"]?.arrayValue ?? [] : (node.isNull ? [] : [node])
        for step in list {
            let type = step["type"]?.stringValue ?? "?"
            steps.names.append(Excerpt.clip(type, to: 40))
            if steps.byteLevel != nil { throw refuse("a pre-tokenizer step (\(steps.names.last!)) after ByteLevel is not supported; \(supported)") }
            switch type {
            case "ByteLevel":
                steps.byteLevel = ByteLevelStep(addPrefixSpace: step["add_prefix_space"]?.boolValue ?? true,
                                                useRegex: step["use_regex"]?.boolValue ?? true)
            case "Digits":
                steps.splits.append(.digits(individual: step["individual_digits"]?.boolValue ?? false))
            case "Split":
                let behavior = step["behavior"]?.stringValue ?? "?"
                guard behavior == "Isolated" || behavior == "Removed", step["invert"]?.boolValue != true else {
                    throw refuse("a Split pre-tokenizer with behavior '\(Excerpt.clip(behavior, to: 40))'\(step["invert"]?.boolValue == true ? " inverted" : "") is not supported (Isolated and Removed are)")
                }
                let pattern: String
                if let regex = step["pattern"]?["Regex"]?.stringValue {
                    pattern = regex
                } else if let literal = step["pattern"]?["String"]?.stringValue {
                    pattern = NSRegularExpression.escapedPattern(for: literal)
                } else {
                    throw refuse("a Split pre-tokenizer has no pattern")
                }
                do {
                    steps.splits.append(.regex(try PatternSplit(pattern: pattern, removesMatches: behavior == "Removed")))
                } catch {
                    throw refuse("the pattern of a Split pre-tokenizer does not compile here")
                }
            default:
                throw refuse("pre-tokenizer '\(steps.names.last!)' is not supported; \(supported)")
            }
        }
        return steps
    }

    private static func normalizer(_ node: JSONValue, refuse: (String) -> LLMBenchError) throws(LLMBenchError) -> TextNormalizer {
        if node.isNull { return .none }
        let type = node["type"]?.stringValue ?? "?"
        switch type {
        case "NFC": return .nfc
        case "NFD": return .nfd
        case "NFKC": return .nfkc
        case "NFKD": return .nfkd
        case "Lowercase": return .lowercase
        case "Sequence":
            var steps: [TextNormalizer] = []
            for step in node["normalizers"]?.arrayValue ?? [] { steps.append(try normalizer(step, refuse: refuse)) }
            return .sequence(steps)
        default:
            throw refuse("normalizer '\(Excerpt.clip(type, to: 40))' is not supported (NFC, NFD, NFKC, NFKD, Lowercase and sequences of them are)")
        }
    }
}
