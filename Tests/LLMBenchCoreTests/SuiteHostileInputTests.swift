import LLMBenchCore
import LLMBenchTestSupport
import Testing

/// Suites written to hurt (issue 7): alias bombs, duplicate keys in huge files, deep nesting.
/// An extension of SuiteParserTests for its `parse` and `problems` helpers.
extension SuiteParserTests {
    static let aliasMessage = "YAML aliases (*a0) are not supported in a suite; write the value out"

    @Test(arguments: [7, 9]) func anAliasBombInOptionsIsRefusedBeforeAnythingIsComposed(levels: Int) {
        let clock = ContinuousClock()
        let start = clock.now
        let found = problems(HostileYAML.bombInOptions(levels: levels))
        let elapsed = clock.now - start
        // Line 9 is `x0: &a0 lol`; line 10 `x1: &a1 [*a0, …`, its first alias at column 16.
        #expect(found.contains { $0.location == SourceLocation(file: "suite.yaml", line: 10, column: 16) && $0.message == Self.aliasMessage })
        #expect(found.contains { $0.location == SourceLocation(file: "suite.yaml", line: 9, column: 11) && $0.message.contains("anchors (&a0)") })
        #expect(!found.contains { $0.code == .unknownKey }, "the file was composed")
        // 10 aliases a line after x0, each reported (up to the cap), never a walk of the expansion.
        #expect(found.count <= 51)
        #expect(elapsed < .seconds(2), "took \(elapsed)")
    }

    @Test func theProblemsOfOneFileAreCappedAndTheRestCounted() {
        // 9 levels: 10 anchors and 90 aliases, of which the first 50 are listed.
        let found = problems(HostileYAML.bombInOptions(levels: 9))
        #expect(found.count == 51)
        #expect(found.last?.message.contains("50 more") == true)
    }

    @Test func anAliasAtTopLevelIsRefusedAtItsPlace() {
        let text = "version: 1\nname: &n demo\ndescription: *n\nproviders: [{id: a, plugin: mock, model: m}]\ntests: [{name: t, prompt: p}]\n"
        let found = problems(text)
        #expect(found.map(\.location) == [SourceLocation(file: "suite.yaml", line: 2, column: 7), SourceLocation(file: "suite.yaml", line: 3, column: 14)])
        #expect(found.last?.message == "YAML aliases (*n) are not supported in a suite; write the value out")
    }

    @Test func anAliasInATestsExpectedIsRefused() {
        let text = """
            version: 1
            name: s
            providers: [{id: a, plugin: mock, model: m}]
            tests:
              - name: t
                prompt: &q What is 2+2?
                expected: *q
            """
        let found = problems(text)
        #expect(found.contains { $0.location == SourceLocation(file: "suite.yaml", line: 7, column: 15) && $0.message.contains("aliases (*q)") })
        #expect(found.allSatisfy { $0.code == .invalidValue })
    }

    @Test func anAliasInAnIncludedFileIsRefusedInThatFile() {
        let shared = "version: 1\nproviders:\n  - {id: s, plugin: mock, model: &m m}\n  - {id: t, plugin: mock, model: *m}\n"
        let text = "version: 1\nname: inc\ninclude: [shared.yaml]\ntests:\n  - {name: t, prompt: p}\n"
        let found = problems(text, includes: ["shared.yaml": shared])
        #expect(found.contains { $0.location == SourceLocation(file: "shared.yaml", line: 4, column: 34) && $0.message.contains("aliases (*m)") })
    }

    @Test func everyDuplicateKeyIsReportedAtItsOwnPlaceNamingTheFirst() {
        let text = """
            version: 1
            name: a
            providers:
              - id: p
                plugin: mock
                model: m
                id: q
            tests:
              - name: t
                prompt: p
                prompt: q
                expected: x
            name: b
            """
        let found = problems(text)
        #expect(found.map(\.location) == [7, 11, 13].map { SourceLocation(file: "suite.yaml", line: $0, column: $0 == 13 ? 1 : 5) })
        #expect(found.allSatisfy { $0.code == .duplicate })
        #expect(found.map(\.message) == [
            #"duplicate key 'id' (first at line 4); a key may appear once in a mapping. Line 7: "id: q""#,
            #"duplicate key 'prompt' (first at line 10); a key may appear once in a mapping. Line 11: "prompt: q""#,
            #"duplicate key 'name' (first at line 2); a key may appear once in a mapping. Line 13: "name: b""#,
        ])
    }

    @Test func aDuplicateKeyInAHugeSuiteGivesAShortMessage() {
        let found = problems(HostileYAML.hugeSuiteWithADuplicate(bytes: 5_000_000))
        #expect(found.count == 1)
        #expect(found.first?.location == SourceLocation(file: "suite.yaml", line: 3, column: 1))
        #expect(LLMBenchErrors(found).description.utf8.count < 1_000)
    }

    @Test func theContextOfALongLineIsClippedAroundTheKey() {
        let filler = (0..<400).map { "k\($0): \($0)" }.joined(separator: ", ")
        let found = problems("version: 1\nname: s\noptions: {\(filler), k7: again}\n")
        let duplicate = found.first { $0.code == .duplicate }
        #expect(duplicate?.message.contains("k7: again") == true)
        #expect((duplicate?.message.count ?? .max) < 250)
        #expect(duplicate?.message.contains("\n") == false)
    }

    @Test func manyDuplicatesAtTheEndOfAHugeLineAreQuotedInOnePass() {
        let unique = (0..<150_000).map { "k\($0): 0" }.joined(separator: ", ")
        let repeated = Array(repeating: "k1: 1", count: 60).joined(separator: ", ")
        let clock = ContinuousClock()
        let start = clock.now
        let found = problems("version: 1\nname: s\noptions: {\(unique), \(repeated)}\n")
        #expect(clock.now - start < .seconds(5))
        #expect(found.count == 51)
        #expect(found.dropLast().allSatisfy { $0.code == .duplicate && $0.message.contains("k1: 1") && $0.message.count < 250 })
        #expect(LLMBenchErrors(found).description.utf8.count < 15_000)
    }

    @Test func keysThatAreNotScalarsAndDeepNestingAreRefusedUnread() {
        let complex = problems("version: 1\nname: s\n? [a, b]\n: c\n")
        #expect(complex.contains { $0.location == SourceLocation(file: "suite.yaml", line: 3, column: 3) && $0.message.contains("found a list") })
        let deep = problems("version: 1\nname: s\nx: " + String(repeating: "[", count: 200) + String(repeating: "]", count: 200) + "\n")
        #expect(deep.count == 1)
        #expect(deep.first?.message.contains("nesting deeper than") == true)
        #expect(deep.first?.location?.line == 3)
    }

    @Test func aControlCharacterIsASyntaxErrorAtItsPlaceWithoutQuotingTheLine() {
        let found = problems("version: 1\nname: \u{e9}t\u{e9} secret\u{0}\n")
        #expect(found.map(\.location) == [SourceLocation(file: "suite.yaml", line: 2, column: 17)])
        #expect(found.first?.message == "YAML syntax: control characters are not allowed")
    }

    @Test func anEmptyFileSaysWhatWasExpected() {
        for text in ["", "# nothing\n"] {
            let found = problems(text)
            #expect(found.count == 1, "\(text.debugDescription)")
            #expect(found.first?.message.contains("version: 1") == true)
        }
    }
}
