import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchFakeServers
import LLMBenchTestSupport
import Testing

/// A server that streams one token per chunk and reports no usage (llama.cpp, llama-cpp-python,
/// older vLLM), through the real OpenAI plugin and libcurl: the engine counts the chunks, records
/// how, and TPOT follows the server's pacing rather than a bytes ÷ 4 guess.
struct TokenCountEndToEndTests {
    /// Twelve one-token chunks of 1–3 bytes ("1", " 2" … " 12"): 26 bytes, which bytes ÷ 4 calls 7 tokens.
    static let scenario = "ttft=30;gap=15;chunks=12;text=1 2 3 4 5 6 7 8 9 10 11 12;fault=no_usage"
    static let prompt = "Count to twelve."

    static func suite(_ server: FakeProviderServer, tokenizer: String) -> String {
        func provider(_ id: String, _ extra: String = "") -> String {
            "  - {id: \(id), plugin: openai, model: \"\(id);\(scenario)\", base_url: \"\(server.baseURL)\", api_key_env: FAKE_PROVIDER_KEY\(extra)}"
        }
        return """
            version: 1
            name: token-counts
            providers:
            \(provider("chunks"))
            \(provider("tokenizer", ", tokenizer: \"\(tokenizer)\""))
            \(provider("limited", ", options: {max_tokens: 5}"))
            tests:
              - {name: count, prompt: "\(prompt)"}
            """
    }

    @Test func aServerSendingATokenAChunkWithoutUsageIsCountedByChunksAndItsTPOTFollowsItsPacing() throws {
        let server = try FakeProviderServer(api: .openai)
        let tokenizerPath = TestPaths.repo("Tests/Fixtures/tokenizers/smollm2-style.json")
        let (outcome, store, _) = try runSuite(Self.suite(server, tokenizer: tokenizerPath), environment: ["FAKE_PROVIDER_KEY": "k"], concurrency: 1)
        let results = Dictionary(uniqueKeysWithValues: outcome.results.map { ($0.provider, $0) })
        for result in results.values { #expect(result.status == .ok, "\(result.provider): \(String(describing: result.error))") }

        let chunks = try #require(results["chunks"]?.usage)
        #expect(chunks.outputTokens == 12 && chunks.outputMethod == .chunks)
        // "Count to twelve." is 16 bytes, 4 tokens; one message adds 5 and the reply's opening 3.
        #expect(chunks.inputTokens == 4 + 5 + 3 && chunks.inputMethod == .estimate)
        #expect(chunks.estimated)

        // TPOT against the server's own pacing: its first content write to its last body byte, over
        // the 11 tokens after the first. A count of 7 would make it 11/6 = 1.8 times too high.
        let result = try #require(results["chunks"])
        let record = try #require(server.records().first { $0.model?.hasPrefix("chunks;") == true })
        let serverSpanMs = Double(try #require(record.lastBodyByteNs) - (try #require(record.firstContentNs))) / 1e6
        // Paced (writes are due 15 ms apart; a late first write can shorten the span a little).
        #expect(serverSpanMs > 8 * 15, "the server's chunks came \(serverSpanMs) ms apart in all")
        let tpot = try #require(result.tpotMs)
        let ratio = tpot / (serverSpanMs / 11)
        #expect(ratio > 0.7 && ratio < 1.4, "TPOT \(tpot) ms against the server's \(serverSpanMs / 11) ms a token")

        let tokenizer = try BPETokenizer(json: String(contentsOfFile: tokenizerPath, encoding: .utf8), path: tokenizerPath)
        let counted = try #require(results["tokenizer"]?.usage)
        let answer = try #require(results["tokenizer"]?.output)
        #expect(counted.outputMethod == .tokenizer && counted.outputTokens == tokenizer.count(answer))
        #expect(counted.outputTokens != 12, "this tokenizer splits the numbers otherwise than the server's chunks")
        #expect(counted.inputMethod == .tokenizer && counted.inputTokens == tokenizer.count(Self.prompt) + 5 + 3)

        // max_tokens 5: the server stopped after five chunks with finish_reason "length".
        let limited = try #require(results["limited"])
        #expect(limited.finishReason == "length")
        #expect(limited.usage?.outputTokens == 5 && limited.usage?.outputMethod == .limit)

        // The methods reach the store.
        let stored = try store.results(runID: outcome.run.id)
        #expect(Set(stored.compactMap { $0.usage?.outputMethod }) == [.chunks, .tokenizer, .limit])
    }

    /// `prepare` and `llmbench validate` (`check`) alike.
    @Test func aTokenizerThatCannotBeReadOrIsNotSupportedStopsTheRunBeforeAnyRequest() throws {
        let dir = TemporaryDirectory()
        dir.write("unigram.json", #"{"model": {"type": "Unigram", "vocab": [["a", 0.0]]}}"#)
        for (file, message) in [("missing.json", "no such file"), ("unigram.json", "model type 'Unigram' is not supported")] {
            let yaml = """
                version: 1
                name: t
                providers:
                  - {id: p, plugin: mock, model: m, tokenizer: "\(dir.file(file))"}
                tests:
                  - {name: t, prompt: hi}
                """
            let expected = "provider 'p': tokenizer \(dir.file(file)): \(message)"
            do {
                _ = try runSuite(yaml)
                Issue.record("\(file) was accepted")
            } catch let error as LLMBenchErrors {
                #expect(error.errors.count == 1 && error.errors[0].message.contains(expected), "\(error)")
                #expect(error.errors.first?.location?.line == 4)
            }
            let found = RunPreparation(catalog: builtInCatalog(), prices: PriceTable()).check(try SuiteParser().parse(yaml, path: "inline.yaml"))
            #expect(found.map(\.message).contains { $0.contains(expected) })
        }
    }
}
