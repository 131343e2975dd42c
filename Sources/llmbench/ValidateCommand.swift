import ArgumentParser
import LLMBenchCore
import LLMBenchEngine

struct ValidateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate",
        abstract: "Check suites and price tables without sending a request.",
        discussion: "A suite's plugins are loaded and each provider and scorer instance is created with the suite's options and destroyed, so a plugin that refuses its options fails here as it would in `run`.")

    @Argument(help: "Suite or price table files (a file with a top-level 'prices:' is a price table).") var files: [String]
    @OptionGroup var plugins: PluginOptions

    func run() throws {
        let catalog = plugins.catalog()
        var problems: [LLMBenchError] = []
        for file in files {
            do {
                let text = try UserFiles.readText(file)
                if Self.isPriceTable(text) {
                    _ = try PriceTable.parse(text, path: file)
                } else {
                    let suite = try UserFiles.loadSuite(file)
                    let found = RunPreparation(catalog: catalog, prices: PriceTable()).validate(suite)
                    for skipped in found.skipped { printError("notice: \(file): \(skipped), so it was not checked") }
                    guard found.problems.isEmpty else { throw LLMBenchErrors(found.problems) }
                }
                print("\(file): ok")
            } catch let error as LLMBenchErrors {
                problems += error.errors
            } catch let error as LLMBenchError {
                problems.append(error)
            }
        }
        if !problems.isEmpty { throw failInput(problems) }
    }

    static func isPriceTable(_ text: String) -> Bool {
        text.split(separator: "\n").contains { $0.hasPrefix("prices:") }
    }
}
