import Foundation

/// Who besides the current user could change a file or folder that llmbench would run code from.
enum FilePermissions {
    /// Nil when only the current user (or root) can write `path`; otherwise what is wrong, in words.
    static func writableByOthers(_ path: String) -> String? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        let mode = info.st_mode
        let octal = String(mode & 0o7777, radix: 8)
        if mode & S_IWOTH != 0 { return "is writable by every user (mode \(octal))" }
        if mode & S_IWGRP != 0 && info.st_gid != getegid() && info.st_gid != 0 {
            return "is writable by group \(info.st_gid), which is not yours (mode \(octal))"
        }
        if info.st_uid != geteuid() && info.st_uid != 0 {
            return "belongs to user \(info.st_uid), neither you nor root"
        }
        return nil
    }
}
