import Foundation
import LLMBenchFakeServers
import Testing

struct TimingAndConcurrencyTests {
    @Test(arguments: FakeProviderServer.API.allCases)
    func timestampsAreOrderedAndHonourTTFTAndGap(api: FakeProviderServer.API) throws {
        let server = try FakeProviderServer(api: api)
        let (path, headers, body) = Requests.chat(api, model: "fake;ttft=40;gap=5;chunks=4", prompt: "timing", stream: true)
        let before = MonotonicClock.nowNs()
        let response = RawHTTPClient.request(port: server.port, path: path, headers: headers, body: body)
        let after = MonotonicClock.nowNs()
        #expect(response.outcome == .complete)
        let record = try #require(server.record(forPrompt: "timing"))
        let first = try #require(record.firstContentNs)
        let last = try #require(record.lastByteNs)
        // The server's clock is the client's: its stamps fall inside the client's request.
        #expect(before <= record.requestStartNs)
        #expect(record.requestStartNs <= record.requestCompleteNs)
        #expect(first - record.requestCompleteNs >= 40_000_000)
        #expect(record.contentChunkNs.count == 4)
        #expect(record.contentChunkNs.first == first)
        // Chunks follow an absolute schedule (so late writes do not push the rest back): chunk i is
        // never written before ttft + i * gap after the request was read, and never out of order.
        for (index, written) in record.contentChunkNs.enumerated() {
            #expect(written - record.requestCompleteNs >= 40_000_000 + UInt64(index) * 5_000_000)
        }
        #expect(record.contentChunkNs == record.contentChunkNs.sorted())
        #expect(record.contentChunkNs.last! <= last)
        #expect(last <= after)
    }

    @Test func nonStreamedAnswerWaitsForTheWholeGeneration() throws {
        let server = try FakeProviderServer(api: .openai)
        _ = RawHTTPClient.request(port: server.port, path: "/v1/chat/completions",
                                  body: Requests.openAI(model: "fake;ttft=20;gap=10;chunks=3", prompt: "whole", stream: false))
        let record = try #require(server.record(forPrompt: "whole"))
        #expect(try #require(record.firstContentNs) - record.requestCompleteNs >= 40_000_000)
        #expect(record.contentChunkNs.count == 1)
    }

    @Test func keepAliveServesPipelinedRequestsOnOneConnection() throws {
        let server = try FakeProviderServer(api: .openai)
        let first = RawHTTPClient.encode("POST", path: "/v1/chat/completions", headers: [:], body: Requests.openAI(model: "fake;chunks=2", prompt: "one", stream: true))
        let second = RawHTTPClient.encode("POST", path: "/v1/chat/completions", headers: ["Connection": "close"], body: Requests.openAI(model: "fake", prompt: "two", stream: false))
        let fd = RawHTTPClient.connectLoopback(port: server.port)
        defer { close(fd) }
        let bytes = first + second
        _ = bytes.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        let responses = RawHTTPClient.parse(RawHTTPClient.readToEnd(fd).0)
        #expect(responses.map(\.status) == [200, 200])
        #expect(responses.map(\.outcome) == [.complete, .complete])
        #expect(SSEEvent.parse(responses[0].text).last?.data == "[DONE]")
        #expect(server.records().map(\.prompt) == ["one", "two"])
    }

    @Test(arguments: FakeProviderServer.API.allCases)
    func sixtyFourConcurrentStreamsAllComplete(api: FakeProviderServer.API) throws {
        let server = try FakeProviderServer(api: api)
        let requests = (0..<64).map { index in
            let (path, headers, body) = Requests.chat(api, model: "fake;ttft=300;gap=1;chunks=8", prompt: "stream \(index)", stream: true)
            return RawHTTPClient.encode("POST", path: path, headers: headers.merging(["Connection": "close"]) { a, _ in a }, body: body)
        }
        let responses = RawHTTPClient.concurrent(port: server.port, requests: requests)
        #expect(responses.allSatisfy { $0.status == 200 && $0.outcome == .complete })
        let answer = try Scenario(model: "fake;chunks=8").answer
        for response in responses {
            let events = SSEEvent.parse(response.text)
            #expect(events.count >= 8)
            #expect(response.text.contains(answer.split(separator: " ").last!))
        }
        // All 64 were in flight at once: every request was read before any first content was written.
        let records = server.records()
        #expect(records.count == 64)
        #expect(records.map(\.requestCompleteNs).max()! < records.compactMap(\.firstContentNs).min()!)
    }

