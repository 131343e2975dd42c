// libyaml itself, as vendored by Yams: its event stream is what Yams composes from, so the marks
// agree. Yams does not export it; its module is visible to every target that depends on Yams.
internal import CYaml

/// Reads a YAML text's event stream before anything is composed, and refuses what would make
/// composing or walking the tree costly, or the file ambiguous:
/// - aliases and anchors: an alias is a reference, so nine levels of ten aliases each expand to 10⁹
///   nodes for whatever walks the tree (and Yams hashes an alias used as a key whole);
/// - duplicate keys, each at its own place (Yams stops at one, reported at 1:1 with the whole file);
/// - keys that are not scalars (no suite or price table has one, and Yams hashes them whole);
/// - nesting deeper than `maxDepth` (the tree is walked recursively).
/// Syntax errors are reported here too, at their place. Linear in the text; holds only the keys of
/// the mappings still open. At most `maxProblems` problems are listed (then one counting the rest),
/// and no message quotes more than a clipped line of the file.
struct YAMLScreen {
    static let maxDepth = 64
    static let maxProblems = 50

    let text: String
    /// Empty when the text may be composed.
    let problems: [LLMBenchError]
    /// The scalar keys of the first document's root mapping, as far as the text could be read;
    /// nil when that root is not a mapping.
    let rootKeys: [String]?

    /// `what` names the kind of file in messages: "a suite", "a price table".
    init(_ text: String, path: String, what: String) {
        var scan = Scan(path: path, what: what)
        var bytes = text
        bytes.withUTF8 { scan.run($0) }
        scan.finish(text)
        self.text = text
        problems = scan.problems
        rootKeys = scan.rootKeys
    }
}

/// The walk over the events: a stack of the open collections, each mapping with its keys so far.
private struct Scan {
    /// Where an event starts: 1-based line and column, and the offset in Unicode scalars (libyaml counts so).
    struct Place {
        var line: Int
        var column: Int
        var offset = 0
    }

    struct Frame {
        var isMapping: Bool
        var expectingKey = true
        /// Key → the line it was first seen on.
        var keys: [String: Int] = [:]
    }

    let path: String
    let what: String
    var problems: [LLMBenchError] = []
    var rootKeys: [String]?
    private var stack: [Frame] = []
    private var documents = 0
    private var tooDeep = false
    private var omitted = 0
    private var firstOmitted: SourceLocation?
    /// Duplicate-key problems waiting for a quote of their line: (index in problems, line, offset
    /// in Unicode scalars as libyaml counts).
    private var quotes: [(problem: Int, line: Int, offset: Int)] = []

    init(path: String, what: String) {
        self.path = path
        self.what = what
    }

    mutating func run(_ input: UnsafeBufferPointer<UInt8>) {
        guard let base = input.baseAddress, !input.isEmpty else { return }
        var parser = yaml_parser_t()
        guard yaml_parser_initialize(&parser) == 1 else {
            refuse(.invalidFile, "out of memory reading YAML", at: Place(line: 1, column: 1))
            return
        }
        defer { yaml_parser_delete(&parser) }
        yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(&parser, base, input.count)
        var event = yaml_event_t()
        while true {
            guard yaml_parser_parse(&parser, &event) == 1 else { return syntaxError(parser, input) }
            defer { yaml_event_delete(&event) }
            if event.type == YAML_STREAM_END_EVENT { return }
            handle(event)
        }
    }

