import ArgumentParser
import LLMBenchCore
import LLMBenchEngine

struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "plugins", abstract: "List the plugins found, and why any file was refused.")

    @OptionGroup var plugins: PluginOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        let catalog = plugins.catalog()
        if json {
            let value: JSONValue = .object([
                "plugins": .array(catalog.plugins.map { p in
                    .object(["id": .string(p.id), "kind": .string(p.kind.rawValue), "abi": .string("\(p.abiMajor).\(p.abiMinor)"),
                             "version": .string(p.version), "path": .string(p.path), "capabilities": .array(p.capabilityNames.map { .string($0) })])
                }),
                "refused": .array(catalog.refused.map { .object(["path": .string($0.path), "reason": .string($0.reason)]) }),
                "search_path": .array(catalog.searchPath.map { .string($0) }),
            ])
            print(value.jsonText)
            return
        }
        let rows = [["ID", "KIND", "ABI", "VERSION", "CAPABILITIES", "PATH"]] + catalog.plugins.map {
            [$0.id, $0.kind.rawValue, "\($0.abiMajor).\($0.abiMinor)", $0.version, $0.capabilityNames.joined(separator: ","), $0.path]
        }
        print(TextColumns.render(rows), terminator: "")
        if !catalog.refused.isEmpty {
            print("\nRefused:")
            for refused in catalog.refused { print("  \(refused.path): \(refused.reason)") }
        }
    }
}
