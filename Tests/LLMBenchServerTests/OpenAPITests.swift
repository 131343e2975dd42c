import Foundation
import Hummingbird
import HummingbirdTesting
import LLMBenchCore
import LLMBenchTestSupport
import Testing

@testable import LLMBenchServer

/// The server against Docs/openapi.json: every path it answers is documented (and only those), and
/// each answer — successes and errors — has a documented status and fits its schema.
struct OpenAPITests {
    static let spec = try! JSONValue.parse(String(contentsOfFile: TestPaths.repo("Docs/openapi.json"), encoding: .utf8))

    @Test func theDocumentedPathsAreThoseTheAPIAnswers() throws {
        let documented = try #require(Self.spec["paths"]?.objectValue).keys.sorted()
        #expect(documented == API.paths.sorted())
        // Routes are only ever added through `API.paths` (a path outside it stops the server at
        // start), so every route the API has is documented; the next test asks each of them.
    }

    @Test func everyAnswerFitsItsDocumentedSchema() async throws {
        try await ServerTests.withDashboard { client, runID in
            let requests: [(path: String, uri: String, status: Int)] = [
                ("/api/runs", "/api/runs", 200), ("/api/runs", "/api/runs?suite=dash&limit=5", 200), ("/api/runs", "/api/runs?limit=x", 400),
                ("/api/runs/{id}", "/api/runs/\(runID)", 200), ("/api/runs/{id}", "/api/runs/nope", 404),
                ("/api/runs/{id}/results", "/api/runs/\(runID)/results?offset=2&limit=3", 200),
                ("/api/runs/{id}/results", "/api/runs/\(runID)/results?limit=5000", 400),
                ("/api/runs/{id}/results/{index}", "/api/runs/\(runID)/results/8", 200),
                ("/api/runs/{id}/results/{index}", "/api/runs/\(runID)/results/99", 404),
                ("/api/runs/{id}/results/{index}", "/api/runs/\(runID)/results/minus", 400),
                ("/api/leaderboard", "/api/leaderboard", 200), ("/api/leaderboard", "/api/leaderboard?suite=none", 404),
                ("/api/trends", "/api/trends", 200), ("/api/trends", "/api/trends?suite=none", 404),
            ]
            for request in requests {
                let response = try await client.execute(uri: request.uri, method: .get)
                #expect(Int(response.status.code) == request.status, "\(request.uri)")
                #expect(response.headers[.contentType] == "application/json", "\(request.uri)")
                let documented = Self.spec["paths"]?[request.path]?["get"]?["responses"]?["\(response.status.code)"]
                let schema = try #require(documented?["content"]?["application/json"]?["schema"], "\(request.uri): status \(response.status.code) is not documented")
                let body = try JSONValue.parse(String(buffer: response.body))
                let problems = Self.validate(body, against: schema, at: "$")
                #expect(problems.isEmpty, "\(request.uri): \(problems.prefix(5))")
            }
        }
    }

    /// The validator itself finds what does not fit (so the test above can fail).
    @Test func theValidatorRefusesWhatDoesNotFit() throws {
        let schema = JSONValue.object(["$ref": .string("#/components/schemas/RunListing")])
        let good = try JSONValue.parse(#"{"id":"r","suite":"s","started":"2026","finished":null,"status":"complete","done":3,"tags":[]}"#)
        #expect(Self.validate(good, against: schema, at: "$").isEmpty)
        for bad in [#"{"id":"r","suite":"s","started":"2026","finished":null,"status":"complete","done":3.5,"tags":[]}"#,
                    #"{"id":"r","suite":"s","started":"2026","finished":null,"status":"complete","tags":[]}"#,
                    #"{"id":"r","suite":"s","started":"2026","finished":null,"status":"complete","done":3,"tags":[1]}"#] {
            #expect(!Self.validate(try JSONValue.parse(bad), against: schema, at: "$").isEmpty, "\(bad)")
        }
    }

    /// What the schemas use of JSON Schema (2020-12, as OpenAPI 3.1 has it): `$ref` into the
    /// components, `oneOf`, `type` (one or several), `enum`, `properties`, `required`,
    /// `additionalProperties` and `items`. Returns each misfit with where it is.
    static func validate(_ value: JSONValue, against schema: JSONValue, at path: String) -> [String] {
        if let ref = schema["$ref"]?.stringValue {
            let name = String(ref.dropFirst("#/components/schemas/".count))
            guard let target = spec["components"]?["schemas"]?[name] else { return ["\(path): unknown $ref \(ref)"] }
            return validate(value, against: target, at: path)
        }
        if let options = schema["oneOf"]?.arrayValue {
            let fitting = options.filter { validate(value, against: $0, at: path).isEmpty }.count
            return fitting == 1 ? [] : ["\(path): fits \(fitting) of the oneOf's \(options.count) schemas, not 1"]
        }
        var problems: [String] = []
        if let types = schema["type"].map({ $0.arrayValue?.compactMap(\.stringValue) ?? [$0.stringValue ?? ""] }) {
            guard types.contains(where: { Self.fits(value, $0) }) else { return ["\(path): \(value.jsonText.prefix(60)) is not \(types.joined(separator: " or "))"] }
        }
        if let allowed = schema["enum"]?.arrayValue, !allowed.contains(value) { problems.append("\(path): \(value.jsonText) is not one of \(allowed.map(\.jsonText))") }
        if case .object(let members) = value {
            let properties = schema["properties"]?.objectValue ?? [:]
            for name in schema["required"]?.arrayValue?.compactMap(\.stringValue) ?? [] where members[name] == nil {
                problems.append("\(path): \(name) is missing")
            }
            for (name, member) in members {
                if let property = properties[name] {
                    problems += validate(member, against: property, at: "\(path).\(name)")
                } else if let additional = schema["additionalProperties"], additional.objectValue != nil {
                    problems += validate(member, against: additional, at: "\(path).\(name)")
                }
            }
        }
        if case .array(let items) = value, let itemSchema = schema["items"] {
            for (i, item) in items.enumerated() { problems += validate(item, against: itemSchema, at: "\(path)[\(i)]") }
        }
        return problems
    }

    static func fits(_ value: JSONValue, _ type: String) -> Bool {
        switch (type, value) {
        case ("null", .null), ("boolean", .bool), ("string", .string), ("array", .array), ("object", .object), ("number", .number): true
        case ("integer", .number(let n)): n.rounded() == n
        default: false
        }
    }
}
