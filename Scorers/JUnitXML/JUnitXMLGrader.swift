import CodeGrading
import Foundation
import LLMBenchPluginKit

/// Runs the test's tests against the code in the model's answer and scores the JUnit XML report
/// they write: value = passed / (total − skipped). Docs/junit-xml.md.
///
/// The answer's code becomes a file (`code_file`) in a fresh workspace beside the test's `files`;
/// the suite's `command` runs there in the sandbox; the report (`report`) is read with libxml2 on
/// safe options. A report with no test that ran is an error, never 1.0. Code that loops, crashes
/// or exhausts a limit without a report scores 0 (the model's fault); a command that cannot start
/// or a missing report after a clean exit is an error (the suite's fault).
struct JUnitXMLGrader: ScorerPlugin {
    static let id = "junit_xml"
    static let displayName = "JUnit-XML grader"
    static let version = "1.0.0"
    /// It runs programs for seconds: called off the request workers, under the engine's deadline.
    static let capabilities: ScorerCapabilities = [.slow]
    static let knownOptions: Set<String> = [
        "command", "language", "code_file", "files", "report", "blocks", "env", "path", "workspace_root",
        "wall_timeout_ms", "cpu_seconds", "memory_mb", "file_size_mb", "processes", "output_kb", "require_network_isolation",
    ]
    /// What `language` alone implies.
    static let defaults: [String: (codeFile: String, command: [String])] = [
        "python": ("solution.py", ["python3", "-m", "pytest", "-q", "-p", "no:cacheprovider", "--junitxml=report.xml"]),
    ]
    /// Failing cases listed in details, and output kept there, at most.
    static let listedFailures = 20
    static let keptOutputBytes = 4_000

    let command: [String]
    let language: String?
    let codeFile: String
    let files: [(name: String, contents: String)]
    let report: String
    let selection: CodeBlocks.Selection
    let environment: [String: String]
    let workspaceRoot: String
    let limits: Sandbox.Limits
    let requireNetworkIsolation: Bool
    let host: PluginHost

