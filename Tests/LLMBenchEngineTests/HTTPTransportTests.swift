import CLLMBenchPluginABI
import Foundation
import LLMBenchCore
import LLMBenchFakeServers
import Testing

@testable import LLMBenchEngine

/// Drives the engine's HTTP service directly, as a plugin would through host->http, against a
/// loopback fake of the OpenAI API.
struct HTTPTransportTests {
    final class Received {
        var status = 0
        var headers: [String: String] = [:]
        var body: [UInt8] = []
        /// Every body byte handed over, kept or not.
        var bodyBytes = 0
        var keepsBody = true
        var stopAfterBytes: Int?
        /// Set to emit every chunk as a text delta and ignore the engine's answer to it, as a
        /// plugin that does not listen would.
        var emitsBodyTo: CallCollector?
    }

    struct Exchange {
        var status: Int32
        var received: Received
        var collector: CallCollector
    }

    static func request(_ server: FakeProviderServer, model: String, prompt: String = "hello", stream: Bool = true,
                        timeouts: TransportTimeouts = TransportTimeouts(connectMs: 2_000, firstByteMs: 5_000, idleMs: 5_000, totalMs: 20_000),
                        stopAfterBytes: Int? = nil, maxTokens: Int = 100, keepsBody: Bool = true, emitsBodyAsText: Bool = false) -> Exchange
    {
        let collector = CallCollector(timeouts: timeouts, run: nil)
        let received = Received()
        received.stopAfterBytes = stopAfterBytes
        received.keepsBody = keepsBody
        if emitsBodyAsText { received.emitsBodyTo = collector }
        var bodyJSON = JSONWriter()
        bodyJSON.write(["model": .string(model), "stream": .bool(stream), "max_tokens": JSONValue(maxTokens),
                        "messages": [["role": "user", "content": .string(prompt)]]])
        let context = Unmanaged.passUnretained(received).toOpaque()
        var handler = llmbench_http_handler(
            abi_major: 1, abi_minor: 1, struct_size: UInt32(MemoryLayout<llmbench_http_handler>.size), reserved0: 0, context: context,
            on_response: { context, response in
                let received = Unmanaged<Received>.fromOpaque(context!).takeUnretainedValue()
                received.status = Int(response!.pointee.status)
                for i in 0..<response!.pointee.header_count {
                    let h = response!.pointee.headers[i]
                    let name = String(decoding: UnsafeRawBufferPointer(start: h.name, count: h.name_len), as: UTF8.self)
                    received.headers[name] = String(decoding: UnsafeRawBufferPointer(start: h.value, count: h.value_len), as: UTF8.self)
                }
                return 0
            },
            on_body: { context, data, length in
                let received = Unmanaged<Received>.fromOpaque(context!).takeUnretainedValue()
                received.bodyBytes += length
                if received.keepsBody { received.body.append(contentsOf: UnsafeRawBufferPointer(start: data, count: length)) }
                _ = received.emitsBodyTo?.receive(kind: LLMBENCH_EVENT_TEXT_DELTA, UnsafeRawBufferPointer(start: data, count: length))
                if let limit = received.stopAfterBytes, received.bodyBytes >= limit { return 1 }
                return 0
            })
        let headers = [("content-type", "application/json"), ("authorization", "Bearer sk-test")]
        let status: Int32 = "POST".withCString { method in
            "\(server.baseURL)/chat/completions".withCString { url in
                bodyJSON.bytes.withUnsafeBufferPointer { body in
                    let names = headers.map { Array($0.0.utf8) }, values = headers.map { Array($0.1.utf8) }
                    return withExtendedLifetime((names, values)) {
                        var list: [llmbench_http_header] = []
                        for i in names.indices {
                            names[i].withUnsafeBufferPointer { n in
                                values[i].withUnsafeBufferPointer { v in
                                    list.append(llmbench_http_header(
                                        name: UnsafeRawPointer(n.baseAddress)?.assumingMemoryBound(to: CChar.self), name_len: n.count,
                                        value: UnsafeRawPointer(v.baseAddress)?.assumingMemoryBound(to: CChar.self), value_len: v.count))
                                }
                            }
                        }
                        return list.withUnsafeBufferPointer { list in
                            let request = llmbench_http_request(
                                abi_major: 1, abi_minor: 1, struct_size: UInt32(MemoryLayout<llmbench_http_request>.size),
                                flags: stream ? UInt32(LLMBENCH_HTTP_STREAM) : 0, method: method, url: url,
                                headers: list.baseAddress, header_count: list.count,
                                body: UnsafeRawPointer(body.baseAddress)?.assumingMemoryBound(to: CChar.self), body_len: body.count)
                            return CurlPerform.run(collector: collector, request: request, handler: handler)
                        }
                    }
                }
            }
        }
        withExtendedLifetime(handler) {}
        handler.context = nil
        return Exchange(status: status, received: received, collector: collector)
    }

