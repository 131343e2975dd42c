import CodeGrading
import Foundation

// Reads each JUnit XML file given as an argument ROUNDS times with the grader's parser and prints
// one line per file: bytes, cases, failed, best and median milliseconds. Benchmarks/junit-parse.sh.
let rounds = Int(ProcessInfo.processInfo.environment["ROUNDS"] ?? "") ?? 5
for path in CommandLine.arguments.dropFirst() {
    let bytes = Array(FileManager.default.contents(atPath: path) ?? Data())
    var times: [Double] = []
    var report: JUnitReport?
    for _ in 0..<rounds {
        let start = DispatchTime.now().uptimeNanoseconds
        report = try JUnitReport.parse(bytes)
        times.append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e6)
    }
    times.sort()
    print("\(bytes.count)\t\(report!.total)\t\(report!.count(.failed))\t\(String(format: "%.1f", times[0]))\t\(String(format: "%.1f", times[times.count / 2]))")
}