    private mutating func handle(_ event: yaml_event_t) {
        let place = Place(line: Int(event.start_mark.line) + 1, column: Int(event.start_mark.column) + 1, offset: Int(event.start_mark.index))
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
        case YAML_ALIAS_EVENT:
            refuse(.invalidValue, "YAML aliases (*\(Self.name(event.data.alias.anchor))) are not supported in \(what); write the value out",
                   at: place)
            enterNode(key: nil, kind: nil, at: place)
            leaveNode()
        case YAML_SCALAR_EVENT:
            refuseAnchor(event.data.scalar.anchor, at: place)
            let scalar = event.data.scalar
            let key = isKeyNext ? scalar.value.map { String(decoding: UnsafeBufferPointer(start: $0, count: scalar.length), as: UTF8.self) } ?? "" : nil
            enterNode(key: key, kind: "a scalar", at: place)
            leaveNode()
        case YAML_SEQUENCE_START_EVENT:
            refuseAnchor(event.data.sequence_start.anchor, at: place)
            enterNode(key: nil, kind: "a list", at: place)
            open(isMapping: false, at: place)
        case YAML_MAPPING_START_EVENT:
            refuseAnchor(event.data.mapping_start.anchor, at: place)
            enterNode(key: nil, kind: "a mapping", at: place)
            if stack.isEmpty && documents == 1 { rootKeys = [] }
            open(isMapping: true, at: place)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            stack.removeLast()
            leaveNode()
        default:
            break
        }
    }

    private var isKeyNext: Bool { stack.last.map { $0.isMapping && $0.expectingKey } ?? false }

    /// At the start of every node: where its mapping expects a key, the node is that key. `kind` is
    /// nil for an alias (refused already).
    private mutating func enterNode(key: String?, kind: String?, at place: Place) {
        guard isKeyNext else { return }
        let top = stack.count - 1
        guard let key else {
            if let kind { refuse(.wrongType, "expected a key in a mapping to be a plain value such as a string, found \(kind)", at: place) }
            return
        }
        if top == 0 && documents == 1 && rootKeys != nil { rootKeys?.append(key) }
        guard let first = stack[top].keys[key] else {
            stack[top].keys[key] = place.line
            return
        }
        let shown = Excerpt.clip(key, to: 60)
        if refuse(.duplicate, "duplicate key '\(shown)' (first at line \(first)); a key may appear once in a mapping", at: place) {
            quotes.append((problems.count - 1, place.line, place.offset))
        }
    }

    /// At the end of every node: in a mapping, a key is followed by its value and a value by a key.
    private mutating func leaveNode() {
        guard let top = stack.indices.last, stack[top].isMapping else { return }
        stack[top].expectingKey.toggle()
    }

    private mutating func open(isMapping: Bool, at place: Place) {
        if stack.count == YAMLScreen.maxDepth && !tooDeep {
            tooDeep = true
            refuse(.invalidValue, "nesting deeper than \(YAMLScreen.maxDepth) levels; \(what) needs far fewer", at: place)
        }
        stack.append(Frame(isMapping: isMapping))
    }

    private mutating func refuseAnchor(_ anchor: UnsafeMutablePointer<yaml_char_t>?, at place: Place) {
        guard let anchor else { return }
        refuse(.invalidValue, "YAML anchors (&\(Self.name(anchor))) are not supported in \(what); write the value out where it is used",
               at: place)
    }

    /// Records a problem unless the cap is reached; true if it was recorded.
    @discardableResult
    private mutating func refuse(_ code: LLMBenchError.Code, _ message: String, at place: Place) -> Bool {
        let location = SourceLocation(file: path, line: place.line, column: place.column)
        guard problems.count < YAMLScreen.maxProblems else {
            omitted += 1
            if firstOmitted == nil { firstOmitted = location }
            return false
        }
        problems.append(LLMBenchError(code, message, at: location))
        return true
    }

    /// libyaml's own words (fixed texts, never the file's) at the place it stopped.
    private mutating func syntaxError(_ parser: yaml_parser_t, _ input: UnsafeBufferPointer<UInt8>) {
        let words = [parser.context, parser.problem].compactMap { $0.map { String(cString: $0) } }
        let message = "YAML syntax: " + (words.isEmpty ? "unreadable" : words.joined(separator: ": "))
        if parser.error == YAML_READER_ERROR {
            // A reader error has a byte offset instead of a mark.
            let (line, column) = Self.lineAndColumn(ofByte: min(parser.problem_offset, input.count), in: input)
            refuse(.invalidFile, message, at: Place(line: line, column: column))
        } else {
            refuse(.invalidFile, message, at: Place(line: Int(parser.problem_mark.line) + 1, column: Int(parser.problem_mark.column) + 1))
        }
    }

    /// Adds the count of problems left unlisted, and the quoted line of each duplicate key.
    mutating func finish(_ text: String) {
        if omitted > 0 {
            problems.append(LLMBenchError(.invalidFile, "\(omitted) more problems of these kinds are not listed; fix the ones above first",
                                          at: firstOmitted))
        }
        guard !quotes.isEmpty else { return }
        let found = Self.quotes(at: Set(quotes.map(\.offset)), in: text)
        for quote in quotes {
            guard let excerpt = found[quote.offset] else { continue }
            problems[quote.problem].message += ". Line \(quote.line): \"\(excerpt)\""
        }
    }

    /// The line around each wanted place (an offset in Unicode scalars), all in one pass that stops
    /// after the last: up to `limit` scalars of the line, a quarter of them before the place, blanks
    /// at either end dropped, "…" marking a cut. Line breaks are libyaml's (LF, CR LF, CR, NEL, LS,
    /// PS), so that its offsets agree.
    static func quotes(at offsets: Set<Int>, in text: String, limit: Int = 120) -> [Int: String] {
        let scalars = text.unicodeScalars
        let last = offsets.max() ?? -1
        var found: [Int: String] = [:]
        var lineStart = scalars.startIndex, i = scalars.startIndex, offset = 0
        while i < scalars.endIndex && offset <= last {
            if offsets.contains(offset) { found[offset] = quote(scalars, at: i, lineStart: lineStart, limit: limit) }
            let c = scalars[i]
            i = scalars.index(after: i)
            offset += 1
            if isBreak(c) && !(c == "\r" && i < scalars.endIndex && scalars[i] == "\n") { lineStart = i }
        }
        return found
    }

    static func quote(_ scalars: String.UnicodeScalarView, at place: String.Index, lineStart: String.Index, limit: Int) -> String {
        var start = place, count = 0
        while start > lineStart && count < limit / 4 {
            start = scalars.index(before: start)
            count += 1
        }
        var end = place
        while end < scalars.endIndex && count < limit && !isBreak(scalars[end]) {
            end = scalars.index(after: end)
            count += 1
        }
        let blank: (Unicode.Scalar) -> Bool = { $0 == " " || $0 == "\t" }
        let body = scalars[start..<end].drop(while: blank).reversed().drop(while: blank).reversed()
        let cutAfter = end < scalars.endIndex && !isBreak(scalars[end])
        return (start > lineStart ? "…" : "") + String(String.UnicodeScalarView(body)) + (cutAfter ? "…" : "")
    }

    static func isBreak(_ c: Unicode.Scalar) -> Bool {
        c == "\n" || c == "\r" || c == "\u{85}" || c == "\u{2028}" || c == "\u{2029}"
    }

    /// Line and column (1-based, the column in Unicode scalars) of a byte offset.
    static func lineAndColumn(ofByte offset: Int, in input: UnsafeBufferPointer<UInt8>) -> (Int, Int) {
        var line = 1, column = 1, i = 0
        while i < offset {
            let byte = input[i]
            if byte == 0x0A || (byte == 0x0D && (i + 1 >= input.count || input[i + 1] != 0x0A)) {
                line += 1
                column = 1
            } else if byte & 0xC0 != 0x80 {
                column += 1
            }
            i += 1
        }
        return (line, column)
    }

    /// An anchor's name, clipped: names are the file's content too.
    static func name(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String {
        Excerpt.clip(pointer.map { String(cString: $0) } ?? "", to: 40)
    }
}
