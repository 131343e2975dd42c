import LLMBenchPluginKit
import Testing

struct ServerSentEventParserTests {
    static let stream = "event: message_start\ndata: {\"a\":1}\n\n: a comment\r\ndata: line one\r\ndata: line two\r\n\r\ndata:no-space\rdata:  two spaces\r\r"
        + "event: ping\ndata\n\nretry: 10\nid: 7\ndata: [DONE]\n\n"
    static let expected = [
        ServerSentEvent(event: "message_start", data: "{\"a\":1}"),
        ServerSentEvent(event: nil, data: "line one\nline two"),
        ServerSentEvent(event: nil, data: "no-space\n two spaces"),
        ServerSentEvent(event: "ping", data: ""),
        ServerSentEvent(event: nil, data: "[DONE]"),
    ]

    func parse(_ bytes: [UInt8], splitAt cuts: [Int]) throws -> [ServerSentEvent] {
        var parser = ServerSentEventParser()
        var events: [ServerSentEvent] = []
        var start = 0
        for cut in cuts + [bytes.count] where cut >= start {
            _ = try bytes[start..<cut].withUnsafeBytes { try parser.feed($0) { events.append($0); return true } }
            start = cut
        }
        #expect(parser.bytesExamined == bytes.count)
        return events
    }

    @Test func readsEventsWithEveryLineEnding() throws {
        #expect(try parse(Array(Self.stream.utf8), splitAt: []) == Self.expected)
    }

    @Test func givesTheSameEventsWhereverTheChunksBreak() throws {
        let bytes = Array(Self.stream.utf8)
        for cut in 0...bytes.count {
            #expect(try parse(bytes, splitAt: [cut]) == Self.expected, "split at \(cut)")
        }
        #expect(try parse(bytes, splitAt: Array(0..<bytes.count)) == Self.expected, "one byte at a time")
    }

    @Test func examinesEachByteOnceEvenForOneHugeEventFedByteByByte() throws {
        let payload = String(repeating: "x", count: 200_000)
        let bytes = Array("data: \(payload)\n\n".utf8)
        var parser = ServerSentEventParser()
        var received: [ServerSentEvent] = []
        for byte in bytes {
            _ = try [byte].withUnsafeBytes { try parser.feed($0) { received.append($0); return true } }
        }
        #expect(received.count == 1 && received[0].data.count == 200_000)
        #expect(parser.bytesExamined == bytes.count)
    }

    @Test func stopsWhenTheHandlerSaysSo() throws {
        var parser = ServerSentEventParser()
        var seen = 0
        let goOn = try Array("data: 1\n\ndata: 2\n\n".utf8).withUnsafeBytes { try parser.feed($0) { _ in seen += 1; return false } }
        #expect(!goOn && seen == 1)
    }

    /// Feeds `bytes` in chunks of `chunk` bytes; the index of the chunk that threw, or nil.
    func chunkThatThrows(_ bytes: [UInt8], chunk: Int, limit: Int) -> (index: Int, failure: ServerSentEventParser.Failure)? {
        var parser = ServerSentEventParser()
        parser.maxEventBytes = limit
        for (index, start) in stride(from: 0, to: bytes.count, by: chunk).enumerated() {
            do {
                _ = try bytes[start..<min(bytes.count, start + chunk)].withUnsafeBytes { try parser.feed($0) { _ in true } }
            } catch {
                return (index, (error as? ServerSentEventParser.Failure) ?? .eventTooLarge(limit: -1))
            }
        }
        return nil
    }

    @Test func refusesALineThatNeverEndsAsSoonAsItPassesTheLimit() throws {
        // 100-byte chunks of one line: ten fill the 1000-byte limit, the eleventh passes it.
        let thrown = try #require(chunkThatThrows(Array(repeating: UInt8(ascii: "a"), count: 5000), chunk: 100, limit: 1000))
        #expect(thrown.index == 10)
        #expect(thrown.failure == .eventTooLarge(limit: 1000))
    }

