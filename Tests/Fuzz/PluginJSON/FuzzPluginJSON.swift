import LLMBenchFuzzSupport
import LLMBenchPluginKit

/// Paths like those the provider plugins read from stream chunks and responses. Not the empty
/// path: it would build the whole document, and the path reader would skip nothing.
let paths: [[JSONPathComponent]] = [
    ["choices", 0, "delta", "content"], ["choices", 0, "finish_reason"], ["usage", "completion_tokens"],
    ["type"], ["delta", "text"], ["message", "usage"], ["candidates", 0, "content", "parts", 0, "text"], ["error"],
]
let pathSet = JSONPathSet(paths)

/// The plugin kit's JSON readers on any bytes: the whole-document reader, and the path reader over
/// the same bytes. What the whole reader accepts, the kit's writer writes as JSON that it reads back
/// to the same text, and the path reader reads too; and what a path finds in that text (one value a
/// key, as the whole reader keeps the last), the path reader found in the input alike.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPluginJSON(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: data, count: size)
    _ = try? JSONReader.object(bytes)
    let found = try? pathSet.values(in: bytes)
    guard let value = try? JSONReader.value(bytes) else { return 0 }
    let text = JSONText.encode(value)
    let again: Any, expected: [Any?]
    do {
        again = try Array(text.utf8).withUnsafeBytes { bytes throws(JSONReader.Failure) -> Any in try JSONReader.value(bytes) }
        expected = try pathSet.values(in: text)
    } catch {
        preconditionFailure("the writer wrote what the readers refuse (\(error)): \(text)")
    }
    precondition(JSONText.encode(again) == text, "writing is not stable: \(text)")
    guard let found else { preconditionFailure("the path reader refused what the whole reader read: \(text)") }
    for (path, (piece, whole)) in zip(paths, zip(found, expected)) where whole != nil {
        precondition(piece.map(JSONText.encode) == whole.map(JSONText.encode), "path \(path) differs in \(text)")
    }
    return 0
}

@main enum Main { static func main() { FuzzMain.run(fuzzPluginJSON) } }
