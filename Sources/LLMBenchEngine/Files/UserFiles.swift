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
        let includes = SuiteIncludes(suitePath: path)
        let parser = SuiteParser { include, from in try includes.read(include, from: from) }
        return try parser.parse(text, path: path)
    }

    /// Reads the price tables of each place in order; each place is one layer (PriceTable.append).
    /// A place the user named must exist; a folder contributes every *.yaml / *.yml in it.
    public static func loadPrices(_ places: [PricePlace]) throws(LLMBenchErrors) -> PriceTable {
        var table = PriceTable()
        var problems: [LLMBenchError] = []
        for place in places {
            var isDir: ObjCBool = false
            guard FileManager.default.fileExists(atPath: place.path, isDirectory: &isDir) else {
                if place.mustExist { problems.append(LLMBenchError(.invalidFile, "price table \(place.path) (\(place.origin.rawValue)) does not exist")) }
                continue
            }
            let files = isDir.boolValue
                ? ((try? FileManager.default.contentsOfDirectory(atPath: place.path)) ?? []).filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted()
                    .map { (place.path as NSString).appendingPathComponent($0) }
                : [place.path]
            var layer = PriceTable()
            for file in files {
                do {
                    try layer.merge(try PriceTable.parse(try readText(file), path: file))
                } catch let error as LLMBenchErrors {
                    problems += error.errors
                } catch let error as LLMBenchError {
                    problems.append(error)
                } catch {
                    problems.append(LLMBenchError(.invalidFile, "\(file): \(error)"))
                }
            }
            table.append(laterPlace: layer)
        }
        guard problems.isEmpty else { throw LLMBenchErrors(problems) }
        return table
    }
}

/// One place where price tables are looked for, and why it is on the search path.
public struct PricePlace: Sendable, Equatable {
    public enum Origin: String, Sendable {
        case option = "--pricing"
        case suite = "pricing/ beside the suite"
        case environment = "LLMBENCH_PRICING_PATH"
        case home = "~/.llmbench/pricing"
        case shipped = "shipped with llmbench"
    }

    public var path: String
    public var origin: Origin
    /// Only a place named with --pricing must exist; the others are skipped when absent.
    public var mustExist: Bool { origin == .option }

    public init(path: String, origin: Origin) {
        self.path = path
        self.origin = origin
    }

    /// The search order (Docs/pricing.md): each --pricing file or folder, pricing/ beside the suite,
    /// each entry of $LLMBENCH_PRICING_PATH (colon-separated), ~/.llmbench/pricing, then the tables
    /// shipped with llmbench. A folder reached twice (the suite sits beside the shipped tables, say)
    /// is searched once, at its first place.
    public static func searchPath(explicit: [String], suitePath: String?,
                                  environment: [String: String] = ProcessInfo.processInfo.environment,
                                  executablePath: String = Installation.executablePath) -> [PricePlace]
    {
        var places = explicit.map { PricePlace(path: $0, origin: .option) }
        if let suitePath {
            places.append(PricePlace(path: ((suitePath as NSString).deletingLastPathComponent as NSString).appendingPathComponent("pricing"), origin: .suite))
        }
        for entry in (environment["LLMBENCH_PRICING_PATH"] ?? "").split(separator: ":") where !entry.isEmpty {
            places.append(PricePlace(path: String(entry), origin: .environment))
        }
        if let home = environment["HOME"], !home.isEmpty {
            places.append(PricePlace(path: (home as NSString).appendingPathComponent(".llmbench/pricing"), origin: .home))
        }
        if let shipped = Installation.directory(of: .pricing, executablePath: executablePath) {
            places.append(PricePlace(path: shipped, origin: .shipped))
        }
        var seen: Set<String> = []
        return places.filter { seen.insert(RealPath.canonical($0.path)).inserted }
    }

}
