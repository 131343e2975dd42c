// This file must not import LLMBenchCore (or Foundation): libxml2's headers pull in the system ICU,
// whose UErrorCode clashes with Foundation's bundled ICU when both are imported in one file.
import CLibXML2

/// A throwing wrapper over libxml2's xmlTextWriter that hands the document over as libxml2 flushes it
/// (about 4 KB at a time), so a document of any size never sits whole in memory. libxml2 does the
/// escaping; this type only removes what XML 1.0 cannot hold at all, so any Swift string may be passed.
final class XMLTextWriter {
    /// Receives the document's bytes in order; what it throws stops the writer and becomes the
    /// `cause` of the error the next call throws.
    typealias Sink = (UnsafeRawBufferPointer) throws -> Void

    /// Owns the sink for as long as libxml2 may call it: until the writer is freed, which flushes.
    private final class SinkBox {
        let write: Sink
        var failure: (any Error)?
        init(_ write: @escaping Sink) { self.write = write }
    }

    private let sink: SinkBox
    private let writer: xmlTextWriterPtr

    init(sink write: @escaping Sink) throws(XMLWriteError) {
        let sink = SinkBox(write)
        let output = xmlOutputBufferCreateIO({ context, bytes, length in
            guard let context, length >= 0 else { return -1 }
            let sink = Unmanaged<SinkBox>.fromOpaque(context).takeUnretainedValue()
            do {
                try sink.write(UnsafeRawBufferPointer(start: bytes, count: Int(length)))
                return length
            } catch {
                sink.failure = error
                return -1
            }
        }, nil, Unmanaged.passUnretained(sink).toOpaque(), nil)
        guard let output else { throw Self.failure("could not allocate an output buffer") }
        // From here the writer owns the output buffer and closes it when freed.
        guard let writer = xmlNewTextWriter(output) else {
            xmlOutputBufferClose(output)
            throw Self.failure("could not create a writer")
        }
        self.sink = sink
        self.writer = writer
        try check(xmlTextWriterSetIndent(writer, 1), "set indentation")
        try check(withXMLChars("  ") { xmlTextWriterSetIndentString(writer, $0) }, "set indentation")
    }

    deinit {
        xmlFreeTextWriter(writer)
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

    /// Closes every open element and hands the rest of the document to the sink.
    func finish() throws(XMLWriteError) {
        try check(xmlTextWriterEndDocument(writer), "end the document")
        try check(xmlTextWriterFlush(writer), "flush")
    }

    /// XML 1.0 allows tab, LF, CR and U+0020 and up, except U+FFFE and U+FFFF (surrogates cannot occur in
    /// a Swift string). Anything else (NUL, escape, bell…) would make the whole file unreadable, so it is dropped.
    static func xmlSafe(_ text: String) -> String {
        // Nearly every text is safe as it is: a byte scan says so without building another string.
        // (U+FFFE and U+FFFF are EF BF BE and EF BF BF in UTF-8.)
        var safe = true, afterEFBF = 0
        for byte in text.utf8 {
            if byte < 0x20 && byte != 0x9 && byte != 0xA && byte != 0xD { safe = false; break }
            if afterEFBF == 2 && (byte == 0xBE || byte == 0xBF) { safe = false; break }
            afterEFBF = byte == 0xEF ? 1 : (afterEFBF == 1 && byte == 0xBF ? 2 : 0)
        }
        if safe { return text }
        return String(String.UnicodeScalarView(text.unicodeScalars.filter { scalar in
            switch scalar.value {
            case 0x9, 0xA, 0xD: true
            case 0..<0x20, 0xFFFE, 0xFFFF: false
            default: true
            }
        }))
    }

    private func check(_ rc: Int32, _ what: String) throws(XMLWriteError) {
        if rc < 0 { throw XMLWriteError(message: "libxml2 could not \(what)", cause: sink.failure) }
    }

    private static func failure(_ message: String) -> XMLWriteError { XMLWriteError(message: message, cause: nil) }
}

/// Passes `text` as the NUL-terminated `const xmlChar *` libxml2 expects.
private func withXMLChars<R>(_ text: String, _ body: (UnsafePointer<xmlChar>) -> R) -> R {
    // A native string hands out its own NUL-terminated bytes; no copy.
    text.withCString { $0.withMemoryRebound(to: xmlChar.self, capacity: text.utf8.count + 1, body) }
}

/// What libxml2 refused, e.g. "libxml2 could not start <testsuite>", and what the sink threw if it
/// was the sink that failed.
struct XMLWriteError: Error {
    var message: String
    var cause: (any Error)?
}
