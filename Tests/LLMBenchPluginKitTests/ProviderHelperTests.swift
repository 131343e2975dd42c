import LLMBenchPluginKit
import Testing

struct RetryDelayTests {
    /// 2015-10-21T07:28:00Z
    static let now = 1_445_412_480.0

    @Test func readsRetryAfterAsSecondsOrAnHTTPDate() {
        #expect(RetryDelay.retryAfter("120") == 120_000)
        #expect(RetryDelay.retryAfter(" 1.5 ") == 1500)
        #expect(RetryDelay.retryAfter("Wed, 21 Oct 2015 07:28:30 GMT", nowUnix: Self.now) == 30_000)
        #expect(RetryDelay.retryAfter("Wednesday, 21-Oct-15 07:29:00 GMT", nowUnix: Self.now) == 60_000)
        #expect(RetryDelay.retryAfter("Wed Oct 21 07:28:05 2015", nowUnix: Self.now) == 5000)
        #expect(RetryDelay.retryAfter("Wed, 21 Oct 2015 07:27:00 GMT", nowUnix: Self.now) == 0) // in the past: retry now
        #expect(RetryDelay.retryAfter("soon") == nil)
        #expect(RetryDelay.retryAfter("Wed, 32 Oct 2015 07:28:00 GMT") == nil)
    }

    @Test func readsDurationStrings() {
        #expect(RetryDelay.duration("1s") == 1000)
        #expect(RetryDelay.duration("6m0s") == 360_000)
        #expect(RetryDelay.duration("20ms") == 20)
        #expect(RetryDelay.duration("13s") == 13_000)
        #expect(RetryDelay.duration("0.5s") == 500)
        #expect(RetryDelay.duration("1h2m3.5s") == 3_723_500)
        #expect(RetryDelay.duration("250us") == 1) // rounded up: never "retry at once" for a real wait
        #expect(RetryDelay.duration("7") == 7000)
        #expect(RetryDelay.duration("") == nil)
        #expect(RetryDelay.duration("5x") == nil)
        #expect(RetryDelay.duration("s") == nil)
    }

    @Test func readsRFC3339ResetTimes() {
        #expect(RetryDelay.rfc3339("2015-10-21T07:28:00Z") == Self.now)
        #expect(RetryDelay.until(rfc3339: "2015-10-21T07:28:30Z", nowUnix: Self.now) == 30_000)
        #expect(RetryDelay.until(rfc3339: "2015-10-21T07:28:00.25Z", nowUnix: Self.now) == 250)
        #expect(RetryDelay.until(rfc3339: "2015-10-21T08:28:10+01:00", nowUnix: Self.now) == 10_000)
        #expect(RetryDelay.rfc3339("2000-02-29T00:00:00Z") == 951_782_400)
        #expect(RetryDelay.rfc3339("2015-10-21 07:28") == nil)
        #expect(RetryDelay.rfc3339("2015-13-21T07:28:00Z") == nil)
    }

    @Test func prefersRetryAfterHeadersThenTheExhaustedLimitsReset() {
        let head = HTTPResponseHead(status: 429, headers: [("Retry-After-Ms", "250"), ("retry-after", "9")])
        #expect(RetryDelay.fromHeaders(head) == 250)
        #expect(RetryDelay.fromHeaders(HTTPResponseHead(status: 429, headers: [("retry-after", "9")])) == 9000)
        #expect(RetryDelay.fromHeaders(HTTPResponseHead(status: 429)) == nil)
        let resets = HTTPResponseHead(status: 429, headers: [("r-remaining", "5"), ("r-reset", "1s"), ("t-remaining", "0"), ("t-reset", "20s")])
        let pairs = [(remaining: "r-remaining", reset: "r-reset"), (remaining: "t-remaining", reset: "t-reset")]
        #expect(RetryDelay.fromResetHeaders(resets, pairs, parse: RetryDelay.duration) == 20_000)
        let noneExhausted = HTTPResponseHead(status: 429, headers: [("r-reset", "1s"), ("t-reset", "20s")])
        #expect(RetryDelay.fromResetHeaders(noneExhausted, pairs, parse: RetryDelay.duration) == 1000)
    }
}

struct ProviderExchangeHelperTests {
    @Test func classifiesHTTPStatuses() {
        let expected: [Int: PluginError.Code] = [400: .invalidRequest, 422: .invalidRequest, 413: .invalidRequest, 401: .auth, 403: .auth,
                                                 404: .notFound, 408: .timeout, 429: .rateLimited, 500: .server, 503: .server, 529: .server, 302: .malformedResponse]
        for (status, code) in expected { #expect(PluginError.Code(httpStatus: status) == code, "HTTP \(status)") }
    }

    @Test func readsGenerationOptionsAndRefusesWrongTypes() throws {
        let options = try GenerationOptions(["temperature": 1, "top_p": 0.5, "max_tokens": 10.0, "stop": "X", "seed": 3, "system": "S", "stream": false], plugin: "p")
        #expect(options.temperature == 1 && options.topP == 0.5 && options.maxTokens == 10 && options.stop == ["X"])
        #expect(options.seed == 3 && options.system == "S" && !options.stream)
        #expect(try GenerationOptions([:], plugin: "p").stream)
        #expect(try GenerationOptions(["stop": ["a", "b"]], plugin: "p").stop == ["a", "b"])
        for bad: [String: Any] in [["temperature": "hot"], ["top_p": 2], ["max_tokens": 0], ["max_tokens": 1.5], ["stop": [1]], ["stream": "yes"], ["system": 1]] {
            #expect(throws: PluginError.self) { try GenerationOptions(bad, plugin: "p") }
        }
    }

    @Test func joinsURLsAndRedactsSecrets() {
        #expect(ProviderExchange.url("http://h/v1/", "chat/completions") == "http://h/v1/chat/completions")
        #expect(ProviderExchange.url("http://h/v1", "/embeddings") == "http://h/v1/embeddings")
        let error = PluginError(.auth, "bad key sk-12345 given").redacting("sk-12345")
        #expect(error.message == "bad key [redacted] given" && error.code == .auth)
    }

    @Test func readsAndWritesJSON() throws {
        let object = try JSONReader.object(#"{"a":[1,2.5,"x\u00e9",null,true],"b":{"c":-3}}"#)
        #expect(JSONReader.numbers((object["b"] as? [String: Any]).map { [$0["c"]!] }) == [-3])
        #expect(JSONReader.numbers([1, 2.5] as [Any]) == [1, 2.5] && JSONReader.numbers(["x"] as [Any]) == nil)
        #expect(JSONText.encode(["b": [1, "é\n"], "a": true] as [String: Any]) == #"{"a":true,"b":[1,"é\n"]}"#)
        #expect(throws: JSONReader.Failure.self) { try JSONReader.object("[1]") }
    }
}
