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
        let key = RealPath.canonical(path)
        if let tokenizer = loaded[key] { return tokenizer }
        func refusal(_ reason: String) -> LLMBenchError { LLMBenchError(.invalidFile, "tokenizer \(path): \(reason)") }
        guard FileManager.default.fileExists(atPath: key) else { throw refusal("no such file") }
        let text: String
        do throws(BoundedTextFile.Failure) {
            text = try BoundedTextFile.read(key, maxBytes: Self.maxBytes)
        } catch .tooLarge {
            throw refusal("it is larger than \(Self.maxBytes >> 20) MiB; a tokenizer.json is a few MB")
        } catch {
            throw refusal(error.reason)
        }
        let tokenizer = try BPETokenizer(json: text, path: path)
        loaded[key] = tokenizer
        return tokenizer
    }
}
