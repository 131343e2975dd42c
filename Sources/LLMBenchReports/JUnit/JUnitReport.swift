import Foundation
import LLMBenchCore

/// JUnit XML for CI, valid against both the Apache Ant schema (windyroad-JUnit.xsd) and Jenkins xunit's
/// (jenkins-xunit-junit-10.xsd), which together fix the shape:
/// - `<testsuites>` has no attributes; each `<testsuite>` carries name, package, id, timestamp (UTC, no
///   zone designator), hostname, tests, failures, errors and time (seconds, at most 3 decimals).
/// - Inside a testsuite the order is fixed: `<properties>`, the testcases, `<system-out>`, `<system-err>`;
///   Ant requires the three that are not testcases, even when empty.
/// - A testcase holds at most one `<failure>` or `<error>` and nothing else (Ant), so per-test figures go
///   in their message body and in the suite's `<system-out>`.
///
/// One testsuite per provider. A result that answered but missed a threshold is a failure; a request
/// that failed is an error. In an incomplete run, each planned request that never ran is an error
/// (type `not_run`), so CI cannot read a partial run as green; an incomplete run whose missing
/// requests are unknown (stored without a plan) gets one `not_run` error naming the run.
enum JUnitReport {
    /// `suite.provider.category`: unique per provider, so that consumers keying cases by classname
    /// and name (junit2html's matrix, Jenkins) keep each provider's case apart.
    static func classname(suite: String, provider: String, category: String) -> String { "\(suite).\(provider).\(category)" }

    /// How much of an answer a failure or error body carries.
    static let outputLimitCharacters = 2000

    static func write(_ report: StreamingReport, hostname: String, regressions: (baseline: String, list: [Regression])? = nil,
                      to output: ReportOutput) throws(LLMBenchError)
    {
        try reporting {
            let xml = try XMLTextWriter { bytes in try output.write(bytes) }
            try write(report, hostname: hostname, regressions: regressions, to: xml)
        }
    }

    /// Runs `body`, turning what stopped the XML writer into the report's error: the output's own
    /// error when it was the output that failed (a full disk, say).
    private static func reporting(_ body: () throws -> Void) throws(LLMBenchError) {
        do {
            try body()
        } catch let error as LLMBenchError {
            throw error
        } catch let error as XMLWriteError {
            throw error.cause as? LLMBenchError ?? LLMBenchError(LLMBenchError.Code(rawValue: "report"), "could not write the JUnit report: \(error.message)")
        } catch {
            throw LLMBenchError(LLMBenchError.Code(rawValue: "report"), "could not write the JUnit report: \(error)")
        }
    }

    /// One testsuite per provider: providers with results in order of their first result, then those
    /// with requests that never started.
    private static func write(_ report: StreamingReport, hostname: String, regressions: (baseline: String, list: [Regression])?,
                              to xml: XMLTextWriter) throws
    {
        let overview = try report.overview()
        let tally = overview.tally
        try xml.startDocument()
        try xml.startElement("testsuites")
        var providers = tally.providers
        var seen = Set(providers)
        tally.forEachNotStarted { if seen.insert($0.provider).inserted { providers.append($0.provider) } }
        if providers.isEmpty && tally.incompleteNote != nil { providers = ["run"] }
        for (id, provider) in providers.enumerated() {
            let suite = Suite(run: report.run, provider: provider, id: id, hostname: hostname, results: report.results, tally: tally,
                              namesTheRun: id == 0 && tally.notStartedCount == 0 && tally.incompleteNote != nil,
                              notRunMessage: tally.incompleteNote ?? "", names: overview.names)
            try suite.write(to: xml)
        }
        if let regressions {
            try writeRegressions(regressions.list, baseline: regressions.baseline, run: report.run, id: providers.count, hostname: hostname, to: xml)
        }
        try xml.finish()
    }

