import ArgumentParser
import Foundation
import LLMBenchCore
import LLMBenchEngine

/// `llmbench pricing list|show`: which prices apply, from which file, and why (Docs/pricing.md).
struct PricingCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "pricing", abstract: "Show the price tables found and the entry in force for each model.",
        subcommands: [List.self, Show.self])

    /// What both subcommands read: the search path, optionally with a suite's own pricing/ folder.
    struct Source: ParsableArguments {
        @OptionGroup var pricing: PricingOptions
        @Option(help: ArgumentHelp("Also search pricing/ beside this suite, as `run` does.", valueName: "SUITE"))
        var suite: String?
        @Option(name: .customLong("on"), help: ArgumentHelp("The date whose prices apply (default: today, UTC).", valueName: "YYYY-MM-DD"))
        var date: String?

        func validate() throws {
            if let date, !PriceTable.isISODate(date) { throw ValidationError("--on wants a date like 2026-01-31, found '\(date)'") }
        }

        var day: String { date ?? Timestamps.date(WallClock.nowUnix()) }
        var places: [PricePlace] { pricing.places(suitePath: suite) }

        func load() throws -> PriceTable {
            do { return try UserFiles.loadPrices(places) } catch { throw failInput(error.errors) }
        }

        /// The places searched, in order, and whether each was there.
        var searched: String {
            places.enumerated().map { i, place in
                let present = FileManager.default.fileExists(atPath: place.path) ? "" : " (absent)"
                return "  \(i + 1). \(place.path)  [\(place.origin.rawValue)]\(present)"
            }.joined(separator: "\n")
        }
    }

    struct List: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Every model priced, with the entry in force and its file.")

        @OptionGroup var source: Source
        @Option(help: ArgumentHelp("Only this plugin's models.", valueName: "PLUGIN")) var plugin: String?
        @Flag(help: "Print JSON.") var json = false

        func run() throws {
            let table = try source.load()
            let day = source.day
            let models = table.models.filter { plugin == nil || $0.plugin == plugin }
            if json {
                let items: [JSONValue] = models.map { pair in
                    let entry = table.price(plugin: pair.plugin, model: pair.model, on: day)
                    return .object(["plugin": .string(pair.plugin), "model": .string(pair.model), "in_force": entry?.json ?? .null])
                }
                let value: JSONValue = .object([
                    "date": .string(day), "models": .array(items),
                    "search_path": .array(source.places.map { .object(["path": .string($0.path), "origin": .string($0.origin.rawValue)]) }),
                ])
                print(value.jsonText)
                return
            }
            let price = { (value: Double?) in value.map(PriceFigures.perMTok) ?? "-" }
            var rows = [["PLUGIN", "MODEL", "EFFECTIVE", "INPUT", "OUTPUT", "CACHED", "CACHE-WRITE", "REASONING", "FILE"]]
            for pair in models {
                guard let entry = table.price(plugin: pair.plugin, model: pair.model, on: day) else {
                    let first = table.history(plugin: pair.plugin, model: pair.model).first
                    rows.append([pair.plugin, pair.model, "not yet: from \(first?.effective ?? "?")", "", "", "", "", "", first?.file ?? ""])
                    continue
                }
                rows.append([entry.plugin, entry.model, entry.effective, price(entry.inputPerMTok), price(entry.outputPerMTok),
                             price(entry.cachedInputPerMTok), price(entry.cacheWritePerMTok), price(entry.reasoningPerMTok), entry.file ?? ""])
            }
            print("Prices in force on \(day), USD per million tokens (\"-\": billed at the plain input or output price).")
            if models.isEmpty {
                print(plugin.map { "No price table prices a model of plugin '\($0)'." } ?? "No price table was found.")
            } else {
                print(TextColumns.render(rows, rightAligned: Set(3...7)), terminator: "")
            }
            let hidden = Set(table.shadowed.filter { plugin == nil || $0.plugin == plugin }.map(\.modelKey))
            if !hidden.isEmpty {
                print("\(hidden.count) model(s) also priced further down the search path, where those entries are ignored: \(hidden.sorted().joined(separator: ", ")) (`llmbench pricing show PLUGIN/MODEL` says more).")
            }
            print("Searched, first place first:\n\(source.searched)")
        }
    }

    struct Show: ParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Which entry applies to one model on a date, and why.")

        @Argument(help: ArgumentHelp("The model, as PLUGIN/MODEL (the model may contain more slashes).", valueName: "PLUGIN/MODEL"))
        var model: String
        @OptionGroup var source: Source

        func run() throws {
            guard let slash = model.firstIndex(of: "/"), slash != model.startIndex, model.index(after: slash) != model.endIndex else {
                throw failInput([LLMBenchError(.usage, "expected PLUGIN/MODEL, like openai/gpt-4o; found '\(model)'")])
            }
            let plugin = String(model[..<slash]), name = String(model[model.index(after: slash)...])
            let table = try source.load()
            let day = source.day
            let history = table.history(plugin: plugin, model: name)
            guard !history.isEmpty else {
                let known = table.models.map { "\($0.plugin)/\($0.model)" }
                let hint = Spelling.closest(to: model, in: known).map { " Did you mean '\($0)'?" } ?? ""
                print("\(model): no price. No table on the search path prices this model, so its cost is reported as \"no price\".\(hint)")
                print("Searched, first place first:\n\(source.searched)")
                throw Exit.thresholdFailed
            }
            let inForce = table.price(plugin: plugin, model: name, on: day)
            if let entry = inForce {
                print("\(model) on \(day): \(PriceFigures.describe(entry))")
                print("  from \(entry.file ?? "?"), entry effective \(entry.effective)\(entry.source.map { ", source: \($0)" } ?? "")")
            } else {
                print("\(model) on \(day): no price: the earliest entry takes effect on \(history[0].effective).")
            }
            print("Why: the entry in force is the latest whose 'effective' date is not after \(day); this model's entries, from \(history[0].file ?? "?"):")
            for entry in history {
                let mark = entry == inForce ? "in force" : (entry.effective > day ? "not yet in force" : "superseded")
                print("  \(entry.effective)  \(PriceFigures.describe(entry))  (\(mark))")
            }
            let shadowed = table.shadowed.filter { $0.plugin == plugin && $0.model == name }
            if !shadowed.isEmpty {
                let files = Set(shadowed.compactMap(\.file)).sorted()
                print("Ignored: \(shadowed.count) entr\(shadowed.count == 1 ? "y" : "ies") in \(files.joined(separator: ", ")), further down the search path; the first place that prices a model supplies all its prices.")
            }
            print("Searched, first place first:\n\(source.searched)")
        }
    }
}

/// Prices as the pricing commands print them.
enum PriceFigures {
    /// Two decimals, more when needed to show a small price exactly (0.075, 0.005).
    static func perMTok(_ value: Double) -> String {
        var text = String(format: "%.2f", value)
        for digits in 3...6 where Double(text) != value { text = String(format: "%.\(digits)f", value) }
        return text
    }

    static func describe(_ entry: PriceEntry) -> String {
        var parts = ["input \(perMTok(entry.inputPerMTok))", "output \(perMTok(entry.outputPerMTok))"]
        if let v = entry.cachedInputPerMTok { parts.append("cached input \(perMTok(v))") }
        if let v = entry.cacheWritePerMTok { parts.append("cache write \(perMTok(v))") }
        if let v = entry.reasoningPerMTok { parts.append("reasoning \(perMTok(v))") }
        return parts.joined(separator: ", ") + " USD per million tokens"
    }
}
