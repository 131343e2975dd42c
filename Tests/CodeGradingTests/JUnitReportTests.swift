import CodeGrading
import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Testing

/// The grader's reading of JUnit XML, against real reports (pytest in four modes, XCTest, Swift
/// Testing, node, ctest) and hostile files: Tests/Fixtures/junit/samples, with the counts lxml gave
/// element by element in its summary.json (an independent reading).
struct JUnitReportTests {
    static let samples = TestPaths.repo("Tests/Fixtures/junit/samples")
    static let summary: [JSONValue] = {
        let text = try! String(contentsOfFile: samples + "/summary.json", encoding: .utf8)
        return try! JSONValue.parse(text)["samples"]!.arrayValue!
    }()

    static func bytes(_ file: String) -> [UInt8] {
        Array(FileManager.default.contents(atPath: samples + "/" + file)!)
    }

    static func hasDoctype(_ file: String) -> Bool {
        String(decoding: bytes(file), as: UTF8.self).contains("<!DOCTYPE")
    }

    @Test(arguments: summary.filter { $0["parse"]?.stringValue == "ok" && !hasDoctype($0["file"]!.stringValue!) })
    func countsEveryCaseAsLxmlDoes(sample: JSONValue) throws {
        let file = sample["file"]!.stringValue!
        let report = try JUnitReport.parse(Self.bytes(file))
        let counts = sample["counts"]!
        #expect(report.root == sample["root"]?.stringValue, "\(file)")
        #expect(report.total == counts["testcases"]?.intValue, "\(file)")
        #expect(report.count(.passed) == counts["passed"]?.intValue, "\(file)")
        #expect(report.count(.failed) == counts["failed"]?.intValue, "\(file)")
        #expect(report.count(.errored) == counts["errored"]?.intValue, "\(file)")
        #expect(report.count(.skipped) == counts["skipped"]?.intValue, "\(file)")
    }

    @Test func realReportsCoverEveryRunnerTheIssueNames() {
        let read = Self.summary.filter { $0["parse"]?.stringValue == "ok" }.compactMap { $0["file"]?.stringValue }
        for folder in ["pytest/", "swiftpm/", "node/", "ctest/"] {
            #expect(read.contains { $0.hasPrefix(folder) }, "no \(folder) sample")
        }
        #expect(read.filter { $0.hasPrefix("pytest/") }.count >= 4)
    }

    /// Every file with a DOCTYPE — entity bombs, external entities, an external DTD, a benign
    /// internal entity — is refused before any declaration is read, so nothing is expanded or
    /// fetched, and the message quotes nothing from the file or from what it points at.
    @Test(arguments: summary.map { $0["file"]!.stringValue! }.filter(hasDoctype))
    func refusesADoctypeAtOnce(file: String) {
        let started = DispatchTime.now()
        #expect {
            try JUnitReport.parse(Self.bytes(file))
        } throws: { error in
            let problem = error as! JUnitReport.Problem
            let hostname = (try? String(contentsOfFile: "/etc/hostname", encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "\u{0}"
            return problem.message.contains("DOCTYPE") && problem.line == 2 && !problem.description.contains(hostname)
                && !problem.description.contains("lol") && !problem.description.contains("evil")
        }
        #expect(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds < 1_000_000_000, "\(file)")
    }

    /// Broken files: a clear error with its line, no crash, never more than a second.
    @Test(arguments: [
        ("adversarial/empty-file.xml", "empty"),
        ("adversarial/not-xml.xml", "not well-formed"),
        ("adversarial/truncated.xml", "not well-formed"),
        ("adversarial/cdata-and-control-char.xml", "PCDATA invalid Char value 7"),
        ("adversarial/deep-nesting.xml", "deeper than 64"),
    ])
    func refusesBrokenFilesWithTheirPlace(file: String, message: String) {
        let started = DispatchTime.now()
        #expect {
            try JUnitReport.parse(Self.bytes(file))
        } throws: { error in
            let problem = error as! JUnitReport.Problem
            return problem.message.contains(message) && (file.contains("empty") || problem.line != nil)
        }
        #expect(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds < 1_000_000_000, "\(file)")
    }

