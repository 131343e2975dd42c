import Foundation
import LLMBenchFakeServers
import Testing

struct FaultTests {
    /// Every API answers every status fault with that status and its own error shape.
    @Test(arguments: FakeProviderServer.API.allCases, [400, 401, 403, 404, 429, 500, 503, 529])
    func statusFaultsUseTheProviderErrorShape(api: FakeProviderServer.API, status: Int) throws {
        let server = try FakeProviderServer(api: api)
        let (path, headers, body) = Requests.chat(api, model: "fake;fault=\(status)", prompt: "p", stream: true)
        let response = RawHTTPClient.request(port: server.port, path: path, headers: headers, body: body)
        #expect(response.status == status)
        #expect(response.headers["content-type"] == "application/json")
        let json = try #require(response.json)
        let error = try #require(json["error"] as? [String: Any])
        #expect((error["message"] as? String)?.isEmpty == false)
        switch api {
        case .openai: #expect(error["type"] is String && error.keys.contains("code") && error.keys.contains("param"))
        case .anthropic: #expect(json["type"] as? String == "error" && error["type"] is String)
        case .gemini: #expect(error["code"] as? Int == status && error["status"] is String)
        }
        if status == 429 { #expect(response.headers["retry-after"] == "1") }
    }

    @Test func openAIRateLimitHeaders() throws {
        let server = try FakeProviderServer(api: .openai)
        let response = RawHTTPClient.request(port: server.port, path: "/v1/chat/completions",
                                             body: Requests.openAI(model: "fake;fault=429;retry_after=2;retry_after_date=1", prompt: "p", stream: false))
        #expect(response.headers["x-ratelimit-reset-requests"] == "2s")
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss 'GMT'"
        formatter.timeZone = TimeZone(identifier: "GMT")
        let date = try #require(formatter.date(from: response.headers["retry-after"] ?? ""))
        #expect(abs(date.timeIntervalSinceNow - 2) < 3)
    }

    @Test(arguments: FakeProviderServer.API.allCases)
    func failTimesThenSucceeds(api: FakeProviderServer.API) throws {
        let server = try FakeProviderServer(api: api)
        let (path, headers, body) = Requests.chat(api, model: "fake;fault=503;fail_times=2", prompt: "retry me", stream: false)
        let statuses = (0..<3).map { _ in RawHTTPClient.request(port: server.port, path: path, headers: headers, body: body).status }
        #expect(statuses == [503, 503, 200])
        // The count is per prompt: another prompt starts failing afresh.
        let (_, _, other) = Requests.chat(api, model: "fake;fault=503;fail_times=2", prompt: "another", stream: false)
        #expect(RawHTTPClient.request(port: server.port, path: path, headers: headers, body: other).status == 503)
    }

    @Test func failTimesAlsoEndsBodyFaults() throws {
        let server = try FakeProviderServer(api: .gemini)
        let path = Requests.geminiPath(model: "fake;fault=safety;fail_times=1", method: "generateContent")
        let reasons = (0..<2).map { _ in
            let json = RawHTTPClient.request(port: server.port, path: path, headers: Requests.geminiHeaders, body: Requests.gemini(prompt: "p")).json
            return (json?["candidates"] as? [[String: Any]])?.first?["finishReason"] as? String
        }
        #expect(reasons == ["SAFETY", "STOP"])
    }

    @Test func hangNeverAnswers() throws {
        let server = try FakeProviderServer(api: .openai)
        let response = RawHTTPClient.request(port: server.port, path: "/v1/chat/completions",
                                             body: Requests.openAI(model: "fake;fault=hang", prompt: "hang", stream: true), timeoutSeconds: 1)
        #expect(response.outcome == .timedOut)
        #expect(response.status == 0)
        let record = try #require(server.record(forPrompt: "hang"))
        #expect(record.status == 0)
        #expect(record.lastByteNs == nil)
    }

    @Test(arguments: FakeProviderServer.API.allCases)
    func resetDropsTheConnectionMidStream(api: FakeProviderServer.API) throws {
        let server = try FakeProviderServer(api: api)
        let (path, headers, body) = Requests.chat(api, model: "fake;chunks=6;fault=reset;reset_after=3", prompt: "reset", stream: true)
        let response = RawHTTPClient.request(port: server.port, path: path, headers: headers, body: body)
        #expect(response.status == 200)
        #expect(response.outcome == .reset)
        let record = try #require(server.record(forPrompt: "reset"))
        #expect(record.contentChunkNs.count == 3)
    }

    @Test func resetOfANonStreamedAnswerCutsTheBody() throws {
        let server = try FakeProviderServer(api: .openai)
        let response = RawHTTPClient.request(port: server.port, path: "/v1/chat/completions",
                                             body: Requests.openAI(model: "fake;fault=reset", prompt: "p", stream: false))
        #expect(response.outcome == .reset)
        #expect(response.body.count < Int(response.headers["content-length"] ?? "0")!)
    }

    @Test(arguments: FakeProviderServer.API.allCases)
    func malformedSendsADataLineThatIsNotJSON(api: FakeProviderServer.API) throws {
        let server = try FakeProviderServer(api: api)
        let (path, headers, body) = Requests.chat(api, model: "fake;chunks=3;fault=malformed", prompt: "p", stream: true)
        let events = SSEEvent.parse(RawHTTPClient.request(port: server.port, path: path, headers: headers, body: body).text)
        let broken = events.filter { $0.json == nil && $0.data != "[DONE]" }
        #expect(broken.count == 1)
    }

    @Test func hugeSendsTheRequestedSize() throws {
        let server = try FakeProviderServer(api: .openai)
        let response = RawHTTPClient.request(port: server.port, path: "/v1/chat/completions",
                                             body: Requests.openAI(model: "fake;fault=huge;size=3000000", prompt: "p", stream: false))
        let content = ((response.json?["choices"] as? [[String: Any]])?.first?["message"] as? [String: Any])?["content"] as? String
        #expect(content?.utf8.count == 3_000_000)
    }

    @Test(arguments: FakeProviderServer.API.allCases, [true, false])
    func endlessLineSendsTheRequestedFillerWithoutEndingTheLine(api: FakeProviderServer.API, stream: Bool) throws {
        let server = try FakeProviderServer(api: api)
        let (path, headers, body) = Requests.chat(api, model: "fake;fault=endless_line;size=200000", prompt: "p", stream: stream)
        let response = RawHTTPClient.request(port: server.port, path: path, headers: headers, body: body)
        let text = response.text
        let filler = text.reversed().prefix { $0 == "x" }.count
        #expect(filler == 200_000, "the body ends with exactly the filler asked for")
        #expect(!text.dropLast(filler).hasSuffix("\n"), "the line holding the filler is never ended")
        #expect(response.chunks.count >= 200_000 / 65_536, "the filler comes in 64 KiB chunks")
    }

    @Test(arguments: FakeProviderServer.API.allCases)
    func contentTypeFaultAnswersHTML(api: FakeProviderServer.API) throws {
        let server = try FakeProviderServer(api: api)
        let (path, headers, body) = Requests.chat(api, model: "fake;fault=content_type", prompt: "p", stream: true)
        let response = RawHTTPClient.request(port: server.port, path: path, headers: headers, body: body)
        #expect(response.status == 200)
        #expect(response.headers["content-type"]?.hasPrefix("text/html") == true)
        #expect(response.text.contains("<html>"))
    }

    @Test(arguments: FakeProviderServer.API.allCases)
    func noUsageOmitsUsage(api: FakeProviderServer.API) throws {
        let server = try FakeProviderServer(api: api)
        let (path, headers, body) = Requests.chat(api, model: "fake;fault=no_usage", prompt: "p", stream: true)
        let text = RawHTTPClient.request(port: server.port, path: path, headers: headers, body: body).text
        #expect(text.contains("Paris"))
        #expect(!text.contains("\"usage\""))
        #expect(!text.contains("\"usageMetadata\""))
    }
}
