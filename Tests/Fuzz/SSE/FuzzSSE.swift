import LLMBenchFuzzSupport
import LLMBenchPluginKit

/// The server-sent-event parser on any stream, fed whole, byte by byte, and in chunks of 2 to 17
/// bytes (the size from the input's length): the events must be the same however the bytes arrive,
/// and every byte is examined once.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSSE(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let stream = UnsafeRawBufferPointer(start: data, count: size)
    let whole = events(of: stream, chunk: max(size, 1))
    for chunk in [1, size % 16 + 2] {
        let pieces = events(of: stream, chunk: chunk)
        precondition(whole == pieces, "chunks of \(chunk) bytes changed the events: \(whole) vs \(pieces)")
    }
    return 0
}

func events(of stream: UnsafeRawBufferPointer, chunk: Int) -> [ServerSentEvent] {
    var parser = ServerSentEventParser()
    var found: [ServerSentEvent] = []
    var start = 0
    while start < stream.count {
        let end = min(start + chunk, stream.count)
        // No line in a fuzz input nears maxLineBytes, so nothing is refused.
        _ = try! parser.feed(UnsafeRawBufferPointer(rebasing: stream[start..<end])) { found.append($0); return true }
        start = end
    }
    precondition(parser.bytesExamined == stream.count, "examined \(parser.bytesExamined) of \(stream.count) bytes")
    return found
}

@main enum Main { static func main() { FuzzMain.run(fuzzSSE) } }
