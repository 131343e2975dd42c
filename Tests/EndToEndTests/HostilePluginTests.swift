import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Testing

/// Plugins that crash, hang or exit, through the real `llmbench`: it refuses them and goes on, and a
/// plugin's exit() during a run can never look like success.
struct HostilePluginTests {
    static func fixture(_ flags: [String], in dir: TemporaryDirectory) throws -> String {
        let folder = dir.subdirectory("plugins")
        try CCompiler.sharedLibrary(sources: [TestPaths.repo("Tests/PluginTests/Fixtures/configurable_plugin.c")],
                                    output: folder + "/libhostile.so", flags: flags)
        return folder
    }

    static let suite = """
        version: 1
        name: hostile
        providers:
          - {id: p, plugin: mock, model: m}
        tests:
          - {name: t1, prompt: p, expected: x, scorers: [fixture]}
          - {name: t2, prompt: p, expected: x, scorers: [fixture]}
        """

    @Test(arguments: ["CRASH_IN_ENTRY", "ABORT_IN_ENTRY", "EXIT_IN_CONSTRUCTOR", "HANG_IN_ENTRY"])
    func everyCommandSurvivesAHarmfulLibrary(flag: String) throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let plugins = try Self.fixture(["-D\(flag)"], in: dir)
        let env = ["LLMBENCH_PLUGIN_PROBE_TIMEOUT_MS": "500"]
        let listed = try cli.run(["plugins", "--plugins", plugins], env: env)
        #expect(listed.status == 0, "\(listed.stderr)")
        #expect(listed.stdout.contains("Refused:") && listed.stdout.contains("libhostile.so"))
        #expect(listed.stdout.contains("mock "), "the other plugins are listed")
        let suite = dir.write("s.yaml", Self.suite.replacingOccurrences(of: "scorers: [fixture]", with: "scorers: [exact_match]"))
        #expect(try cli.run(["validate", suite, "--plugins", plugins], env: env).status == 0)
        #expect(try cli.run(["run", suite, "--plugins", plugins, "--store", dir.file("s.sqlite"), "--fail-on", "never"], env: env).status == 0)
    }

    /// A suite naming a plugin whose folder was refused says it was refused and why, not that no
    /// such plugin exists: for a library of another ABI, and for a plugin.json whose `kind` is not
    /// the library's.
    @Test(arguments: [
        (["-DABI_MAJOR_VALUE=2"], "scorer", "ABI 2.0"),
        ([], "provider", "plugin.json says kind 'provider' but the library is a scorer"),
    ])
    func aSuiteNamingARefusedPluginIsToldWhy(flags: [String], kind: String, reason: String) throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let plugins = dir.subdirectory("plugins")
        let folder = dir.subdirectory("plugins/fixture")
        try CCompiler.sharedLibrary(sources: [TestPaths.repo("Tests/PluginTests/Fixtures/configurable_plugin.c")],
                                    output: folder + "/libfixture.so", flags: flags)
        dir.write("plugins/fixture/plugin.json", #"{"id": "fixture", "kind": "\#(kind)", "library": "libfixture.so"}"#)
        let suite = dir.write("s.yaml", Self.suite)
        for command in [["validate", suite], ["run", suite, "--store", dir.file("s.sqlite")]] {
            let result = try cli.run(command + ["--plugins", plugins])
            #expect(result.status == 2)
            #expect(result.stderr.contains("plugin 'fixture' was refused: ") && result.stderr.contains(reason), "\(result.stderr)")
            #expect(!result.stderr.contains("unknown scorer 'fixture'"))
        }
    }

    @Test func aPluginThatCallsExitDuringARunCannotEndItWithSuccess() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let plugins = try Self.fixture(["-DEXIT_IN_SCORE"], in: dir)
        let suite = dir.write("s.yaml", Self.suite)
        let store = dir.file("s.sqlite")
        let result = try cli.run(["run", suite, "--plugins", plugins, "--store", store, "--concurrency", "1"])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("a plugin ended the process with exit()"))
        let run = try #require(try JSONValue.parse(try cli.run(["runs", "--json", "--store", store]).stdout).arrayValue?.first)
        #expect(run["status"] == "aborted")
        #expect(run["status_reason"]?.stringValue?.contains("exit()") == true)
        let junit = try cli.run(["report", "--last", "--format", "junit", "--store", store]).stdout
        #expect(junit.contains(#"type="not_run""#), "CI sees the requests that never finished")
    }
}
