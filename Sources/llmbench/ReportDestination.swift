import Foundation
import LLMBenchCore
import LLMBenchEngine
import LLMBenchReports

extension LLMBenchError.Code {
    /// A report could not be written where it was asked to go.
    static let output = LLMBenchError.Code(rawValue: "output")
}

/// Where `run` and `report` send a report, written as it is rendered: standard output, or a file
/// written atomically (into a temporary file beside it, renamed over it once complete), so a reader
/// never sees half a report and a failed write leaves an older file as it was.
enum ReportDestination {
    /// Standard output when `path` is nil. A file that cannot be written is an error of code `.output`.
    static func write(_ report: StreamingReport, as format: ReportFormat, to path: String?,
                      options: RenderOptions = RenderOptions()) throws(LLMBenchError)
    {
        guard let path else {
            // On a terminal the table fits it and is coloured (NO_COLOR respected).
            var options = options
            if format == .table, options.terminal == nil { options.terminal = TerminalStyle.standardOutput() }
            // As `print` does, a closed standard output is not an error.
            try report.write(format, options: options, to: ReportOutput { bytes in try? FileHandle.standardOutput.write(contentsOf: Data(bytes)) })
            return
        }
        let file = try ReportFile(path: path)
        do {
            try report.write(format, options: options, to: ReportOutput { bytes throws(LLMBenchError) in try file.write(bytes) })
            try file.commit()
        } catch {
            file.discard()
            throw error
        }
    }
}

/// A temporary file beside `path` that becomes `path` on `commit()`. What is not a file (`/dev/null`,
/// a named pipe, a terminal) is written as it is: renaming a file over it would replace the device
/// with a file. A symbolic link is followed, so the file it names gets the report and the link stays.
private final class ReportFile {
    let path: String
    /// Where the report is written before it takes its place; nil when written in place.
    private let temporaryPath: String?
    private var file: UnsafeMutablePointer<FILE>?

    init(path given: String) throws(LLMBenchError) {
        path = given
        let target = RealPath.resolved(given) ?? given
        self.target = target
        var info = stat()
        if stat(target, &info) == 0, info.st_mode & S_IFMT != S_IFREG, info.st_mode & S_IFMT != S_IFDIR {
            temporaryPath = nil
            file = fopen(target, "w")
            guard file != nil else { throw Self.failure(given, errno) }
            return
        }
        let url = URL(fileURLWithPath: target)
        var template = Array(url.deletingLastPathComponent().appendingPathComponent(".\(url.lastPathComponent).XXXXXX").path.utf8CString)
        let fd = mkstemp(&template)
        guard fd >= 0 else { throw Self.failure(path, errno) }
        let temporaryPath = String(decoding: template.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        self.temporaryPath = temporaryPath
        // mkstemp makes the file private; a report gets the mode any new file gets.
        let mask = umask(0)
        umask(mask)
        fchmod(fd, 0o666 & ~mask)
        file = fdopen(fd, "w")
        if file == nil {
            let error = errno
            close(fd)
            unlink(temporaryPath)
            throw Self.failure(given, error)
        }
    }

    /// The file written: `path`, or what its links lead to.
    private let target: String

    func write(_ bytes: UnsafeRawBufferPointer) throws(LLMBenchError) {
        guard let file else { return }
        guard fwrite(bytes.baseAddress, 1, bytes.count, file) == bytes.count else { throw Self.failure(path, errno) }
    }

    func commit() throws(LLMBenchError) {
        guard let file else { return }
        self.file = nil
        guard fclose(file) == 0 else { throw Self.failure(path, errno) }
        guard let temporaryPath else { return }
        guard rename(temporaryPath, target) == 0 else { throw Self.failure(path, errno) }
    }

    /// Removes the temporary file; `path` is left as it was.
    func discard() {
        if let file { fclose(file) }
        file = nil
        if let temporaryPath { unlink(temporaryPath) }
    }

    private static func failure(_ path: String, _ code: Int32) -> LLMBenchError {
        LLMBenchError(.output, "cannot write \(path): \(String(cString: strerror(code)))")
    }
}
