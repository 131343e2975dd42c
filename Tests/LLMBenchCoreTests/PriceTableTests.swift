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

    @Test func refusesAliasesAndDuplicateKeysAtTheirPlaces() {
        let bad = """
            version: 1
            prices:
              - {plugin: openai, model: m, effective: 2024-01-01, input: &in 5, output: *in}
              - {plugin: openai, model: n, model: o, effective: 2024-01-01, input: 5, output: 15}
            """
        do {
            _ = try PriceTable.parse(bad, path: "bad.yaml")
            Issue.record("expected errors")
        } catch {
            let messages = error.errors.map(\.description)
            #expect(messages.contains("bad.yaml:3:77: error: YAML aliases (*in) are not supported in a price table; write the value out"))
            #expect(messages.contains { $0.hasPrefix("bad.yaml:4:32: error: duplicate key 'model' (first at line 4)") })
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

    static func table(_ entries: [(String, String, Double)], file: String) -> PriceTable {
        PriceTable(entries: entries.map { PriceEntry(plugin: "openai", model: $0.0, effective: $0.1, inputPerMTok: $0.2, outputPerMTok: 1, file: file) })
    }

    @Test func recordsTheFileEachEntryCameFrom() throws {
        let table = try PriceTable.parse(yaml, path: "/prices/p.yaml")
        #expect(table.entries.map(\.file) == ["/prices/p.yaml", "/prices/p.yaml"])
        let entry = try #require(table.price(plugin: "openai", model: "m", on: "2026-01-01"))
        #expect(PriceEntry(json: entry.json) == entry, "the file survives the snapshot's JSON")
    }

    @Test func theFirstPlaceThatPricesAModelSuppliesAllItsPrices() throws {
        // The user's table prices gpt-4o from 2024; the shipped one has a newer entry and another model.
        var table = Self.table([("gpt-4o", "2024-01-01", 1.0)], file: "mine.yaml")
        table.append(laterPlace: Self.table([("gpt-4o", "2025-01-01", 9.0), ("o3", "2025-01-01", 2.0)], file: "shipped.yaml"))
        #expect(table.price(plugin: "openai", model: "gpt-4o", on: "2026-01-01")?.file == "mine.yaml",
                "a later place's newer date must not override an earlier place's model")
        #expect(table.price(plugin: "openai", model: "o3", on: "2026-01-01")?.file == "shipped.yaml")
        #expect(table.shadowed.map(\.file) == ["shipped.yaml"])
        #expect(table.shadowed.map(\.model) == ["gpt-4o"])
        #expect(table.models.map(\.model) == ["gpt-4o", "o3"])
        #expect(table.history(plugin: "openai", model: "gpt-4o").count == 1)
    }

    @Test func filesOfOnePlaceMergeButMayNotPriceTheSameDateTwice() throws {
        var table = Self.table([("m", "2024-01-01", 1.0)], file: "a.yaml")
        try table.merge(Self.table([("m", "2025-01-01", 2.0)], file: "b.yaml"))
        #expect(table.history(plugin: "openai", model: "m").map(\.file) == ["a.yaml", "b.yaml"])
        #expect(table.shadowed.isEmpty)
        do {
            try table.merge(Self.table([("m", "2025-01-01", 3.0)], file: "c.yaml"))
            Issue.record("a second price for the same model and date must be refused")
        } catch {
            #expect(error.message.contains("openai/m effective 2025-01-01") && error.message.contains("c.yaml") && error.message.contains("b.yaml"))
        }
    }
}
