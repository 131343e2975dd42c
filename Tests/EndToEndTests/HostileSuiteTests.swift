import Foundation
import LLMBenchTestSupport
import Testing

/// `llmbench validate` on suites written to hurt (issue 7): what the user waits for and reads.
struct HostileSuiteTests {
    @Test func anAliasBombIsRefusedPromptly() throws {
        let dir = TemporaryDirectory()
        let suite = dir.write("bomb.yaml", HostileYAML.bombInOptions(levels: 9))
        let clock = ContinuousClock()
        let start = clock.now
        let result = try CLI().run(["validate", suite])
        // Before the fix it had not finished after 60 s (10^9 nodes to walk); the bound is generous for load.
        #expect(clock.now - start < .seconds(10))
        #expect(result.status == 2)
        #expect(result.stderr.contains("bomb.yaml:10:16: error: YAML aliases (*a0) are not supported in a suite; write the value out"))
    }

    @Test func aDuplicateKeyInAHugeSuiteGivesShortOutput() throws {
        let dir = TemporaryDirectory()
        let suite = dir.write("big.yaml", HostileYAML.hugeSuiteWithADuplicate(bytes: 5_000_000))
        let result = try CLI().run(["validate", suite])
        #expect(result.status == 2)
        #expect(result.stderr.contains("big.yaml:3:1: error: duplicate key 'name' (first at line 2)"))
        // Was 5.2 MB: the whole file as context.
        #expect(result.stderr.utf8.count < 10_000)
    }
}
