import CLLMBenchPluginABI
import Foundation

/// The engine's services during one `score` call (ABI 1.2): calls to the providers of the run's
/// suite, through their plugins, the engine's transport and each provider's retry policy
/// (Docs/plugin-abi.md "The provider service"). Valid only during the call it came with, on its
/// thread.
public struct ScorerHost: @unchecked Sendable {
    let table: UnsafePointer<llmbench_host>?
    let hostCall: UnsafeMutableRawPointer?

    public enum CallKind: Int32, Sendable {
        case embed = 1, complete = 2
    }

    /// Outside an engine's score call (a unit test, say): every provider call fails.
    public static let none = ScorerHost(table: nil, hostCall: nil)

    /// False with a 1.0 or 1.1 engine, whose host has no provider service.
    public var offersProviders: Bool {
        guard let table else { return false }
        return table.pointee.struct_size >= UInt32(LLMBENCH_HOST_SIZE_1_2) && table.pointee.provider_call != nil
    }

    /// One call to provider `providerID` of the suite; returns its result JSON. Throws the
    /// provider's last error (after the engine's retries), or `notFound` for an id the run lacks.
    public func callProvider(_ providerID: String, kind: CallKind, requestJSON: String) throws(PluginError) -> String {
        guard offersProviders, let table, let call = table.pointee.provider_call else {
            throw PluginError(.invalidRequest, "this engine offers no provider service (it needs ABI 1.2)")
        }
        var id = providerID
        var request = requestJSON
        var result: UnsafeMutablePointer<CChar>?
        var resultLength = 0
        var message: UnsafeMutablePointer<CChar>?
        let status = id.withUTF8 { idBytes in
            request.withUTF8 { requestBytes in
                call(table.pointee.context, hostCall,
                     UnsafeRawPointer(idBytes.baseAddress)?.assumingMemoryBound(to: CChar.self), idBytes.count, kind.rawValue,
                     UnsafeRawPointer(requestBytes.baseAddress)?.assumingMemoryBound(to: CChar.self), requestBytes.count,
                     &result, &resultLength, &message)
            }
        }
        let release = table.pointee.free
        defer {
            release?(table.pointee.context, result)
            release?(table.pointee.context, message)
        }
        guard status == 0, let result else {
            let text = message.map { String(cString: $0) } ?? "provider '\(providerID)' failed with status \(status)"
            throw PluginError(PluginError.Code(rawValue: status) ?? .internal, text)
        }
        return utf8String(result, resultLength)
    }

    /// One vector per input, in order, from provider `providerID` (which must offer embeddings).
    public func embed(providerID: String, inputs: [String]) throws(PluginError) -> [[Double]] {
        let text = try callProvider(providerID, kind: .embed, requestJSON: jsonText(["inputs": inputs]))
        let object = try Self.object(text)
        guard let list = object["embeddings"] as? [Any] else {
            throw PluginError(.malformedResponse, "provider '\(providerID)' answered no \"embeddings\" list")
        }
        var vectors: [[Double]] = []
        for (index, entry) in list.enumerated() {
            guard let vector = JSONReader.numbers(entry) else {
                throw PluginError(.malformedResponse, "provider '\(providerID)': embedding \(index + 1) is not a list of numbers")
            }
            vectors.append(vector)
        }
        guard vectors.count == inputs.count else {
            throw PluginError(.malformedResponse, "provider '\(providerID)' answered \(vectors.count) embeddings for \(inputs.count) inputs")
        }
        return vectors
    }

    /// The answer text of one completion by provider `providerID` (a judge model, say).
    public func complete(providerID: String, messages: [ChatMessage], options: [String: Any] = [:]) throws(PluginError) -> String {
        let request: [String: Any] = ["messages": messages.map { ["role": $0.role, "content": $0.content] }, "options": options]
        let text = try callProvider(providerID, kind: .complete, requestJSON: jsonText(request))
        let object = try Self.object(text)
        return object["text"] as? String ?? ""
    }

    private static func object(_ text: String) throws(PluginError) -> [String: Any] {
        var text = text
        let parsed: Result<[String: Any], PluginError> = text.withUTF8 { buffer in
            Result { () throws(PluginError) in
                try jsonObject(UnsafeRawPointer(buffer.baseAddress)?.assumingMemoryBound(to: CChar.self), buffer.count)
            }
        }
        return try parsed.get()
    }
}
