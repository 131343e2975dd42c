import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Testing

/// Runs against the real APIs, only when the key is set; otherwise each test is reported as skipped.
/// They cost a few tokens each: two tiny prompts per provider.
struct LiveAPITests {
    static let environment = ProcessInfo.processInfo.environment

    static func suite(plugin: String, model: String, keyEnv: String) -> String {
        """
        version: 1
        name: live-\(plugin)
        providers:
          - {id: live, plugin: \(plugin), model: \(model), api_key_env: \(keyEnv), options: {temperature: 0, max_tokens: 20}}
        tests:
          - {name: capital, prompt: "What is the capital of France? One word.", expected: Paris,
             scorers: [{scorer: exact_match, options: {mode: contains, ignore_case: true}}]}
          - {name: unstreamed, prompt: "Say OK.", expected: ok, options: {stream: false},
             scorers: [{scorer: exact_match, options: {mode: contains, ignore_case: true}}]}
        """
    }

    static func run(plugin: String, model: String, keyEnv: String) throws {
        let dir = TemporaryDirectory("llmbench-live")
        let suite = dir.write("live.yaml", suite(plugin: plugin, model: model, keyEnv: keyEnv))
        let result = try Shell.run(TestPaths.llmbench, ["run", suite, "--store", dir.file("s.sqlite"), "--json", dir.file("r.json"),
                                                        "--pricing", TestPaths.repo("Suites/pricing"), "--fail-on", "never"])
        #expect(result.status == 0, "\(result.stderr)")
        let json = try JSONValue.parse(try String(contentsOfFile: dir.file("r.json"), encoding: .utf8))
        let results = try #require(json["results"]?.arrayValue)
        #expect(results.count == 2)
        for r in results {
            #expect(r["status"] == "ok", "\(r["error"] ?? .null)")
            #expect(r["passed"] == true, "\(r["output"] ?? .null)")
            #expect((r["input_tokens"]?.intValue ?? 0) > 0 && (r["output_tokens"]?.intValue ?? 0) > 0)
            #expect(r["cost_usd"]?.doubleValue != nil, "the model should have a price")
        }
        #expect(results[0]["ttft_ms"]?.doubleValue != nil, "streamed: TTFT measured")
        #expect(results[1]["ttft_ms"] == .null, "not streamed: no TTFT")
        let secret = environment[keyEnv] ?? ""
        let stored = try Data(contentsOf: URL(fileURLWithPath: dir.file("s.sqlite")))
        #expect(stored.range(of: Data(secret.utf8)) == nil)
    }

    @Test(.enabled(if: environment["OPENAI_API_KEY"] != nil, "set OPENAI_API_KEY to run against the OpenAI API"))
    func openAI() throws { try Self.run(plugin: "openai", model: "gpt-4o-mini", keyEnv: "OPENAI_API_KEY") }

    @Test(.enabled(if: environment["ANTHROPIC_API_KEY"] != nil, "set ANTHROPIC_API_KEY to run against the Anthropic API"))
    func anthropic() throws { try Self.run(plugin: "anthropic", model: "claude-haiku-4-5", keyEnv: "ANTHROPIC_API_KEY") }

    @Test(.enabled(if: environment["GEMINI_API_KEY"] != nil, "set GEMINI_API_KEY to run against the Gemini API"))
    func gemini() throws { try Self.run(plugin: "gemini", model: "gemini-2.5-flash", keyEnv: "GEMINI_API_KEY") }
}