    /// Only what load cannot break: a busy machine may merge writes into fewer reads, but never
    /// stamps a chunk before the server wrote it. How far apart chunks arrive is checked by
    /// `ChunkStampAccuracyTests.chunkGapsFollowTheServersWrites`, which runs alone.
    @Test func streamsAndRecordsStatusVersionBytesAndChunks() throws {
        let server = try FakeProviderServer(api: .openai)
        let exchange = Self.request(server, model: "fake;chunks=8;gap=5;text=one two three four five six seven eight", prompt: "p1")
        #expect(exchange.status == 0)
        #expect(exchange.received.status == 200)
        #expect(exchange.received.headers["content-type"]?.hasPrefix("text/event-stream") == true)
        let transport = exchange.collector.outcome.transport
        #expect(transport.status == 200 && transport.httpVersion == 11)
        #expect(transport.streamed)
        #expect(transport.bytesIn >= exchange.received.body.count && transport.bytesOut > 100)
        let text = String(decoding: exchange.received.body, as: UTF8.self)
        #expect(text.contains("data: [DONE]"))
        // Every chunk stamped, in order, and the gaps are the differences of the stamps.
        let record = try #require(server.record(forPrompt: "p1"))
        #expect(record.contentChunkNs.count == 8)
        #expect(!transport.chunkNs.isEmpty && transport.chunkNs == transport.chunkNs.sorted())
        #expect(transport.chunkGapsMs.count == transport.chunkNs.count - 1)
        #expect(abs(transport.chunkGapsMs.reduce(0, +) - MonotonicClock.ms(from: transport.chunkNs.first!, to: transport.chunkNs.last!)) < 0.01)
        for written in record.contentChunkNs {
            #expect(transport.chunkNs.contains { $0 >= written }, "the chunk written at \(written) has no stamp at or after it")
        }
        #expect(transport.chunkNs.last! >= (record.lastBodyByteNs ?? .max))
    }

    @Test func reusesTheConnectionOnTheSameWorkerThread() throws {
        let server = try FakeProviderServer(api: .openai)
        let first = Self.request(server, model: "fake", prompt: "a")
        let second = Self.request(server, model: "fake", prompt: "b")
        #expect(first.collector.outcome.transport.reusedConnection == false)
        #expect(second.collector.outcome.transport.reusedConnection == true)
    }

    /// Runs with the timing suites; best of three, as they are (ChunkStampAccuracyTests).
    @Test func measuresFromTheRequestToTheLastByteAgainstTheServersOwnClock() throws {
        let server = try FakeProviderServer(api: .openai)
        var differences: [Double] = []
        for attempt in 0..<ChunkStampAccuracyTests.attempts {
            let exchange = Self.request(server, model: "fake;ttft=40;chunks=4;gap=10", prompt: "timed \(attempt)")
            let record = try #require(server.record(forPrompt: "timed \(attempt)"))
            let t = exchange.collector.outcome.transport
            let start = try #require(t.requestStartNs), last = try #require(t.lastByteNs)
            // The client starts before the server reads, and sees the last body byte after it is written
            // (the engine's last byte is the last body byte: the chunked terminator reaches no callback).
            let serverLast = try #require(record.lastBodyByteNs)
            #expect(start <= record.requestStartNs)
            #expect(last >= serverLast)
            differences.append(MonotonicClock.ms(from: start, to: last) - MonotonicClock.ms(from: record.requestStartNs, to: serverLast))
            if differences.last! < 5 { return }
        }
        Issue.record("no attempt within 5 ms of the server's own latency: \(differences)")
    }

