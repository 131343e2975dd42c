import LLMBenchCore
import Testing

struct PriceTableTests {
    let yaml = """
        version: 1
        prices:
          - {plugin: openai, model: m, effective: 2024-01-01, input: 5, output: 15, source: old}
          - {plugin: openai, model: m, effective: 2025-06-01, input: 2, output: 8, cached_input: 0.5, reasoning: 20, source: new}
        """

    @Test func appliesTheEntryInForceOnTheRequestDate() throws {
        let table = try PriceTable.parse(yaml, path: "p.yaml")
        #expect(table.price(plugin: "openai", model: "m", on: "2023-12-31") == nil)
        #expect(table.price(plugin: "openai", model: "m", on: "2024-01-01")?.source == "old")
        #expect(table.price(plugin: "openai", model: "m", on: "2025-05-31")?.source == "old")
        #expect(table.price(plugin: "openai", model: "m", on: "2026-11-29")?.source == "new")
        #expect(table.price(plugin: "anthropic", model: "m", on: "2026-11-29") == nil)
    }

    @Test func chargesCachedAndReasoningTokensAtTheirOwnPrices() throws {
        let price = try PriceTable.parse(yaml, path: "p.yaml").price(plugin: "openai", model: "m", on: "2026-01-01")!
        // 1,000 input of which 400 cached; 300 output of which 100 reasoning.
        let usage = Usage(inputTokens: 1000, outputTokens: 300, cachedInputTokens: 400, reasoningTokens: 100)
        let expected = (600 * 2.0 + 400 * 0.5 + 200 * 8.0 + 100 * 20.0) / 1_000_000
        #expect(abs(price.costUSD(usage) - expected) < 1e-15)
        // Without special prices, cached and reasoning tokens cost what plain ones do.
        let plain = PriceEntry(plugin: "x", model: "y", effective: "2024-01-01", inputPerMTok: 2, outputPerMTok: 8)
        #expect(abs(plain.costUSD(usage) - (1000 * 2.0 + 300 * 8.0) / 1_000_000) < 1e-15)
    }

    @Test func reportsBadEntriesWithTheirPlace() {
        let bad = """
            version: 1
            prices:
              - {plugin: openai, model: m, effective: 2024-13-01, input: 5, output: 15}
              - {plugin: openai, model: m, effective: 2024-01-01, input: "five", output: 15}
              - {plugin: openai, model: m, effective: 2024-01-01, output: 15, colour: red}
            """
        do {
            _ = try PriceTable.parse(bad, path: "bad.yaml")
            Issue.record("expected errors")
        } catch {
            let text = error.description
            #expect(text.contains("bad.yaml:3:") && text.contains("'effective' must be a date"))
            #expect(text.contains("bad.yaml:4:") && text.contains("'input' in a price entry to be a number"))
            #expect(text.contains("unknown key 'colour'"))
            #expect(text.contains("missing 'input'"))
        }
    }

    @Test func shippedPriceTablesParseAndCoverTheMainProviders() throws {
        let dir = TestFiles.repo("Suites/pricing")
        var plugins: Set<String> = []
        for file in try TestFiles.yamlFiles(in: dir) {
            let table = try PriceTable.parse(try TestFiles.read(file), path: file)
            #expect(!table.entries.isEmpty, "\(file) is empty")
            for entry in table.entries {
                #expect(entry.source != nil, "\(entry.plugin)/\(entry.model) in \(file) has no source")
                plugins.insert(entry.plugin)
            }
        }
        #expect(plugins.isSuperset(of: ["openai", "anthropic", "gemini", "mock"]))
    }
}
