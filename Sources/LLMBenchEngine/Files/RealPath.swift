import Foundation

/// What a path names on disk. Foundation's `resolvingSymlinksInPath` leaves a relative path
/// relative and, on Linux, follows no link, so two spellings of one file compare unequal; these
/// use realpath(3).
public enum RealPath {
    /// The absolute path with every symbolic link, "." and ".." resolved; nil if it does not exist.
    public static func resolved(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// The resolved path of a file that exists; of one that does not, the absolute path with "."
    /// and ".." taken away by the text alone.
    static func canonical(_ path: String) -> String { resolved(path) ?? lexical(path) }

    /// Absolute, with "." and ".." taken away by the text alone (no link is followed).
    static func lexical(_ path: String) -> String {
        let absolute = path.hasPrefix("/") ? path : FileManager.default.currentDirectoryPath + "/" + path
        var parts: [Substring] = []
        for part in absolute.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }
}
