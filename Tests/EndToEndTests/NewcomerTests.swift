import Foundation
import LLMBenchCore
import LLMBenchTestSupport
import Testing

/// A newcomer's first commands: `init`, the install scripts, shell completions.
struct InitCommandTests {
    @Test func writesAStarterSuiteThatValidatesAndRunsOffline() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let target = dir.file("new/project")
        let result = try cli.run(["init", target])
        #expect(result.status == 0, "\(result.stderr)")
        let path = target + "/llmbench.yaml"
        #expect(result.stdout.contains("run it:\n  \(TestPaths.llmbench) run \(path)"))
        let text = try String(contentsOfFile: path, encoding: .utf8)
        let suite = try SuiteParser { _, _ in throw LLMBenchError(.invalidFile, "no includes") }.parse(text, path: path)
        #expect(suite.providers.map(\.plugin) == ["mock"], "no key is set: only the Mock runs")
        #expect(Set(suite.tests.compactMap(\.category)).count >= 4)
        #expect(Dictionary(grouping: suite.tests, by: \.category).values.allSatisfy { $0.count >= 2 })
        for api in ["openai", "anthropic", "gemini"] { #expect(text.contains("#   plugin: \(api)"), "\(api) is offered, commented out") }
        #expect(text.split(separator: "\n").filter { $0.hasPrefix("#") || $0.contains("  # ") }.count >= 10, "the file explains itself")

        #expect(try cli.run(["validate", path]).status == 0)
        let run = try cli.run(["run", path, "--store", dir.file("s.sqlite"), "--json", dir.file("r.json")])
        #expect(run.status == 0, "every starter test passes on the Mock: \(run.stderr)")
        #expect(!run.stderr.contains("no price"))
        let results = try JSONValue.parse(try String(contentsOfFile: dir.file("r.json"), encoding: .utf8))["results"]?.arrayValue ?? []
        #expect(results.count == suite.tests.count)
    }

    @Test func turnsOnEachAPIWhoseKeyIsSetAndNeverWritesTheKey() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let secret = "sk-init-\(UUID().uuidString)"
        let result = try cli.run(["init", dir.path], env: ["OPENAI_API_KEY": secret, "GEMINI_API_KEY": secret])
        #expect(result.status == 0)
        let path = dir.file("llmbench.yaml")
        let text = try String(contentsOfFile: path, encoding: .utf8)
        #expect(!text.contains(secret))
        let suite = try SuiteParser { _, _ in throw LLMBenchError(.invalidFile, "no includes") }.parse(text, path: path)
        #expect(suite.providers.map(\.plugin) == ["mock", "openai", "gemini"])
        #expect(suite.providers.map(\.apiKeyEnv) == [nil, "OPENAI_API_KEY", "GEMINI_API_KEY"])
        #expect(text.contains("#   plugin: anthropic"))
        #expect(result.stdout.contains("not set: ANTHROPIC_API_KEY"))
        #expect(try cli.run(["validate", path]).status == 0)
    }

    @Test func refusesToOverwriteAnExistingFile() throws {
        let cli = CLI()
        let dir = TemporaryDirectory()
        let mine = dir.write("llmbench.yaml", "version: 1\n# my own suite\n")
        let result = try cli.run(["init", dir.path])
        #expect(result.status == 2)
        #expect(result.stderr.contains("already exists"))
        #expect(try String(contentsOfFile: mine, encoding: .utf8) == "version: 1\n# my own suite\n")
    }
}

