import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchTestSupport
import Testing

/// Where price tables are found (Docs/pricing.md), with real folders laid out as a user's and an
/// installation's would be.
struct PriceSearchTests {
    static func table(_ model: String, effective: String = "2024-01-01", input: Double) -> String {
        "version: 1\nprices:\n  - {plugin: openai, model: \(model), effective: \(effective), input: \(input), output: 1}\n"
    }

    @Test func findsTheShippedTablesFromAnInstalledExecutable() throws {
        let prefix = TemporaryDirectory("llmbench-prefix")
        prefix.write("share/llmbench/pricing/openai.yaml", Self.table("gpt-4o", input: 2.5))
        let exe = prefix.write("bin/llmbench", "")
        #expect(Installation.directory(of: .pricing, executablePath: exe) == prefix.file("share/llmbench/pricing"))
        #expect(Installation.directory(of: .suites, executablePath: exe) == nil, "no suites were installed")
    }

    @Test func findsTheShippedTablesFromABuildFolderOfTheCheckout() throws {
        let checkout = TemporaryDirectory("llmbench-checkout")
        checkout.write("Package.swift", "// swift-tools-version:6.1\n")
        checkout.write("Suites/pricing/openai.yaml", Self.table("gpt-4o", input: 2.5))
        let exe = checkout.write(".build/x86_64-unknown-linux-gnu/release/llmbench", "")
        #expect(Installation.directory(of: .pricing, executablePath: exe) == checkout.file("Suites/pricing"))
        #expect(Installation.directory(of: .suites, executablePath: exe) == checkout.file("Suites"))
        // A folder named Suites/pricing without a Package.swift beside it is not taken for a checkout.
        let stray = TemporaryDirectory("llmbench-stray")
        stray.write("Suites/pricing/openai.yaml", Self.table("gpt-4o", input: 2.5))
        #expect(Installation.directory(of: .pricing, executablePath: stray.write("a/b/llmbench", "")) == nil)
    }

    @Test func searchesInTheDocumentedOrderAndEachFolderOnce() throws {
        let root = TemporaryDirectory("llmbench-search")
        let exe = root.write("prefix/bin/llmbench", "")
        _ = root.subdirectory("prefix/share/llmbench/pricing")
        let places = PricePlace.searchPath(
            explicit: [root.file("mine.yaml"), root.file("team")], suitePath: root.file("project/suite.yaml"),
            environment: ["HOME": root.file("home"), "LLMBENCH_PRICING_PATH": "\(root.file("env1")):\(root.file("team")):\(root.file("env2"))"],
            executablePath: exe)
        #expect(places.map(\.origin) == [.option, .option, .suite, .environment, .environment, .home, .shipped])
        #expect(places.map(\.path) == [root.file("mine.yaml"), root.file("team"), root.file("project/pricing"), root.file("env1"),
                                       root.file("env2"), root.file("home/.llmbench/pricing"), root.file("prefix/share/llmbench/pricing")])
    }

    @Test func anEarlierPlaceOwnsTheModelsItPricesAndEveryPriceSaysItsFile() throws {
        let root = TemporaryDirectory("llmbench-layers")
        let mine = root.write("mine.yaml", Self.table("gpt-4o", input: 1.0))
        root.write("home/.llmbench/pricing/a.yaml", Self.table("gpt-4o", effective: "2025-01-01", input: 9.0))
        let homeB = root.write("home/.llmbench/pricing/b.yml", Self.table("o3", input: 2.0))
        root.write("home/.llmbench/pricing/notes.txt", "not a table")
        let places = PricePlace.searchPath(explicit: [mine], suitePath: nil, environment: ["HOME": root.file("home")],
                                           executablePath: root.file("nowhere/llmbench"))
        let table = try UserFiles.loadPrices(places)
        #expect(table.price(plugin: "openai", model: "gpt-4o", on: "2026-01-01")?.file == mine)
        #expect(table.price(plugin: "openai", model: "o3", on: "2026-01-01")?.file == homeB)
        #expect(table.shadowed.map(\.inputPerMTok) == [9.0])
    }

    @Test func onlyAPlaceNamedWithPricingMustExist() throws {
        let root = TemporaryDirectory("llmbench-missing")
        let quiet = PricePlace.searchPath(explicit: [], suitePath: root.file("suite.yaml"),
                                          environment: ["HOME": root.file("home"), "LLMBENCH_PRICING_PATH": root.file("gone")],
                                          executablePath: root.file("nowhere/llmbench"))
        #expect(try UserFiles.loadPrices(quiet).entries.isEmpty)
        do {
            _ = try UserFiles.loadPrices(PricePlace.searchPath(explicit: [root.file("typo.yaml")], suitePath: nil, environment: [:],
                                                               executablePath: root.file("nowhere/llmbench")))
            Issue.record("a missing --pricing file must be an error")
        } catch {
            #expect(error.description.contains("typo.yaml") && error.description.contains("does not exist"))
        }
    }

    @Test func twoFilesOfOneFolderPricingTheSameDateAreAnError() throws {
        let root = TemporaryDirectory("llmbench-clash")
        root.write("team/a.yaml", Self.table("gpt-4o", input: 1.0))
        root.write("team/b.yaml", Self.table("gpt-4o", input: 2.0))
        do {
            _ = try UserFiles.loadPrices([PricePlace(path: root.file("team"), origin: .option)])
            Issue.record("expected a duplicate error")
        } catch {
            #expect(error.description.contains("duplicate price for openai/gpt-4o effective 2024-01-01"))
        }
    }
}