    @Test func refusesAnEventWhoseLinesEndButWhichNeverDoes() throws {
        // Every data line ends, but no blank line dispatches the event: its data grows instead.
        let lines = Array(String(repeating: "data: 123456789\n", count: 200).utf8)
        let thrown = try #require(chunkThatThrows(lines, chunk: 16, limit: 1000))
        // Each line adds its 9 data bytes and a joining newline: the 101st line would pass 1000.
        #expect(thrown.index == 100)
    }

    @Test func keepsEventsUnderTheLimitWhereverTheChunksBreak() throws {
        let bytes = Array("data: \(String(repeating: "y", count: 900))\n\n".utf8)
        for chunk in [1, 7, 64, 1000] {
            #expect(chunkThatThrows(bytes, chunk: chunk, limit: 1000) == nil, "chunks of \(chunk)")
        }
    }
}

struct JSONPathTests {
    static let chunk = #"{"id":"c1","object":"chat.completion.chunk","created":1,"model":"m","choices":[{"index":0,"delta":{"content":"Pa\"ris\u00e9","role":null},"logprobs":null,"finish_reason":null}],"usage":{"prompt_tokens":5,"completion_tokens":2,"nested":[1,{"a":[true,false,null]}]},"extra":[[],{},"x\\"]}"#

    @Test func selectsOnlyWhatThePathsNameAndAgreesWithTheFullParse() throws {
        let found = try JSONReader.values(at: [["choices", 0, "delta", "content"], ["choices", 0, "finish_reason"], ["usage"],
                                               ["choices", 1, "delta"], ["missing"], ["usage", "prompt_tokens"], ["extra", 2]], in: Self.chunk)
        let full = try JSONReader.object(Self.chunk)
        #expect(found[0] as? String == "Pa\"risé")
        #expect(found[1] != nil && (found[1] as? String) == nil, "a JSON null is present, not a string")
        #expect((found[2] as? [String: Any])?.integer("completion_tokens") == 2)
        #expect(found[3] == nil && found[4] == nil)
        #expect(found[5] as? Int == 5)
        #expect(found[6] as? String == "x\\")
        #expect((full["usage"] as? [String: Any])?.integer("prompt_tokens") == found[5] as? Int)
    }

    /// Found while writing the fuzz target (Tests/Fuzz/PluginJSON): brackets nested ten thousand
    /// deep under a key no path takes overflowed the stack while being skipped (a segfault that
    /// takes the whole engine down); the corpus keeps the input as fuzz-json/deep-skipped.json.
    @Test func refusesNestingTooDeepToSkipAndSkipsWhatTheFullReaderAccepts() throws {
        let deep = #"{"x":"# + String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000) + "}"
        #expect(throws: JSONReader.Failure.self) { try JSONReader.values(at: [["y"]], in: deep) }
        let deepest = #"{"x":"# + String(repeating: "[", count: 254) + String(repeating: "]", count: 254) + #","y":1}"#
        #expect(try JSONReader.values(at: [["y"]], in: deepest).first as? Int == 1)
        _ = try JSONReader.object(deepest)
    }

    /// Found by fuzz-json: the whole-document reader takes a raw control character in a string (as
    /// it always has, from servers that send one), the path reader refused it; now they agree.
    @Test func readsRawControlCharactersInStringsAsTheFullReaderDoes() throws {
        let text = "{\"a\":\"tab\there\u{0}\",\"b\":1}"
        let found = try JSONReader.values(at: [["a"], ["b"]], in: text)
        #expect(found[0] as? String == "tab\there\u{0}")
        #expect(found[1] as? Int == 1)
        #expect(try JSONReader.object(text)["a"] as? String == "tab\there\u{0}")
        let scalar = try JSONReader.values(at: [["b"]], in: " \"just stt\u{0}\u{0}\u{0}ring\" ")
        #expect(scalar.count == 1 && scalar[0] == nil)
    }

    @Test(arguments: [#"{"a":[1,2}"#, #"{"a":"unterminated}"#, #"{"a":1} x"#, #"{"a" 1}"#, #"{"a":tru}"#])
    func refusesWhatTheFullParserRefuses(_ text: String) {
        #expect(throws: JSONReader.Failure.self) { try JSONReader.values(at: [["b"]], in: text) }
        #expect(throws: JSONReader.Failure.self) { try JSONReader.object(text) }
    }
}
