import CLibXML2
import Foundation

/// A JUnit XML report as the grader reads it: every `testcase` at any depth, each with one status.
/// Docs/junit-xml.md "Reading the report".
///
/// Read with libxml2's SAX parser on safe options only: no entity substitution, no DTD loading, no
/// network, no huge mode. A document with a DOCTYPE is refused as soon as its name is read, before
/// any declaration in it is parsed, so no entity (internal or external) is ever expanded and no file
/// is ever opened. The count attributes (`tests`, `failures`…) are ignored: real tools get them
/// wrong. Memory is bounded by the cases kept, not by the document: it is fed in 64 KiB pieces.
public struct JUnitReport: Sendable, Equatable {
    public enum Status: String, Sendable, Comparable {
        case passed, skipped, errored, failed

        /// failure > error > skipped > passed: a case with a failure and an error is a failure.
        var rank: Int { switch self { case .passed: 0; case .skipped: 1; case .errored: 2; case .failed: 3 } }
        public static func < (a: Status, b: Status) -> Bool { a.rank < b.rank }
    }

    public struct Case: Sendable, Equatable {
        public var suite: String?
        public var classname: String?
        public var name: String
        public var status: Status
        /// The failure's (or error's, or skip's) `message`, else its text; cut at `Limits.messageBytes`.
        public var message: String?
        public var type: String?
        /// Read leniently: `1,234.5`, `1e-3`, `0.5s`; nil when missing or unreadable.
        public var timeSeconds: Double?
    }

    public struct Limits: Sendable {
        public var documentBytes = 64 << 20
        public var depth = 64
        /// Kept per failure message and per name; the rest is cut where a character ends.
        public var messageBytes = 2_000
        public var nameBytes = 1_000
        public init() {}
    }

    public struct Problem: Error, Sendable, Equatable, CustomStringConvertible {
        public var message: String
        public var line: Int?
        public var column: Int?
        public var description: String {
            guard let line else { return message }
            return "line \(line)\(column.map { ", column \($0)" } ?? ""): \(message)"
        }
    }

    /// `testsuites` or `testsuite`.
    public var root: String
    public var cases: [Case]

    public var total: Int { cases.count }
    public func count(_ status: Status) -> Int { cases.reduce(0) { $0 + ($1.status == status ? 1 : 0) } }

    /// Reads a report from bytes. Throws a `Problem` naming the line and column; the message never
    /// quotes the document's text.
    public static func parse(_ bytes: some Collection<UInt8>, limits: Limits = Limits()) throws(Problem) -> JUnitReport {
        guard bytes.count <= limits.documentBytes else {
            throw Problem(message: "the report is \(bytes.count) bytes, over the limit of \(limits.documentBytes)")
        }
        guard !bytes.isEmpty else { throw Problem(message: "the report is empty") }
        let reader = SAXReader(limits: limits)
        let contiguous = Array(bytes)
        return try contiguous.withUnsafeBufferPointer { (buffer) throws(Problem) -> JUnitReport in
            try reader.read(buffer)
        }
    }

    /// Reads a report file: a regular file, never through a symbolic link (the program under test
    /// wrote the workspace), at most `limits.documentBytes`.
    public static func read(path: String, limits: Limits = Limits()) throws(Problem) -> JUnitReport {
        let fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
        guard fd >= 0 else {
            let reason = errno == ELOOP ? "it is a symbolic link" : String(cString: strerror(errno))
            throw Problem(message: "cannot read the report \((path as NSString).lastPathComponent): \(reason)")
        }
        defer { close(fd) }
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else {
            throw Problem(message: "the report \((path as NSString).lastPathComponent) is not a regular file")
        }
        guard Int(info.st_size) <= limits.documentBytes else {
            throw Problem(message: "the report is \(info.st_size) bytes, over the limit of \(limits.documentBytes)")
        }
        var bytes = [UInt8](repeating: 0, count: Int(info.st_size))
        var filled = 0
        while filled < bytes.count {
            let got = bytes.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress! + filled, $0.count - filled) }
            if got < 0, errno == EINTR { continue }
            guard got > 0 else { break }
            filled += got
        }
        return try parse(bytes[0..<filled], limits: limits)
    }

    /// "1,234.5" → 1234.5; "1e-3"; "0.5s"; anything else nil. (On bytes: Foundation's trimming
    /// and replacing were a quarter of a large report's parse.)
    public static func seconds(_ text: String) -> Double? {
        var bytes = Array(text.utf8.filter { $0 != UInt8(ascii: ",") })
        while let last = bytes.last, last == 0x20 || last == 0x09 { bytes.removeLast() }
        var start = 0
        while start < bytes.count, bytes[start] == 0x20 || bytes[start] == 0x09 { start += 1 }
        if bytes.last == UInt8(ascii: "s") { bytes.removeLast() }
        guard start < bytes.count, let value = Double(String(decoding: bytes[start...], as: UTF8.self)), value.isFinite, value >= 0 else {
            return nil
        }
        return value
    }
}