/// scripts/install.sh into a temporary prefix, then llmbench used from another folder, then
/// scripts/uninstall.sh. It installs the products of this build (`--from`), so the test costs no
/// release build; the release build itself is what the quickstart runs.
struct InstallTests {
    @Test func installsIntoAPrefixRunsFromAnyFolderAndUninstalls() throws {
        let root = TemporaryDirectory("llmbench-install")
        let prefix = root.file("prefix")
        let install = try Shell.run("/bin/bash", [TestPaths.repo("scripts/install.sh"), "--from", TestPaths.buildDir, prefix])
        #expect(install.status == 0, "\(install.stderr)")
        let llmbench = prefix + "/bin/llmbench"
        #expect(FileManager.default.isExecutableFile(atPath: llmbench))

        // Another folder, a fresh HOME, and nothing of the checkout on any path.
        let elsewhere = root.subdirectory("work")
        var env = CLI().environment
        env["HOME"] = root.subdirectory("home")
        env["PATH"] = "/usr/bin:/bin"
        func run(_ arguments: [String]) throws -> ProcessResult {
            try Shell.run(llmbench, arguments, environment: env, directory: elsewhere)
        }
        let plugins = try JSONValue.parse(try run(["plugins", "--json"]).stdout)
        let found = plugins["plugins"]?.arrayValue ?? []
        #expect(Set(found.compactMap { $0["id"]?.stringValue }) == ["mock", "openai", "anthropic", "gemini", "exact_match", "bleu", "embedding_cosine", "junit_xml"])
        #expect(found.allSatisfy { $0["path"]?.stringValue?.hasPrefix(prefix + "/lib/llmbench/") == true })

        let scorers = try JSONValue.parse(try run(["plugins", "--kind", "scorer", "--json"]).stdout)["plugins"]?.arrayValue ?? []
        #expect(scorers.first { $0["id"] == "bleu" }?["options"]?["tokenize"] != nil, "the installed manifests give the options")
        let list = try run(["pricing", "list", "--plugin", "mock"])
        #expect(list.stdout.contains("\(prefix)/share/llmbench/pricing/mock.yaml"))
        #expect(!list.stdout.contains(TestPaths.repoRoot))

        let suite = elsewhere + "/quickstart.yaml"
        try FileManager.default.copyItem(atPath: prefix + "/share/llmbench/suites/quickstart.yaml", toPath: suite)
        #expect(FileManager.default.fileExists(atPath: prefix + "/share/llmbench/suites/starter/tests.yaml"), "starter.yaml's include is installed beside it")
        let quick = try run(["run", "quickstart.yaml", "--json", "r.json", "--fail-on", "never"])
        #expect(quick.status == 0, "\(quick.stderr)")
        #expect(!quick.stderr.contains("no price"))
        let json = try JSONValue.parse(try String(contentsOfFile: elsewhere + "/r.json", encoding: .utf8))
        #expect(json["run"]?["price_snapshot"]?["entries"]?.arrayValue?.allSatisfy { $0["file"]?.stringValue?.hasPrefix(prefix) == true } == true)
        #expect(FileManager.default.fileExists(atPath: env["HOME"]! + "/.llmbench/results.sqlite"), "the default store is in HOME")

        // Uninstall removes what install wrote and nothing else.
        let own = prefix + "/lib/llmbench/my-plugin/plugin.json"
        try FileManager.default.createDirectory(atPath: (own as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try "{}".write(toFile: own, atomically: true, encoding: .utf8)
        let uninstall = try Shell.run("/bin/bash", [TestPaths.repo("scripts/uninstall.sh"), prefix])
        #expect(uninstall.status == 0, "\(uninstall.stderr)")
        let left = FileManager.default.enumerator(atPath: prefix)?.allObjects.compactMap { $0 as? String }
            .filter { !Self.isDirectory(prefix + "/" + $0) } ?? []
        #expect(left == ["lib/llmbench/my-plugin/plugin.json"])
        #expect(try Shell.run("/bin/bash", [TestPaths.repo("scripts/uninstall.sh"), prefix]).status == 1, "nothing left to uninstall")
    }

    static func isDirectory(_ path: String) -> Bool {
        var isDir: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
    }
}

/// The completion scripts the argument parser generates, run in each shell. scripts/test.sh installs
/// zsh and fish (scripts/setup.sh --tests).
struct CompletionTests {
    static func script(_ shell: String) throws -> String {
        let result = try Shell.run(TestPaths.llmbench, ["--generate-completion-script", shell])
        #expect(result.status == 0)
        return result.stdout
    }

    static func shell(_ name: String) -> String? {
        guard let path = Shell.which(name) else {
            Issue.record("\(name) is not installed; scripts/setup.sh --tests installs it")
            return nil
        }
        return path
    }

    @Test func bashCompletesCommandsSubcommandsAndChoices() throws {
        guard let bash = Self.shell("bash") else { return }
        let dir = TemporaryDirectory()
        let file = dir.write("llmbench.bash", try Self.script("bash"))
        func complete(_ words: [String]) throws -> [String] {
            let line = words.joined(separator: " ")
            let quoted = words.map { "'\($0)'" }.joined(separator: " ")
            let program = """
                source '\(file)'
                COMP_LINE='\(line)'; COMP_POINT=${#COMP_LINE}; COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1)
                _llmbench llmbench '\(words.last!)' '\(words[words.count - 2])'
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let result = try Shell.run(bash, ["-c", program])
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.split(separator: "\n").map(String.init)
        }
        #expect(try complete(["llmbench", "pri"]) == ["pricing"])
        #expect(try complete(["llmbench", "i"]) == ["init"])
        #expect(try Set(complete(["llmbench", "pricing", ""])).isSuperset(of: ["list", "show"]))
        #expect(try complete(["llmbench", "run", "--fail-on", ""]) == ["never", "error", "threshold"])
    }

    @Test func fishCompletesCommandsSubcommandsAndChoices() throws {
        guard let fish = Self.shell("fish") else { return }
        let dir = TemporaryDirectory()
        let file = dir.write("llmbench.fish", try Self.script("fish"))
        func complete(_ line: String) throws -> [String] {
            let result = try Shell.run(fish, ["--no-config", "-c", "source '\(file)'; complete -C '\(line)'"])
            #expect(result.status == 0, "\(result.stderr)")
            return result.stdout.split(separator: "\n").map { String($0.split(separator: "\t").first ?? "") }
        }
        #expect(try complete("llmbench pri") == ["pricing"])
        #expect(try Set(complete("llmbench pricing ")) == ["list", "show"])
        #expect(try complete("llmbench run --fail-on ") == ["never", "error", "threshold"])
    }

    @Test func zshLoadsTheCompletionFunction() throws {
        guard let zsh = Self.shell("zsh") else { return }
        let dir = TemporaryDirectory()
        let text = try Self.script("zsh")
        dir.write("_llmbench", text)
        #expect(try Shell.run(zsh, ["-n", dir.file("_llmbench")]).status == 0, "the script parses")
        let loaded = try Shell.run(zsh, ["-f", "-c", "fpath=(\(dir.path) $fpath); autoload -Uz compinit; compinit -u -d \(dir.file("zcompdump")); whence -w _llmbench"])
        #expect(loaded.stdout.contains("_llmbench: function"), "\(loaded.stdout)\(loaded.stderr)")
        for command in ["run", "report", "plugins", "pricing", "init", "score", "validate"] {
            #expect(text.contains("'\(command):"), "zsh offers \(command)")
        }
    }
}