    @Test func readsNestedSuitesAndCasesDirectlyUnderTheRoot() throws {
        let xml = """
            <testsuites>
              <testcase name="top" classname="root"/>
              <testsuite name="outer"><testsuite name="inner">
                <testcase name="deep"><failure message="boom">trace</failure></testcase>
              </testsuite><testcase name="after-inner"/></testsuite>
            </testsuites>
            """
        let report = try JUnitReport.parse(Array(xml.utf8))
        #expect(report.cases.map(\.name) == ["top", "deep", "after-inner"])
        #expect(report.cases.map(\.suite) == [nil, "inner", "outer"])
        #expect(report.cases[1].status == .failed && report.cases[1].message == "boom")
    }

    @Test func statusIsTheWorstOfFailureErrorSkippedAndCountsAreIgnored() throws {
        let xml = """
            <testsuite tests="99" failures="0" errors="0" skipped="0">
              <testcase name="error-then-failure"><error message="e"/><failure message="f"/></testcase>
              <testcase name="failure-then-error"><failure message="f"/><error message="e"/></testcase>
              <testcase name="skip-and-error"><skipped/><error>text of the error</error></testcase>
              <testcase name="skipped"><skipped message="later"/></testcase>
              <testcase name="passed"><system-out><failure>not a child of the case</failure></system-out></testcase>
            </testsuite>
            """
        let report = try JUnitReport.parse(Array(xml.utf8))
        #expect(report.cases.map(\.status) == [.failed, .failed, .errored, .skipped, .passed])
        #expect(report.cases.map(\.message) == ["f", "f", "text of the error", "later", nil])
        #expect(report.total == 5)
    }

    @Test func readsTimesLeniently() throws {
        #expect(JUnitReport.seconds("1,234.5") == 1234.5)
        #expect(JUnitReport.seconds("1e-3") == 0.001)
        #expect(JUnitReport.seconds(" 0.25s ") == 0.25)
        #expect(JUnitReport.seconds("abc") == nil)
        #expect(JUnitReport.seconds("-1") == nil)
        #expect(JUnitReport.seconds("nan") == nil)
        let report = try JUnitReport.parse(Array(#"<testsuite><testcase name="a" time="2,000.5"/><testcase name="b"/></testsuite>"#.utf8))
        #expect(report.cases.map(\.timeSeconds) == [2000.5, nil])
    }

    @Test func refusesAWrongRootAndAnEntityItDoesNotKnow() {
        #expect(throws: JUnitReport.Problem.self) { try JUnitReport.parse(Array("<html><testcase name='x'/></html>".utf8)) }
        #expect {
            try JUnitReport.parse(Array("<testsuite><testcase name='&secret;'/></testsuite>".utf8))
        } throws: { ($0 as! JUnitReport.Problem).message.contains("not well-formed") }
    }

    /// Huge attributes and messages are cut where a character ends; the document stays readable.
    @Test func cutsHugeNamesAndMessages() throws {
        let name = String(repeating: "é", count: 600_000) // 1.2 MB
        let message = String(repeating: "x", count: 3_000_000)
        let xml = "<testsuite><testcase name=\"\(name)\"><failure>\(message)</failure></testcase></testsuite>"
        let started = DispatchTime.now()
        let report = try JUnitReport.parse(Array(xml.utf8))
        #expect(report.cases[0].name.utf8.count == 1_000 && report.cases[0].name.allSatisfy { $0 == "é" })
        #expect(report.cases[0].message?.utf8.count == 2_000)
        #expect(DispatchTime.now().uptimeNanoseconds - started.uptimeNanoseconds < 1_000_000_000)
    }

    @Test func refusesADocumentOverTheSizeLimitBeforeParsing() {
        var limits = JUnitReport.Limits()
        limits.documentBytes = 100
        #expect {
            try JUnitReport.parse(Array(String(repeating: " ", count: 101).utf8), limits: limits)
        } throws: { ($0 as! JUnitReport.Problem).message.contains("over the limit of 100") }
    }

    /// The program under test writes the workspace: a report that is a link to another file is
    /// not followed.
    @Test func neverFollowsALinkInPlaceOfTheReport() throws {
        let folder = TemporaryDirectory()
        let secret = folder.write("secret.xml", "<testsuite><testcase name='secret-name'/></testsuite>")
        symlink(secret, folder.file("report.xml"))
        #expect {
            try JUnitReport.read(path: folder.file("report.xml"))
        } throws: { error in
            let text = (error as! JUnitReport.Problem).description
            return text.contains("symbolic link") && !text.contains("secret-name")
        }
    }
}