    @Test func aServerThatNeverAnswersTimesOutAtTheFirstByteDeadline() throws {
        let server = try FakeProviderServer(api: .openai)
        let exchange = Self.request(server, model: "fake;fault=hang", timeouts: TransportTimeouts(connectMs: 1_000, firstByteMs: 300, idleMs: 5_000, totalMs: 20_000))
        #expect(exchange.status == Int32(LLMBENCH_ERR_TIMEOUT.rawValue))
        #expect(exchange.collector.outcome.error?.kind == .timeout)
        #expect(exchange.collector.outcome.error?.message.contains("no first byte within 300 ms") == true)
    }

    @Test func aStreamThatGoesSilentTimesOutAtTheIdleDeadline() throws {
        let server = try FakeProviderServer(api: .openai)
        let exchange = Self.request(server, model: "fake;chunks=3;gap=2000", timeouts: TransportTimeouts(connectMs: 1_000, firstByteMs: 5_000, idleMs: 200, totalMs: 20_000))
        #expect(exchange.collector.outcome.error?.kind == .timeout)
        #expect(exchange.collector.outcome.error?.message.contains("between chunks") == true)
    }

    @Test func aResetInMidStreamIsANetworkFailure() throws {
        let server = try FakeProviderServer(api: .openai)
        let exchange = Self.request(server, model: "fake;chunks=6;gap=5;fault=reset;reset_after=2")
        #expect(exchange.status == Int32(LLMBENCH_ERR_NETWORK.rawValue))
        #expect(exchange.collector.outcome.error?.kind == .network)
        #expect(!exchange.received.body.isEmpty, "the chunks before the reset were delivered")
    }

    @Test func aRefusedConnectionIsANetworkFailure() throws {
        let server = try FakeProviderServer(api: .openai)
        server.stop()
        let exchange = Self.request(server, model: "fake")
        #expect(exchange.status == Int32(LLMBENCH_ERR_NETWORK.rawValue))
        #expect(exchange.collector.outcome.error?.kind == .network)
        #expect(exchange.received.status == 0)
    }

    @Test func aHandlerCanStopTheTransfer() throws {
        let server = try FakeProviderServer(api: .openai)
        let exchange = Self.request(server, model: "fake;chunks=50;gap=5", stopAfterBytes: 1)
        #expect(exchange.status == Int32(LLMBENCH_ERR_CANCELLED.rawValue))
        #expect(exchange.collector.outcome.error == nil, "a stop the plugin asked for is the plugin's to report")
    }

    @Test func retryAfterFromTheResponseIsRecorded() throws {
        let server = try FakeProviderServer(api: .openai)
        let exchange = Self.request(server, model: "fake;fault=429;retry_after=3")
        #expect(exchange.status == 0, "an HTTP error status is a complete response; the plugin classifies it")
        #expect(exchange.received.status == 429)
        #expect(exchange.collector.outcome.transport.retryAfterMs == 3_000)
    }

    @Test func statusAndVersionOfANonStreamedResponse() throws {
        let server = try FakeProviderServer(api: .openai)
        let exchange = Self.request(server, model: "fake;ttft=20", stream: false)
        #expect(exchange.status == 0)
        #expect(!exchange.collector.outcome.transport.streamed)
        let json = try JSONValue.parse(String(decoding: exchange.received.body, as: UTF8.self))
        #expect(json["object"] == "chat.completion")
    }
}