    @Test func thousandTwentyFourConcurrentConnections() throws {
        let server = try FakeProviderServer(api: .openai)
        let requests = (0..<1024).map { index in
            RawHTTPClient.encode("POST", path: "/v1/chat/completions", headers: ["Connection": "close"],
                                 body: Requests.openAI(model: "fake;ttft=1000;chunks=4", prompt: "c\(index)", stream: true))
        }
        let responses = RawHTTPClient.concurrent(port: server.port, requests: requests)
        #expect(responses.filter { $0.status == 200 && $0.outcome == .complete && $0.text.hasSuffix("data: [DONE]\n\n") }.count == 1024)
        let records = server.records()
        #expect(records.count == 1024)
        #expect(records.map(\.requestCompleteNs).max()! < records.compactMap(\.firstContentNs).min()!)
    }

    @Test func droppingTheLastReferenceStopsTheServer() throws {
        var server: FakeProviderServer? = try FakeProviderServer(api: .anthropic)
        let port = try #require(server?.port)
        #expect(RawHTTPClient.request(port: port, path: "/v1/messages", body: "{}").status == 401)
        server = nil
        #expect(RawHTTPClient.request(port: port, path: "/v1/messages", body: "{}").status == 0)
    }

    @Test func stopClosesOpenConnectionsAndThePort() throws {
        let server = try FakeProviderServer(api: .openai)
        let fd = RawHTTPClient.connectLoopback(port: server.port)
        defer { close(fd) }
        let request = RawHTTPClient.encode("POST", path: "/v1/chat/completions", headers: [:], body: Requests.openAI(model: "fake;fault=hang", prompt: "p", stream: false))
        _ = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        // Wait (by reading, not sleeping) until the server has the request, then stop it.
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let deadline = MonotonicClock.nowNs() + 10_000_000_000
        while server.records().isEmpty && MonotonicClock.nowNs() < deadline { sched_yield() }
        server.stop()
        #expect(RawHTTPClient.readToEnd(fd).1 != .timedOut)
        let again = RawHTTPClient.connectLoopback(port: server.port)
        defer { close(again) }
        var buffer = [UInt8](repeating: 0, count: 1)
        #expect(recv(again, &buffer, 1, 0) <= 0)
    }
}

struct ScenarioTests {
    @Test func defaultsToOneChunkOfParis() throws {
        let scenario = try Scenario(model: "fake")
        #expect(scenario.name == "fake")
        #expect(scenario.textChunks == ["Paris"])
        #expect(scenario.fault == nil)
    }

    @Test func splitsTextAcrossChunksAndPadsWithWords() throws {
        #expect(try Scenario(model: "fake;text=a b c d;chunks=2").textChunks == ["a b", " c d"])
        let padded = try Scenario(model: "fake;chunks=4")
        #expect(padded.textChunks.count == 4)
        #expect(padded.answer.hasPrefix("Paris "))
        #expect(padded.answer.split(separator: " ").count == 4)
    }

    @Test func readsEveryKey() throws {
        let scenario = try Scenario(model: "m;ttft=50;gap=10;chunks=64;text=Rome;reasoning=3;input_tokens=1;output_tokens=2;cached_tokens=3;cache_write_tokens=4;reasoning_tokens=5;fail_times=6;fault=429;retry_after=7;retry_after_date=1;reset_after=8;size=9;dims=10;block=prompt")
        #expect(scenario.ttftMs == 50 && scenario.gapMs == 10 && scenario.chunks == 64 && scenario.text == "Rome")
        #expect(scenario.reasoningChunks == 3 && scenario.inputTokens == 1 && scenario.outputTokens == 2)
        #expect(scenario.cachedTokens == 3 && scenario.cacheWriteTokens == 4 && scenario.reasoningTokens == 5)
        #expect(scenario.failTimes == 6 && scenario.fault == .rateLimited && scenario.retryAfterSeconds == 7 && scenario.retryAfterDate)
        #expect(scenario.resetAfter == 8 && scenario.hugeBytes == 9 && scenario.dimensions == 10 && scenario.blockPrompt)
    }

    @Test(arguments: ["fake;ttft", "fake;ttft=-1", "fake;colour=red", "fake;fault=418"])
    func refusesBadFields(model: String) {
        #expect(throws: Scenario.ParseError.self) { try Scenario(model: model) }
    }
}
