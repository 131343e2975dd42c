import Foundation
import LLMBenchCore

/// Reads the `tokenizer:` files of a suite's providers (Hugging Face tokenizer.json), each file once
/// however many providers name it. A path is relative to the suite's folder. The file may be
/// anywhere (models live outside suites); its content is never quoted in a message.
struct TokenizerFiles {
    /// Llama 3's tokenizer.json is 9 MB, Qwen2's 7 MB: room for eight times that.
    static let maxBytes = 64 << 20

    let suiteFolder: String
    private var loaded: [String: BPETokenizer] = [:]

    init(suitePath: String) { suiteFolder = (suitePath as NSString).deletingLastPathComponent }

    mutating func load(_ written: String) throws(LLMBenchError) -> BPETokenizer {
        let path = written.hasPrefix("/") || suiteFolder.isEmpty ? written : (suiteFolder as NSString).appendingPathComponent(written)
        let key = ((path as NSString).standardizingPath as NSString).resolvingSymlinksInPath
        if let tokenizer = loaded[key] { return tokenizer }
        func refusal(_ reason: String) -> LLMBenchError { LLMBenchError(.invalidFile, "tokenizer \(path): \(reason)") }
        // Checked before opening: a FIFO or a device could block or never end.
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: key) else { throw refusal("no such file") }
        guard attributes[.type] as? FileAttributeType == .typeRegular else { throw refusal("not a regular file") }
        guard let handle = FileHandle(forReadingAtPath: key) else { throw refusal("it cannot be read") }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: Self.maxBytes + 1)) ?? Data()
        guard data.count <= Self.maxBytes else { throw refusal("larger than \(Self.maxBytes >> 20) MiB; a tokenizer.json is a few MB") }
        guard let text = String(data: data, encoding: .utf8) else { throw refusal("not UTF-8 text") }
        let tokenizer = try BPETokenizer(json: text, path: path)
        loaded[key] = tokenizer
        return tokenizer
    }
}
