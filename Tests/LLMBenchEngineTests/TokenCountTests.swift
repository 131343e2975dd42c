import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Testing

@testable import LLMBenchEngine

/// What the engine counts when a provider reports no usage (Docs/metrics.md "Token counts"), on
/// call outcomes built by hand: which method wins, the chat template, and `max_tokens`.
struct TokenCountTests {
    /// An outcome as a stream of `pieces` would leave it: one text event per piece.
    static func streamed(_ pieces: [String], reasoning: [String] = [], finish: String = "stop", usage: String? = nil) -> CallOutcome {
        var outcome = CallOutcome()
        outcome.text = Array(pieces.joined().utf8)
        outcome.reasoning = Array(reasoning.joined().utf8)
        outcome.textChunks = pieces.count
        outcome.reasoningChunks = reasoning.count
        outcome.finishReason = finish
        outcome.usageJSON = usage
        return outcome
    }

    static let question = TokenCounts.Request(messages: ["What is the capital of France?"], maxTokens: nil, streamed: true)

    static func count(_ outcome: CallOutcome, _ request: TokenCounts.Request = question, settings: TokenCounting = TokenCounting(),
                      tokenizer: BPETokenizer? = nil, succeeded: Bool = true) -> Usage?
    {
        TokenCounts.usage(outcome, request: request, settings: settings, tokenizer: tokenizer, succeeded: succeeded)
    }

    static func fixtureTokenizer() throws -> BPETokenizer {
        let path = TestPaths.repo("Tests/Fixtures/tokenizers/smollm2-style.json")
        return try BPETokenizer(json: try String(contentsOfFile: path, encoding: .utf8), path: path)
    }

    /// Twenty-four tokens of about a byte each, as the issue's third SmolLM2 answer: bytes ÷ 4 said 6.
    static let shortTokens = (0..<24).map { $0 % 3 == 0 ? "\n" : ($0 % 3 == 1 ? "-" : " ") }

    @Test func aStreamOfSmallChunksIsCountedOneTokenAChunk() throws {
        let usage = try #require(Self.count(Self.streamed(Self.shortTokens)))
        #expect(usage.outputTokens == 24 && usage.outputMethod == .chunks)
        #expect(usage.estimated, "not reported by the provider")
        let words = try #require(Self.count(Self.streamed(["The", " capital", " of", " France", " is", " Paris", "."])))
        #expect(words.outputTokens == 7 && words.outputMethod == .chunks)
    }

    @Test func reasoningChunksCountAsOutputAndAsReasoning() throws {
        let usage = try #require(Self.count(Self.streamed(["Paris", "."], reasoning: ["Fr", "ance", "'s", " capital"])))
        #expect(usage.outputTokens == 6 && usage.reasoningTokens == 4 && usage.outputMethod == .chunks)
    }

    @Test func largeChunksAreNotTakenForTokens() throws {
        // A server that batches: 3 chunks of about 20 bytes, 60 bytes in all, about 15 tokens.
        let batched = Self.streamed(["The capital of Fran", "ce is Paris, which ", "is also its largest"])
        let usage = try #require(Self.count(batched))
        #expect(usage.outputMethod == .estimate && usage.outputTokens == 15)
        // Unless the suite says the server sends a token a chunk.
        let forced = try #require(Self.count(batched, settings: TokenCounting(source: .chunks)))
        #expect(forced.outputMethod == .chunks && forced.outputTokens == 3)
    }

    @Test func theAverageChunkSizeDecidesAtSixBytes() throws {
        let sixBytes = try #require(Self.count(Self.streamed(Array(repeating: "abcdef", count: 10))))
        let sevenBytes = try #require(Self.count(Self.streamed(Array(repeating: "abcdefg", count: 10))))
        #expect(sixBytes.outputMethod == .chunks && sixBytes.outputTokens == 10)
        #expect(sevenBytes.outputMethod == .estimate && sevenBytes.outputTokens == 18)
    }

    @Test func aResponseThatWasNotStreamedIsNeverCountedByChunks() throws {
        let whole = TokenCounts.Request(messages: Self.question.messages, maxTokens: nil, streamed: false)
        let usage = try #require(Self.count(Self.streamed(["Paris is the capital."]), whole, settings: TokenCounting(source: .chunks)))
        #expect(usage.outputMethod == .estimate && usage.outputTokens == 6)
    }

    @Test func theInputEstimateAddsTheChatTemplate() throws {
        // 30 bytes → 8 tokens; one message: 5 around it and 3 to open the reply.
        let usage = try #require(Self.count(Self.streamed(["Paris"])))
        #expect(usage.inputTokens == 8 + 5 + 3 && usage.inputMethod == .estimate)
        let chat = TokenCounts.Request(messages: ["Be brief.", "Hi", "Hello!", "Capital of France?"], maxTokens: nil, streamed: true)
        let template = TokenCounting(template: .init(perMessage: 4, perPrompt: 25))
        let calibrated = try #require(Self.count(Self.streamed(["Paris"]), chat, settings: template))
        #expect(calibrated.inputTokens == (3 + 1 + 2 + 5) + 4 * 4 + 25)
    }

    @Test func theSystemOptionIsPartOfTheInput() {
        let test = TestCase(name: "t", messages: [Message(role: "user", content: "Hi")], options: ["max_tokens": 24])
        let provider = ProviderConfig(id: "p", plugin: "openai", model: "m", options: ["system": "You are terse.", "stream": false])
        let request = TokenCounts.Request(test: test, provider: provider, pluginStreams: true)
        #expect(request.messages == ["You are terse.", "Hi"])
        #expect(request.maxTokens == 24 && !request.streamed)
        #expect(!TokenCounts.Request(test: test, provider: ProviderConfig(id: "p", plugin: "x", model: "m"), pluginStreams: false).streamed)
    }

