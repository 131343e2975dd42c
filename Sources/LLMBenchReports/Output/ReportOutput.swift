import LLMBenchCore

/// Where a report goes as it is written. Text is gathered into chunks of about `chunkBytes` and handed
/// to the sink in order, so a report of any size passes through a fixed amount of memory. The sink
/// decides the destination (a file, standard output, memory); `flush()` hands over what is left.
public final class ReportOutput {
    public typealias Sink = (UnsafeRawBufferPointer) throws(LLMBenchError) -> Void

    private let sink: Sink
    private let chunkBytes: Int
    private var buffer: [UInt8] = []

    public init(chunkBytes: Int = 64 * 1024, sink: @escaping Sink) {
        self.sink = sink
        self.chunkBytes = max(1, chunkBytes)
        buffer.reserveCapacity(self.chunkBytes)
    }

    func write(_ text: String) throws(LLMBenchError) {
        buffer.append(contentsOf: text.utf8)
        if buffer.count >= chunkBytes { try flush() }
    }

    func write(_ bytes: [UInt8]) throws(LLMBenchError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= chunkBytes { try flush() }
    }

    func write(_ bytes: UnsafeRawBufferPointer) throws(LLMBenchError) {
        buffer.append(contentsOf: bytes)
        if buffer.count >= chunkBytes { try flush() }
    }

    /// Hands everything written so far to the sink.
    public func flush() throws(LLMBenchError) {
        guard !buffer.isEmpty else { return }
        var failure: LLMBenchError?
        buffer.withUnsafeBytes { bytes in
            do throws(LLMBenchError) { try sink(bytes) } catch { failure = error }
        }
        buffer.removeAll(keepingCapacity: true)
        if let failure { throw failure }
    }
}
