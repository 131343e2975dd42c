import CLLMBenchPluginABI

/// A request for the engine's HTTP service.
public struct HTTPRequest: Sendable {
    public var method: String
    public var url: String
    /// Header values may hold keys: the engine never logs or records them.
    public var headers: [(String, String)]
    public var body: [UInt8]
    /// A streamed response: the engine applies the between-chunk timeout and measures TTFT.
    public var stream: Bool

    public init(method: String = "POST", url: String, headers: [(String, String)] = [], body: [UInt8] = [], stream: Bool = false) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.stream = stream
    }
}

/// Status and headers of a response. Header names are lower-case.
public struct HTTPResponseHead: Sendable {
    public var status: Int
    /// 10, 11, 20 or 30.
    public var version: Int
    public var headers: [(String, String)]

    public init(status: Int, version: Int = 11, headers: [(String, String)] = []) {
        self.status = status
        self.version = version
        self.headers = headers.map { ($0.0.lowercased(), $0.1) }
    }

    public func header(_ name: String) -> String? {
        let lower = name.lowercased()
        return headers.first { $0.0 == lower }?.1
    }
}

extension EventEmitter {
    /// Performs a request through the engine's HTTP service, on this thread. `onResponse` sees the
    /// status and headers first; `onBody` each chunk as it arrives (events emitted inside it carry
    /// the chunk's arrival time). Either returns false to stop the transfer. Throws the engine's
    /// transport failure (timeout, network, cancelled) with its message.
    public func perform(_ request: HTTPRequest, host: PluginHost, onResponse: (HTTPResponseHead) -> Bool,
                        onBody: (UnsafeRawBufferPointer) -> Bool) throws(PluginError)
    {
        guard let service = host.rawTable.pointee.http, let perform = service.pointee.perform else {
            throw PluginError(.internal, "this llmbench offers no HTTP service (ABI 1.1 or later is needed)")
        }
        var failure: PluginError?
        withoutActuallyEscaping(onResponse) { onResponse in
            withoutActuallyEscaping(onBody) { onBody in
                let box = HandlerBox(onResponse: onResponse, onBody: onBody)
                let context = Unmanaged.passUnretained(box).toOpaque()
                var handler = llmbench_http_handler(
                    abi_major: UInt32(LLMBENCH_ABI_MAJOR), abi_minor: UInt32(LLMBENCH_ABI_MINOR),
                    struct_size: UInt32(MemoryLayout<llmbench_http_handler>.size), reserved0: 0, context: context,
                    on_response: handlerResponse, on_body: handlerBody)
                var message: UnsafeMutablePointer<CChar>?
                let status = withCRequest(request) { cRequest in
                    perform(host.rawTable.pointee.context, call.pointee.host_call, cRequest, &handler, &message)
                }
                withExtendedLifetime(box) {}
                if status != 0 {
                    let text = message.map { String(cString: $0) } ?? "HTTP request failed"
                    if let message, let free = host.rawTable.pointee.free { free(host.rawTable.pointee.context, message) }
                    failure = PluginError(PluginError.Code(rawValue: status) ?? .network, text)
                }
            }
        }
        if let failure { throw failure }
    }
}

private final class HandlerBox {
    let onResponse: (HTTPResponseHead) -> Bool
    let onBody: (UnsafeRawBufferPointer) -> Bool
    init(onResponse: @escaping (HTTPResponseHead) -> Bool, onBody: @escaping (UnsafeRawBufferPointer) -> Bool) {
        self.onResponse = onResponse
        self.onBody = onBody
    }
}

private let handlerResponse: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<llmbench_http_response>?) -> Int32 = { context, response in
    guard let context, let response else { return 1 }
    let box = Unmanaged<HandlerBox>.fromOpaque(context).takeUnretainedValue()
    var headers: [(String, String)] = []
    for i in 0..<response.pointee.header_count {
        let h = response.pointee.headers[i]
        headers.append((utf8String(h.name, h.name_len), utf8String(h.value, h.value_len)))
    }
    let head = HTTPResponseHead(status: Int(response.pointee.status), version: Int(response.pointee.http_version), headers: headers)
    return box.onResponse(head) ? 0 : 1
}

private let handlerBody: @convention(c) (UnsafeMutableRawPointer?, UnsafePointer<CChar>?, Int) -> Int32 = { context, data, length in
    guard let context else { return 1 }
    let box = Unmanaged<HandlerBox>.fromOpaque(context).takeUnretainedValue()
    return box.onBody(UnsafeRawBufferPointer(start: data, count: length)) ? 0 : 1
}

/// Lays a request out as the C struct for the duration of `body`.
private func withCRequest<T>(_ request: HTTPRequest, _ body: (UnsafePointer<llmbench_http_request>) -> T) -> T {
    let names = request.headers.map { Array($0.0.utf8) }, values = request.headers.map { Array($0.1.utf8) }
    return request.method.withCString { method in
        request.url.withCString { url in
            request.body.withUnsafeBufferPointer { bodyBuffer in
                withExtendedLifetime((names, values)) {
                    var list: [llmbench_http_header] = []
                    for i in names.indices {
                        names[i].withUnsafeBufferPointer { n in
                            values[i].withUnsafeBufferPointer { v in
                                list.append(llmbench_http_header(
                                    name: UnsafeRawPointer(n.baseAddress)?.assumingMemoryBound(to: CChar.self), name_len: n.count,
                                    value: UnsafeRawPointer(v.baseAddress)?.assumingMemoryBound(to: CChar.self), value_len: v.count))
                            }
                        }
                    }
                    return list.withUnsafeBufferPointer { headers in
                        var c = llmbench_http_request(
                            abi_major: UInt32(LLMBENCH_ABI_MAJOR), abi_minor: UInt32(LLMBENCH_ABI_MINOR),
                            struct_size: UInt32(MemoryLayout<llmbench_http_request>.size),
                            flags: request.stream ? UInt32(LLMBENCH_HTTP_STREAM) : 0, method: method, url: url,
                            headers: headers.baseAddress, header_count: headers.count,
                            body: UnsafeRawPointer(bodyBuffer.baseAddress)?.assumingMemoryBound(to: CChar.self), body_len: bodyBuffer.count)
                        return body(&c)
                    }
                }
            }
        }
    }
}
