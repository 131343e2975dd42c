import Foundation

/// Where the files that ship with llmbench are: found from the running executable, both after
/// `scripts/install.sh` (PREFIX/bin/llmbench beside PREFIX/share/llmbench) and in a build folder of
/// the source tree (.build/<triple>/<configuration>/llmbench, under the checkout's Suites/).
public enum Installation {
    /// Shipped data: price tables and the starter suites.
    public enum Data: String, Sendable {
        case pricing, suites

        /// The folder in the source tree; installed, it is share/llmbench/<rawValue>.
        var sourceTreePath: String { self == .pricing ? "Suites/pricing" : "Suites" }
    }

    /// The real path of the running executable (symbolic links resolved).
    public static var executablePath: String {
        (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe"))
            ?? (CommandLine.arguments[0] as NSString).resolvingSymlinksInPath
    }

    /// The folder of shipped `data`, or nil when neither layout is found around the executable.
    public static func directory(of data: Data, executablePath: String = Installation.executablePath) -> String? {
        let fm = FileManager.default
        func isDirectory(_ path: String) -> Bool {
            var isDir: ObjCBool = false
            return fm.fileExists(atPath: path, isDirectory: &isDir) && isDir.boolValue
        }
        let exeDir = (executablePath as NSString).deletingLastPathComponent
        let installed = ((exeDir as NSString).appendingPathComponent("../share/llmbench/\(data.rawValue)") as NSString).standardizingPath
        if isDirectory(installed) { return installed }
        // A build folder: walk up to the checkout (the folder with Package.swift and Suites/).
        var dir = exeDir
        for _ in 0..<5 {
            dir = (dir as NSString).deletingLastPathComponent
            guard dir != "/" && !dir.isEmpty else { break }
            let candidate = (dir as NSString).appendingPathComponent(data.sourceTreePath)
            if fm.fileExists(atPath: (dir as NSString).appendingPathComponent("Package.swift")) && isDirectory(candidate) {
                return candidate
            }
        }
        return nil
    }
}
