import ArgumentParser
import LLMBenchCore
import LLMBenchEngine

struct PluginsCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "plugins", abstract: "List the plugins found, their options, and why any file was refused.",
        discussion: "Options and descriptions come from each plugin's plugin.json (its \"options\" map: name → what it takes).")

    @OptionGroup var plugins: PluginOptions
    @Option(help: ArgumentHelp("List only plugins of this kind.", valueName: "provider|scorer")) var kind: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if let kind, LoadedPlugin.Kind(rawValue: kind) == nil { throw ValidationError("--kind takes provider or scorer, not '\(kind)'") }
    }

    func run() throws {
        let catalog = plugins.catalog()
        let listed = kind.flatMap(LoadedPlugin.Kind.init(rawValue:)).map { catalog.plugins(of: $0) } ?? catalog.plugins
        if json {
            let value: JSONValue = .object([
                "plugins": .array(listed.map { p in
                    var object: [String: JSONValue] = [
                        "id": .string(p.id), "kind": .string(p.kind.rawValue), "abi": .string("\(p.abiMajor).\(p.abiMinor)"),
                        "version": .string(p.version), "path": .string(p.path), "capabilities": .array(p.capabilityNames.map { .string($0) }),
                        "options": .object(Dictionary(uniqueKeysWithValues: (p.manifest?.options ?? []).map { ($0.name, .string($0.text)) })),
                    ]
                    if let description = p.manifest?.description { object["description"] = .string(description) }
                    return .object(object)
                }),
                "refused": .array(catalog.refused.map { .object(["path": .string($0.path), "reason": .string($0.reason)]) }),
                "search_path": .array(catalog.searchPath.map { .string($0) }),
            ])
            print(value.jsonText)
            return
        }
        let rows = [["ID", "KIND", "ABI", "VERSION", "CAPABILITIES", "PATH"]] + listed.map {
            [$0.id, $0.kind.rawValue, "\($0.abiMajor).\($0.abiMinor)", $0.version, $0.capabilityNames.joined(separator: ","), $0.path]
        }
        print(TextColumns.render(rows), terminator: "")
        let described = listed.filter { !($0.manifest?.options.isEmpty ?? true) }
        if !described.isEmpty {
            print("\nOptions:")
            for plugin in described {
                print("  \(plugin.id)")
                print(TextColumns.render(plugin.manifest!.options.map { ["    " + $0.name, $0.text] }), terminator: "")
            }
        }
        if !catalog.refused.isEmpty {
            print("\nRefused:")
            for refused in catalog.refused { print("  \(refused.path): \(refused.reason)") }
        }
    }
}
