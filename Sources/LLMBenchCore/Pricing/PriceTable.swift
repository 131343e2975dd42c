import Foundation
import Yams

/// One price, in USD per million tokens, in force from `effective` (a UTC date) on.
public struct PriceEntry: Sendable, Equatable {
    public var plugin: String
    public var model: String
    /// yyyy-MM-dd; compared as text, which orders ISO dates correctly.
    public var effective: String
    public var inputPerMTok: Double
    public var outputPerMTok: Double
    public var cachedInputPerMTok: Double?
    public var cacheWritePerMTok: Double?
    public var reasoningPerMTok: Double?
    public var source: String?
    /// The price table file this entry was read from, so a run can say where each price came from.
    public var file: String?

    public init(plugin: String, model: String, effective: String, inputPerMTok: Double, outputPerMTok: Double,
                cachedInputPerMTok: Double? = nil, cacheWritePerMTok: Double? = nil, reasoningPerMTok: Double? = nil,
                source: String? = nil, file: String? = nil)
    {
        self.plugin = plugin
        self.model = model
        self.effective = effective
        self.inputPerMTok = inputPerMTok
        self.outputPerMTok = outputPerMTok
        self.cachedInputPerMTok = cachedInputPerMTok
        self.cacheWritePerMTok = cacheWritePerMTok
        self.reasoningPerMTok = reasoningPerMTok
        self.source = source
        self.file = file
    }

    /// "plugin/model", as users write it on the command line.
    public var modelKey: String { "\(plugin)/\(model)" }

    /// Cost of one usage in USD. Input tokens include cached reads and cache writes; output tokens
    /// include reasoning tokens (Docs/metrics.md). Missing special prices fall back to the plain ones.
    public func costUSD(_ usage: Usage) -> Double {
        let cached = usage.cachedInputTokens ?? 0
        let written = usage.cacheWriteTokens ?? 0
        let reasoning = usage.reasoningTokens ?? 0
        let plainInput = max(0, usage.inputTokens - cached - written)
        let plainOutput = max(0, usage.outputTokens - reasoning)
        let micro = Double(plainInput) * inputPerMTok
            + Double(cached) * (cachedInputPerMTok ?? inputPerMTok)
            + Double(written) * (cacheWritePerMTok ?? inputPerMTok)
            + Double(plainOutput) * outputPerMTok
            + Double(reasoning) * (reasoningPerMTok ?? outputPerMTok)
        return micro / 1_000_000
    }

    public var json: JSONValue {
        .object([
            "plugin": .string(plugin), "model": .string(model), "effective": .string(effective),
            "input": .number(inputPerMTok), "output": .number(outputPerMTok),
            "cached_input": JSONValue(cachedInputPerMTok), "cache_write": JSONValue(cacheWritePerMTok),
            "reasoning": JSONValue(reasoningPerMTok), "source": JSONValue(source), "file": JSONValue(file),
        ])
    }

    public init?(json: JSONValue) {
        guard let plugin = json["plugin"]?.stringValue, let model = json["model"]?.stringValue,
              let effective = json["effective"]?.stringValue, let input = json["input"]?.doubleValue,
              let output = json["output"]?.doubleValue else { return nil }
        self.init(plugin: plugin, model: model, effective: effective, inputPerMTok: input, outputPerMTok: output,
                  cachedInputPerMTok: json["cached_input"]?.doubleValue, cacheWritePerMTok: json["cache_write"]?.doubleValue,
                  reasoningPerMTok: json["reasoning"]?.doubleValue, source: json["source"]?.stringValue,
                  file: json["file"]?.stringValue)
    }
}

/// All the prices known, from tables read in search order (Docs/pricing.md). The first place that
/// prices a model owns it: its entries are the ones in force, and later places' entries for that
/// model are kept apart as `shadowed`, so a user's table replaces a shipped one model by model
/// instead of mixing dates from both.
public struct PriceTable: Sendable {
    public static let supportedVersion = 1
    /// The entries that apply: for each model, those of the first place that prices it.
    public private(set) var entries: [PriceEntry]
    /// Entries of later places for models that an earlier place already prices.
    public private(set) var shadowed: [PriceEntry] = []

    public init(entries: [PriceEntry] = []) { self.entries = entries }

    /// Adds another table of the same place (another file of the same folder). The same model and
    /// date priced in two files of one place is an error: nothing says which one is meant.
    public mutating func merge(_ other: PriceTable) throws(LLMBenchError) {
        for entry in other.entries {
            if let first = entries.first(where: { $0.plugin == entry.plugin && $0.model == entry.model && $0.effective == entry.effective }) {
                throw LLMBenchError(.duplicate, "\(entry.file ?? "a price table"): duplicate price for \(entry.modelKey) effective \(entry.effective), also in \(first.file ?? "another table"); keep one")
            }
            entries.append(entry)
        }
    }

    /// Adds the tables of a place later in the search order: models this table already prices keep
    /// their entries; the newcomer's entries for them go to `shadowed`.
    public mutating func append(laterPlace other: PriceTable) {
        let owned = Set(entries.map(\.modelKey))
        for entry in other.entries {
            if owned.contains(entry.modelKey) { shadowed.append(entry) } else { entries.append(entry) }
        }
        shadowed += other.shadowed
    }

