// This file must not import LLMBenchCore (or Foundation): libxml2's headers pull in the system ICU,
// whose UErrorCode clashes with Foundation's bundled ICU when both are imported in one file.
import CLibXML2

/// A throwing wrapper over libxml2's xmlTextWriter writing to memory. libxml2 does the escaping; this
/// type only removes what XML 1.0 cannot hold at all, so any Swift string may be passed.
final class XMLTextWriter {
    private let buffer: xmlBufferPtr
    private let writer: xmlTextWriterPtr

    init() throws(XMLWriteError) {
        guard let buffer = xmlBufferCreate() else { throw Self.failure("could not allocate a buffer") }
        guard let writer = xmlNewTextWriterMemory(buffer, 0) else {
            xmlBufferFree(buffer)
            throw Self.failure("could not create a writer")
        }
        self.buffer = buffer
        self.writer = writer
        try check(xmlTextWriterSetIndent(writer, 1), "set indentation")
        try check(withXMLChars("  ") { xmlTextWriterSetIndentString(writer, $0) }, "set indentation")
    }

    deinit {
        xmlFreeTextWriter(writer)
        xmlBufferFree(buffer)
    }

    func startDocument() throws(XMLWriteError) {
        try check(xmlTextWriterStartDocument(writer, nil, "UTF-8", nil), "start the document")
    }

    func startElement(_ name: String) throws(XMLWriteError) {
        try check(withXMLChars(name) { xmlTextWriterStartElement(writer, $0) }, "start <\(name)>")
    }

    func attribute(_ name: String, _ value: String) throws(XMLWriteError) {
        let rc = withXMLChars(name) { name in withXMLChars(Self.xmlSafe(value)) { xmlTextWriterWriteAttribute(writer, name, $0) } }
        try check(rc, "write attribute \(name)")
    }

    func text(_ text: String) throws(XMLWriteError) {
        try check(withXMLChars(Self.xmlSafe(text)) { xmlTextWriterWriteString(writer, $0) }, "write text")
    }

    func endElement() throws(XMLWriteError) {
        try check(xmlTextWriterEndElement(writer), "end an element")
    }

    /// Closes every open element and returns the document.
    func finish() throws(XMLWriteError) -> String {
        try check(xmlTextWriterEndDocument(writer), "end the document")
        try check(xmlTextWriterFlush(writer), "flush")
        let count = Int(xmlBufferLength(buffer))
        guard count > 0, let content = xmlBufferContent(buffer) else { return "" }
        return String(decoding: UnsafeBufferPointer(start: content, count: count), as: UTF8.self)
    }

    /// XML 1.0 allows tab, LF, CR and U+0020 and up, except U+FFFE and U+FFFF (surrogates cannot occur in
    /// a Swift string). Anything else (NUL, escape, bell…) would make the whole file unreadable, so it is dropped.
    static func xmlSafe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.filter { scalar in
            switch scalar.value {
            case 0x9, 0xA, 0xD: true
            case 0..<0x20, 0xFFFE, 0xFFFF: false
            default: true
            }
        }))
    }

    private func check(_ rc: Int32, _ what: String) throws(XMLWriteError) {
        if rc < 0 { throw Self.failure("libxml2 could not \(what)") }
    }

    private static func failure(_ message: String) -> XMLWriteError { XMLWriteError(message: message) }
}

/// Passes `text` as the NUL-terminated `const xmlChar *` libxml2 expects.
private func withXMLChars<R>(_ text: String, _ body: (UnsafePointer<xmlChar>) -> R) -> R {
    var bytes = Array(text.utf8)
    bytes.append(0)
    return bytes.withUnsafeBufferPointer { body($0.baseAddress!) }
}

/// What libxml2 refused, e.g. "libxml2 could not start <testsuite>".
struct XMLWriteError: Error {
    var message: String
}
