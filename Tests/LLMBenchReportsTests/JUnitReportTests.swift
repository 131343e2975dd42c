import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import LLMBenchCore
import Testing
@testable import LLMBenchReports

struct JUnitReportTests {
    /// What XML 1.0 cannot hold is dropped (controls but tab, LF and CR; U+FFFE; U+FFFF) and nothing
    /// else: text that is safe as it is comes back unchanged, whatever its neighbours in UTF-8.
    @Test func xmlSafeDropsOnlyWhatXMLCannotHold() {
        let pieces = ["a", "\t", "\n", "\r", "\u{0}", "\u{1}", "\u{1b}", "\u{1f}", " ", "é", "漢", "🙂", "\u{FFFD}", "\u{FFFE}", "\u{FFFF}",
                      "\u{EFBF}", "\u{FEFF}", "\u{10FFFF}", "\u{7f}"]
        var state: UInt64 = 12345
        for _ in 0..<5_000 {
            var text = ""
            for _ in 0..<6 {
                state = state &* 6364136223846793005 &+ 1442695040888963407
                text += pieces[Int(state >> 33) % pieces.count]
            }
            let expected = String(String.UnicodeScalarView(text.unicodeScalars.filter { scalar in
                !((scalar.value < 0x20 && ![0x9, 0xA, 0xD].contains(scalar.value)) || scalar.value == 0xFFFE || scalar.value == 0xFFFF)
            }))
            guard XMLTextWriter.xmlSafe(text) == expected else {
                Issue.record("\(text.unicodeScalars.map { String($0.value, radix: 16) }) made safe as \(XMLTextWriter.xmlSafe(text).unicodeScalars.map { String($0.value, radix: 16) })")
                return
            }
        }
    }

    static let xml = try! render(Fixture.report, as: .junit, options: RenderOptions(hostname: Fixture.hostname))

    static let junitparserAvailable = (try? runProgram("python3", ["-c", "import junitparser"]).status) == 0

    /// tests, failures and errors per provider, straight from the results.
    static func expectedCounts(_ provider: String) -> (tests: Int, failures: Int, errors: Int) {
        let results = Fixture.results.filter { $0.provider == provider }
        return (results.count, results.filter { $0.status == .ok && !$0.passed }.count, results.filter { $0.status == .error }.count)
    }

    static let schemas = ["windyroad-JUnit.xsd", "jenkins-xunit-junit-10.xsd"]

    @Test(arguments: schemas)
    func validatesAgainstSchema(_ schema: String) throws {
        try Self.validate(Self.xml, against: [schema])
    }

    /// Validates `xml` with xmllint against each schema LLMBench's JUnit must satisfy.
    static func validate(_ xml: String, against schemas: [String] = schemas, sourceLocation: Testing.SourceLocation = #_sourceLocation) throws {
        let version = try runProgram("xmllint", ["--version"])
        guard version.status == 0 else {
            Issue.record("xmllint is not on PATH (status \(version.status)); install libxml2-utils to validate JUnit output", sourceLocation: sourceLocation)
            return
        }
        let file = try temporaryFile(xml, suffix: ".xml")
        defer { try? FileManager.default.removeItem(at: file) }
        for schema in schemas {
            let schemaURL = Paths.schemas.appendingPathComponent(schema)
            guard FileManager.default.fileExists(atPath: schemaURL.path) else {
                Issue.record("schema not found at \(schemaURL.path): it ships in Tests/Fixtures/junit/schemas", sourceLocation: sourceLocation)
                continue
            }
            let result = try runProgram("xmllint", ["--noout", "--schema", schemaURL.path, file.path])
            #expect(result.status == 0, "xmllint --schema \(schema) failed:\n\(result.stderr)", sourceLocation: sourceLocation)
        }
    }

    @Test func countsMatchTheResults() throws {
        let parsed = try #require(ParsedJUnit(Self.xml))
        #expect(parsed.rootName == "testsuites")
        #expect(parsed.rootAttributes.isEmpty, "both schemas want <testsuites> without attributes here")
        #expect(parsed.suites.map { $0.attributes["name"] } == ["openai", "local", "mock"])
        for (index, suite) in parsed.suites.enumerated() {
            let provider = try #require(suite.attributes["name"])
            let expected = Self.expectedCounts(provider)
            #expect(suite.testcases == expected.tests, "\(provider): test cases")
            #expect(suite.failures == expected.failures, "\(provider): <failure> elements")
            #expect(suite.errors == expected.errors, "\(provider): <error> elements")
            #expect(suite.attributes["tests"] == String(expected.tests))
            #expect(suite.attributes["failures"] == String(expected.failures))
            #expect(suite.attributes["errors"] == String(expected.errors))
            #expect(suite.attributes["id"] == String(index))
            #expect(suite.attributes["package"] == "smoke")
            #expect(suite.attributes["timestamp"] == "2026-11-29T04:12:00")
            #expect(suite.attributes["hostname"] == Fixture.hostname)
            #expect(suite.childOrder.first == "properties")
            #expect(suite.childOrder.suffix(2) == ["system-out", "system-err"])
        }
        // Hand-checked too, so a bug shared by the renderer and expectedCounts cannot hide.
        #expect(parsed.suites.map { [$0.testcases, $0.failures, $0.errors] } == [[3, 1, 0], [3, 1, 1], [3, 0, 0]])
    }

    @Test func suiteTimeIsTheSumOfLatenciesWithThreeDecimals() throws {
        let parsed = try #require(ParsedJUnit(Self.xml))
        // openai: 812.5 + 790 + 2400.75 ms.
        #expect(parsed.suites[0].attributes["time"] == "4.003")
        // local: the failed request has no latency and counts as 0.
        #expect(parsed.suites[1].attributes["time"] == "0.260")
    }

