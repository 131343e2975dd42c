import Foundation

/// Reads a regular file of at most `maxBytes` as UTF-8 text. A failure says why in words of its
/// own, never with anything read from the file.
enum BoundedTextFile {
    enum Failure: Error {
        case notRegular, unreadable, tooLarge, notUTF8

        var reason: String {
            switch self {
            case .notRegular: "it is not a regular file"
            case .unreadable: "it cannot be read"
            case .tooLarge: "it is too large"
            case .notUTF8: "it is not UTF-8 text"
            }
        }
    }

    static func read(_ path: String, maxBytes: Int) throws(Failure) -> String {
        // Checked before opening: opening a FIFO or a device could block or never end.
        let attributes = try? FileManager.default.attributesOfItem(atPath: path)
        guard attributes?[.type] as? FileAttributeType == .typeRegular else { throw .notRegular }
        guard let handle = FileHandle(forReadingAtPath: path) else { throw .unreadable }
        defer { try? handle.close() }
        // One byte more than allowed tells a file that is too large, whatever its size claims.
        let data = (try? handle.read(upToCount: maxBytes + 1)) ?? Data()
        guard data.count <= maxBytes else { throw .tooLarge }
        guard let text = String(data: data, encoding: .utf8) else { throw .notUTF8 }
        return text
    }
}
