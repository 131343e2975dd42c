import Foundation
import LLMBenchTestSupport

enum TestFiles {
    static func repo(_ relative: String) -> String { TestPaths.repo(relative) }
    static func read(_ path: String) throws -> String { try String(contentsOfFile: path, encoding: .utf8) }
    static func yamlFiles(in dir: String) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".yaml") }.sorted().map { "\(dir)/\($0)" }
    }
}
