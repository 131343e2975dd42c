import CLLMBenchPluginABI
import Foundation

/// Builds the static `llmbench_plugin` table for a Swift plugin. Each plugin library links its own
/// copy of this module, so the globals below belong to one plugin.
public enum PluginExport {
    private static let lock = NSLock()
    nonisolated(unsafe) private static var table: UnsafeMutablePointer<llmbench_plugin>?
    nonisolated(unsafe) fileprivate static var providerType: (any ProviderPlugin.Type)?
    nonisolated(unsafe) fileprivate static var scorerType: (any ScorerPlugin.Type)?

    /// The table for a provider; call it from `llmbench_plugin_entry`.
    public static func provider(_ type: any ProviderPlugin.Type) -> UnsafeRawPointer {
        lock.lock()
        defer { lock.unlock() }
        if let table { return UnsafeRawPointer(table) }
        providerType = type
        let made = makeTable(kind: Int32(LLMBENCH_KIND_PROVIDER.rawValue), id: type.id, name: type.displayName,
                             version: type.version, capabilities: type.capabilities.rawValue)
        made.pointee.complete = providerComplete
        if type.capabilities.contains(.embeddings) { made.pointee.embed = providerEmbed }
        table = made
        return UnsafeRawPointer(made)
    }

    /// The table for a scorer; call it from `llmbench_plugin_entry`.
    public static func scorer(_ type: any ScorerPlugin.Type) -> UnsafeRawPointer {
        lock.lock()
        defer { lock.unlock() }
        if let table { return UnsafeRawPointer(table) }
        scorerType = type
        let made = makeTable(kind: Int32(LLMBENCH_KIND_SCORER.rawValue), id: type.id, name: type.displayName,
                             version: type.version, capabilities: type.capabilities.rawValue)
        made.pointee.score = scorerScore
        if type is any AggregatingScorerPlugin.Type { made.pointee.aggregate = scorerAggregate }
        table = made
        return UnsafeRawPointer(made)
    }

    private static func makeTable(kind: Int32, id: String, name: String, version: String, capabilities: UInt64)
        -> UnsafeMutablePointer<llmbench_plugin>
    {
        let table = UnsafeMutablePointer<llmbench_plugin>.allocate(capacity: 1)
        table.initialize(to: llmbench_plugin())
        table.pointee.abi_major = UInt32(LLMBENCH_ABI_MAJOR)
        table.pointee.abi_minor = UInt32(LLMBENCH_ABI_MINOR)
        table.pointee.struct_size = UInt32(MemoryLayout<llmbench_plugin>.size)
        table.pointee.kind = kind
        // Static for the life of the process: the library is never unloaded.
        table.pointee.id = UnsafePointer(strdup(id))
        table.pointee.display_name = UnsafePointer(strdup(name))
        table.pointee.version = UnsafePointer(strdup(version))
        table.pointee.capabilities = capabilities
        table.pointee.create = pluginCreate
        table.pointee.destroy = pluginDestroy
        return table
    }
}

/// What an instance pointer handed to the engine points at.
private final class InstanceBox {
    let provider: (any ProviderPlugin)?
    let scorer: (any ScorerPlugin)?
    let host: PluginHost
    init(provider: (any ProviderPlugin)?, scorer: (any ScorerPlugin)?, host: PluginHost) {
        self.provider = provider
        self.scorer = scorer
        self.host = host
    }
}

func utf8String(_ pointer: UnsafePointer<CChar>?, _ count: Int) -> String {
    guard let pointer, count > 0 else { return "" }
    return String(decoding: UnsafeRawBufferPointer(start: pointer, count: count), as: UTF8.self)
}

func jsonObject(_ pointer: UnsafePointer<CChar>?, _ count: Int) throws(PluginError) -> [String: Any] {
    guard let pointer, count > 0 else { return [:] }
    let buffer = UnsafeBufferPointer(start: UnsafeRawPointer(pointer).assumingMemoryBound(to: UInt8.self), count: count)
    do {
        return try RequestJSONReader.object(buffer)
    } catch {
        throw PluginError(.invalidRequest, "invalid JSON from the host at byte \(error.offset): \(error.message)")
    }
}

/// Serialises JSON-shaped values (String, Bool, numbers, NSNull, arrays, string-keyed dictionaries)
/// with sorted keys. Written out by hand: Foundation's JSONSerialization was a third of the time of
/// a scored result in the engine-overhead benchmark.
func jsonText(_ object: Any) -> String {
    var out = ""
    appendJSON(object, to: &out)
    return out
}

