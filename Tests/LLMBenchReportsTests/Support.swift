import Foundation
import Testing

enum Paths {
    /// Tests/LLMBenchReportsTests/
    static let testDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    static let repositoryRoot = testDirectory.deletingLastPathComponent().deletingLastPathComponent()
    /// The JUnit schemas, copied into the repository (Tests/Fixtures/junit/README.md says from where).
    static let schemas = repositoryRoot.appendingPathComponent("Tests/Fixtures/junit/schemas")
}

struct ProcessResult {
    var status: Int32
    var stdout: String
    var stderr: String
}

/// Runs a program found on PATH (through /usr/bin/env, which exits 127 when it is missing). Output goes
/// to files, so a chatty program cannot block on a full pipe.
func runProgram(_ program: String, _ arguments: [String]) throws -> ProcessResult {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("llmbench-reports-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: directory) }
    let outURL = directory.appendingPathComponent("stdout"), errURL = directory.appendingPathComponent("stderr")
    try Data().write(to: outURL)
    try Data().write(to: errURL)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [program] + arguments
    process.standardOutput = try FileHandle(forWritingTo: outURL)
    process.standardError = try FileHandle(forWritingTo: errURL)
    try process.run()
    process.waitUntilExit()
    return ProcessResult(status: process.terminationStatus, stdout: try String(contentsOf: outURL, encoding: .utf8),
                         stderr: try String(contentsOf: errURL, encoding: .utf8))
}

/// Writes `text` to a fresh temporary file and returns its path; the caller removes it.
func temporaryFile(_ text: String, suffix: String) throws -> URL {
    let url = FileManager.default.temporaryDirectory.appendingPathComponent("llmbench-\(UUID().uuidString)\(suffix)")
    try Data(text.utf8).write(to: url)
    return url
}

/// Compares `actual` with Golden/`name` byte for byte. With LLMBENCH_UPDATE_GOLDEN=1 it rewrites the file in
/// the source tree instead, and still fails, so an update is always a deliberate second run.
func expectGolden(_ actual: String, named name: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
    if ProcessInfo.processInfo.environment["LLMBENCH_UPDATE_GOLDEN"] == "1" {
        let url = Paths.testDirectory.appendingPathComponent("Golden/\(name)")
        try Data(actual.utf8).write(to: url)
        Issue.record("updated \(url.path); review it and run again without LLMBENCH_UPDATE_GOLDEN", sourceLocation: sourceLocation)
        return
    }
    guard let url = Bundle.module.url(forResource: "Golden", withExtension: nil)?.appendingPathComponent(name),
          let expected = try? String(contentsOf: url, encoding: .utf8)
    else {
        Issue.record("missing golden file Golden/\(name); create it with LLMBENCH_UPDATE_GOLDEN=1", sourceLocation: sourceLocation)
        return
    }
    if actual != expected {
        let actualLines = actual.split(separator: "\n", omittingEmptySubsequences: false)
        let expectedLines = expected.split(separator: "\n", omittingEmptySubsequences: false)
        let first = zip(actualLines, expectedLines).enumerated().first { $0.element.0 != $0.element.1 }?.offset
            ?? min(actualLines.count, expectedLines.count)
        let got = first < actualLines.count ? String(actualLines[first]) : "<end>"
        let want = first < expectedLines.count ? String(expectedLines[first]) : "<end>"
        Issue.record("Golden/\(name) differs at line \(first + 1):\n  expected: \(want)\n  actual:   \(got)", sourceLocation: sourceLocation)
    }
}

/// A minimal RFC 4180 reader, independent of the writer: quoted fields may hold commas, doubled quotes,
/// CR and LF; records end with CR LF (or LF).
func parseCSV(_ text: String) -> [[String]] {
    var records: [[String]] = []
    var record: [String] = []
    var field = String.UnicodeScalarView()
    var inQuotes = false
    var scalars = Array(text.unicodeScalars)[...]
    while let scalar = scalars.popFirst() {
        if inQuotes {
            if scalar == "\"" {
                if scalars.first == "\"" { scalars.removeFirst(); field.append("\"") } else { inQuotes = false }
            } else {
                field.append(scalar)
            }
            continue
        }
        switch scalar {
        case "\"": inQuotes = true
        case ",": record.append(String(field)); field = String.UnicodeScalarView()
        case "\r" where scalars.first == "\n": continue
        case "\n":
            record.append(String(field)); field = String.UnicodeScalarView()
            records.append(record); record = []
        default: field.append(scalar)
        }
    }
    if !field.isEmpty || !record.isEmpty { record.append(String(field)); records.append(record) }
    return records
}
