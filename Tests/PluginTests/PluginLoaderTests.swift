import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchTestSupport
import Testing

/// Builds the fixture plugin with the given -D flags into `dir`.
func buildFixture(_ name: String, in dir: String, flags: [String] = []) throws -> String {
    let output = (dir as NSString).appendingPathComponent("lib\(name).so")
    try CCompiler.sharedLibrary(sources: [TestPaths.repo("Tests/PluginTests/Fixtures/configurable_plugin.c")], output: output, flags: flags)
    return output
}

/// realpath(3) of a path, as the tests expect the catalog to show it.
func realpathOf(_ path: String) -> String? {
    guard let resolved = realpath(path, nil) else { return nil }
    defer { free(resolved) }
    return String(cString: resolved)
}

func builtInCatalog(extra: [String] = []) -> PluginCatalog {
    let catalog = PluginCatalog()
    catalog.loadAll(from: extra + [TestPaths.buildDir])
    return catalog
}

struct PluginLoaderTests {
    @Test func loadsTheBuiltInPluginsWithTheirKindsAndCapabilities() throws {
        let catalog = builtInCatalog()
        let mock = try #require(catalog.plugin(id: "mock"))
        #expect(mock.kind == .provider)
        #expect(mock.isSimulated)
        #expect(mock.capabilityNames.contains("embeddings"))
        let exact = try #require(catalog.plugin(id: "exact_match"))
        #expect(exact.kind == .scorer)
        #expect(exact.abiMajor == 1)
    }

    @Test func refusesAnotherABIMajorNamingBothVersionsAndTheFile() throws {
        let dir = TemporaryDirectory()
        let path = try buildFixture("abi2", in: dir.path, flags: ["-DABI_MAJOR_VALUE=2"])
        let catalog = PluginCatalog()
        #expect(catalog.load(path: path) == nil)
        let reason = try #require(catalog.refused.first?.reason)
        #expect(reason.contains("ABI 2.0") && reason.contains("this llmbench's ABI 1.") && reason.contains(path))
    }

    @Test func refusesATableSmallerThanTheABIPromises() throws {
        let dir = TemporaryDirectory()
        let path = try buildFixture("small", in: dir.path, flags: ["-DSTRUCT_SIZE_VALUE=16"])
        let catalog = PluginCatalog()
        #expect(catalog.load(path: path) == nil)
        #expect(catalog.refused.first?.reason.contains("16 bytes") == true)
    }

    @Test func refusesATableOneFieldShortOfABI10() throws {
        let dir = TemporaryDirectory()
        let path = try buildFixture("short", in: dir.path, flags: ["-DSTRUCT_SIZE_VALUE=(LLMBENCH_PLUGIN_SIZE_1_0-8)"])
        let catalog = PluginCatalog()
        #expect(catalog.load(path: path) == nil)
        #expect(catalog.refused.first?.reason.contains("80 bytes, smaller than ABI 1.0's 88") == true, "\(catalog.refused)")
    }

    /// A plugin built against ABI 1.0 or 1.1 has a table that ends after `score`: it loads, scores,
    /// and the fields 1.2 appended read as absent, even where the memory past its table is not NULL.
    @Test(arguments: [0, 1])
    func loadsAnOlderTableAndReadsTheFieldsPastItAsAbsent(minor: Int) throws {
        let dir = TemporaryDirectory()
        let path = try buildFixture("old\(minor)", in: dir.path,
                                    flags: ["-DSTRUCT_SIZE_VALUE=LLMBENCH_PLUGIN_SIZE_1_0", "-DABI_MINOR_VALUE=\(minor)", "-DWITH_AGGREGATE"])
        let catalog = PluginCatalog()
        let plugin = try #require(catalog.load(path: path), "\(catalog.refused)")
        #expect(plugin.abiMinor == UInt32(minor))
        #expect(!plugin.hasAggregate)
        let instance = try PluginInstance(plugin: plugin, configJSON: "{}")
        let spec = ScorerSpec(scorer: "fixture")
        #expect(ScorerCall.evaluate(instance, spec: spec, output: "x", expected: ["y"], testName: "t").value == 0.5)
        #expect(ScorerCall.aggregate(instance, spec: spec, details: [.object([:])]) == nil)
    }

