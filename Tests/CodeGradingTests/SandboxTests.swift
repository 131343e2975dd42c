import CodeGrading
import Foundation
import LLMBenchTestSupport
import Synchronization
import Testing

/// The sandbox contains what generated code may do: loop, fork without end, write without end,
/// allocate without end, call the network, leave processes behind, flood its output. Each test
/// runs a real program (sh, python3) in a real workspace. Bounds are far from the limits, so a busy
/// machine cannot make them fail.
struct SandboxTests {
    static let environment = ["PATH": "/usr/local/bin:/usr/bin:/bin", "LANG": "C.UTF-8"]

    static func run(_ command: [String], limits: Sandbox.Limits = Sandbox.Limits(), isolate: Bool = true,
                    cancelled: (@Sendable () -> Bool)? = nil, in workspace: Workspace? = nil) throws -> (Sandbox.Outcome, Workspace)
    {
        let workspace = try workspace ?? Workspace(under: NSTemporaryDirectory())
        let outcome = try Sandbox.run(command, environment: environment, workspace: workspace.path, limits: limits,
                                      isolate: isolate, cancelled: cancelled)
        return (outcome, workspace)
    }

    static func python(_ code: String, limits: Sandbox.Limits = Sandbox.Limits(), isolate: Bool = true) throws -> Sandbox.Outcome {
        try run(["python3", "-c", code], limits: limits, isolate: isolate).0
    }