/// The SAX callbacks' state. One per document; never shared between threads.
private final class SAXReader {
    let limits: JUnitReport.Limits
    var parser: xmlParserCtxtPtr?
    var root: String?
    var depth = 0
    /// The names of the `testsuite` elements enclosing the current point.
    var suites: [(depth: Int, name: String?)] = []
    var cases: [JUnitReport.Case] = []
    var openCase: (depth: Int, value: JUnitReport.Case)?
    /// Collecting the text of a failure/error/skipped element at this depth, when it had no message.
    var textDepth: Int?
    var text = ""
    var problem: JUnitReport.Problem?

    init(limits: JUnitReport.Limits) { self.limits = limits }

    func fail(_ message: String) {
        guard problem == nil else { return }
        problem = JUnitReport.Problem(message: message, line: parser.map { Int(xmlSAX2GetLineNumber($0)) },
                                      column: parser.map { Int(xmlSAX2GetColumnNumber($0)) })
        if let parser { xmlStopParser(parser) }
    }

    func read(_ buffer: UnsafeBufferPointer<UInt8>) throws(JUnitReport.Problem) -> JUnitReport {
        var handler = xmlSAXHandler()
        handler.initialized = UInt32(XML_SAX2_MAGIC)
        handler.startElementNs = { context, localname, _, _, _, _, attributeCount, _, attributes in
            SAXReader.from(context).start(localname, attributeCount, attributes)
        }
        handler.endElementNs = { context, _, _, _ in SAXReader.from(context).end() }
        handler.characters = { context, bytes, length in SAXReader.from(context).characters(bytes, length) }
        handler.cdataBlock = { context, bytes, length in SAXReader.from(context).characters(bytes, length) }
        handler.internalSubset = { context, _, _, _ in
            SAXReader.from(context).fail("the report has a DOCTYPE, which the grader refuses (it could declare entities or load files)")
        }
        handler.serror = { context, error in
            guard let context, let error, error.pointee.level.rawValue >= XML_ERR_ERROR.rawValue else { return }
            let reader = SAXReader.from(context)
            guard reader.problem == nil else { return }
            // libxml2's message names the problem, never the document's text.
            let message = error.pointee.message.map { String(cString: $0) }?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "malformed XML"
            reader.problem = JUnitReport.Problem(message: "not well-formed XML: \(message.prefix(200))", line: Int(error.pointee.line),
                                                 column: error.pointee.int2 > 0 ? Int(error.pointee.int2) : nil)
        }
        // The warning and error callbacks stay NULL: serror gets everything.

        let me = Unmanaged.passUnretained(self).toOpaque()
        let chunk = 64 << 10
        let first = min(4, buffer.count)
        guard let context = buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count, {
            xmlCreatePushParserCtxt(&handler, me, $0, Int32(first), nil)
        }) else { throw JUnitReport.Problem(message: "libxml2 could not make a parser") }
        parser = context
        defer {
            xmlFreeParserCtxt(context)
            parser = nil
        }
        // No NOENT (entities stay unexpanded), no DTDLOAD/DTDATTR/DTDVALID, no HUGE.
        let options = Int32(XML_PARSE_NONET.rawValue | XML_PARSE_NOERROR.rawValue | XML_PARSE_NOWARNING.rawValue | XML_PARSE_NOCDATA.rawValue)
        xmlCtxtUseOptions(context, options)
        var offset = first
        while problem == nil {
            let n = min(chunk, buffer.count - offset)
            let terminate: Int32 = offset + n >= buffer.count ? 1 : 0
            let status = buffer.baseAddress!.advanced(by: offset).withMemoryRebound(to: CChar.self, capacity: max(n, 1)) {
                xmlParseChunk(context, $0, Int32(n), terminate)
            }
            offset += n
            if status != 0, problem == nil { fail("not well-formed XML (libxml2 error \(status))") }
            if terminate == 1 { break }
        }
        if let problem { throw problem }
        guard let root else { throw JUnitReport.Problem(message: "the report has no root element") }
        return JUnitReport(root: root, cases: cases)
    }

    static func from(_ context: UnsafeMutableRawPointer?) -> SAXReader {
        Unmanaged<SAXReader>.fromOpaque(context!).takeUnretainedValue()
    }

    func start(_ localname: UnsafePointer<xmlChar>?, _ attributeCount: Int32, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?) {
        guard problem == nil, let localname else { return }
        depth += 1
        if depth > limits.depth { return fail("the report nests deeper than \(limits.depth) elements") }
        if depth == 1 {
            let name = String(cString: localname)
            guard name == "testsuites" || name == "testsuite" else {
                return fail("the root element is <\(name.prefix(40))>, not <testsuites> or <testsuite>")
            }
            root = name
        }
        if textDepth != nil { return }
        // Names compared as bytes: no String per element.
        let name = Self.known(localname).description
        switch name {
        case "testsuite":
            suites.append((depth, attribute("name", attributeCount, attributes, limit: limits.nameBytes)))
        case "testcase" where openCase == nil:
            let value = JUnitReport.Case(
                suite: suites.last?.name,
                classname: attribute("classname", attributeCount, attributes, limit: limits.nameBytes),
                name: attribute("name", attributeCount, attributes, limit: limits.nameBytes) ?? "",
                status: .passed, message: nil, type: nil,
                timeSeconds: attribute("time", attributeCount, attributes, limit: 64).flatMap(JUnitReport.seconds))
            openCase = (depth, value)
        case "failure", "error", "skipped":
            guard let open = openCase, depth == open.depth + 1 else { break }
            let status: JUnitReport.Status = name == "failure" ? .failed : name == "error" ? .errored : .skipped
            guard status > open.value.status else { return }
            openCase!.value.status = status
            openCase!.value.type = attribute("type", attributeCount, attributes, limit: limits.nameBytes)
            openCase!.value.message = attribute("message", attributeCount, attributes, limit: limits.messageBytes)
            if openCase!.value.message == nil || openCase!.value.message!.isEmpty {
                textDepth = depth
                text = ""
            }
        default:
            break
        }
    }

    /// The element names the reader acts on, or "" for any other.
    static func known(_ name: UnsafePointer<xmlChar>) -> StaticString {
        for candidate: StaticString in ["testcase", "failure", "error", "skipped", "testsuite"] where equals(name, candidate) { return candidate }
        return ""
    }

    func end() {
        guard problem == nil else { return }
        if let textDepth, depth == textDepth {
            let trimmed = Self.trimmed(text)
            openCase?.value.message = trimmed.isEmpty ? nil : trimmed
            self.textDepth = nil
        }
        if let open = openCase, open.depth == depth {
            cases.append(open.value)
            openCase = nil
        }
        if let last = suites.last, last.depth == depth { suites.removeLast() }
        depth -= 1
    }

    /// Without leading and trailing white space (Unicode's, as Foundation's trimming had it).
    static func trimmed(_ text: String) -> String {
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        let last = scalars.lastIndex { !$0.properties.isWhitespace }!
        return String(scalars[first...last])
    }

    func characters(_ bytes: UnsafePointer<xmlChar>?, _ length: Int32) {
        guard problem == nil, textDepth != nil, let bytes, text.utf8.count < limits.messageBytes else { return }
        let room = limits.messageBytes - text.utf8.count
        text += Self.prefix(UnsafeBufferPointer(start: bytes, count: Int(length)), bytes: room)
    }

    func attribute(_ wanted: StaticString, _ count: Int32, _ attributes: UnsafeMutablePointer<UnsafePointer<xmlChar>?>?, limit: Int) -> String? {
        guard let attributes else { return nil }
        // Five pointers per attribute: localname, prefix, URI, value start, value end.
        for index in 0..<Int(count) {
            let base = attributes + index * 5
            guard let local = base[0], let start = base[3], let end = base[4], equals(local, wanted) else { continue }
            return Self.prefix(UnsafeBufferPointer(start: start, count: end - start), bytes: limit)
        }
        return nil
    }

    /// At most `bytes` of UTF-8, cut where a character ends.
    static func prefix(_ buffer: UnsafeBufferPointer<UInt8>, bytes: Int) -> String {
        guard buffer.count > bytes else { return String(decoding: buffer, as: UTF8.self) }
        var end = max(0, bytes)
        while end > 0, buffer[end] & 0xC0 == 0x80 { end -= 1 }
        return String(decoding: UnsafeBufferPointer(rebasing: buffer[0..<end]), as: UTF8.self)
    }
}

/// A NUL-terminated name from libxml2 against a literal, without making a String.
private func equals(_ a: UnsafePointer<xmlChar>, _ b: StaticString) -> Bool {
    let count = b.utf8CodeUnitCount
    return strncmp(UnsafeRawPointer(a).assumingMemoryBound(to: CChar.self), UnsafeRawPointer(b.utf8Start).assumingMemoryBound(to: CChar.self), count) == 0
        && a[count] == 0
}
