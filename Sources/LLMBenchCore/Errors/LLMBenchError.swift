/// Where something stands in a file the user wrote. Lines and columns start at 1.
public struct SourceLocation: Sendable, Equatable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int

    public init(file: String, line: Int, column: Int) {
        self.file = file
        self.line = line
        self.column = column
    }

    public var description: String { "\(file):\(line):\(column)" }
}

/// A user-facing error: what was wrong, where, and what was expected. Codes only grow.
public struct LLMBenchError: Error, Sendable, Equatable, CustomStringConvertible {
    public struct Code: RawRepresentable, Sendable, Hashable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let invalidFile = Code(rawValue: "invalid_file")
        public static let unknownKey = Code(rawValue: "unknown_key")
        public static let wrongType = Code(rawValue: "wrong_type")
        public static let missingKey = Code(rawValue: "missing_key")
        public static let duplicate = Code(rawValue: "duplicate")
        public static let unknownPlugin = Code(rawValue: "unknown_plugin")
        public static let unsupportedVersion = Code(rawValue: "unsupported_version")
        public static let invalidValue = Code(rawValue: "invalid_value")
        public static let plugin = Code(rawValue: "plugin")
        public static let store = Code(rawValue: "store")
        public static let usage = Code(rawValue: "usage")
    }

    public var code: Code
    public var location: SourceLocation?
    public var message: String

    public init(_ code: Code, _ message: String, at location: SourceLocation? = nil) {
        self.code = code
        self.message = message
        self.location = location
    }

    public var description: String {
        if let location { return "\(location): error: \(message)" }
        return "error: \(message)"
    }
}

/// Several errors found in one pass (validation reports all it finds, not just the first).
public struct LLMBenchErrors: Error, Sendable, CustomStringConvertible {
    public var errors: [LLMBenchError]
    public init(_ errors: [LLMBenchError]) { self.errors = errors }
    public var description: String { errors.map(\.description).joined(separator: "\n") }
}
