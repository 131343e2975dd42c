// llmbench-fake-server --api openai|anthropic|gemini [--port N] [--records FILE]
//
// Serves one fake provider API on 127.0.0.1 for benchmarks and manual runs. Prints
// `listening <port>` once ready, then serves until killed or, when stdin is a pipe, socket or
// terminal, until stdin closes (so a parent that dies takes the server with it).
import Foundation
import LLMBenchFakeServers
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

func usage(_ problem: String) -> Never {
    FileHandle.standardError.write(Data("llmbench-fake-server: \(problem)\nusage: llmbench-fake-server --api openai|anthropic|gemini [--port N]\n".utf8))
    exit(2)
}

var api: FakeProviderServer.API?
var port: UInt16 = 0
var recordsPath: String?
var arguments = CommandLine.arguments.dropFirst()
while let argument = arguments.popFirst() {
    switch argument {
    case "--api":
        guard let value = arguments.popFirst(), let parsed = FakeProviderServer.API(rawValue: value) else {
            usage("--api needs one of openai, anthropic, gemini")
        }
        api = parsed
    case "--port":
        guard let value = arguments.popFirst(), let parsed = UInt16(value) else { usage("--port needs a number from 0 to 65535") }
        port = parsed
    case "--records":
        guard let value = arguments.popFirst() else { usage("--records needs a file") }
        recordsPath = value
    case "-h", "--help":
        usage("serves a fake provider API on 127.0.0.1")
    default:
        usage("unknown argument '\(argument)'")
    }
}
guard let api else { usage("--api is required") }

let server: FakeProviderServer
do {
    // A benchmark sends millions of requests: records are kept only when asked for (--records).
    server = try FakeProviderServer(api: api, port: port, keepsRecords: recordsPath != nil)
} catch {
    FileHandle.standardError.write(Data("llmbench-fake-server: \(error)\n".utf8))
    exit(1)
}
// FileHandle writes straight to the descriptor, so a parent reading the pipe sees the line at once.
FileHandle.standardOutput.write(Data("listening \(server.port)\n".utf8))

var status = stat()
fstat(0, &status)
let stdinType = status.st_mode & S_IFMT
if stdinType == S_IFIFO || stdinType == S_IFSOCK || isatty(0) != 0 {
    var scratch = [UInt8](repeating: 0, count: 4096)
    while true {
        let n = read(0, &scratch, scratch.count)
        if n == 0 || (n < 0 && errno != EINTR) { break }
    }
} else {
    // stdin is a file or /dev/null: EOF means nothing, so serve until a signal ends the process.
    while true { pause() }
}
server.stop()
if let recordsPath {
    // One JSON line per request with the server's own CLOCK_MONOTONIC stamps, for timing checks.
    var lines = ""
    for record in server.records() {
        let object: [String: Any] = [
            "prompt": record.prompt ?? "", "status": record.status, "request_start_ns": record.requestStartNs,
            "request_complete_ns": record.requestCompleteNs, "first_content_ns": record.firstContentNs ?? 0,
            "last_byte_ns": record.lastByteNs ?? 0,
        ]
        if let data = try? JSONSerialization.data(withJSONObject: object) { lines += String(decoding: data, as: UTF8.self) + "\n" }
    }
    if !FileManager.default.createFile(atPath: recordsPath, contents: Data(lines.utf8)) {
        FileHandle.standardError.write(Data("llmbench-fake-server: cannot write \(recordsPath)\n".utf8))
        exit(1)
    }
}
