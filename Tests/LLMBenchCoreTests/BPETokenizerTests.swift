import Foundation
import LLMBenchCore
import Synchronization
import Testing

/// The BPE tokenizer against Hugging Face `tokenizers` itself: Tests/Fixtures/tokenizers/generate.py
/// trained five tiny byte-level tokenizers configured like GPT-2, SmolLM2, Llama 3, Qwen2 and a
/// prefix-space family, and wrote the ids the library gives for 400 strings. Every id must match.
struct BPETokenizerTests {
    static let folder = TestFiles.repo("Tests/Fixtures/tokenizers")
    static let families = ["gpt2-style", "smollm2-style", "llama3-style", "qwen2-style", "prefix-space-style"]

    static func tokenizer(_ family: String) throws -> BPETokenizer {
        let path = "\(folder)/\(family).json"
        return try BPETokenizer(json: try TestFiles.read(path), path: path)
    }

    static let cases: (strings: [String], ids: [String: [[Int]]]) = {
        let json = try! JSONValue.parse(try! TestFiles.read("\(folder)/cases.json"))
        let strings = json["strings"]!.arrayValue!.map { $0.stringValue! }
        let ids = json["ids"]!.objectValue!.mapValues { lists in lists.arrayValue!.map { $0.arrayValue!.map { $0.intValue! } } }
        return (strings, ids)
    }()

    @Test(arguments: families)
    func everyStringHasTheIdsTheLibraryGives(family: String) throws {
        let tokenizer = try Self.tokenizer(family)
        let expected = try #require(Self.cases.ids[family])
        #expect(expected.count == Self.cases.strings.count && expected.count >= 400)
        var mismatches: [String] = []
        for (text, ids) in zip(Self.cases.strings, expected) {
            let got = tokenizer.encode(text)
            if got != ids { mismatches.append("\(text.debugDescription): library \(ids), here \(got)") }
            if tokenizer.count(text) != ids.count { mismatches.append("\(text.debugDescription): count \(tokenizer.count(text)) for \(ids.count) ids") }
        }
        #expect(mismatches.isEmpty, "\(mismatches.count) of \(expected.count) differ; first: \(mismatches.prefix(5).joined(separator: "\n"))")
    }

    /// The fixtures cover what they claim to: strings where the families disagree (so each family's
    /// configuration is exercised), special tokens found as one id, and long inputs.
    @Test func theFixturesExerciseEachConfiguration() throws {
        let ids = Self.cases.ids
        for (a, b) in [("gpt2-style", "smollm2-style"), ("llama3-style", "qwen2-style"), ("gpt2-style", "prefix-space-style")] {
            let differing = zip(ids[a]!, ids[b]!).filter { $0.count != $1.count }.count
            #expect(differing >= 20, "\(a) and \(b) differ in count on only \(differing) strings")
        }
        let smol = try Self.tokenizer("smollm2-style")
        #expect(smol.encode("<|im_start|>user").first == smol.encode("<|im_start|>").first)
        #expect(smol.count("<|im_start|>") == 1)
        #expect(smol.count("2024") == 4, "SmolLM2 splits digits one by one")
    }

    /// The runner counts from many worker threads with one tokenizer.
    @Test func manyThreadsEncodingAtOnceGetTheLibrarysIds() throws {
        let tokenizer = try Self.tokenizer("llama3-style")
        let strings = Self.cases.strings, expected = try #require(Self.cases.ids["llama3-style"])
        let wrong = Mutex(0)
        DispatchQueue.concurrentPerform(iterations: 8) { worker in
            for index in stride(from: worker, to: strings.count * 4, by: 8) where tokenizer.encode(strings[index % strings.count]) != expected[index % strings.count] {
                wrong.withLock { $0 += 1 }
            }
        }
        #expect(wrong.withLock { $0 } == 0)
    }

    @Test func aLongWordIsEncodedInLinearishTime() throws {
        let tokenizer = try Self.tokenizer("gpt2-style")
        let text = String(repeating: "abcdefghij", count: 20_000)
        let start = ContinuousClock.now
        let count = tokenizer.count(text)
        #expect(count > 0 && count < text.utf8.count)
        #expect(ContinuousClock.now - start < .seconds(10), "200,000 bytes without a space took \(ContinuousClock.now - start)")
    }

    @Test func refusesWhatItCannotCountAndSaysWhatItSupports() {
        let cases: [(String, String)] = [
            (#"{"model": {"type": "Unigram", "vocab": []}}"#, "model type 'Unigram' is not supported"),
            (#"{"model": {"type": "BPE", "vocab": {}, "merges": []}, "pre_tokenizer": {"type": "Metaspace"}}"#, "pre-tokenizer 'Metaspace' is not supported"),
            (#"{"model": {"type": "BPE", "vocab": {}, "merges": []}, "pre_tokenizer": null}"#, "has no ByteLevel step"),
            (#"{"model": {"type": "BPE", "vocab": {"a": 0}, "merges": ["a b"]}, "pre_tokenizer": {"type": "ByteLevel"}}"#, "merge 0 joins tokens that are not in the vocab"),
            (#"{"model": {"type": "BPE", "vocab": {}, "merges": []}, "pre_tokenizer": {"type": "ByteLevel"}, "normalizer": {"type": "Precompiled"}}"#, "normalizer 'Precompiled' is not supported"),
            ("[1, 2", "not a tokenizer.json"),
        ]
        for (json, message) in cases {
            do {
                _ = try BPETokenizer(json: json, path: "models/x/tokenizer.json")
                Issue.record("accepted: \(json)")
            } catch {
                #expect(error.message.contains("tokenizer models/x/tokenizer.json: "), "\(error.message)")
                #expect(error.message.contains(message), "\(error.message)")
            }
        }
    }
}