func appendJSON(_ value: Any, to out: inout String) {
    switch value {
    case let string as String: appendJSONString(string, to: &out)
    case let bool as Bool: out += bool ? "true" : "false"
    case let int as Int: out += String(int)
    case let double as Double: out += double.isFinite ? "\(double)" : "null"
    case let dictionary as [String: Any]:
        out += "{"
        for (i, key) in dictionary.keys.sorted().enumerated() {
            if i > 0 { out += "," }
            appendJSONString(key, to: &out)
            out += ":"
            appendJSON(dictionary[key]!, to: &out)
        }
        out += "}"
    case let array as [Any]:
        out += "["
        for (i, item) in array.enumerated() {
            if i > 0 { out += "," }
            appendJSON(item, to: &out)
        }
        out += "]"
    default: out += "null"
    }
}

func appendJSONString(_ string: String, to out: inout String) {
    out += "\""
    var needsEscape = false
    for byte in string.utf8 where byte < 0x20 || byte == 0x22 || byte == 0x5C {
        needsEscape = true
        break
    }
    guard needsEscape else {
        out += string
        out += "\""
        return
    }
    var escaped = ""
    for scalar in string.unicodeScalars {
        switch scalar {
        case "\"": escaped += "\\\""
        case "\\": escaped += "\\\\"
        case "\n": escaped += "\\n"
        case "\r": escaped += "\\r"
        case "\t": escaped += "\\t"
        case let c where c.value < 0x20:
            let hex = String(c.value, radix: 16)
            escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        default: escaped.unicodeScalars.append(scalar)
        }
    }
    out += escaped
    out += "\""
}

private func hostError(_ host: UnsafePointer<llmbench_host>?, _ message: String, into out: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) {
    guard let out, let host, let alloc = host.pointee.alloc else { return }
    let bytes = Array(message.utf8)
    guard let memory = alloc(host.pointee.context, bytes.count + 1) else { return }
    let chars = memory.bindMemory(to: CChar.self, capacity: bytes.count + 1)
    bytes.withUnsafeBufferPointer { src in
        for (i, byte) in src.enumerated() { chars[i] = CChar(bitPattern: byte) }
    }
    chars[bytes.count] = 0
    out.pointee = chars
}

private let pluginCreate: @convention(c) (
    UnsafePointer<llmbench_host>?, UnsafePointer<CChar>?, Int, UnsafeMutablePointer<UnsafeMutableRawPointer?>?,
    UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?
) -> Int32 = { host, config, configLen, instanceOut, errorOut in
    guard let host, let instanceOut else { return PluginError.Code.invalidRequest.rawValue }
    let pluginHost = PluginHost(table: host)
    do throws(PluginError) {
        let json = try jsonObject(config, configLen)
        let box: InstanceBox
        if let type = PluginExport.providerType {
            let configuration = ProviderConfiguration(
                providerID: json["provider_id"] as? String ?? "", model: json["model"] as? String ?? "",
                baseURL: json["base_url"] as? String, apiKey: json["api_key"] as? String,
                options: json["options"] as? [String: Any] ?? [:])
            box = InstanceBox(provider: try type.init(config: configuration, host: pluginHost), scorer: nil, host: pluginHost)
        } else if let type = PluginExport.scorerType {
            box = InstanceBox(provider: nil, scorer: try type.init(options: json, host: pluginHost), host: pluginHost)
        } else {
            throw PluginError(.internal, "plugin table was not built")
        }
        instanceOut.pointee = Unmanaged.passRetained(box).toOpaque()
        return 0
    } catch {
        hostError(host, error.message, into: errorOut)
        return error.code.rawValue
    }
}

private let pluginDestroy: @convention(c) (UnsafeMutableRawPointer?) -> Void = { instance in
    guard let instance else { return }
    Unmanaged<InstanceBox>.fromOpaque(instance).release()
}

private func box(_ instance: UnsafeMutableRawPointer?) -> InstanceBox? {
    guard let instance else { return nil }
    return Unmanaged<InstanceBox>.fromOpaque(instance).takeUnretainedValue()
}

