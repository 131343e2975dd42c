import Foundation
import Yams

/// Reads a YAML file into nodes that know where they stand, and collects every problem found,
/// each with file:line:column and what was expected.
struct YAMLDocument {
    let path: String
    /// The kind of file, for messages: "a suite", "a price table".
    let what: String
    private(set) var problems: [LLMBenchError] = []

    init(path: String, what: String) {
        self.path = path
        self.what = what
    }

    /// Screens the text (YAMLScreen) and composes it only if the screen found nothing; nil, with
    /// the problems recorded, otherwise. Keys are then unique scalars and nothing is an alias.
    mutating func compose(_ text: String) -> Node? { compose(YAMLScreen(text, path: path, what: what)) }

    mutating func compose(_ screen: YAMLScreen) -> Node? {
        guard screen.problems.isEmpty else {
            problems += screen.problems
            return nil
        }
        do {
            // The basic resolver: no regular expression runs per scalar (Yams resolves every mapping
            // key's tag to hash it for its duplicate check: 0.5 s of a 100,000-test suite). Values are
            // read by content (`node.int`, `node.bool`), never by resolved tag, so nothing else changes.
            if let root = try Yams.compose(yaml: screen.text, .basic) { return root }
            problems.append(LLMBenchError(.invalidFile, "the file is empty; expected \(what) starting with 'version: 1'",
                                          at: SourceLocation(file: path, line: 1, column: 1)))
        } catch let error as YamlError {
            problems.append(Self.syntaxError(error, path: path))
        } catch {
            problems.append(LLMBenchError(.invalidFile, "unreadable YAML", at: SourceLocation(file: path, line: 1, column: 1)))
        }
        return nil
    }

    /// What Yams found after the screen passed (a second document, say), in its fixed words: its
    /// descriptions quote the file, at any length.
    private static func syntaxError(_ error: YamlError, path: String) -> LLMBenchError {
        switch error {
        case .scanner(let context, let problem, let mark, _), .parser(let context, let problem, let mark, _),
             .composer(let context, let problem, let mark, _):
            let what = [context?.text, problem].compactMap { $0 }.joined(separator: ": ")
            return LLMBenchError(.invalidFile, "YAML syntax: \(what)", at: SourceLocation(file: path, line: mark.line, column: mark.column))
        case .duplicatedKeysInMapping(_, let context):
            return LLMBenchError(.duplicate, "duplicate keys in a mapping", at: SourceLocation(file: path, line: context.mark.line, column: context.mark.column))
        default:
            return LLMBenchError(.invalidFile, "unreadable YAML", at: SourceLocation(file: path, line: 1, column: 1))
        }
    }

    func location(_ node: Node) -> SourceLocation {
        SourceLocation(file: path, line: node.mark?.line ?? 1, column: node.mark?.column ?? 1)
    }

    mutating func problem(_ code: LLMBenchError.Code, _ message: String, at node: Node) {
        problems.append(LLMBenchError(code, message, at: location(node)))
    }

    mutating func problem(_ error: LLMBenchError) { problems.append(error) }

    static func describe(_ node: Node) -> String {
        switch node {
        case .mapping: return "a mapping"
        case .sequence: return "a list"
        case .alias: return "an alias"
        case .scalar:
            if node.null != nil { return "null" }
            if node.bool != nil { return "a boolean" }
            if node.int != nil || node.float != nil { return "a number" }
            return "a string"
        }
    }

    /// The pairs of a mapping, checked against the keys allowed; reports unknown keys (duplicates
    /// never get this far: see compose).
    mutating func mapping(_ node: Node, what: String, allowed: [String]) -> [String: Node]? {
        guard case .mapping(let mapping) = node else {
            problem(.wrongType, "expected \(what) to be a mapping, found \(Self.describe(node))", at: node)
            return nil
        }
        var result: [String: Node] = [:]
        for (key, value) in mapping {
            guard let name = key.string else {
                problem(.wrongType, "expected a string key in \(what), found \(Self.describe(key))", at: key)
                continue
            }
            if !allowed.contains(name) {
                let hint = Spelling.closest(to: name, in: allowed).map { " (did you mean '\($0)'?)" } ?? ""
                problem(.unknownKey, "unknown key '\(Excerpt.clip(name, to: 60))' in \(what)\(hint); expected one of: \(allowed.joined(separator: ", "))", at: key)
                continue
            }
            result[name] = value
        }
        return result
    }

