/// A loopback HTTP/1.1 server that speaks one provider's API with canned answers whose timing,
/// usage and faults come from the model name (see `Scenario`).
///
/// One thread per connection (small stacks, keep-alive honoured), so a request that sleeps for its
/// time-to-first-token holds only its own thread. The threads hold the `ServerCore`, not this
/// object, so dropping the last reference stops the server.
public final class FakeProviderServer: Sendable {
    public enum API: String, Sendable, CaseIterable {
        case openai, anthropic, gemini
    }

    public let api: API
    public let port: UInt16

    /// What a client is configured with: OpenAI `http://127.0.0.1:PORT/v1`, Anthropic
    /// `http://127.0.0.1:PORT` (the client appends `/v1/messages`), Gemini `http://127.0.0.1:PORT/v1beta`.
    public var baseURL: String {
        switch api {
        case .openai: "http://127.0.0.1:\(port)/v1"
        case .anthropic: "http://127.0.0.1:\(port)"
        case .gemini: "http://127.0.0.1:\(port)/v1beta"
        }
    }

    private let core: ServerCore

    /// Binds 127.0.0.1 (never another interface) and starts serving.
    /// - Parameters:
    ///   - port: 0 picks a free port.
    ///   - keepsRecords: false for long benchmark runs, where records would only grow.
    public init(api: API, port: UInt16 = 0, keepsRecords: Bool = true) throws {
        self.api = api
        let wire: any WireFormat = switch api {
        case .openai: OpenAIWire()
        case .anthropic: AnthropicWire()
        case .gemini: GeminiWire()
        }
        core = try ServerCore(wire: wire, port: port, keepsRecords: keepsRecords)
        self.port = core.port
    }

    deinit { core.stop() }

    /// Stops accepting, drops open connections and waits for the accept thread. Idempotent.
    public func stop() { core.stop() }

    /// Every request read so far, in arrival order.
    public func records() -> [RequestRecord] { core.records() }

    /// The latest request whose last user message was `prompt`.
    public func record(forPrompt prompt: String) -> RequestRecord? {
        core.records().last { $0.prompt == prompt }
    }
}

public struct FakeServerStartError: Error, CustomStringConvertible {
    public var description: String
}