/// The transport's stamps against the server's, chunk by chunk, with many streams at once: the
/// delay between the server writing a chunk and the engine stamping its arrival is the error of
/// every time the engine reports.
@Suite(.serialized)
struct ChunkStampAccuracyTests {
    /// Best of three, as in TimingAccuracyTests: another process can stall one measurement.
    static let attempts = 3

    @Test(arguments: [1, 64])
    func chunksAreStampedWithinMillisecondsOfTheServersWrites(streams: Int) throws {
        var tries: [String] = []
        for _ in 0..<Self.attempts {
            let (d, s) = try Self.measure(streams: streams)
            let line = "delivery p50 \(Statistics.percentile(sorted: d, 50)!) p99 \(Statistics.percentile(sorted: d, 99)!) max \(d.last!); start offset p50 \(Statistics.percentile(sorted: s, 50)!) p99 \(Statistics.percentile(sorted: s, 99)!)"
            print("stamps \(streams) streams: \(line)")
            #expect(d.first! >= 0, "a chunk cannot arrive before it is written")
            tries.append(line)
            if Statistics.percentile(sorted: d, 50)! < 2 && Statistics.percentile(sorted: d, 99)! < 10 { return }
        }
        Issue.record("no attempt of \(Self.attempts) with delivery p50 < 2 ms and p99 < 10 ms: \(tries)")
    }

    /// Delay from each server write to the engine's stamp of its arrival, and the offset between
    /// the client's and the server's request start, in ms, sorted.
    static func measure(streams: Int) throws -> (delivery: [Double], startOffset: [Double]) {
        let server = try FakeProviderServer(api: .openai)
        final class Collected: @unchecked Sendable {
            let lock = NSLock()
            var items: [(HTTPTransportTests.Exchange, String)] = []
        }
        let results = Collected()
        let group = DispatchGroup()
        for i in 0..<streams {
            group.enter()
            Thread {
                let prompt = "stamp \(i)"
                // Two requests per thread: the second rides a warm connection.
                _ = HTTPTransportTests.request(server, model: "fake;ttft=50;gap=10;chunks=8", prompt: prompt + " warm-up")
                let exchange = HTTPTransportTests.request(server, model: "fake;ttft=50;gap=10;chunks=8", prompt: prompt)
                results.lock.withLock { results.items.append((exchange, prompt)) }
                group.leave()
            }.start()
        }
        group.wait()
        var delivery: [Double] = [], startOffset: [Double] = []
        for (exchange, prompt) in results.lock.withLock({ results.items }) {
            let record = try #require(server.record(forPrompt: prompt))
            let t = exchange.collector.outcome.transport
            startOffset.append(Double(Int64(record.requestStartNs) - Int64(t.requestStartNs!)) / 1e6)
            // Each content chunk written by the server is the latest client chunk stamped at or after it.
            for written in record.contentChunkNs {
                let arrival = try #require(t.chunkNs.first { $0 >= written }, "a chunk written at \(written) never arrived")
                delivery.append(Double(arrival - written) / 1e6)
            }
        }
        return (delivery.sorted(), startOffset.sorted())
    }

    /// With the machine to itself, each write 5 ms after the last arrives as its own read, 5 ms on
    /// (best of three).
    @Test func chunkGapsFollowTheServersWrites() throws {
        let server = try FakeProviderServer(api: .openai)
        var seen: [[Double]] = []
        for attempt in 0..<Self.attempts {
            let exchange = HTTPTransportTests.request(server, model: "fake;chunks=8;gap=5;text=one two three four five six seven eight", prompt: "gaps \(attempt)")
            let transport = exchange.collector.outcome.transport
            seen.append(transport.chunkGapsMs)
            if transport.chunkNs.count >= 8 && transport.chunkGapsMs.filter({ $0 >= 4 }).count >= 7 { return }
        }
        Issue.record("no attempt had each of 8 writes 5 ms apart arrive as its own chunk, at least 4 ms apart: gaps \(seen)")
    }
}