    @Test func aScorerWithoutAggregateHasNoGroupFigure() throws {
        let dir = TemporaryDirectory()
        let plugin = try #require(PluginCatalog().load(path: try buildFixture("fixture", in: dir.path)))
        #expect(!plugin.hasAggregate && !plugin.capabilityNames.contains("aggregate"))
        let instance = try PluginInstance(plugin: plugin, configJSON: "{}")
        #expect(ScorerCall.aggregate(instance, spec: ScorerSpec(scorer: "fixture"), details: []) == nil)
    }

    @Test func aggregateReceivesEachResultsDetailsAndTheOptions() throws {
        let dir = TemporaryDirectory()
        let plugin = try #require(PluginCatalog().load(path: try buildFixture("agg", in: dir.path, flags: ["-DWITH_AGGREGATE"])))
        #expect(plugin.hasAggregate && plugin.capabilityNames.contains("aggregate"))
        let instance = try PluginInstance(plugin: plugin, configJSON: "{}")
        let details: [JSONValue] = [.object(["stats": [1, 2]]), .object(["stats": [3, 4]])]
        let spec = ScorerSpec(scorer: "fixture", threshold: 0.8, options: ["k": "v"])
        let outcome = try #require(ScorerCall.aggregate(instance, spec: spec, details: details))
        #expect(outcome.value == 0.75 && !outcome.passed && outcome.explanation == "aggregate")
        #expect(outcome.details["request"]?["items"] == .array(details))
        #expect(outcome.details["request"]?["options"] == .object(["k": "v"]))
        #expect(ScorerCall.aggregate(instance, spec: ScorerSpec(scorer: "fixture"), details: details)?.passed == false, "below 1 without a threshold")
    }

    @Test func refusesALibraryWithoutTheEntrySymbol() throws {
        let dir = TemporaryDirectory()
        let path = try buildFixture("noentry", in: dir.path, flags: ["-DNO_ENTRY"])
        let catalog = PluginCatalog()
        #expect(catalog.load(path: path) == nil)
        #expect(catalog.refused.first?.reason.contains("no exported 'llmbench_plugin_entry'") == true)
    }

    @Test func refusesAFileThatIsNotASharedLibrary() {
        let dir = TemporaryDirectory()
        let path = dir.write("libjunk.so", "not an ELF file")
        let catalog = PluginCatalog()
        #expect(catalog.load(path: path) == nil)
        #expect(catalog.refused.first?.reason.hasPrefix("not a loadable shared library") == true)
    }

    @Test func refusesAnUnknownKind() throws {
        let dir = TemporaryDirectory()
        let path = try buildFixture("kind7", in: dir.path, flags: ["-DKIND_VALUE=7"])
        let catalog = PluginCatalog()
        #expect(catalog.load(path: path) == nil)
        #expect(catalog.refused.first?.reason.contains("unknown plugin kind 7") == true)
    }