/// Runs `body`, turning a thrown PluginError into an ERROR event and its status code.
private func run(_ call: UnsafePointer<llmbench_call>, _ body: (EventEmitter) throws(PluginError) -> Void) -> Int32 {
    let events = EventEmitter(call: call)
    do throws(PluginError) {
        try body(events)
        return events.shouldContinue ? 0 : PluginError.Code.cancelled.rawValue
    } catch {
        events.error(error)
        return error.code.rawValue
    }
}

private let providerComplete: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<llmbench_call>?) -> Int32 = { instance, call in
    guard let call, let provider = box(instance)?.provider else { return PluginError.Code.invalidRequest.rawValue }
    return run(call) { events throws(PluginError) in
        let json = try jsonObject(call.pointee.request_json, call.pointee.request_len)
        let test = json["test"] as? [String: Any] ?? [:]
        let messages = (json["messages"] as? [[String: Any]] ?? []).map {
            ChatMessage(role: $0["role"] as? String ?? "user", content: $0["content"] as? String ?? "")
        }
        let request = CompletionRequest(
            model: json["model"] as? String ?? "", messages: messages, options: json["options"] as? [String: Any] ?? [:],
            testName: test["name"] as? String ?? "", category: test["category"] as? String ?? "",
            expected: test["expected"] as? [String] ?? [], repeatIndex: test["repeat"] as? Int ?? 0)
        try provider.complete(request, events: events)
    }
}

private let providerEmbed: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<llmbench_call>?) -> Int32 = { instance, call in
    guard let call, let provider = box(instance)?.provider else { return PluginError.Code.invalidRequest.rawValue }
    return run(call) { events throws(PluginError) in
        let json = try jsonObject(call.pointee.request_json, call.pointee.request_len)
        let request = EmbeddingRequest(model: json["model"] as? String ?? "", inputs: json["inputs"] as? [String] ?? [])
        let result = try provider.embed(request, events: events)
        var object: [String: Any] = ["embeddings": result.embeddings]
        if let tokens = result.inputTokens { object["usage"] = ["input_tokens": tokens, "output_tokens": 0] }
        events.result(jsonText(object))
    }
}

private let scorerScore: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<llmbench_call>?) -> Int32 = { instance, call in
    guard let call, let scorer = box(instance)?.scorer else { return PluginError.Code.invalidRequest.rawValue }
    return run(call) { events throws(PluginError) in
        let json = try jsonObject(call.pointee.request_json, call.pointee.request_len)
        let expected: [String]
        if let list = json["expected"] as? [String] { expected = list } else if let one = json["expected"] as? String { expected = [one] } else { expected = [] }
        let request = ScoreRequest(output: json["output"] as? String ?? "", expected: expected,
                                   options: json["options"] as? [String: Any] ?? [:], testName: json["test"] as? String ?? "",
                                   host: ScorerHost(table: box(instance)?.host.table, hostCall: call.pointee.host_call))
        events.result(try resultText(scorer.score(request)))
    }
}

private let scorerAggregate: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<llmbench_call>?) -> Int32 = { instance, call in
    guard let call, let scorer = box(instance)?.scorer as? any AggregatingScorerPlugin else { return PluginError.Code.invalidRequest.rawValue }
    return run(call) { events throws(PluginError) in
        let json = try jsonObject(call.pointee.request_json, call.pointee.request_len)
        guard let items = json["items"] as? [Any] else { throw PluginError(.invalidRequest, "aggregate request has no \"items\" list") }
        let details = try items.enumerated().map { index, item throws(PluginError) in
            guard let object = item as? [String: Any] else { throw PluginError(.invalidRequest, "aggregate item \(index + 1) is not a details object") }
            return object
        }
        let request = AggregateRequest(items: details, options: json["options"] as? [String: Any] ?? [:])
        events.result(try resultText(scorer.aggregate(request)))
    }
}

/// A score's RESULT event: {"value", "details", "passed"?, "explanation"?}.
private func resultText(_ result: ScoreResult) throws(PluginError) -> String {
    guard result.value.isFinite, (0...1).contains(result.value) else {
        throw PluginError(.internal, "scorer returned \(result.value), outside [0, 1]")
    }
    var text = "{\"value\":\(result.value),\"details\":"
    appendJSON(result.details, to: &text)
    if let passed = result.passed { text += passed ? ",\"passed\":true" : ",\"passed\":false" }
    if let explanation = result.explanation {
        text += ",\"explanation\":"
        appendJSONString(explanation, to: &text)
    }
    return text + "}"
}