    /// Processes on this machine whose command line holds `marker`.
    static func processes(marked marker: String) -> [String] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.filter { $0.allSatisfy(\.isNumber) }.filter { pid in
            guard let data = FileManager.default.contents(atPath: "/proc/\(pid)/cmdline") else { return false }
            let text = String(decoding: data.map { $0 == 0 ? 32 : $0 }, as: UTF8.self)
            // A zombie has an empty command line: it is gone, only not yet reaped by its new parent.
            return text.contains(marker)
        }
    }

    @Test func anInfiniteLoopIsKilledAtTheWallClockDeadline() throws {
        var limits = Sandbox.Limits()
        limits.wallMs = 500
        let outcome = try Self.python("while True: pass", limits: limits)
        #expect(outcome.ending == .timedOut)
        #expect(outcome.wallMs >= 500 && outcome.wallMs < 10_000)
    }

    @Test func theCPULimitEndsABusyProgramEvenBeforeTheDeadline() throws {
        var limits = Sandbox.Limits()
        limits.cpuSeconds = 1
        limits.wallMs = 60_000
        let outcome = try Self.python("while True: pass", limits: limits)
        #expect(outcome.ending == .signaled(SIGXCPU) || outcome.ending == .signaled(SIGKILL))
        #expect(outcome.cpuMs >= 900)
    }

    /// A fork bomb reaches the process limit, and nothing it started outlives the run.
    @Test func aForkBombIsContained() throws {
        let marker = "llmbench-forkbomb-\(UInt64.random(in: 0...UInt64.max))"
        var limits = Sandbox.Limits()
        limits.processes = 16
        limits.wallMs = 20_000
        let code = """
            import os, sys, time
            made = 0
            try:
                while made < 10000:
                    if os.fork() == 0:
                        time.sleep(300)  # its command line holds the marker: \(marker)
                        os._exit(0)
                    made += 1
            except OSError as e:
                print("refused after", made, e.errno)
            sys.stdout.flush()
            """
        let outcome = try Self.python(code, limits: limits)
        guard outcome.isolation.processLimit else {
            Issue.record("this system gives the sandbox no process limit (no user namespace, not root): \(outcome.isolation)")
            return
        }
        let refused = outcome.output.split(separator: " ")
        #expect(outcome.output.hasPrefix("refused after"), "\(outcome.output)")
        #expect(refused.count >= 3 && (Int(refused[2]) ?? 99) < 16, "\(outcome.output)")
        #expect(Self.processes(marked: marker).isEmpty, "processes left behind")
    }

    @Test func aHugeWriteStopsAtTheFileSizeLimit() throws {
        var limits = Sandbox.Limits()
        limits.fileBytes = 1 << 20
        let (outcome, workspace) = try Self.run(["/bin/sh", "-c", "yes 0123456789abcdef > big.txt"], limits: limits)
        #expect(outcome.ending == .signaled(SIGXFSZ) || outcome.ending == .exited(128 + SIGXFSZ), "\(outcome.ending)")
        let size = (try FileManager.default.attributesOfItem(atPath: workspace.path + "/big.txt")[.size] as? Int) ?? -1
        #expect(size == 1 << 20)
    }

    @Test func aHugeAllocationFailsAtTheMemoryLimit() throws {
        var limits = Sandbox.Limits()
        limits.memoryBytes = 256 << 20
        let outcome = try Self.python("x = bytearray(1 << 31)\nprint('allocated')", limits: limits)
        #expect(outcome.output.contains("MemoryError"))
        #expect(!outcome.output.contains("allocated"))
    }

    /// A listener on the machine's loopback is out of reach: the sandbox has a network of its own.
    @Test func aNetworkCallFails() throws {
        let listener = try LoopbackListener()
        let code = """
            import socket
            try:
                socket.create_connection(("127.0.0.1", \(listener.port)), timeout=3)
                print("connected")
            except OSError as e:
                print("refused", e.errno)
            """
        let outcome = try Self.python(code)
        guard outcome.isolation.network else {
            Issue.record("no network namespace on this system: the grader reports network isolation false")
            return
        }
        #expect(outcome.output.hasPrefix("refused"), "\(outcome.output)")
        #expect(listener.accepted() == 0)
        // Without isolation the same call connects, so the test above can tell.
        let open = try Self.python(code, isolate: false)
        #expect(open.output.hasPrefix("connected"), "\(open.output)")
        #expect(!open.isolation.network)
    }

    @Test func processesLeftBehindDieWithTheRunWithOrWithoutNamespaces() throws {
        for isolate in [true, false] {
            let marker = "llmbench-orphan-\(UInt64.random(in: 0...UInt64.max))"
            let (outcome, _) = try Self.run(["/bin/sh", "-c", "setsid sleep 300 \(marker) & sleep 300 \(marker) & echo started"], isolate: isolate)
            #expect(outcome.ending == .exited(0))
            if isolate {
                #expect(Self.processes(marked: marker).isEmpty, "isolated: processes left behind")
            } else {
                // Without a PID namespace only the process group is killed: `setsid` escapes it.
                #expect(Self.processes(marked: marker).count <= 1)
                for pid in Self.processes(marked: marker) { kill(pid_t(pid)!, SIGKILL) }
            }
        }
    }

    @Test func outputIsKeptAsHeadAndTail() throws {
        var limits = Sandbox.Limits()
        limits.outputBytes = 1000
        let outcome = try Self.python("import sys\nsys.stdout.write('H' * 600 + 'M' * 1000000 + 'T' * 600)", limits: limits)
        #expect(outcome.outputTotalBytes == 1_001_200)
        #expect(outcome.output.hasPrefix(String(repeating: "H", count: 500)))
        #expect(outcome.output.hasSuffix(String(repeating: "T", count: 500)))
        #expect(outcome.output.contains("[... 1000200 bytes cut ...]"))
    }

    /// Nothing of the engine crosses: not its environment (API keys), not its open files.
    @Test func theProgramSeesOnlyWhatItIsGiven() throws {
        setenv("LLMBENCH_SANDBOX_TEST_SECRET", "sk-should-not-leak", 1)
        let leaked = open("/etc/hostname", O_RDONLY) // no O_CLOEXEC, on purpose
        defer { close(leaked) }
        let (outcome, _) = try Self.run(["/bin/sh", "-c", "env; ls /proc/self/fd"])
        #expect(!outcome.output.contains("sk-should-not-leak"))
        #expect(outcome.output.contains("LANG=C.UTF-8"))
        let descriptors = outcome.output.split(separator: "\n").filter { $0.allSatisfy(\.isNumber) }
        #expect(descriptors.map { Int($0)! }.filter { $0 > 3 }.isEmpty, "\(descriptors)")
    }

    @Test func cancellingKillsTheProgram() throws {
        let asked = Atomic<Int>(0)
        let (outcome, _) = try Self.run(["sleep", "300"], cancelled: {
            asked.add(1, ordering: .relaxed).newValue >= 3
        })
        #expect(outcome.ending == .cancelled)
        #expect(outcome.wallMs < 30_000)
    }

    @Test func aProgramThatCannotStartIsAFailureNotAnOutcome() throws {
        #expect(throws: Sandbox.Failure.self) { try Self.run(["no-such-program-llmbench"]) }
        #expect(throws: Sandbox.Failure.self) { try Self.run(["/etc/hostname"]) }
    }

    @Test func theWorkspaceRefusesPathsOutsideItAndIsRemovedWithoutFollowingLinks() throws {
        let outside = TemporaryDirectory()
        let kept = outside.write("kept.txt", "stay")
        var path = ""
        do {
            let workspace = try Workspace(under: NSTemporaryDirectory())
            path = workspace.path
            for bad in ["../x", "/etc/x", "a//b", "./a", ""] {
                #expect(throws: Workspace.Problem.self, "\(bad)") { try workspace.write(bad, "x") }
            }
            try workspace.write("tests/deep/test_a.py", "x")
            // What a program might leave: a link out, a folder without permissions.
            let (outcome, _) = try Self.run(["/bin/sh", "-c", "ln -s \(outside.path) link; mkdir locked; touch locked/f; chmod 000 locked"], in: workspace)
            #expect(outcome.ending == .exited(0))
            #expect(FileManager.default.fileExists(atPath: path + "/tests/deep/test_a.py"))
        }
        #expect(!FileManager.default.fileExists(atPath: path))
        #expect(FileManager.default.fileExists(atPath: kept))
    }
}

/// A TCP listener on 127.0.0.1 that counts the connections it accepts.
final class LoopbackListener {
    let fd: Int32
    let port: UInt16

    init() throws {
        let socketFD = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = 0
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketFD, $0, length) } }
        listen(socketFD, 16)
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketFD, $0, &length) } }
        _ = fcntl(socketFD, F_SETFL, fcntl(socketFD, F_GETFL) | O_NONBLOCK)
        fd = socketFD
        port = UInt16(bigEndian: address.sin_port)
    }

    /// Connections waiting or accepted so far (non-blocking).
    func accepted() -> Int {
        var count = 0
        while true {
            let client = accept(fd, nil, nil)
            guard client >= 0 else { return count }
            close(client)
            count += 1
        }
    }

    deinit { close(fd) }
}
