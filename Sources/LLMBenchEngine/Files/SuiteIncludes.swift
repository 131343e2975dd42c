import Foundation
import LLMBenchCore
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads the files a suite includes, and only files a suite may include: regular files in the
/// folder of the top-level suite file or below it (judged on the path as written and again with
/// symbolic links resolved on both sides), of at most `maxBytes`, in UTF-8. Whether the text is a
/// suite is the parser's question (SuiteParser). A refusal's message says why in words of its own,
/// never with anything read from the file. Paths are relative to the including file.
struct SuiteIncludes {
    static let maxBytes = 4 * 1024 * 1024
    static let rule = "a suite may include only files in its folder or below it"

    /// The top-level suite's folder, absolute, as written and with its links resolved.
    let folder: String
    let resolvedFolder: String

    init(suitePath: String) {
        folder = (RealPath.lexical(suitePath) as NSString).deletingLastPathComponent
        resolvedFolder = RealPath.resolved(folder) ?? folder
    }

    func read(_ include: String, from includingFile: String) throws(LLMBenchError) -> (path: String, text: String) {
        let base = (RealPath.lexical(includingFile) as NSString).deletingLastPathComponent
        let path = RealPath.lexical(include.hasPrefix("/") ? include : (base as NSString).appendingPathComponent(include))
        guard Self.isInside(path, folder) else { throw refusal("it is outside the suite's folder \(folder); \(Self.rule)") }
        guard let target = RealPath.resolved(path) else { throw refusal("no such file") }
        guard Self.isInside(target, resolvedFolder) else {
            throw refusal("it leads outside the suite's folder \(folder) through a symbolic link; \(Self.rule)")
        }
        do throws(BoundedTextFile.Failure) {
            return (path, try BoundedTextFile.read(target, maxBytes: Self.maxBytes))
        } catch .tooLarge {
            throw refusal("it is larger than \(Self.maxBytes / 1024 / 1024) MiB, the most a suite file may be")
        } catch {
            throw refusal(error.reason)
        }
    }

    private func refusal(_ reason: String) -> LLMBenchError { LLMBenchError(.invalidFile, reason) }

    static func isInside(_ path: String, _ folder: String) -> Bool {
        folder == "/" || path.hasPrefix(folder.hasSuffix("/") ? folder : folder + "/")
    }
}
