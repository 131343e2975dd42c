import LLMBenchCore
import Testing
@testable import LLMBenchReports

/// Reports written result by result, through an output of any chunk size, say what the whole
/// document says; a failing output stops the report with the output's own error.
struct StreamingReportTests {
    /// The fixture's results fifty times over (repeats 0...49): past the output's 64 KiB chunks.
    static let large: RunReport = {
        var results: [BenchResult] = []
        for round in 0..<50 {
            for var result in Fixture.results {
                result.repeatIndex = round
                results.append(result)
            }
        }
        return RunReport(run: IncompleteRunTests.report.run, results: results)
    }()

    static let cases = GoldenRunTests.cases + [GoldenRunTests.Case(name: "large", report: large)]

    static func write(_ report: RunReport, as format: ReportFormat, chunkBytes: Int) throws(LLMBenchError) -> [UInt8] {
        var bytes: [UInt8] = []
        let output = ReportOutput(chunkBytes: chunkBytes) { bytes.append(contentsOf: $0) }
        try StreamingReport(run: report.run, results: ResultList(report.results))
            .write(format, options: RenderOptions(hostname: Fixture.hostname), to: output)
        return bytes
    }

    @Test(arguments: cases)
    func theStreamedJSONIsTheDocumentBuiltWhole(_ runCase: GoldenRunTests.Case) throws {
        let streamed = try Self.write(runCase.report, as: .json, chunkBytes: 64 * 1024)
        #expect(String(decoding: streamed, as: UTF8.self) == runCase.report.json.jsonText + "\n")
    }

    @Test(arguments: cases)
    func theChunkSizeChangesNoByte(_ runCase: GoldenRunTests.Case) throws {
        for format in ReportFormat.allCases {
            let whole = try Self.write(runCase.report, as: format, chunkBytes: 1 << 30)
            for chunkBytes in [1, 7, 4096] {
                #expect(try Self.write(runCase.report, as: format, chunkBytes: chunkBytes) == whole, "\(format) in chunks of \(chunkBytes)")
            }
        }
    }

    @Test(arguments: ReportFormat.allCases)
    func aFailingOutputStopsTheReportWithItsOwnError(_ format: ReportFormat) {
        let full = LLMBenchError(LLMBenchError.Code(rawValue: "output"), "no space left on device")
        var written = 0
        let output = ReportOutput(chunkBytes: 256) { bytes throws(LLMBenchError) in
            written += bytes.count
            if written > 1024 { throw full }
        }
        let report = StreamingReport(run: Self.large.run, results: ResultList(Self.large.results))
        #expect(throws: full) { try report.write(format, options: RenderOptions(hostname: Fixture.hostname), to: output) }
    }

    @Test func aSourceThatFailsStopsTheReportWithItsError() {
        struct Unreadable: ResultSource {
            func forEachResult(matching filter: ResultFilter, _ body: (BenchResult) throws(LLMBenchError) -> Void) throws(LLMBenchError) {
                try body(Fixture.results[0])
                throw LLMBenchError(.store, "result 1 of run r is unreadable")
            }
        }
        for format in ReportFormat.allCases {
            let report = StreamingReport(run: Fixture.run, results: Unreadable())
            #expect(throws: LLMBenchError(.store, "result 1 of run r is unreadable")) {
                try report.write(format, to: ReportOutput { _ in })
            }
        }
    }
}
