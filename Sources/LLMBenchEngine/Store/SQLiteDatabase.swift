import CSQLite
import Foundation
import LLMBenchCore

/// A thin, honest wrapper over one SQLite connection. Not thread-safe: one owner at a time.
final class SQLiteDatabase {
    private var handle: OpaquePointer?
    let path: String

    /// How a connection may touch the file.
    enum Access {
        /// Read and write; the file is created when missing.
        case readWrite
        /// Read only; the file must exist. SQLite may still create the -wal and -shm files a
        /// write-ahead log needs, where the folder allows it.
        case readOnly
        /// Read only, promising that nothing writes the file meanwhile: for a store on a read-only
        /// medium, where SQLite cannot create the -shm file that `readOnly` needs.
        case immutable
    }

    init(path: String, access: Access = .readWrite) throws(LLMBenchError) {
        self.path = path
        let rc: Int32
        switch access {
        case .readWrite:
            rc = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nil)
        case .readOnly:
            rc = sqlite3_open_v2(path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nil)
        case .immutable:
            rc = sqlite3_open_v2("file:\(Self.uriPath(path))?immutable=1", &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI | SQLITE_OPEN_NOMUTEX, nil)
        }
        guard rc == SQLITE_OK else {
            let message = handle.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory"
            sqlite3_close(handle)
            throw LLMBenchError(.store, "cannot open the store at \(path): \(message)")
        }
        sqlite3_busy_timeout(handle, 5000)
    }

    /// A path as the path part of a `file:` URI: what would end it or start an escape is escaped.
    static func uriPath(_ path: String) -> String {
        var out = ""
        for byte in path.utf8 {
            switch byte {
            case UInt8(ascii: "?"), UInt8(ascii: "#"), UInt8(ascii: "%"), 0..<0x20, 0x7F...: out += String(format: "%%%02X", byte)
            default: out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        return out
    }

    deinit { sqlite3_close_v2(handle) }

    private func error(_ what: String) -> LLMBenchError {
        LLMBenchError(.store, "\(what) in \(path): \(String(cString: sqlite3_errmsg(handle)))")
    }

    func execute(_ sql: String) throws(LLMBenchError) {
        var message: UnsafeMutablePointer<CChar>?
        guard sqlite3_exec(handle, sql, nil, nil, &message) == SQLITE_OK else {
            let text = message.map { String(cString: $0) } ?? "unknown error"
            sqlite3_free(message)
            throw LLMBenchError(.store, "SQL failed in \(path): \(text)")
        }
    }

    func prepare(_ sql: String) throws(LLMBenchError) -> Statement {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v3(handle, sql, -1, UInt32(SQLITE_PREPARE_PERSISTENT), &statement, nil) == SQLITE_OK, let statement else {
            throw error("cannot prepare statement")
        }
        return Statement(statement, database: self)
    }

    func userVersion() throws(LLMBenchError) -> Int {
        let statement = try prepare("PRAGMA user_version")
        guard try statement.step() else { return 0 }
        return statement.int(0) ?? 0
    }

    final class Statement {
        let raw: OpaquePointer
        unowned let database: SQLiteDatabase

        init(_ raw: OpaquePointer, database: SQLiteDatabase) {
            self.raw = raw
            self.database = database
        }

        deinit { sqlite3_finalize(raw) }

        /// SQLITE_TRANSIENT: SQLite copies the bytes before bind returns.
        private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

        private static let emptyText: StaticString = ""

        /// SQLite binds NULL for a nil pointer, so an empty string needs a real (empty) one.
        private static func textPointer(_ base: UnsafePointer<UInt8>?) -> UnsafePointer<CChar> {
            UnsafeRawPointer(base ?? emptyText.utf8Start).assumingMemoryBound(to: CChar.self)
        }

        func bind(_ index: Int32, _ value: String?) {
            guard let value else { sqlite3_bind_null(raw, index); return }
            var text = value
            text.withUTF8 { buffer in
                _ = sqlite3_bind_text(raw, index, Self.textPointer(buffer.baseAddress),
                                      Int32(buffer.count), Self.transient)
            }
        }

        func bind(_ index: Int32, bytes: [UInt8]) {
            bytes.withUnsafeBufferPointer { buffer in
                _ = sqlite3_bind_text(raw, index, Self.textPointer(buffer.baseAddress),
                                      Int32(buffer.count), Self.transient)
            }
        }

        func bind(_ index: Int32, _ value: Double?) {
            if let value, value.isFinite { sqlite3_bind_double(raw, index, value) } else { sqlite3_bind_null(raw, index) }
        }

        func bind(_ index: Int32, _ value: Int?) {
            if let value { sqlite3_bind_int64(raw, index, Int64(value)) } else { sqlite3_bind_null(raw, index) }
        }

        /// true while there is a row; false when done.
        func step() throws(LLMBenchError) -> Bool {
            switch sqlite3_step(raw) {
            case SQLITE_ROW: return true
            case SQLITE_DONE: return false
            default: throw database.error("statement failed")
            }
        }

        func run() throws(LLMBenchError) {
            defer { sqlite3_reset(raw); sqlite3_clear_bindings(raw) }
            _ = try step()
        }

        func reset() { sqlite3_reset(raw); sqlite3_clear_bindings(raw) }

        /// A text column, all of its bytes (a NUL inside is kept, as `bind` stored it).
        func string(_ column: Int32) -> String? { text(column).map { String(decoding: $0, as: UTF8.self) } }

        /// A text column's UTF-8 bytes, without making a String of them.
        func utf8(_ column: Int32) -> [UInt8]? {
            guard sqlite3_column_type(raw, column) != SQLITE_NULL, let text = sqlite3_column_text(raw, column) else { return nil }
            let count = Int(sqlite3_column_bytes(raw, column))
            return [UInt8](UnsafeBufferPointer(start: text, count: count))
        }

        /// A text column's UTF-8 bytes in SQLite's own buffer: valid until this statement steps, is
        /// reset or finalized. nil for NULL.
        func text(_ column: Int32) -> UnsafeBufferPointer<UInt8>? {
            guard sqlite3_column_type(raw, column) != SQLITE_NULL, let text = sqlite3_column_text(raw, column) else { return nil }
            return UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(raw, column)))
        }

        func double(_ column: Int32) -> Double? {
            sqlite3_column_type(raw, column) == SQLITE_NULL ? nil : sqlite3_column_double(raw, column)
        }

        func int(_ column: Int32) -> Int? {
            sqlite3_column_type(raw, column) == SQLITE_NULL ? nil : Int(sqlite3_column_int64(raw, column))
        }
    }
}
