import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchTestSupport
import Testing

/// What `include:` may reach (issue 7): files in the suite's folder tree only, and nothing of a
/// refused file appears in any message. Laid out in a temporary folder:
/// `secret.yaml` beside the suite's folder, `suite/` holding the suite and the files it includes.
struct SuiteIncludeTests {
    /// Appears in every file a suite must not quote; no message may contain it.
    static let marker = "MARKER-7f3a9c-DO-NOT-ECHO"

    let root = TemporaryDirectory("llmbench-include")

    init() throws {
        root.write("secret.yaml", "version: 1\nproviders: [{id: \(Self.marker), plugin: mock, model: m}]\n")
        root.write("suite/shared.yaml", "version: 1\nproviders: [{id: shared, plugin: mock, model: m}]\n")
        root.write("suite/sub/tests.yaml", "version: 1\ntests: [{name: from-sub, prompt: p}]\n")
        // Lines like /etc/shadow's, which YAML reads as a mapping's keys.
        root.write("suite/accounts.txt", "\(Self.marker):*:20228:0:99999:7::\nother:*:20228:0:99999:7::\n")
        root.write("suite/environ", "API_KEY=\(Self.marker)\u{0}PATH=/bin\u{0}")
        try Data([0x76, 0xFF, 0xFE] + Array("ersion: 1 # \(Self.marker)\n".utf8)).write(to: URL(fileURLWithPath: root.file("suite/latin1.yaml")))
        root.write("suite/big.yaml", "version: 1\n# \(Self.marker)\n" + String(repeating: "# padding padding padding\n", count: 170_000))
        try FileManager.default.createSymbolicLink(atPath: root.file("suite/link.yaml"), withDestinationPath: "../secret.yaml")
    }

    /// Loads a suite in `suite/` whose only include (line 4, column 5) is `include`.
    func load(including include: String) throws(LLMBenchErrors) -> Suite {
        try UserFiles.loadSuite(writeSuite(including: include))
    }

    func writeSuite(including include: String) -> String {
        root.write("suite/suite.yaml", """
            version: 1
            name: inc
            include:
              - \(include)
            providers: [{id: own, plugin: mock, model: m}]
            tests: [{name: own, prompt: p}]
            """)
    }

    /// The one problem loading gave, checked for place and for the marker in every message.
    func refusal(including include: String) throws -> LLMBenchError {
        let errors = try #require(throws: LLMBenchErrors.self, "the include was accepted") { try load(including: include) }
        #expect(!errors.description.contains(Self.marker), "a message quotes the refused file")
        #expect(errors.errors.count == 1, "\(errors)")
        let error = try #require(errors.errors.first)
        #expect(error.location == SourceLocation(file: root.file("suite/suite.yaml"), line: 4, column: 5))
        #expect(error.message.hasPrefix("cannot include '\(include)': "))
        return error
    }

    @Test func includesInsideTheSuitesFolderStillWork() throws {
        let suite = try load(including: "sub/tests.yaml")
        #expect(suite.tests.map(\.name) == ["from-sub", "own"])
        // Out and back in again is inside.
        #expect(try load(including: "../suite/shared.yaml").providers.map(\.id) == ["shared", "own"])
        #expect(try load(including: root.file("suite/shared.yaml")).providers.map(\.id) == ["shared", "own"])
    }

    @Test func anAbsolutePathOutsideTheFolderIsRefused() throws {
        let error = try refusal(including: root.file("secret.yaml"))
        #expect(error.message.contains("is outside the suite's folder \(root.file("suite"))"))
        #expect(error.message.contains("a suite may include only files in its folder or below it"))
    }

    @Test func aDotDotEscapeIsRefused() throws {
        let error = try refusal(including: "../secret.yaml")
        #expect(error.message.contains("is outside the suite's folder"))
        _ = try refusal(including: "sub/../../secret.yaml")
    }

    @Test func aSymbolicLinkLeadingOutsideIsRefused() throws {
        let error = try refusal(including: "link.yaml")
        #expect(error.message.contains("leads outside the suite's folder"))
        #expect(error.message.contains("symbolic link"))
    }

    @Test(arguments: [
        ("accounts.txt", "it is not a suite file"), // a mapping, but without 'version'
        ("environ", "it is not a suite file"), // NUL bytes: not even YAML
        ("latin1.yaml", "it is not UTF-8 text"),
        ("big.yaml", "it is larger than 4 MiB"),
        ("sub", "it is not a regular file"),
        ("missing.yaml", "no such file"),
    ])
    func aFileThatIsNotASuiteIsRefusedWithoutQuotingIt(file: String, reason: String) throws {
        let error = try refusal(including: file)
        #expect(error.message.contains(reason), "\(error.message)")
    }
}
