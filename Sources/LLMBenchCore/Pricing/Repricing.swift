import Foundation

/// A run's costs at another date's prices, beside what they cost when it ran (`llmbench report
/// --reprice [--on DATE]`; Docs/pricing.md "Re-pricing"): each result's reported usage priced
/// with the entry in force on that date. Results are added one at a time; one row per provider ×
/// model is kept.
public struct Repricing: Sendable {
    public struct Row: Sendable, Equatable {
        public var provider: String
        public var plugin: String
        public var model: String
        /// Results with usage (so a cost), cached answers aside: they cost nothing in the run.
        public var priced = 0
        public var atRunUSD = 0.0
        /// Results whose cost at run time was unknown (no price then).
        public var unpricedAtRun = 0
        public var repricedUSD: Double?
        /// The entry that prices the model on the date; nil when none does.
        public var entry: PriceEntry?

        /// (repriced − at run) / at run, in %; nil when either is unknown or the run cost nothing.
        public var changePercent: Double? {
            guard let repricedUSD, unpricedAtRun == 0, atRunUSD > 0 else { return nil }
            return (repricedUSD - atRunUSD) / atRunUSD * 100
        }
    }

    public let date: String
    private let table: PriceTable
    public private(set) var rows: [Row] = []
    private var index: [String: Int] = [:]

    public init(table: PriceTable, on date: String) {
        self.table = table
        self.date = date
    }

    public mutating func add(_ result: BenchResult) {
        guard let usage = result.usage, !result.cached else { return }
        let key = "\(result.provider)\u{0}\(result.plugin)\u{0}\(result.model)"
        if index[key] == nil {
            index[key] = rows.count
            let entry = table.price(plugin: result.plugin, model: result.model, on: date)
            rows.append(Row(provider: result.provider, plugin: result.plugin, model: result.model, repricedUSD: entry == nil ? nil : 0, entry: entry))
        }
        let i = index[key]!
        rows[i].priced += 1
        if let cost = result.costUSD { rows[i].atRunUSD += cost } else { rows[i].unpricedAtRun += 1 }
        if let entry = rows[i].entry { rows[i].repricedUSD! += entry.costUSD(usage) }
    }

    /// Aligned text for people: one line per provider × model.
    public var text: String {
        guard !rows.isEmpty else { return "Re-priced at \(date): no result reported usage.\n" }
        func usd(_ value: Double?) -> String { value.map { String(format: "%.6f", $0) } ?? "no price" }
        var lines = ["Costs at the prices of \(date) beside those at run time (USD, results with usage):"]
        for row in rows {
            let atRun = row.unpricedAtRun > 0 ? "no price" : usd(row.atRunUSD)
            let change = row.changePercent.map { String(format: "%+.1f%%", $0) } ?? "–"
            let source = row.entry.map { "entry of \($0.effective)" } ?? "no entry on \(date)"
            lines.append("  \(row.provider) (\(row.plugin)/\(row.model)): \(atRun) at run, \(usd(row.repricedUSD)) re-priced, \(change); \(source)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
