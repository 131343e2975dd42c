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
        return checkout(around: exeDir, holding: data.sourceTreePath).map { ($0 as NSString).appendingPathComponent(data.sourceTreePath) }
    }

    /// The checkout a build folder is in: the nearest folder above `exeDir` (five levels at most)
    /// with a Package.swift and the folder `relative`.
    static func checkout(around exeDir: String, holding relative: String) -> String? {
        let fm = FileManager.default
        var dir = exeDir
        for _ in 0..<5 {
            dir = (dir as NSString).deletingLastPathComponent
            guard dir != "/" && !dir.isEmpty else { break }
            var isDir: ObjCBool = false
            if fm.fileExists(atPath: (dir as NSString).appendingPathComponent("Package.swift")),
               fm.fileExists(atPath: (dir as NSString).appendingPathComponent(relative), isDirectory: &isDir), isDir.boolValue
            {
                return dir
            }
        }
        return nil
    }

    /// In a build folder, the plugin.json of each plugin in the checkout (Plugins/*, Scorers/* and
    /// their Examples/*), for the libraries built beside the executable; installed, none (each
    /// installed library has its manifest beside it, PluginManifest.beside).
    static func sourceTreePluginManifests(executablePath: String = Installation.executablePath) -> [String] {
        let exeDir = (executablePath as NSString).deletingLastPathComponent
        guard let root = checkout(around: exeDir, holding: "Plugins") else { return [] }
        let fm = FileManager.default
        var found: [String] = []
        for folder in ["Plugins", "Scorers", "Plugins/Examples", "Scorers/Examples"] {
            let base = (root as NSString).appendingPathComponent(folder)
            for name in ((try? fm.contentsOfDirectory(atPath: base)) ?? []).sorted() {
                let manifest = (base as NSString).appendingPathComponent("\(name)/plugin.json")
                if fm.fileExists(atPath: manifest) { found.append(manifest) }
            }
        }
        return found
    }
}
