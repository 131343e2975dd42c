import Foundation

/// A fuzz target: libFuzzer's `LLVMFuzzerTestOneInput`. It returns 0, and crashes (a failed
/// precondition) on whatever it finds.
public typealias FuzzTarget = @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt

/// Each fuzz target's `main`. Built by scripts/fuzz.sh (`-sanitize=fuzzer -DLLMBENCH_FUZZING`), it
/// hands the command line to libFuzzer's driver; built plainly (`swift build`), it is a replayer
/// that runs every file named on its command line, and every file in every folder named (not
/// below it), through the target once: to reproduce a finding, or to check a corpus.
///
/// SwiftPM names an executable's entry point itself (and links it as `main`, so libFuzzer's own
/// `main` is never used); the driver is found with dlsym because only the fuzzing build has it.
public enum FuzzMain {
    public static func run(_ target: FuzzTarget) -> Never {
        #if LLMBENCH_FUZZING
        exit(libFuzzer(target))
        #else
        exit(replay(target))
        #endif
    }

    static func libFuzzer(_ target: FuzzTarget) -> CInt {
        typealias Driver = @convention(c) (UnsafeMutablePointer<CInt>, UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>, FuzzTarget) -> CInt
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "LLVMFuzzerRunDriver") else {
            return fail("libFuzzer is not linked in: build with scripts/fuzz.sh")
        }
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        return unsafeBitCast(symbol, to: Driver.self)(&argc, &argv, target)
    }

    static func replay(_ target: FuzzTarget) -> CInt {
        let files = CommandLine.arguments.dropFirst().flatMap(Self.files(at:))
        guard !files.isEmpty else { return fail("usage: \(CommandLine.arguments[0]) FILE|FOLDER...") }
        for file in files {
            guard let data = FileManager.default.contents(atPath: file) else { return fail("cannot read \(file)") }
            // The path first: a crash then names the input that caused it.
            print(file)
            _ = data.withUnsafeBytes { target($0.bindMemory(to: UInt8.self).baseAddress, $0.count) }
        }
        print("replayed \(files.count) inputs")
        return 0
    }

    static func files(at path: String) -> [String] {
        guard isFolder(path) else { return [path] }
        let names = (try? FileManager.default.contentsOfDirectory(atPath: path)) ?? []
        return names.sorted().map { (path as NSString).appendingPathComponent($0) }.filter { !isFolder($0) }
    }

    static func isFolder(_ path: String) -> Bool {
        var isFolder: ObjCBool = false
        return FileManager.default.fileExists(atPath: path, isDirectory: &isFolder) && isFolder.boolValue
    }

    static func fail(_ message: String) -> CInt {
        FileHandle.standardError.write(Data("\(message)\n".utf8))
        return 2
    }
}