    @Test func anOutputCountNeverPassesMaxTokens() throws {
        let limited = TokenCounts.Request(messages: ["Write a long story."], maxTokens: 24, streamed: true)
        // 400 bytes in long chunks: 100 tokens by bytes, but the request allowed 24.
        let long = Self.streamed(Array(repeating: String(repeating: "word ", count: 8), count: 10), reasoning: ["x" + String(repeating: "y", count: 199)])
        let usage = try #require(Self.count(long, limited))
        #expect(usage.outputTokens == 24 && usage.outputMethod == .estimate)
        #expect(try #require(usage.reasoningTokens) <= 24)
        // Chunk counts too (a server sending a few tokens a chunk under `usage_from: chunks`).
        let chunked = try #require(Self.count(Self.streamed(Array(repeating: "ab", count: 30)), limited))
        #expect(chunked.outputTokens == 24)
    }

    @Test func anAnswerStoppedAtTheLimitHasExactlyMaxTokens() throws {
        let limited = TokenCounts.Request(messages: ["Count to 100."], maxTokens: 24, streamed: true)
        // 6 bytes-worth of estimate, or 23 chunks (one carried two tokens): the server stopped at 24.
        for outcome in [Self.streamed([String(repeating: "1 ", count: 12)], finish: "length"), Self.streamed(Array(Self.shortTokens.prefix(23)), finish: "length")] {
            let usage = try #require(Self.count(outcome, limited))
            #expect(usage.outputTokens == 24 && usage.outputMethod == .limit)
        }
        let unlimited = try #require(Self.count(Self.streamed(["a"], finish: "length")))
        #expect(unlimited.outputMethod == .chunks, "no max_tokens: the finish reason alone says nothing of the count")
    }

    @Test func aTokenizerCountsExactlyWhateverTheChunks() throws {
        let tokenizer = try Self.fixtureTokenizer()
        let pieces = ["The capital of Fran", "ce is Paris, which ", "is also its largest"]
        let usage = try #require(Self.count(Self.streamed(pieces), tokenizer: tokenizer))
        #expect(usage.outputMethod == .tokenizer && usage.outputTokens == tokenizer.count(pieces.joined()))
        #expect(usage.inputMethod == .tokenizer && usage.inputTokens == tokenizer.count(Self.question.messages[0]) + 5 + 3)
        // `usage_from: chunks` prefers the chunks; `estimate` ignores the tokenizer.
        let chunks = try #require(Self.count(Self.streamed(Self.shortTokens), settings: TokenCounting(source: .chunks), tokenizer: tokenizer))
        #expect(chunks.outputMethod == .chunks && chunks.inputMethod == .tokenizer)
        let estimate = try #require(Self.count(Self.streamed(pieces), settings: TokenCounting(source: .estimate), tokenizer: tokenizer))
        #expect(estimate.outputMethod == .estimate && estimate.inputMethod == .estimate)
    }

    @Test func reportedUsageIsKeptAsItIs() throws {
        let reported = #"{"input_tokens": 42, "output_tokens": 7, "reasoning_tokens": 2}"#
        let usage = try #require(Self.count(Self.streamed(Self.shortTokens, finish: "length", usage: reported),
                                            TokenCounts.Request(messages: ["x"], maxTokens: 5, streamed: true)))
        #expect(usage == Usage(inputTokens: 42, outputTokens: 7, reasoningTokens: 2))
        #expect(!usage.estimated && usage.inputMethod == .reported && usage.outputMethod == .reported)
    }

    @Test func aFailedRequestIsNotCounted() {
        #expect(Self.count(Self.streamed(Self.shortTokens), succeeded: false) == nil)
        let reported = Self.count(Self.streamed(["a"], usage: #"{"input_tokens": 3, "output_tokens": 1}"#), succeeded: false)
        #expect(reported?.inputTokens == 3 && reported?.outputMethod == .reported)
    }

    @Test func aPluginsEstimateGivesWayToACountButNotToBytes() throws {
        let estimated = #"{"input_tokens": 50, "output_tokens": 9, "estimated": true}"#
        let counted = try #require(Self.count(Self.streamed(Self.shortTokens, usage: estimated)))
        #expect(counted.outputTokens == 24 && counted.outputMethod == .chunks)
        #expect(counted.inputTokens == 50 && counted.inputMethod == .estimate)
        let kept = try #require(Self.count(Self.streamed(["The capital of Fran", "ce is Paris"], usage: estimated)))
        #expect(kept.outputTokens == 9 && kept.outputMethod == .estimate)
    }

    @Test func aTokenizerFileIsFoundBesideTheSuiteAndReadOnceWhoeverNamesIt() throws {
        let dir = TemporaryDirectory()
        let fixture = try String(contentsOfFile: TestPaths.repo("Tests/Fixtures/tokenizers/gpt2-style.json"), encoding: .utf8)
        dir.write("models/tok.json", fixture)
        var files = TokenizerFiles(suitePath: dir.file("suite.yaml"))
        let first = try files.load("models/tok.json")
        #expect(try files.load("models/../models/tok.json") === first)
        #expect(try files.load(dir.file("models/tok.json")) === first)
        #expect(first.count("Hello world") > 0)
        #expect(throws: LLMBenchError.self) { try files.load("tok.json") }
    }
}