    /// `report --baseline`: one failing testcase per significant regression, or one passing case
    /// saying there is none, so that CI reading JUnit fails on them as on failed tests.
    private static func writeRegressions(_ list: [Regression], baseline: String, run: RunInfo, id: Int, hostname: String,
                                         to xml: XMLTextWriter) throws
    {
        try xml.startElement("testsuite")
        try xml.attribute("name", "regressions against \(baseline)")
        try xml.attribute("package", run.suite)
        try xml.attribute("id", String(id))
        try xml.attribute("timestamp", Timestamps.localISO(run.startedAt))
        try xml.attribute("hostname", nonBlank(hostname, or: "localhost"))
        try xml.attribute("tests", String(max(1, list.count)))
        try xml.attribute("failures", String(list.count))
        try xml.attribute("errors", "0")
        try xml.attribute("time", "0")
        try xml.startElement("properties")
        try xml.startElement("property")
        try xml.attribute("name", "baseline")
        try xml.attribute("value", baseline)
        try xml.endElement()
        try xml.endElement()
        if list.isEmpty {
            try xml.startElement("testcase")
            try xml.attribute("name", "no significant regression")
            try xml.attribute("classname", "\(run.suite).regressions")
            try xml.attribute("time", "0")
            try xml.endElement()
        }
        for regression in list {
            try xml.startElement("testcase")
            try xml.attribute("name", "\(regression.measure.rawValue) \(regression.category ?? "all")")
            try xml.attribute("classname", "\(run.suite).regressions.\(regression.provider)")
            try xml.attribute("time", "0")
            try xml.startElement("failure")
            try xml.attribute("message", "\(regression.change) (p=\(String(format: "%.3g", regression.pValue)))")
            try xml.attribute("type", "regression")
            try xml.endElement()
            try xml.endElement()
        }
        try xml.startElement("system-out")
        try xml.endElement()
        try xml.startElement("system-err")
        try xml.endElement()
        try xml.endElement()
    }

    /// A planned request that never ran.
    private struct NotRun {
        var name: String
        var category: String
    }

    private struct Suite {
        var run: RunInfo
        var provider: String
        var id: Int
        var hostname: String
        var results: any ResultSource
        var tally: RunTally
        /// An incomplete run whose missing requests are unknown: its first suite gets one error naming the run.
        var namesTheRun: Bool
        var notRunMessage: String
        var names: CaseNames

        private var filter: ResultFilter { ResultFilter(provider: provider) }

        /// The provider's planned requests that never ran, in plan order; read from the plan each time, not kept.
        private func forEachNotRun(_ body: (NotRun) throws -> Void) throws {
            try tally.forEachNotStarted { item in
                guard item.provider == provider else { return }
                try body(NotRun(name: names.name(test: item.test, repeatIndex: item.repeatIndex), category: item.category))
            }
            if namesTheRun { try body(NotRun(name: "run \(run.id)", category: "run")) }
        }

        /// One pass over the provider's results: its testcases, and the lines of its system-out kept
        /// for after them (a line per result of this provider: memory grows with one provider's
        /// results, never the run's).
        func write(to xml: XMLTextWriter) throws {
            let figures = tally.byProvider[provider] ?? ProviderFigures()
            var notRunCount = 0
            try forEachNotRun { _ in notRunCount += 1 }
            try xml.startElement("testsuite")
            try xml.attribute("name", nonBlank(provider, or: "provider"))
            try xml.attribute("package", run.suite)
            try xml.attribute("id", String(id))
            try xml.attribute("timestamp", Timestamps.localISO(run.startedAt))
            try xml.attribute("hostname", nonBlank(hostname, or: "localhost"))
            try xml.attribute("tests", String(figures.count + notRunCount))
            try xml.attribute("failures", String(figures.thresholdFailures))
            try xml.attribute("errors", String(figures.errors + notRunCount))
            try xml.attribute("time", Figures.fixed(figures.latencyMsTotal / 1000, 3))

            try xml.startElement("properties")
            for (name, value) in properties(figures) {
                try xml.startElement("property")
                try xml.attribute("name", name)
                try xml.attribute("value", value)
                try xml.endElement()
            }
            try xml.endElement()

            let outLines = try writeTestcases(to: xml)
            try forEachNotRun { item in
                try xml.startElement("testcase")
                try xml.attribute("name", nonBlank(item.name, or: "test"))
                try xml.attribute("classname", JUnitReport.classname(suite: run.suite, provider: provider, category: item.category))
                try xml.attribute("time", "0")
                try xml.startElement("error")
                try xml.attribute("message", "not run: \(notRunMessage)")
                try xml.attribute("type", "not_run")
                try xml.endElement()
                try xml.endElement()
            }

            // One line per testcase, written line by line: libxml2 appends text to the open element.
            try xml.startElement("system-out")
            try xml.text("run \(run.id), suite \(run.suite), prices of \(run.prices.date)")
            for line in outLines { try xml.text(line) }
            try forEachNotRun { item in try xml.text("\n\(item.name) [\(JUnitReport.classname(suite: run.suite, provider: provider, category: item.category))]: not run") }
            try xml.text("\n")
            try xml.endElement()
            // Run notices (unknown prices, replayed results...) are the run's warnings.
            try xml.startElement("system-err")
            let warnings = (notRunMessage.isEmpty ? [] : [notRunMessage]) + run.notices.map { "note: \($0)" }
            if !warnings.isEmpty { try xml.text(warnings.map { "\($0)\n" }.joined()) }
            try xml.endElement()
            try xml.endElement()
        }

