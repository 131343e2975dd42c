import LLMBenchCore
import LLMBenchFuzzSupport

/// Core's JSON parser (results files, plugin answers) on any bytes. What it accepts, the writer
/// writes as JSON it accepts again, and writes the same a second time.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCoreJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    guard let value = try? JSONValue.parse(bytes: UnsafeRawBufferPointer(start: data, count: size)) else { return 0 }
    let text = value.jsonText
    guard let again = try? JSONValue.parse(text) else { preconditionFailure("the writer wrote what the parser refuses: \(text)") }
    precondition(again.jsonText == text, "writing is not stable: \(text)")
    return 0
}

@main enum Main { static func main() { FuzzMain.run(fuzzCoreJSON) } }
