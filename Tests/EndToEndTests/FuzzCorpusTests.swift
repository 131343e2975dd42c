import Foundation
import LLMBenchTestSupport
import Testing

/// The committed fuzz corpora (Tests/Fuzz/Corpus), findings included, replayed through the plainly
/// built fuzz targets, so that the normal test run keeps every finding fixed; scripts/fuzz.sh does
/// the fuzzing.
struct FuzzCorpusTests {
    @Test(arguments: ["fuzz-suite", "fuzz-sse", "fuzz-json", "fuzz-core-json"])
    func replaysItsCorpusWithoutAFinding(target: String) throws {
        let corpus = TestPaths.repo("Tests/Fuzz/Corpus/\(target)")
        let inputs = try FileManager.default.contentsOfDirectory(atPath: corpus).count
        #expect(inputs >= 5)
        let result = try Shell.run((TestPaths.buildDir as NSString).appendingPathComponent(target), [corpus],
                                   environment: ["SWIFT_BACKTRACE": "enable=no"])
        #expect(result.status == 0, "\(result.stdout.suffix(300)) \(result.stderr.suffix(2000))")
        #expect(result.stdout.hasSuffix("replayed \(inputs) inputs\n"))
    }
}
