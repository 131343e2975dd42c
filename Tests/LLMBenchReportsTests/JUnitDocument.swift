// Only libxml2 here: importing Foundation or LLMBenchCore in the same file makes libxml2's system ICU
// headers clash with Foundation's bundled ICU.
import CLibXML2

/// A JUnit file as libxml2 reads it back, element by element.
struct ParsedSuite: Equatable {
    var attributes: [String: String]
    var testcases: Int
    /// Test cases holding a <failure> / an <error>.
    var failures: Int
    var errors: Int
    /// Test case names, in order.
    var names: [String]
    /// Text bodies of <failure> and <error>.
    var bodies: [String]
    /// <property> name → value.
    var properties: [String: String]
    /// Element names directly under <testsuite>, in order.
    var childOrder: [String]
}

struct ParsedJUnit {
    var rootName: String
    var rootAttributes: [String: String]
    var suites: [ParsedSuite]

    /// nil when libxml2 cannot parse the text. Network access and entity expansion stay off.
    init?(_ xml: String) {
        let bytes = Array(xml.utf8)
        let parsed = bytes.withUnsafeBufferPointer { buffer in
            buffer.withMemoryRebound(to: CChar.self) {
                xmlReadMemory($0.baseAddress, Int32($0.count), "junit.xml", "UTF-8", Int32(XML_PARSE_NONET.rawValue))
            }
        }
        guard let doc = parsed else { return nil }
        defer { xmlFreeDoc(doc) }
        guard let root = xmlDocGetRootElement(doc) else { return nil }
        rootName = Self.name(root)
        rootAttributes = Self.attributes(root)
        suites = Self.elements(root).filter { Self.name($0) == "testsuite" }.map { suite in
            var parsed = ParsedSuite(attributes: Self.attributes(suite), testcases: 0, failures: 0, errors: 0, names: [],
                                     bodies: [], properties: [:], childOrder: [])
            for child in Self.elements(suite) {
                let name = Self.name(child)
                parsed.childOrder.append(name)
                if name == "properties" {
                    for property in Self.elements(child) {
                        let attributes = Self.attributes(property)
                        parsed.properties[attributes["name"] ?? ""] = attributes["value"] ?? ""
                    }
                }
                guard name == "testcase" else { continue }
                parsed.testcases += 1
                parsed.names.append(Self.attributes(child)["name"] ?? "")
                for outcome in Self.elements(child) {
                    switch Self.name(outcome) {
                    case "failure": parsed.failures += 1
                    case "error": parsed.errors += 1
                    default: continue
                    }
                    parsed.bodies.append(Self.text(outcome))
                }
            }
            return parsed
        }
    }

    private static func name(_ node: xmlNodePtr) -> String { String(cString: node.pointee.name) }

    private static func elements(_ node: xmlNodePtr) -> [xmlNodePtr] {
        var out: [xmlNodePtr] = []
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_ELEMENT_NODE { out.append(current) }
            child = current.pointee.next
        }
        return out
    }

    /// Concatenated text children; read in place, so nothing needs xmlFree.
    private static func text(_ node: xmlNodePtr) -> String {
        var out = ""
        var child = node.pointee.children
        while let current = child {
            if current.pointee.type == XML_TEXT_NODE || current.pointee.type == XML_CDATA_SECTION_NODE,
               let content = current.pointee.content
            {
                out += String(cString: content)
            }
            child = current.pointee.next
        }
        return out
    }

    private static func attributes(_ node: xmlNodePtr) -> [String: String] {
        var out: [String: String] = [:]
        var attribute = node.pointee.properties
        while let current = attribute {
            var value = ""
            var child = current.pointee.children
            while let text = child {
                if let content = text.pointee.content { value += String(cString: content) }
                child = text.pointee.next
            }
            out[String(cString: current.pointee.name)] = value
            attribute = current.pointee.next
        }
        return out
    }
}
