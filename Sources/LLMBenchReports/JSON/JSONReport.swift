import LLMBenchCore

/// The `llmbench.run/1` document written result by result: the same text as `RunReport.json.jsonText`
/// (keys sorted: decisions, format, percentiles, results, run, summary) plus a newline, with the run's counts and
/// summaries taken from the tally read before.
enum JSONReport {
    static func write(_ report: StreamingReport, to output: ReportOutput) throws(LLMBenchError) {
        let overview = try report.overview()
        var head = JSONWriter()
        head.raw("{")
        head.key("decisions", first: true); head.write(.array(try report.decisions().map(\.json)))
        head.key("format"); head.string(RunDocument.format)
        head.key("percentiles"); head.string(RunDocument.percentiles)
        head.key("results"); head.raw("[")
        try output.write(head.bytes)
        var first = true
        let comma: [UInt8] = [UInt8(ascii: ",")]
        try report.results.forEachResultJSON(matching: .all) { text throws(LLMBenchError) in
            if !first { try output.write(comma) }
            first = false
            try output.write(UnsafeRawBufferPointer(text))
        }
        var tail = JSONWriter()
        tail.raw("]")
        tail.key("run"); tail.write(RunDocument.run(report.run, done: overview.tally.done, notStarted: overview.tally.notStartedCount))
        tail.key("summary"); tail.write(.array(overview.summary.map(\.json)))
        tail.raw("}\n")
        try output.write(tail.bytes)
    }
}
