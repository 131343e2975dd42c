import Foundation
import LLMBenchCore

/// A plugin's `plugin.json`: `{"id", "kind", "library", "description", "options"}`. `library`
/// names the file in a plugin folder; `options` maps each option's name to a line saying what it
/// takes, for `llmbench plugins` (Docs/plugin-abi.md "Entry and versioning").
public struct PluginManifest: Sendable, Equatable {
    public var id: String?
    /// As written; the loader checks it against the library's table.
    public var kind: JSONValue?
    public var library: String?
    public var description: String?
    /// Option name and what it takes, sorted by name.
    public var options: [(name: String, text: String)]

    public static func == (a: PluginManifest, b: PluginManifest) -> Bool {
        a.id == b.id && a.kind == b.kind && a.library == b.library && a.description == b.description
            && a.options.map(\.name) == b.options.map(\.name) && a.options.map(\.text) == b.options.map(\.text)
    }

    /// nil when the file cannot be read or is not a JSON object.
    public static func read(_ path: String) -> PluginManifest? {
        guard let data = FileManager.default.contents(atPath: path), let text = String(data: data, encoding: .utf8),
              let json = try? JSONValue.parse(text), let object = json.objectValue
        else { return nil }
        let options = (object["options"]?.objectValue ?? [:]).map { (name: $0.key, text: $0.value.stringValue ?? $0.value.jsonText) }
        return PluginManifest(id: object["id"]?.stringValue, kind: object["kind"], library: object["library"]?.stringValue,
                              description: object["description"]?.stringValue, options: options.sorted { $0.name < $1.name })
    }

    /// The manifest of a library outside a plugin folder: `libX.json` beside `libX.so` (how
    /// scripts/install.sh ships the built-in plugins' manifests), or nil.
    static func beside(library path: String) -> String? {
        let manifest = (path as NSString).deletingPathExtension + ".json"
        return FileManager.default.fileExists(atPath: manifest) ? manifest : nil
    }
}