    @Test func repeatedTestsAreNumberedAndSingleOnesAreNot() throws {
        let parsed = try #require(ParsedJUnit(Self.xml))
        #expect(parsed.suites[0].names == ["capital #1", "capital #2", "fizzbuzz"])
    }

    @Test func hostileOutputSurvivesWithoutIllegalCharacters() throws {
        #expect(!Self.xml.unicodeScalars.contains("\u{1}"))
        let parsed = try #require(ParsedJUnit(Self.xml), "libxml2 must parse the report")
        let body = try #require(parsed.suites[0].bodies.first)
        #expect(body.contains(Fixture.hostileOutput.replacingOccurrences(of: "\u{1}", with: "")))
        #expect(body.contains("contains_all: missing: \"FizzBuzz\" | i % 15"))
    }

    @Test func failureAndErrorSayWhy() throws {
        #expect(Self.xml.contains(#"<failure message="contains_all 0.400 &lt; threshold 0.800" type="threshold">"#))
        #expect(Self.xml.contains(#"<error message="timeout: no response within 30000 ms | gave up" type="timeout">"#))
        let parsed = try #require(ParsedJUnit(Self.xml))
        let errorBody = try #require(parsed.suites[1].bodies.last)
        #expect(errorBody.contains("attempts=3"))
    }

    @Test func propertiesCarryTheProviderAggregates() throws {
        let parsed = try #require(ParsedJUnit(Self.xml))
        let openai = parsed.suites[0].properties
        #expect(openai["provider"] == "openai")
        #expect(openai["model"] == "gpt-4o-mini")
        #expect(openai["plugin"] == "openai")
        #expect(openai["pass_rate"] == "0.667")
        #expect(openai["cost_total_usd"] == "0.000093")
        #expect(openai["simulated"] == "false")
        #expect(parsed.suites[1].properties["cost_total_usd"] == "no price")
        #expect(parsed.suites[1].properties["cost_per_pass_usd"] == "no price")
        #expect(parsed.suites[2].properties["cost_total_usd"] == "0.000000", "a known zero price is zero")
        #expect(parsed.suites[2].properties["simulated"] == "true")
    }

    @Test(.enabled(if: junitparserAvailable, "Python junitparser is not installed (pip install junitparser)"))
    func junitparserReadsTheSameCounts() throws {
        let file = try temporaryFile(Self.xml, suffix: ".xml")
        defer { try? FileManager.default.removeItem(at: file) }
        let script = """
            import json, sys
            from junitparser import JUnitXml, Failure, Error
            suites = []
            for suite in JUnitXml.fromfile(sys.argv[1]):
                cases = list(suite)
                suites.append({"name": suite.name, "tests": suite.tests, "failures": suite.failures, "errors": suite.errors,
                               "cases": len(cases),
                               "failed": sum(1 for c in cases if any(isinstance(r, Failure) for r in c.result)),
                               "errored": sum(1 for c in cases if any(isinstance(r, Error) for r in c.result))})
            print(json.dumps(suites))
            """
        let result = try runProgram("python3", ["-c", script, file.path])
        try #require(result.status == 0, "junitparser failed:\n\(result.stderr)")
        let suites = try #require(try JSONValue.parse(result.stdout).arrayValue)
        #expect(suites.count == 3)
        for suite in suites {
            let provider = try #require(suite["name"]?.stringValue)
            let expected = Self.expectedCounts(provider)
            for (key, value) in [("tests", expected.tests), ("cases", expected.tests), ("failures", expected.failures),
                                 ("failed", expected.failures), ("errors", expected.errors), ("errored", expected.errors)]
            {
                #expect(suite[key]?.intValue == value, "\(provider): junitparser's \(key)")
            }
        }
    }

    @Test func runNoticesGoToSystemErr() {
        let notice = "<system-err>note: local/llama-3.1-8b has no price on 2026-11-29: its cost is unknown\n</system-err>"
        #expect(Self.xml.components(separatedBy: notice).count - 1 == 3, "once per testsuite")
    }

    /// Consumers that key cases by classname and name (junit2html's matrix, Jenkins' history) must
    /// not merge providers: the fixture runs `capital` on three providers.
    @Test func everyCaseIsUniqueByClassnameAndName() throws {
        let document = try XMLDocument(xmlString: Self.xml)
        let cases = try document.nodes(forXPath: "//testcase").compactMap { $0 as? XMLElement }
        let keys = cases.map { "\($0.attribute(forName: "classname")?.stringValue ?? "")|\($0.attribute(forName: "name")?.stringValue ?? "")" }
        #expect(cases.count == Fixture.results.count)
        #expect(Set(keys).count == keys.count, "\(keys)")
        #expect(Set(Fixture.results.map(\.provider)).count >= 2)
        #expect(keys.contains("smoke.openai.qa|capital #1") && keys.contains("smoke.mock.qa|capital #1"))
    }

    @Test func matchesGoldenFile() throws {
        try expectGolden(Self.xml, named: "report.junit.xml")
    }

    @Test func emptyRunIsStillValid() throws {
        let empty = RunReport(run: Fixture.run, results: [])
        let xml = try render(empty, as: .junit, options: RenderOptions(hostname: "h"))
        let parsed = try #require(ParsedJUnit(xml))
        #expect(parsed.rootName == "testsuites")
        #expect(parsed.suites.isEmpty)
    }

    @Test func systemHostnameIsNeverEmpty() throws {
        let xml = try render(Fixture.report, as: .junit)
        let parsed = try #require(ParsedJUnit(xml))
        #expect(parsed.suites.allSatisfy { !($0.attributes["hostname"] ?? "").isEmpty })
    }
}