        /// Writes the provider's testcases; returns its system-out lines, one per result. A passing
        /// result is written from its figures; a failure (and a cached answer) from the whole result.
        private func writeTestcases(to xml: XMLTextWriter) throws -> [String] {
            var outLines: [String] = []
            try results.forEachRow(matching: filter, detail: .failures) { row throws(LLMBenchError) in
                let figures = row.figures
                let name = names.name(test: figures.test, repeatIndex: figures.repeatIndex)
                let classname = JUnitReport.classname(suite: run.suite, provider: figures.provider, category: figures.category)
                let metrics = row.result.map(Figures.metrics) ?? Figures.metrics(figures)
                outLines.append("\n\(name) [\(classname)]: \(outcome(figures)), \(metrics)")
                if (figures.status == .error || !figures.passed) && row.result == nil {
                    throw LLMBenchError(.store, "the failure \(name) of \(figures.provider) was read without its result")
                }
                try testcase(xml, name: name, classname: classname, latencyMs: row.result?.latencyMs ?? figures.latencyMs, result: row.result)
            }
            return outLines
        }

        /// One testcase; `result` explains it when it failed.
        private func testcase(_ xml: XMLTextWriter, name: String, classname: String, latencyMs: Double?, result: BenchResult?) throws(LLMBenchError) {
            try reporting {
                try xml.startElement("testcase")
                try xml.attribute("name", nonBlank(name, or: "test"))
                try xml.attribute("classname", classname)
                try xml.attribute("time", Figures.fixed((latencyMs ?? 0) / 1000, 3))
                if let result, result.status == .error {
                    let kind = result.error?.kind.rawValue ?? ErrorKind.internal.rawValue
                    try xml.startElement("error")
                    try xml.attribute("message", "\(kind): \(result.error?.message ?? "")")
                    try xml.attribute("type", kind)
                    try xml.text(errorBody(result))
                    try xml.endElement()
                } else if let result, !result.passed {
                    try xml.startElement("failure")
                    try xml.attribute("message", Figures.scorerFailures(result))
                    try xml.attribute("type", "threshold")
                    try xml.text(failureBody(result))
                    try xml.endElement()
                }
                try xml.endElement()
            }
        }

        private func outcome(_ result: ResultFigures) -> String {
            if result.status == .error { return "error (\(result.errorKind ?? ErrorKind.internal.rawValue))" }
            return result.passed ? "passed" : "failed"
        }

        /// Aggregates over this provider's results, by the same rules as the summary table.
        private func properties(_ figures: ProviderFigures) -> [(String, String)] {
            guard figures.count > 0 else {
                return [("run_id", run.id), ("provider", provider), ("run_status", run.status.rawValue)]
            }
            // Summaries group by model too; one provider normally has one, but if not, its figures are pooled.
            let group = figures.summary(provider: provider)
            return [
                ("run_id", run.id), ("provider", provider), ("model", group.model),
                ("plugin", figures.plugins.joined(separator: ", ")),
                ("price_snapshot_date", run.prices.date), ("run_status", run.status.rawValue),
                ("pass_rate", Figures.fixed(group.passRate, 3)), ("quality_mean", Figures.quality(group.qualityMean)),
                ("latency_p50_ms", Figures.ms(group.latencyMs?.p50)), ("latency_p95_ms", Figures.ms(group.latencyMs?.p95)),
                ("ttft_p50_ms", Figures.ms(group.ttftMs?.p50)),
                ("cost_total_usd", Figures.costTotal(group)), ("cost_per_pass_usd", Figures.costPerPass(group)),
                ("simulated", group.simulated ? "true" : "false"),
            ]
        }

        private func failureBody(_ result: BenchResult) -> String {
            var lines = result.scores.filter { !$0.passed }.compactMap { score in score.explanation.map { "\(score.scorer): \($0)" } }
            lines.append(Figures.metrics(result))
            lines.append("output:")
            lines.append(Figures.truncated(result.output, limit: outputLimitCharacters))
            return lines.joined(separator: "\n")
        }

        private func errorBody(_ result: BenchResult) -> String {
            var lines = [result.error?.message ?? ""]
            if let status = result.error?.httpStatus { lines.append("http_status=\(status)") }
            lines.append(Figures.metrics(result))
            if !result.output.isEmpty {
                lines.append("output:")
                lines.append(Figures.truncated(result.output, limit: outputLimitCharacters))
            }
            return lines.joined(separator: "\n")
        }
    }
}

/// Ant requires some attributes to be non-empty tokens (whitespace collapsed).
private func nonBlank(_ text: String, or fallback: String) -> String {
    text.unicodeScalars.contains { !$0.properties.isWhitespace && $0.properties.generalCategory != .control } ? text : fallback
}
