import LLMBenchCore
import LLMBenchFuzzSupport

/// The suite parser and the price-table parser on any text. Every include is served the input
/// itself, so included files get the same text (includes do not nest). A refusal always says
/// something, and at a place.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSuite(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let text = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    do {
        _ = try SuiteParser { path, _ in (path, text) }.parse(text, path: "fuzz.yaml")
    } catch {
        precondition(!error.errors.isEmpty, "a suite refused without a reason")
        precondition(error.errors.allSatisfy { $0.location != nil }, "a suite problem without a place")
    }
    do {
        _ = try PriceTable.parse(text, path: "prices.yaml")
    } catch {
        precondition(!error.errors.isEmpty, "a price table refused without a reason")
    }
    return 0
}

@main enum Main { static func main() { FuzzMain.run(fuzzSuite) } }
