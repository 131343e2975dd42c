import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Testing

/// Prices found wherever the suite is, and `llmbench pricing` explaining them (Docs/pricing.md).
struct PricingCommandTests {
    static let shipped = TestPaths.repo("Suites/pricing")

    static func snapshot(_ jsonFile: String) throws -> [JSONValue] {
        let json = try JSONValue.parse(try String(contentsOfFile: jsonFile, encoding: .utf8))
        return try #require(json["run"]?["price_snapshot"]?["entries"]?.arrayValue)
    }

    @Test func aSuiteCopiedAnywhereIsPricedFromTheShippedTablesAndTheRunSaysWhichFile() throws {
        let cli = CLI()
        let dir = TemporaryDirectory("llmbench-own-folder")
        let suite = dir.write("quickstart.yaml", try String(contentsOfFile: TestPaths.repo("Suites/quickstart.yaml"), encoding: .utf8))
        let result = try cli.run(["run", suite, "--store", dir.file("s.sqlite"), "--json", dir.file("r.json"), "--fail-on", "never"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(!result.stderr.contains("no price"))
        let entries = try Self.snapshot(dir.file("r.json"))
        #expect(Set(entries.compactMap { $0["model"]?.stringValue }) == ["mock-large", "mock-small"])
        #expect(entries.allSatisfy { $0["file"]?.stringValue == Self.shipped + "/mock.yaml" })
        let results = try JSONValue.parse(try String(contentsOfFile: dir.file("r.json"), encoding: .utf8))["results"]?.arrayValue ?? []
        #expect(results.filter { $0["status"] == "ok" }.allSatisfy { ($0["cost_usd"]?.doubleValue ?? 0) > 0 })
        // The stored run keeps the files too.
        let stored = try cli.run(["report", "--last", "--format", "json", "--store", dir.file("s.sqlite")])
        #expect(try JSONValue.parse(stored.stdout)["run"]?["price_snapshot"]?["entries"]?.arrayValue == entries)
    }

    @Test func pricingOptionThenEnvironmentThenHomeThenShipped() throws {
        let cli = CLI()
        let dir = TemporaryDirectory("llmbench-layers")
        let suite = dir.write("s.yaml", """
            version: 1
            name: prices
            providers:
              - {id: large, plugin: mock, model: mock-large}
              - {id: small, plugin: mock, model: mock-small}
              - {id: extra, plugin: mock, model: mock-extra}
            tests:
              - {name: t, prompt: p, expected: x}
            """)
        func table(_ model: String, _ input: Double) -> String {
            "version: 1\nprices:\n  - {plugin: mock, model: \(model), effective: 2024-01-01, input: \(input), output: 1, source: test}\n"
        }
        let home = cli.home.path + "/.llmbench/pricing/mine.yaml"
        try FileManager.default.createDirectory(atPath: (home as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try table("mock-large", 11).write(toFile: home, atomically: true, encoding: .utf8)
        let env = dir.write("env/team.yaml", table("mock-large", 22) + "  - {plugin: mock, model: mock-small, effective: 2024-01-01, input: 23, output: 1}\n")
        let option = dir.write("option.yaml", table("mock-small", 33))

        func prices(_ extra: [String], env variables: [String: String]) throws -> [String: (Double, String)] {
            let result = try cli.run(["run", suite, "--store", dir.file("s.sqlite"), "--json", dir.file("r.json"), "--fail-on", "never"] + extra,
                                     env: variables)
            #expect(result.status == 0, "\(result.stderr)")
            var found: [String: (Double, String)] = [:]
            for entry in try Self.snapshot(dir.file("r.json")) {
                found[entry["model"]!.stringValue!] = (entry["input"]!.doubleValue!, entry["file"]!.stringValue!)
            }
            return found
        }
        let homeOnly = try prices([], env: [:])
        #expect(homeOnly["mock-large"]?.0 == 11 && homeOnly["mock-large"]?.1 == home)
        #expect(homeOnly["mock-small"]?.1 == Self.shipped + "/mock.yaml")
        #expect(homeOnly["mock-extra"] == nil)
        let withEnv = try prices([], env: ["LLMBENCH_PRICING_PATH": dir.file("env")])
        #expect(withEnv["mock-large"]?.0 == 22 && withEnv["mock-small"]?.0 == 23 && withEnv["mock-large"]?.1 == env)
        let withOption = try prices(["--pricing", option], env: ["LLMBENCH_PRICING_PATH": dir.file("env")])
        #expect(withOption["mock-small"]?.0 == 33 && withOption["mock-small"]?.1 == option)
        #expect(withOption["mock-large"]?.0 == 22)
        // pricing/ beside the suite comes after --pricing and before the environment.
        dir.write("pricing/local.yaml", table("mock-large", 44))
        let beside = try prices(["--pricing", option], env: ["LLMBENCH_PRICING_PATH": dir.file("env")])
        #expect(beside["mock-large"]?.0 == 44 && beside["mock-small"]?.0 == 33)
    }

    @Test func eachNoPriceNoticeAppearsOncePerModel() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let suite = dir.write("s.yaml", """
            version: 1
            name: prices
            providers:
              - {id: a, plugin: mock, model: unpriced}
              - {id: b, plugin: mock, model: unpriced, options: {seed: 2}}
              - {id: c, plugin: mock, model: unpriced, options: {seed: 3}}
              - {id: d, plugin: mock, model: also-unpriced}
            tests:
              - {name: t, prompt: p, expected: x}
            """)
        let result = try cli.run(["run", suite, "--store", dir.file("s.sqlite"), "--fail-on", "never"])
        #expect(result.status == 0)
        #expect(result.stderr.components(separatedBy: "no price for mock/unpriced ").count - 1 == 1)
        #expect(result.stderr.components(separatedBy: "no price for mock/also-unpriced ").count - 1 == 1)
    }

    @Test func listShowsEveryModelWithTheEntryInForceAndItsFile() throws {
        let cli = CLI()
        let openaiFile = Self.shipped + "/openai.yaml"
        // The distinct models, read from the file's text here rather than by the parser the command uses.
        let shippedModels = Set(try String(contentsOfFile: openaiFile, encoding: .utf8).split(separator: "\n").compactMap { line -> Substring? in
            guard let range = line.range(of: "model: ") else { return nil }
            return line[range.upperBound...].prefix { $0 != "," && $0 != "}" }
        })
        let list = try cli.run(["pricing", "list", "--plugin", "openai", "--on", "2026-01-01"])
        #expect(list.status == 0, "\(list.stderr)")
        let rows = list.stdout.split(separator: "\n").filter { $0.hasPrefix("openai ") }
        #expect(shippedModels.count >= 10)
        #expect(Set(rows.map { $0.split(separator: " ", omittingEmptySubsequences: true)[1] }) == shippedModels)
        #expect(rows.count == shippedModels.count)
        let o3 = try #require(rows.first { $0.split(separator: " ", omittingEmptySubsequences: true).dropFirst().first == "o3" })
        #expect(o3.contains("2025-06-10") && o3.contains("2.00") && o3.hasSuffix(openaiFile))
        #expect(!list.stdout.contains("anthropic "), "--plugin keeps to one plugin")
        #expect(list.stdout.contains("[shipped with llmbench]"))
        // Before the June 2025 cut, the launch price was in force.
        let before = try cli.run(["pricing", "list", "--plugin", "openai", "--on", "2025-05-01", "--json"])
        let models = try #require(try JSONValue.parse(before.stdout)["models"]?.arrayValue)
        let launch = try #require(models.first { $0["model"] == "o3" })
        #expect(launch["in_force"]?["effective"] == "2025-04-16" && launch["in_force"]?["input"] == 10)
        #expect(launch["in_force"]?["file"]?.stringValue == openaiFile)
        let notYet = try #require(models.first { $0["model"] == "gpt-5" })
        #expect(notYet["in_force"] == .null, "gpt-5 was priced from 2025-08-07")
        #expect(try cli.run(["pricing", "list", "--on", "2025-13-01"]).status == 2)
    }

    @Test func showSaysWhichEntryAppliesOnADateAndWhy() throws {
        let cli = CLI()
        let early = try cli.run(["pricing", "show", "openai/o3", "--on", "2025-05-01"])
        #expect(early.status == 0)
        #expect(early.stdout.contains("openai/o3 on 2025-05-01: input 10.00, output 40.00"))
        #expect(early.stdout.contains("2025-04-16  input 10.00") && early.stdout.contains("(in force)"))
        #expect(early.stdout.contains("(not yet in force)"))
        let late = try cli.run(["pricing", "show", "openai/o3", "--on", "2026-01-01"])
        #expect(late.stdout.contains("input 2.00, output 8.00") && late.stdout.contains("(superseded)"))
        #expect(late.stdout.contains("from \(Self.shipped)/openai.yaml, entry effective 2025-06-10"))

        let tooEarly = try cli.run(["pricing", "show", "openai/o3", "--on", "2020-01-01"])
        #expect(tooEarly.status == 0 && tooEarly.stdout.contains("no price: the earliest entry takes effect on 2025-04-16"))
        let typo = try cli.run(["pricing", "show", "openai/gpt-4o-mni"])
        #expect(typo.status == 1)
        #expect(typo.stdout.contains("no price") && typo.stdout.contains("Did you mean 'openai/gpt-4o-mini'?"))
        #expect(try cli.run(["pricing", "show", "gpt-4o"]).status == 2)

        // A model name may hold slashes (OpenRouter's, say); a user's table shadows the shipped entries.
        let home = cli.home.path + "/.llmbench/pricing/mine.yaml"
        try FileManager.default.createDirectory(atPath: (home as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try """
            version: 1
            prices:
              - {plugin: openai, model: o3, effective: 2025-01-01, input: 1.5, output: 6}
              - {plugin: openai, model: meta-llama/llama-3.1-8b, effective: 2025-01-01, input: 0.02, output: 0.05}
            """.write(toFile: home, atomically: true, encoding: .utf8)
        let mine = try cli.run(["pricing", "show", "openai/o3"])
        #expect(mine.stdout.contains("input 1.50, output 6.00") && mine.stdout.contains("from \(home)"))
        #expect(mine.stdout.contains("Ignored: 2 entries in \(Self.shipped)/openai.yaml"))
        let slashed = try cli.run(["pricing", "show", "openai/meta-llama/llama-3.1-8b"])
        #expect(slashed.status == 0 && slashed.stdout.contains("input 0.02, output 0.05"))
    }
}
