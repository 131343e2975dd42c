/// The kit's JSON reader, for plugins that parse provider responses: the values are String, Bool,
/// Int, Double, [Any], [String: Any], and `Optional<Any>.none` for null (no Foundation bridging,
/// which matters when every streamed chunk is parsed).
public enum JSONReader {
    public struct Failure: Error, Sendable {
        /// Byte offset of the problem.
        public var offset: Int
        public var message: String
    }

    /// A JSON object, with nothing after it.
    public static func object(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> [String: Any] {
        do {
            return try RequestJSONReader.object(bytes.assumingMemoryBound(to: UInt8.self))
        } catch {
            throw Failure(offset: error.offset, message: error.message)
        }
    }

    public static func object(_ text: String) throws(Failure) -> [String: Any] {
        var text = text
        return try text.withUTF8 { buffer in Result { () throws(Failure) in try object(UnsafeRawBufferPointer(buffer)) } }.get()
    }

    /// Any JSON value (object, array, string, number ...), with nothing after it.
    public static func value(_ bytes: UnsafeRawBufferPointer) throws(Failure) -> Any {
        do {
            return try RequestJSONReader.document(bytes.assumingMemoryBound(to: UInt8.self))
        } catch {
            throw Failure(offset: error.offset, message: error.message)
        }
    }
}

/// The kit's JSON writer: JSON-shaped values (String, Bool, Int, Double, arrays, string-keyed
/// dictionaries; anything else is written as null) with sorted keys.
public enum JSONText {
    public static func encode(_ value: Any) -> String { jsonText(value) }
}