    @Test func refusesADuplicateIDAndKeepsTheFirst() throws {
        let dir = TemporaryDirectory()
        _ = try buildFixture("dupmock", in: dir.path, flags: [#"-DPLUGIN_ID_VALUE="mock""#])
        let catalog = builtInCatalog()
        catalog.loadAll(from: [dir.path])
        #expect(catalog.plugin(id: "mock")?.kind == .provider)
        let refusal = try #require(catalog.refused.first { $0.path.hasSuffix("libdupmock.so") })
        #expect(refusal.reason.contains("duplicate plugin id 'mock'"))
    }

    @Test func loadsTheSameFileOnceThroughALink() throws {
        let dir = TemporaryDirectory()
        let path = try buildFixture("fixture", in: dir.path)
        try FileManager.default.createSymbolicLink(atPath: dir.file("libalias.so"), withDestinationPath: path)
        let catalog = PluginCatalog()
        catalog.loadAll(from: [dir.path])
        #expect(catalog.plugins.count == 1)
        #expect(catalog.refused.isEmpty)
    }

    /// `--plugins plugins --plugins $PWD/plugins`, or a folder reached through a link: one folder,
    /// so one plugin, not a refused duplicate of itself; the path shown is the real one.
    @Test func loadsAFolderOnceHoweverItsPathIsSpelled() throws {
        let dir = TemporaryDirectory()
        let folder = dir.subdirectory("plugins")
        _ = try buildFixture("fixture", in: folder)
        try FileManager.default.createSymbolicLink(atPath: dir.file("linked"), withDestinationPath: folder)
        let cwd = FileManager.default.currentDirectoryPath
        let relative = String(repeating: "../", count: cwd.split(separator: "/").count) + folder.dropFirst()
        let catalog = PluginCatalog()
        catalog.loadAll(from: [relative, folder, dir.file("linked"), dir.file("linked/./")])
        #expect(catalog.refused.isEmpty, "\(catalog.refused)")
        #expect(catalog.plugins.map(\.path) == [try #require(realpathOf(folder)) + "/libfixture.so"])
    }

    /// A plugin's options are read from its folder's plugin.json, or, for a library outside a
    /// folder, from `libX.json` beside `libX.so` (how install.sh ships the built-ins').
    @Test func readsTheOptionsOfAPluginFromItsManifest() throws {
        let dir = TemporaryDirectory()
        let folder = dir.subdirectory("plugins/thing")
        _ = try buildFixture("fixture", in: folder)
        dir.write("plugins/thing/plugin.json", #"{"id": "fixture", "kind": "scorer", "library": "libfixture.so", "description": "d", "options": {"b": "second", "a": "first"}}"#)
        let loose = dir.subdirectory("loose")
        _ = try buildFixture("loose", in: loose, flags: [#"-DPLUGIN_ID_VALUE="loose""#])
        dir.write("loose/libloose.json", #"{"id": "loose", "kind": "scorer", "options": {"n": "a number"}}"#)
        let catalog = PluginCatalog()
        catalog.loadAll(from: [dir.file("plugins"), loose])
        let fixture = try #require(catalog.plugin(id: "fixture")?.manifest, "\(catalog.refused)")
        #expect(fixture.description == "d" && fixture.options.map(\.name) == ["a", "b"] && fixture.options.map(\.text) == ["first", "second"])
        #expect(catalog.plugin(id: "loose")?.manifest?.options.map(\.name) == ["n"])
    }

    @Test func refusesAManifestWhoseIDDisagreesWithTheLibrary() throws {
        let dir = TemporaryDirectory()
        let folder = dir.subdirectory("plugins/thing")
        _ = try buildFixture("fixture", in: folder)
        dir.write("plugins/thing/plugin.json", #"{"id": "other", "kind": "scorer", "library": "libfixture.so"}"#)
        let catalog = PluginCatalog()
        catalog.loadAll(from: [dir.file("plugins")])
        #expect(catalog.plugins.isEmpty)
        #expect(catalog.refused.first?.reason.contains("plugin.json says id 'other'") == true)
    }

    @Test func aValidCFixtureScores() throws {
        let dir = TemporaryDirectory()
        let catalog = PluginCatalog()
        let plugin = try #require(catalog.load(path: try buildFixture("fixture", in: dir.path)))
        let instance = try PluginInstance(plugin: plugin, configJSON: "{}")
        let outcome = ScorerCall.evaluate(instance, spec: ScorerSpec(scorer: "fixture", threshold: 0.4), output: "x", expected: ["y"], testName: "t")
        #expect(outcome.value == 0.5)
        #expect(outcome.passed)
        #expect(outcome.explanation == "fixture")
    }

    @Test func builtInManifestsNameTheLibraryAndIDTheyShipWith() throws {
        for (folder, product) in [("Plugins/Mock", "LLMBenchMock"), ("Scorers/ExactMatch", "LLMBenchExactMatch")] {
            let manifest = try JSONValue.parse(try String(contentsOfFile: TestPaths.repo("\(folder)/plugin.json"), encoding: .utf8))
            #expect(manifest["library"]?.stringValue == "lib\(product).so")
            let catalog = PluginCatalog()
            let plugin = try #require(catalog.load(path: TestPaths.builtPlugin(product)))
            #expect(manifest["id"]?.stringValue == plugin.id)
            #expect(manifest["kind"]?.stringValue == plugin.kind.rawValue)
        }
    }
}
