import LLMBenchCore
public enum ReportFormat: String, Sendable, CaseIterable { case table, json, markdown, csv, junit }
public struct RenderOptions: Sendable { public var hostname: String?; public init(hostname: String? = nil) { self.hostname = hostname } }
public func render(_ report: RunReport, as format: ReportFormat, options: RenderOptions = RenderOptions()) throws -> String {
    report.json.jsonText + "\n"
}