    init(options: [String: Any], host: PluginHost) throws(PluginError) {
        try PluginOptions.rejectUnknown(options, known: Self.knownOptions, plugin: Self.id)
        self.host = host
        let language = try Self.string(options, "language")?.lowercased() ?? "python"
        self.language = language == "any" ? nil : language
        let fallback = Self.defaults[language]
        switch options["command"] {
        case let words as [Any]:
            let strings = words.compactMap { $0 as? String }
            guard strings.count == words.count, !strings.isEmpty, !strings[0].isEmpty else {
                throw PluginError(.invalidRequest, "junit_xml option 'command' must be a non-empty list of strings (argv) or one string for /bin/sh -c")
            }
            command = strings
        case let line as String where !line.isEmpty:
            // The suite's own text; the model's answer is only ever a file.
            command = ["/bin/sh", "-c", line]
        case nil:
            guard let fallback else {
                throw PluginError(.invalidRequest, "junit_xml needs option 'command' for language '\(language)' (only python has a default: pytest)")
            }
            command = fallback.command
        default:
            throw PluginError(.invalidRequest, "junit_xml option 'command' must be a non-empty list of strings (argv) or one string for /bin/sh -c")
        }
        guard let codeFile = try Self.string(options, "code_file") ?? fallback?.codeFile else {
            throw PluginError(.invalidRequest, "junit_xml needs option 'code_file' (the file the answer's code is written to) for language '\(language)'")
        }
        self.codeFile = codeFile
        report = try Self.string(options, "report") ?? "report.xml"
        var files: [(name: String, contents: String)] = []
        if let raw = options["files"] {
            guard let mapping = raw as? [String: Any] else {
                throw PluginError(.invalidRequest, "junit_xml option 'files' must map file names to their contents")
            }
            for (name, value) in mapping.sorted(by: { $0.key < $1.key }) {
                guard let text = value as? String else {
                    throw PluginError(.invalidRequest, "junit_xml option 'files': the contents of '\(name)' must be a string")
                }
                guard name != codeFile else {
                    throw PluginError(.invalidRequest, "junit_xml option 'files' names '\(name)', which is the code_file the answer is written to")
                }
                files.append((name, text))
            }
        }
        self.files = files
        selection = try PluginOptions.choice(options, "blocks", default: .all, plugin: Self.id)
        var environment = [
            "PATH": try Self.string(options, "path") ?? "/usr/local/bin:/usr/bin:/bin",
            "LANG": "C.UTF-8", "PYTHONDONTWRITEBYTECODE": "1", "PYTHONUNBUFFERED": "1",
        ]
        if let raw = options["env"] {
            guard let mapping = raw as? [String: Any] else { throw PluginError(.invalidRequest, "junit_xml option 'env' must map names to strings") }
            for (name, value) in mapping {
                guard let text = value as? String, !name.isEmpty, !name.contains("=") else {
                    throw PluginError(.invalidRequest, "junit_xml option 'env': '\(name)' must be a name without '=' and a string value")
                }
                environment[name] = text
            }
        }
        self.environment = environment
        workspaceRoot = try Self.string(options, "workspace_root") ?? ProcessInfo.processInfo.environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        var limits = Sandbox.Limits()
        if let value = try Self.positive(options, "wall_timeout_ms") { limits.wallMs = value }
        if let value = try Self.positive(options, "cpu_seconds") { limits.cpuSeconds = value }
        if let value = try Self.positive(options, "memory_mb") { limits.memoryBytes = Int64(value) << 20 }
        if let value = try Self.positive(options, "file_size_mb") { limits.fileBytes = Int64(value) << 20 }
        if let value = try Self.positive(options, "processes") { limits.processes = value }
        if let value = try Self.positive(options, "output_kb") { limits.outputBytes = value << 10 }
        self.limits = limits
        requireNetworkIsolation = try PluginOptions.flag(options, "require_network_isolation", plugin: Self.id) ?? false
        // Checked now, so that `validate` and the run's start catch them rather than every score.
        for name in [codeFile, report] + self.files.map(\.name) where !Workspace.isPlainRelativePath(name) {
            throw PluginError(.invalidRequest, "junit_xml: the file name '\(name)' must be a relative path without '..', '.' or empty parts")
        }
    }

    func score(_ request: ScoreRequest) throws(PluginError) -> ScoreResult {
        let code = CodeBlocks(answer: request.output)
        let source = code.code(language: language, selection: selection)
        guard !source.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            return ScoreResult(value: 0, passed: false, explanation: "the answer holds no \(language ?? "") code",
                               details: ["no_code": true, "code_blocks": code.fenced ? code.blocks.count : 0])
        }
        let workspace: Workspace
        do {
            workspace = try Workspace(under: workspaceRoot)
            for file in files { try workspace.write(file.name, file.contents) }
            try workspace.write(codeFile, source)
        } catch {
            throw PluginError(.internal, "junit_xml: \(error.description)")
        }
        var environment = self.environment
        environment["HOME"] = workspace.path
        environment["TMPDIR"] = workspace.path + "/.tmp"
        let outcome: Sandbox.Outcome
        do {
            let host = self.host
            outcome = try Sandbox.run(command, environment: environment, workspace: workspace.path, limits: limits,
                                      cancelled: { host.runCancelled })
        } catch {
            throw PluginError(.invalidRequest, "junit_xml: \(error.description)")
        }
        if requireNetworkIsolation && !outcome.isolation.network {
            throw PluginError(.internal, "junit_xml: the network could not be cut off on this system (no network namespace) and require_network_isolation is set")
        }
        var details: [String: Any] = [
            "exit": Self.describe(outcome.ending), "wall_ms": outcome.wallMs, "cpu_ms": outcome.cpuMs,
            "isolation": outcome.isolation.json, "code_blocks": code.fenced ? code.blocks.count : 0,
        ]
        if outcome.ending == .cancelled { throw PluginError(.cancelled, "junit_xml: the run was cancelled") }

