import Foundation
import LLMBenchCore

/// Reads the files users write (suites, price tables) from disk and hands them to Core's parsers.
public enum UserFiles {
    public static func readText(_ path: String) throws(LLMBenchError) -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw LLMBenchError(.invalidFile, "cannot read \(path): no such file or not readable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw LLMBenchError(.invalidFile, "\(path) is not UTF-8 text")
        }
        return text
    }

    public static func loadSuite(_ path: String) throws(LLMBenchErrors) -> Suite {
        let text: String
        do { text = try readText(path) } catch { throw LLMBenchErrors([error]) }
        let parser = SuiteParser { include, from in
            let base = (from as NSString).deletingLastPathComponent
            let resolved = include.hasPrefix("/") ? include : ((base as NSString).appendingPathComponent(include) as NSString).standardizingPath
            return (resolved, try readText(resolved))
        }
        return try parser.parse(text, path: path)
    }

    /// Price tables: each FILE given, every *.yaml in each DIR given. With none given, every *.yaml in
    /// `pricing/` beside the suite and in ~/.llmbench/pricing.
    public static func loadPrices(explicit: [String], suitePath: String?,
                                  environment: [String: String] = ProcessInfo.processInfo.environment) throws(LLMBenchErrors) -> PriceTable
    {
        var sources = explicit
        if sources.isEmpty {
            if let suitePath { sources.append(((suitePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("pricing")) }
            if let home = environment["HOME"] { sources.append((home as NSString).appendingPathComponent(".llmbench/pricing")) }
        }
        var table = PriceTable()
        var problems: [LLMBenchError] = []
        for source in sources {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: source, isDirectory: &isDir) else {
                if explicit.contains(source) { problems.append(LLMBenchError(.invalidFile, "price table \(source) does not exist")) }
                continue
            }
            let files = isDir.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: source)) ?? []).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                    .map { (source as NSString).appendingPathComponent($0) }
                : [source]
            for file in files {
                do {
                    table.merge(try PriceTable.parse(try readText(file), path: file))
                } catch let error as LLMBenchErrors {
                    problems += error.errors
                } catch let error as LLMBenchError {
                    problems.append(error)
                } catch {
                    problems.append(LLMBenchError(.invalidFile, "\(file): \(error)"))
                }
            }
        }
        guard problems.isEmpty else { throw LLMBenchErrors(problems) }
        return table
    }
}
