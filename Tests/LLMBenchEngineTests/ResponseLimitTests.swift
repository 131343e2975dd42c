import CLLMBenchPluginABI
import Foundation
import LLMBenchCore
import LLMBenchFakeServers
import Testing

@testable import LLMBenchEngine

/// What the engine keeps of an answer: at most `ResponseLimits.answerBytes`, cut where a character
/// ends, and marked.
struct AnswerLimitTests {
    func append(_ deltas: [(String, reasoning: Bool)], limit: Int) -> (CallOutcome, [Bool]) {
        var outcome = CallOutcome()
        let answers = deltas.map { delta, reasoning in
            Array(delta.utf8).withUnsafeBytes { outcome.appendAnswer($0, reasoning: reasoning, limit: limit) }
        }
        return (outcome, answers)
    }

    @Test func anAnswerWithinTheLimitIsKeptWholeAndNotMarked() {
        let (outcome, answers) = append([("think", reasoning: true), ("12345", reasoning: false)], limit: 10)
        #expect(outcome.reasoningText == "think" && outcome.outputText == "12345")
        #expect(!outcome.truncated && answers == [true, true])
    }

    @Test func textAndReasoningShareTheLimitAndTheRestIsDropped() {
        let (outcome, answers) = append([("thinking", reasoning: true), ("answer", reasoning: false), ("more", reasoning: false)], limit: 10)
        #expect(outcome.reasoningText == "thinking" && outcome.outputText == "an")
        #expect(outcome.truncated)
        #expect(answers == [true, false, false], "the engine asks the plugin to stop once the limit is reached")
    }

    @Test(arguments: [("abcdefgh€", 10, "abcdefgh"), ("abcdefghi€", 10, "abcdefghi"), ("ab😀cd", 5, "ab"), ("ab😀cd", 6, "ab😀"),
                      ("é", 1, "")])
    func theCutNeverSplitsACharacter(_ text: String, _ limit: Int, _ kept: String) {
        let (outcome, _) = append([(text, reasoning: false)], limit: limit)
        #expect(outcome.outputText == kept)
        #expect(outcome.truncated)
    }

    @Test func aCharacterSplitAcrossDeltasIsDroppedWhenTheCutFallsInsideIt() {
        // A plugin may split "€" (E2 82 AC) between deltas; the cut falls after its second byte.
        var outcome = CallOutcome()
        let euro = Array("€".utf8)
        _ = (Array("abcdefg".utf8) + euro.prefix(1)).withUnsafeBytes { outcome.appendAnswer($0, reasoning: false, limit: 9) }
        _ = (Array(euro.dropFirst()) + Array("xyz".utf8)).withUnsafeBytes { outcome.appendAnswer($0, reasoning: false, limit: 9) }
        #expect(outcome.text == Array("abcdefg".utf8))
        #expect(outcome.truncated)
    }

    @Test func errorMessagesAndFinishReasonsAreCutToo() {
        let collector = CallCollector(timeouts: TransportTimeouts(), run: nil)
        // Twice the limit in two-byte characters; the limit is even, so the cut ends a character.
        _ = Array(String(repeating: "é", count: ResponseLimits.errorMessageBytes).utf8)
            .withUnsafeBytes { collector.receive(kind: LLMBENCH_EVENT_ERROR, $0) }
        _ = [UInt8](repeating: UInt8(ascii: "x"), count: 10_000).withUnsafeBytes { collector.receive(kind: LLMBENCH_EVENT_FINISH, $0) }
        let message = collector.outcome.error?.message ?? ""
        #expect(message.utf8.count == ResponseLimits.errorMessageBytes && message.allSatisfy { $0 == "é" })
        #expect(collector.outcome.finishReason?.utf8.count == ResponseLimits.finishReasonBytes)
    }
}

extension CallCollector {
    /// Emits one event as a plugin would through `emit`; returns the engine's answer (0: go on).
    func receive(kind: llmbench_event_kind, _ bytes: UnsafeRawBufferPointer) -> Int32 {
        var event = llmbench_event(abi_major: 1, abi_minor: 1, struct_size: UInt32(MemoryLayout<llmbench_event>.size),
                                   kind: Int32(kind.rawValue), data: bytes.baseAddress?.assumingMemoryBound(to: CChar.self),
                                   data_len: bytes.count, error_code: kind == LLMBENCH_EVENT_ERROR ? 6 : 0, http_status: 0,
                                   retry_after_ms: -1)
        return receive(&event)
    }
}

/// The transport's own limits, with a plugin that keeps whatever it is handed (the harness of
/// `HTTPTransportTests`): no body past its limit reaches the plugin, whatever the plugin does.
struct TransportLimitTests {
    static let malformed = Int32(LLMBENCH_ERR_MALFORMED_RESPONSE.rawValue)

    @Test(arguments: [(false, ResponseLimits.bodyBytes), (true, ResponseLimits.streamBytes)])
    func aBodyPastItsLimitIsStoppedBeforeThePluginSeesTheRest(stream: Bool, limit: Int) throws {
        let server = try FakeProviderServer(api: .openai)
        // Without a Content-Length (chunked): only counting what arrives can stop it.
        let exchange = HTTPTransportTests.request(server, model: "fake;fault=endless_line;size=\(limit + (8 << 20))", stream: stream,
                                                  keepsBody: false)
        #expect(exchange.status == Self.malformed)
        #expect(exchange.received.bodyBytes <= limit)
        #expect(exchange.received.bodyBytes > limit - (1 << 20), "it was the limit that stopped it, not something earlier")
        let error = exchange.collector.outcome.error
        #expect(error?.kind == .malformedResponse)
        #expect(error?.message.contains("larger than \(limit >> 20) MiB") == true, "\(error?.message ?? "no error")")
    }

    @Test func aDeclaredLengthPastTheLimitIsRefusedBeforeAnyBodyByte() throws {
        let server = try FakeProviderServer(api: .openai)
        let size = ResponseLimits.bodyBytes + 65_536
        let exchange = HTTPTransportTests.request(server, model: "fake;fault=huge;size=\(size)", stream: false, maxTokens: size)
        #expect(exchange.status == Self.malformed)
        #expect(exchange.received.bodyBytes == 0)
        #expect(exchange.collector.outcome.error?.message.contains("larger than \(ResponseLimits.bodyBytes >> 20) MiB") == true)
    }

    @Test func aPluginThatIgnoresTheAnswerLimitIsStoppedByTheEngine() throws {
        let server = try FakeProviderServer(api: .openai)
        let exchange = HTTPTransportTests.request(server, model: "fake;fault=endless_line;size=\(ResponseLimits.answerBytes * 2)",
                                                  keepsBody: false, emitsBodyAsText: true)
        #expect(exchange.status == Int32(LLMBENCH_ERR_CANCELLED.rawValue), "the engine stopped the transfer")
        #expect(exchange.received.bodyBytes < ResponseLimits.answerBytes + (1 << 20))
        let outcome = exchange.collector.outcome
        #expect(outcome.truncated && outcome.text.count == ResponseLimits.answerBytes)
        #expect(outcome.error?.kind == .malformedResponse)
    }

    @Test func chunkStampsPastTheirLimitAreCountedNotKept() {
        var record = TransportRecord()
        for ns in 0..<UInt64(ResponseLimits.chunkStamps + 10) { record.stampChunk(ns) }
        #expect(record.chunkNs.count == ResponseLimits.chunkStamps)
        #expect(record.info.chunks == ResponseLimits.chunkStamps + 10)
    }
}
