// swift-tools-version:6.1
import PackageDescription

// Plugins are shared libraries loaded with dlopen; each is its own `.dynamic` product so that no
// Swift module is linked into both the engine and a plugin (see Docs/plugin-abi.md).
let package = Package(
    name: "LLMBench",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "llmbench", targets: ["llmbench"]),
        // Loads a plugin library in a process of its own before llmbench trusts it (Docs/security.md).
        .executable(name: "llmbench-plugin-probe", targets: ["llmbench-plugin-probe"]),
        .library(name: "LLMBenchMock", type: .dynamic, targets: ["MockProvider"]),
        .library(name: "LLMBenchExactMatch", type: .dynamic, targets: ["ExactMatchScorer"]),
        .library(name: "LLMBenchBLEU", type: .dynamic, targets: ["BLEUScorer"]),
        .library(name: "LLMBenchEmbeddingCosine", type: .dynamic, targets: ["EmbeddingCosineScorer"]),
        .library(name: "LLMBenchJUnitXML", type: .dynamic, targets: ["JUnitXMLScorer"]),
        .library(name: "LLMBenchOpenAI", type: .dynamic, targets: ["OpenAIProvider"]),
        .library(name: "LLMBenchAnthropic", type: .dynamic, targets: ["AnthropicProvider"]),
        .library(name: "LLMBenchGemini", type: .dynamic, targets: ["GeminiProvider"]),
        .library(name: "LLMBenchPluginKit", targets: ["LLMBenchPluginKit"]),
        .executable(name: "llmbench-fake-server", targets: ["llmbench-fake-server"]),
        // A scripted host for plugin authors' tests: drives a built plugin through the C ABI, no network.
        .library(name: "LLMBenchPluginTesting", targets: ["LLMBenchPluginTesting"]),
        // The dashboard server (issue 11): its own product, so that building the CLI never builds
        // Hummingbird. `llmbench serve` runs it when it was built beside llmbench.
        .executable(name: "llmbench-serve", targets: ["llmbench-serve"]),
        // The scorer template in Swift (Scorers/Examples/swift-keyword-recall); not installed.
        .library(name: "LLMBenchExampleKeywordRecall", type: .dynamic, targets: ["KeywordRecallExample"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.2.2"),
        // The dashboard only (LLMBenchServer); the CLI and the plugins never link it.
        .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    ],
    targets: [
        // The C boundary. Nothing else is shared between engine and plugins.
        .target(name: "CLLMBenchPluginABI"),
        .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),
        .systemLibrary(name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
        .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),

        // I/O-free model: suites, prices, results, statistics.
        .target(name: "LLMBenchCore", dependencies: ["CLLMBenchPluginABI", .product(name: "Yams", package: "Yams")], exclude: ["README.md"]),
        // Runtime: plugin host, runner, store.
        .target(name: "LLMBenchEngine", dependencies: ["LLMBenchCore", "CLLMBenchPluginABI", "CCurl", "CSQLite"], exclude: ["README.md"]),
        // Renderers.
        .target(name: "LLMBenchReports", dependencies: ["LLMBenchCore", "CLibXML2"], exclude: ["README.md"]),
        .executableTarget(
            name: "llmbench",
            dependencies: [
                "LLMBenchCore", "LLMBenchEngine", "LLMBenchReports",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            exclude: ["README.md"]
        ),

        // The dashboard: pages and a JSON API over the store, on Hummingbird.
        .target(name: "LLMBenchServer", dependencies: [
            "LLMBenchCore", "LLMBenchEngine", "LLMBenchReports", .product(name: "Hummingbird", package: "hummingbird"),
        ], exclude: ["README.md"]),
        .executableTarget(name: "llmbench-serve", dependencies: [
            "LLMBenchServer", "LLMBenchEngine", "LLMBenchCore", .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ], path: "Sources/llmbench-serve"),

        .executableTarget(name: "llmbench-plugin-probe", dependencies: ["CLLMBenchPluginABI"], path: "Sources/llmbench-plugin-probe"),

        // For plugin authors only; never linked by the engine.
        .target(name: "LLMBenchPluginKit", dependencies: ["CLLMBenchPluginABI"], exclude: ["README.md"]),
        .target(name: "MockProvider", dependencies: ["LLMBenchPluginKit"], path: "Plugins/Mock", exclude: ["plugin.json"]),
        .target(name: "OpenAIProvider", dependencies: ["LLMBenchPluginKit"], path: "Plugins/OpenAI", exclude: ["plugin.json"]),
        .target(name: "AnthropicProvider", dependencies: ["LLMBenchPluginKit"], path: "Plugins/Anthropic", exclude: ["plugin.json"]),
        .target(name: "GeminiProvider", dependencies: ["LLMBenchPluginKit"], path: "Plugins/Gemini", exclude: ["plugin.json"]),
        // Python's view of code points, for scorers that must agree with a Python reference; plugins only.
        .target(name: "PythonUnicode", exclude: ["README.md"]),
        .target(name: "ExactMatchScorer", dependencies: ["LLMBenchPluginKit", "PythonUnicode"], path: "Scorers/ExactMatch", exclude: ["plugin.json"]),
        // sacreBLEU's BLEU as a library; plugins and benchmarks only.
        .target(name: "SacreBLEU", dependencies: ["PythonUnicode"], exclude: ["README.md"]),
        .target(name: "BLEUScorer", dependencies: ["LLMBenchPluginKit", "SacreBLEU"], path: "Scorers/BLEU", exclude: ["plugin.json"]),
        // Stable cosine of embeddings, for scorers; plugins only.
        .target(name: "VectorSimilarity", exclude: ["README.md"]),
        .target(name: "EmbeddingCosineScorer", dependencies: ["LLMBenchPluginKit", "VectorSimilarity"], path: "Scorers/EmbeddingCosine",
                exclude: ["plugin.json"]),
        // Running generated code: namespaces, limits and capture in C (between fork and exec only
        // system calls may run); code extraction, workspaces and JUnit XML reading; plugins only.
        .target(name: "CProcessSandbox"),
        .target(name: "CodeGrading", dependencies: ["CProcessSandbox", "CLibXML2"], exclude: ["README.md"]),
        .target(name: "JUnitXMLScorer", dependencies: ["LLMBenchPluginKit", "CodeGrading"], path: "Scorers/JUnitXML", exclude: ["plugin.json"]),
        .target(name: "LLMBenchPluginTesting", dependencies: ["CLLMBenchPluginABI"], exclude: ["README.md"]),
        .target(name: "KeywordRecallExample", dependencies: ["LLMBenchPluginKit"], path: "Scorers/Examples/swift-keyword-recall",
                exclude: ["plugin.json", "README.md"]),

        // Test helpers as real code: paths, temporary folders, the C compiler, running the tool.
        .target(name: "LLMBenchTestSupport", dependencies: ["LLMBenchCore"], path: "Tests/LLMBenchTestSupport"),
        .testTarget(name: "LLMBenchCoreTests", dependencies: ["LLMBenchCore", "LLMBenchTestSupport"]),
        .testTarget(name: "LLMBenchEngineTests", dependencies: ["LLMBenchEngine", "LLMBenchCore", "LLMBenchReports", "LLMBenchTestSupport", "CLLMBenchPluginABI", "LLMBenchFakeServers"]),
        .testTarget(name: "LLMBenchReportsTests", dependencies: ["LLMBenchReports", "LLMBenchCore"], resources: [.copy("Golden")]),
        .testTarget(name: "PluginTests", dependencies: ["LLMBenchEngine", "LLMBenchCore", "LLMBenchTestSupport", "LLMBenchFakeServers"], exclude: ["Fixtures"]),
        .testTarget(name: "LLMBenchPluginKitTests", dependencies: ["LLMBenchPluginKit"]),
        .testTarget(name: "VectorSimilarityTests", dependencies: ["VectorSimilarity"]),
        .testTarget(name: "CodeGradingTests", dependencies: ["CodeGrading", "LLMBenchTestSupport", "LLMBenchCore"]),
        .testTarget(name: "PythonUnicodeTests", dependencies: ["PythonUnicode", "LLMBenchTestSupport", "LLMBenchCore"]),
        .testTarget(name: "LiveAPITests", dependencies: ["LLMBenchCore", "LLMBenchTestSupport"]),
        // The provider plugins, loaded with dlopen and driven through the C ABI by a scripted host.
        .testTarget(name: "ProviderPluginTests", dependencies: ["CLLMBenchPluginABI", "LLMBenchTestSupport", "LLMBenchPluginTesting"]),
        .testTarget(name: "LLMBenchServerTests", dependencies: [
            "LLMBenchServer", "LLMBenchEngine", "LLMBenchCore", "LLMBenchTestSupport",
            .product(name: "Hummingbird", package: "hummingbird"), .product(name: "HummingbirdTesting", package: "hummingbird"),
        ]),
        .testTarget(name: "EndToEndTests", dependencies: ["LLMBenchCore", "LLMBenchTestSupport", "LLMBenchFakeServers"]),

        // Loopback fakes of the OpenAI, Anthropic and Gemini HTTP APIs; Foundation and Glibc only.
        .target(name: "LLMBenchFakeServers", path: "Tests/LLMBenchFakeServers", exclude: ["README.md"]),
        .executableTarget(name: "llmbench-fake-server", dependencies: ["LLMBenchFakeServers"], path: "Tests/FakeServerTool"),
        .testTarget(name: "FakeServerTests", dependencies: ["LLMBenchFakeServers"]),

        // Benchmarks/bleu.sh: corpus BLEU computed in process, beside sacreBLEU's corpus_bleu.
        .executableTarget(name: "bleu-benchmark", dependencies: ["SacreBLEU"], path: "Benchmarks/BLEUCompute"),
        // Benchmarks/junit-parse.sh: the grader's JUnit XML parse of large reports.
        .executableTarget(name: "junit-parse-benchmark", dependencies: ["CodeGrading"], path: "Benchmarks/JUnitParse"),

        // Fuzz targets for the parsers of what others write (scripts/fuzz.sh builds them with
        // libFuzzer into .build-fuzz); built plainly, each replays the files it is given.
        .target(name: "LLMBenchFuzzSupport", path: "Tests/Fuzz/Support"),
        .executableTarget(name: "fuzz-suite", dependencies: ["LLMBenchCore", "LLMBenchFuzzSupport"], path: "Tests/Fuzz/Suite"),
        .executableTarget(name: "fuzz-sse", dependencies: ["LLMBenchPluginKit", "LLMBenchFuzzSupport"], path: "Tests/Fuzz/SSE"),
        .executableTarget(name: "fuzz-json", dependencies: ["LLMBenchPluginKit", "LLMBenchFuzzSupport"], path: "Tests/Fuzz/PluginJSON"),
        .executableTarget(name: "fuzz-core-json", dependencies: ["LLMBenchCore", "LLMBenchFuzzSupport"], path: "Tests/Fuzz/CoreJSON"),
    ]
)