        let parsed: JUnitReport?
        var reportProblem: JUnitReport.Problem?
        do {
            parsed = try JUnitReport.read(path: workspace.path + "/" + report)
        } catch {
            parsed = nil
            reportProblem = error
        }
        guard let parsed else {
            details["output"] = Self.tail(outcome.output)
            switch outcome.ending {
            case .exited(0):
                throw PluginError(.malformedResponse, "junit_xml: the command exited 0 but its report \(report) is unusable: \(reportProblem!.description)")
            default:
                // Looping, crashing or exhausting a limit before any report: the code's failure.
                return ScoreResult(value: 0, passed: false,
                                   explanation: "no report: the tests \(Self.describe(outcome.ending)) (\(reportProblem!.description))",
                                   details: details)
            }
        }
        let counted = parsed.total - parsed.count(.skipped)
        guard counted > 0 else {
            throw PluginError(.malformedResponse, "junit_xml: no test ran (\(parsed.total) test cases, \(parsed.count(.skipped)) skipped); a score needs at least one")
        }
        let passed = parsed.count(.passed)
        let failing = parsed.cases.filter { $0.status == .failed || $0.status == .errored }
        details["tests"] = parsed.total
        details["passed"] = passed
        details["failed"] = parsed.count(.failed)
        details["errored"] = parsed.count(.errored)
        details["skipped"] = parsed.count(.skipped)
        details["failures"] = failing.prefix(Self.listedFailures).map { item -> [String: Any] in
            var entry: [String: Any] = ["name": item.name, "status": item.status.rawValue]
            if let classname = item.classname { entry["classname"] = classname }
            if let message = item.message { entry["message"] = message }
            return entry
        }
        if !failing.isEmpty { details["output"] = Self.tail(outcome.output) }
        let value = Double(passed) / Double(counted)
        var explanation = "\(passed) of \(counted) tests passed"
        if let first = failing.first { explanation += "; first failing: \(first.name)" + (first.message.map { ": \($0.prefix(200))" } ?? "") }
        return ScoreResult(value: value, explanation: explanation, details: details)
    }

    static func describe(_ ending: Sandbox.Ending) -> String {
        switch ending {
        case .exited(let code): "exited \(code)"
        case .signaled(let signal): "were killed by \(Sandbox.describe(signal: signal))"
        case .timedOut: "timed out"
        case .cancelled: "were cancelled"
        }
    }

    static func tail(_ output: String) -> String {
        let bytes = Array(output.utf8)
        guard bytes.count > keptOutputBytes else { return output }
        var start = bytes.count - keptOutputBytes
        while start < bytes.count, bytes[start] & 0xC0 == 0x80 { start += 1 }
        return "[...]" + String(decoding: bytes[start...], as: UTF8.self)
    }

    static func string(_ options: [String: Any], _ key: String) throws(PluginError) -> String? {
        guard let raw = options[key] else { return nil }
        guard let text = raw as? String, !text.isEmpty else { throw PluginError(.invalidRequest, "junit_xml option '\(key)' must be a non-empty string") }
        return text
    }

    static func positive(_ options: [String: Any], _ key: String) throws(PluginError) -> Int? {
        guard let raw = options[key] else { return nil }
        let number: Int? = (raw as? Int) ?? (raw as? Double).flatMap { $0.rounded() == $0 && $0 < 1e15 ? Int($0) : nil }
        guard let number, number > 0 else { throw PluginError(.invalidRequest, "junit_xml option '\(key)' must be a positive whole number") }
        return number
    }
}

@_cdecl("llmbench_plugin_entry")
public func llmbench_plugin_entry() -> UnsafeRawPointer { PluginExport.scorer(JUnitXMLGrader.self) }
