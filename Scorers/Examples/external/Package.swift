// swift-tools-version:6.1
import PackageDescription

// A scorer plugin built outside the LLMBench repository: a package of its own that depends on
// LLMBench's `LLMBenchPluginKit` product and makes one dynamic library. Replace the path with
// `.package(url: "<LLMBench's git URL>", from: "<version>")` in a real project.
let package = Package(
    name: "MinLengthScorer",
    platforms: [.macOS(.v15)],
    products: [
        // A `.dynamic` library: llmbench loads it with dlopen (Docs/plugin-abi.md).
        .library(name: "MinLengthScorer", type: .dynamic, targets: ["MinLengthScorer"]),
    ],
    dependencies: [
        .package(name: "LLMBench", path: "../../.."),
    ],
    targets: [
        .target(name: "MinLengthScorer", dependencies: [.product(name: "LLMBenchPluginKit", package: "LLMBench")]),
        // Tests drive the built library through the C ABI with the scripted host:
        // .testTarget(name: "MinLengthScorerTests", dependencies: [.product(name: "LLMBenchPluginTesting", package: "LLMBench")]),
    ]
)