    mutating func string(_ node: Node?, key: String, in what: String, required: Bool = false, parent: Node) -> String? {
        guard let node else {
            if required { problem(.missingKey, "missing '\(key)' in \(what); expected a string", at: parent) }
            return nil
        }
        guard case .scalar(let scalar) = node, node.null == nil else {
            problem(.wrongType, "expected '\(key)' in \(what) to be a string, found \(Self.describe(node))", at: node)
            return nil
        }
        return scalar.string
    }

    mutating func nonEmptyString(_ node: Node?, key: String, in what: String, required: Bool = false, parent: Node) -> String? {
        guard let value = string(node, key: key, in: what, required: required, parent: parent) else { return nil }
        // `.whitespaces` (tab and the space separators) without Foundation's bridging: this runs for
        // every test's name and category.
        if value.unicodeScalars.allSatisfy({ $0 == "\t" || $0.properties.generalCategory == .spaceSeparator }) {
            problem(.invalidValue, "'\(key)' in \(what) must not be empty", at: node!)
            return nil
        }
        return value
    }

    mutating func double(_ node: Node?, key: String, in what: String, range: ClosedRange<Double>? = nil) -> Double? {
        guard let node else { return nil }
        guard case .scalar = node, let value = node.float ?? node.int.map(Double.init) else {
            problem(.wrongType, "expected '\(key)' in \(what) to be a number, found \(Self.describe(node))", at: node)
            return nil
        }
        if let range, !range.contains(value) {
            problem(.invalidValue, "'\(key)' in \(what) must be between \(range.lowerBound) and \(range.upperBound), found \(value)", at: node)
            return nil
        }
        return value
    }

    mutating func int(_ node: Node?, key: String, in what: String, min: Int) -> Int? {
        guard let node else { return nil }
        guard case .scalar = node, let value = node.int else {
            problem(.wrongType, "expected '\(key)' in \(what) to be a whole number, found \(Self.describe(node))", at: node)
            return nil
        }
        guard value >= min else {
            problem(.invalidValue, "'\(key)' in \(what) must be at least \(min), found \(value)", at: node)
            return nil
        }
        return value
    }

    mutating func sequence(_ node: Node?, key: String, in what: String) -> [Node]? {
        guard let node else { return nil }
        guard case .sequence(let items) = node else {
            problem(.wrongType, "expected '\(key)' in \(what) to be a list, found \(Self.describe(node))", at: node)
            return nil
        }
        return Array(items)
    }

    /// A free-form mapping (options) as JSON.
    mutating func object(_ node: Node?, key: String, in what: String) -> [String: JSONValue]? {
        guard let node else { return nil }
        guard case .mapping = node else {
            problem(.wrongType, "expected '\(key)' in \(what) to be a mapping, found \(Self.describe(node))", at: node)
            return nil
        }
        return json(node)?.objectValue
    }

    mutating func json(_ node: Node) -> JSONValue? {
        switch node {
        case .scalar(let scalar):
            if node.null != nil { return .null }
            if scalar.style == .plain || scalar.style == .any {
                if let b = node.bool { return .bool(b) }
                if let i = node.int { return .number(Double(i)) }
                if let f = node.float { return .number(f) }
            }
            return .string(scalar.string)
        case .sequence(let items):
            var out: [JSONValue] = []
            for item in items { if let v = json(item) { out.append(v) } }
            return .array(out)
        case .mapping(let mapping):
            var out: [String: JSONValue] = [:]
            for (key, value) in mapping {
                guard let name = key.string else {
                    problem(.wrongType, "expected a string key, found \(Self.describe(key))", at: key)
                    continue
                }
                if let v = json(value) { out[name] = v }
            }
            return .object(out)
        case .alias:
            problem(.wrongType, "YAML aliases are not supported here", at: node)
            return nil
        }
    }
}