    /// The entry in force on `date` (yyyy-MM-dd): the latest whose `effective` is not after it.
    public func price(plugin: String, model: String, on date: String) -> PriceEntry? {
        entries.filter { $0.plugin == plugin && $0.model == model && $0.effective <= date }
            .max { $0.effective < $1.effective }
    }

    /// Every entry that applies to one model, oldest first.
    public func history(plugin: String, model: String) -> [PriceEntry] {
        entries.filter { $0.plugin == plugin && $0.model == model }.sorted { $0.effective < $1.effective }
    }

    /// Every model priced, as (plugin, model) pairs sorted by plugin then model.
    public var models: [(plugin: String, model: String)] {
        var seen: Set<String> = []
        return entries.filter { seen.insert($0.modelKey).inserted }.map { ($0.plugin, $0.model) }
            .sorted { ($0.plugin, $0.model) < ($1.plugin, $1.model) }
    }

    /// The prices in force on `date` for the given (plugin, model) pairs; pairs with none are absent.
    public func snapshot(for models: [(plugin: String, model: String)], on date: String) -> PriceSnapshot {
        var entries: [PriceEntry] = []
        for pair in models where !entries.contains(where: { $0.plugin == pair.plugin && $0.model == pair.model }) {
            if let entry = price(plugin: pair.plugin, model: pair.model, on: date) { entries.append(entry) }
        }
        return PriceSnapshot(date: date, entries: entries)
    }

    static let entryKeys = ["plugin", "model", "effective", "input", "output", "cached_input", "cache_write", "reasoning", "source"]

    public static func parse(_ text: String, path: String) throws(LLMBenchErrors) -> PriceTable {
        var doc = YAMLDocument(path: path, what: "a price table")
        guard let root = doc.compose(text),
              let top = doc.mapping(root, what: "the price table", allowed: ["version", "description", "prices"])
        else { throw LLMBenchErrors(doc.problems) }
        if let node = top["version"] {
            if let version = doc.int(node, key: "version", in: "the price table", min: 1), version > supportedVersion {
                doc.problem(.unsupportedVersion, "this price table is version \(version), but this llmbench reads version \(supportedVersion) at most", at: node)
            }
        } else {
            doc.problem(.missingKey, "missing 'version'; expected 'version: \(supportedVersion)'", at: root)
        }
        var entries: [PriceEntry] = []
        var seen: [String: SourceLocation] = [:]
        if top["prices"] == nil { doc.problem(.missingKey, "missing 'prices'; expected a list of entries", at: root) }
        for item in doc.sequence(top["prices"], key: "prices", in: "the price table") ?? [] {
            guard let fields = doc.mapping(item, what: "a price entry", allowed: entryKeys) else { continue }
            let plugin = doc.nonEmptyString(fields["plugin"], key: "plugin", in: "a price entry", required: true, parent: item)
            let model = doc.nonEmptyString(fields["model"], key: "model", in: "a price entry", required: true, parent: item)
            let effective = doc.string(fields["effective"], key: "effective", in: "a price entry", required: true, parent: item)
            if let effective, !isISODate(effective) {
                doc.problem(.invalidValue, "'effective' must be a date like 2025-01-31, found '\(effective)'", at: fields["effective"]!)
            }
            let price = { (key: String, required: Bool) -> Double? in
                if required && fields[key] == nil { doc.problem(.missingKey, "missing '\(key)' (USD per million tokens) in a price entry", at: item) }
                return doc.double(fields[key], key: key, in: "a price entry", range: 0...1_000_000)
            }
            let input = price("input", true), output = price("output", true)
            let cached = price("cached_input", false), write = price("cache_write", false), reasoning = price("reasoning", false)
            let source = doc.string(fields["source"], key: "source", in: "a price entry", parent: item)
            guard let plugin, let model, let effective, isISODate(effective), let input, let output else { continue }
            let key = "\(plugin)\u{0}\(model)\u{0}\(effective)"
            if let first = seen[key] {
                doc.problem(.duplicate, "duplicate price for \(plugin)/\(model) effective \(effective) (first at \(first))", at: item)
                continue
            }
            seen[key] = doc.location(item)
            entries.append(PriceEntry(plugin: plugin, model: model, effective: effective, inputPerMTok: input, outputPerMTok: output,
                                      cachedInputPerMTok: cached, cacheWritePerMTok: write, reasoningPerMTok: reasoning, source: source,
                                      file: path))
        }
        guard doc.problems.isEmpty else { throw LLMBenchErrors(doc.problems) }
        return PriceTable(entries: entries)
    }

    public static func isISODate(_ text: String) -> Bool {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let month = Int(parts[1]), let day = Int(parts[2]), Int(parts[0]) != nil else { return false }
        return (1...12).contains(month) && (1...31).contains(day)
    }
}

/// The prices a run used, stored with the run so that its costs can always be explained.
public struct PriceSnapshot: Sendable, Equatable {
    public var date: String
    public var entries: [PriceEntry]

    public init(date: String, entries: [PriceEntry]) {
        self.date = date
        self.entries = entries
    }

    public func price(plugin: String, model: String) -> PriceEntry? {
        entries.first { $0.plugin == plugin && $0.model == model }
    }

    public var json: JSONValue { .object(["date": .string(date), "entries": .array(entries.map(\.json))]) }

    public init(json: JSONValue) {
        self.date = json["date"]?.stringValue ?? ""
        self.entries = json["entries"]?.arrayValue?.compactMap(PriceEntry.init(json:)) ?? []
    }
}
