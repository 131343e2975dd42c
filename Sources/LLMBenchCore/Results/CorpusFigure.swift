/// A scorer's figure for a whole group of results (corpus BLEU, where the mean of sentence scores
/// would be wrong): one per scorer with ABI 1.2's `aggregate`, per provider × model (category nil)
/// and per provider × model × category. Computed when a run ends and stored with it.
public struct CorpusFigure: Sendable, Equatable {
    public var provider: String
    public var model: String
    public var category: String?
    public var scorer: String
    /// In [0, 1]; nil when the scorer failed (see `error`).
    public var value: Double?
    public var passed: Bool
    public var details: JSONValue
    public var error: String?
    /// The results it covers.
    public var n: Int

    public init(provider: String, model: String, category: String?, scorer: String, value: Double?, passed: Bool,
                details: JSONValue = .object([:]), error: String? = nil, n: Int)
    {
        self.provider = provider
        self.model = model
        self.category = category
        self.scorer = scorer
        self.value = value
        self.passed = passed
        self.details = details
        self.error = error
        self.n = n
    }

    public var json: JSONValue {
        .object([
            "provider": .string(provider), "model": .string(model), "category": JSONValue(category), "scorer": .string(scorer),
            "value": JSONValue(value), "passed": .bool(passed), "details": details, "error": JSONValue(error), "n": JSONValue(n),
        ])
    }

    public init?(json: JSONValue) {
        guard let provider = json["provider"]?.stringValue, let model = json["model"]?.stringValue,
              let scorer = json["scorer"]?.stringValue else { return nil }
        self.init(provider: provider, model: model, category: json["category"]?.stringValue, scorer: scorer,
                  value: json["value"]?.doubleValue, passed: json["passed"]?.boolValue ?? false, details: json["details"] ?? .object([:]),
                  error: json["error"]?.stringValue, n: json["n"]?.intValue ?? 0)
    }
}
