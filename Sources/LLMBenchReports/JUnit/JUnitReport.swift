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
    /// How much of an answer a failure or error body carries.
    static let outputLimitCharacters = 2000

    static func render(_ report: RunReport, hostname: String) throws(LLMBenchError) -> String {
        do {
            return try write(report, hostname: hostname)
        } catch {
            throw LLMBenchError(LLMBenchError.Code(rawValue: "report"), "could not write the JUnit report: \(error.message)")
        }
    }

    private static func write(_ report: RunReport, hostname: String) throws(XMLWriteError) -> String {
        let xml = try XMLTextWriter()
        try xml.startDocument()
        try xml.startElement("testsuites")
        let names = CaseNames(report.results, plan: report.run.plan)
        var providers = firstSeen(report.results.map(\.provider) + report.notStarted.map(\.provider))
        if providers.isEmpty && report.incompleteNote != nil { providers = ["run"] }
        for (id, provider) in providers.enumerated() {
            var notRun = report.notStarted.filter { $0.provider == provider }.map { (names.name(test: $0.test, repeatIndex: $0.repeatIndex), $0.category) }
            if id == 0 && report.notStarted.isEmpty && report.incompleteNote != nil { notRun.append(("run \(report.run.id)", "run")) }
            let suite = Suite(run: report.run, provider: provider, id: id, hostname: hostname,
                              results: report.results.filter { $0.provider == provider }, notRun: notRun,
                              notRunMessage: report.incompleteNote ?? "", names: names)
            try suite.write(to: xml)
        }
        return try xml.finish()
    }

    private struct Suite {
        var run: RunInfo
        var provider: String
        var id: Int
        var hostname: String
        var results: [BenchResult]
        /// Planned requests that never ran: (case name, category).
        var notRun: [(String, String)]
        var notRunMessage: String
        var names: CaseNames

        func write(to xml: XMLTextWriter) throws(XMLWriteError) {
            let failures = results.filter { $0.status == .ok && !$0.passed }.count
            let errors = results.filter { $0.status == .error }.count + notRun.count
            let seconds = results.reduce(0) { $0 + ($1.latencyMs ?? 0) } / 1000
            try xml.startElement("testsuite")
            try xml.attribute("name", nonBlank(provider, or: "provider"))
            try xml.attribute("package", run.suite)
            try xml.attribute("id", String(id))
            try xml.attribute("timestamp", Timestamps.localISO(run.startedAt))
            try xml.attribute("hostname", nonBlank(hostname, or: "localhost"))
            try xml.attribute("tests", String(results.count + notRun.count))
            try xml.attribute("failures", String(failures))
            try xml.attribute("errors", String(errors))
            try xml.attribute("time", Figures.fixed(seconds, 3))

            try xml.startElement("properties")
            for (name, value) in properties() {
                try xml.startElement("property")
                try xml.attribute("name", name)
                try xml.attribute("value", value)
                try xml.endElement()
            }
            try xml.endElement()

            var systemOut = ["run \(run.id), suite \(run.suite), prices of \(run.prices.date)"]
            for result in results {
                let name = names.name(result)
                let classname = "\(run.suite).\(result.category)"
                try xml.startElement("testcase")
                try xml.attribute("name", nonBlank(name, or: "test"))
                try xml.attribute("classname", classname)
                try xml.attribute("time", Figures.fixed((result.latencyMs ?? 0) / 1000, 3))
                let outcome: String
                if result.status == .error {
                    let kind = result.error?.kind.rawValue ?? ErrorKind.internal.rawValue
                    outcome = "error (\(kind))"
                    try xml.startElement("error")
                    try xml.attribute("message", "\(kind): \(result.error?.message ?? "")")
                    try xml.attribute("type", kind)
                    try xml.text(errorBody(result))
                    try xml.endElement()
                } else if !result.passed {
                    outcome = "failed"
                    try xml.startElement("failure")
                    try xml.attribute("message", Figures.scorerFailures(result))
                    try xml.attribute("type", "threshold")
                    try xml.text(failureBody(result))
                    try xml.endElement()
                } else {
                    outcome = "passed"
                }
                try xml.endElement()
                systemOut.append("\(name) [\(classname)]: \(outcome), \(Figures.metrics(result))")
            }
            for (name, category) in notRun {
                try xml.startElement("testcase")
                try xml.attribute("name", nonBlank(name, or: "test"))
                try xml.attribute("classname", "\(run.suite).\(category)")
                try xml.attribute("time", "0")
                try xml.startElement("error")
                try xml.attribute("message", "not run: \(notRunMessage)")
                try xml.attribute("type", "not_run")
                try xml.endElement()
                try xml.endElement()
                systemOut.append("\(name) [\(run.suite).\(category)]: not run")
            }

            try xml.startElement("system-out")
            try xml.text(systemOut.joined(separator: "\n") + "\n")
            try xml.endElement()
            // Run notices (unknown prices, replayed results...) are the run's warnings.
            try xml.startElement("system-err")
            let warnings = (notRunMessage.isEmpty ? [] : [notRunMessage]) + run.notices.map { "note: \($0)" }
            if !warnings.isEmpty { try xml.text(warnings.map { "\($0)\n" }.joined()) }
            try xml.endElement()
            try xml.endElement()
        }

        /// Aggregates over this provider's results, by the same rules as the summary table.
        private func properties() -> [(String, String)] {
            let models = firstSeen(results.map(\.model)).joined(separator: ", ")
            // Summarizer groups by model too; one provider normally has one, but if not, its figures are pooled.
            let pooled = results.map { result in
                var result = result
                result.model = models
                return result
            }
            guard let group = Summarizer.summarize(pooled).first else {
                return [("run_id", run.id), ("provider", provider), ("run_status", run.status.rawValue)]
            }
            return [
                ("run_id", run.id), ("provider", provider), ("model", models),
                ("plugin", firstSeen(results.map(\.plugin)).joined(separator: ", ")),
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

/// The distinct values in order of first appearance.
func firstSeen(_ values: [String]) -> [String] {
    var seen = Set<String>()
    return values.filter { seen.insert($0).inserted }
}

/// Ant requires some attributes to be non-empty tokens (whitespace collapsed).
private func nonBlank(_ text: String, or fallback: String) -> String {
    text.unicodeScalars.contains { !$0.properties.isWhitespace && $0.properties.generalCategory != .control } ? text : fallback
}
