/// How a run ended, as stored and reported (Docs/output-formats.md). Everything but `complete`
/// is an incomplete run: reports say so, and JUnit lists what never ran as errors.
public enum RunStatus: String, Sendable, Equatable, CaseIterable {
    /// Still going: its process is alive (or lives on another host, where it cannot be checked).
    case running
    /// Every planned request ran and every result was stored.
    case complete
    /// Stopped by Ctrl-C or SIGTERM: requests in flight were cancelled, the rest never started.
    case interrupted
    /// The store failed (a full disk, say); results after the failure were not saved.
    case storeFailed = "store_failed"
    /// Ended some other way with a reason recorded: a plugin called exit(), for one.
    case aborted
    /// Its process is gone without finishing the run: killed, crashed, or out of power.
    case killed
    /// Stopped before a request that would have passed the budget; the rest never started.
    case budgetStopped = "budget_stopped"

    public var isComplete: Bool { self == .complete }

    /// For people: "incomplete (interrupted)".
    public var label: String {
        switch self {
        case .complete: "complete"
        case .running: "running"
        case .storeFailed: "incomplete (store failed)"
        case .budgetStopped: "incomplete (budget reached)"
        default: "incomplete (\(rawValue))"
        }
    }
}

/// What a run set out to do: the providers and tests (with repeats) it planned, so that a report
/// can name what never ran. Stored with the run as JSON.
public struct RunPlan: Sendable, Equatable {
    public struct Test: Sendable, Equatable {
        public var name: String
        public var category: String
        public var repeats: Int

        public init(name: String, category: String, repeats: Int) {
            self.name = name
            self.category = category
            self.repeats = repeats
        }
    }

    /// One planned request.
    public struct Item: Sendable, Equatable, Hashable {
        public var test: String
        public var category: String
        public var provider: String
        public var repeatIndex: Int

        public init(test: String, category: String, provider: String, repeatIndex: Int) {
            self.test = test
            self.category = category
            self.provider = provider
            self.repeatIndex = repeatIndex
        }
    }

    public var providers: [String]
    /// After sampling: the tests the run asks, in suite order.
    public var tests: [Test]
    /// What the command line chose (limits, budget, cache, sample); nil for runs stored before it was.
    public var settings: RunSettings?
    /// The suite's latency objectives, for goodput in every report of the run; nil: none.
    public var slo: ServiceLevelObjective?
    /// The suite's `current:` provider, for the recommendation's saving; nil: none named.
    public var current: String?

    public init(providers: [String], tests: [Test], settings: RunSettings? = nil, slo: ServiceLevelObjective? = nil, current: String? = nil) {
        self.providers = providers
        self.tests = tests
        self.settings = settings
        self.slo = slo
        self.current = current
    }

    public var count: Int { tests.reduce(0) { $0 + $1.repeats } * providers.count }

    public var json: JSONValue {
        .object([
            "providers": .array(providers.map { .string($0) }),
            "tests": .array(tests.map { .array([.string($0.name), .string($0.category), JSONValue($0.repeats)]) }),
            "settings": settings?.json ?? .null,
            "slo": slo?.json ?? .null,
            "current": JSONValue(current),
        ])
    }

    public init?(json: JSONValue) {
        guard let providers = json["providers"]?.arrayValue?.compactMap(\.stringValue), let tests = json["tests"]?.arrayValue else { return nil }
        var parsed: [Test] = []
        for test in tests {
            guard let fields = test.arrayValue, fields.count == 3, let name = fields[0].stringValue, let category = fields[1].stringValue,
                  let repeats = fields[2].doubleValue else { return nil }
            parsed.append(Test(name: name, category: category, repeats: Int(repeats)))
        }
        self.init(providers: providers, tests: parsed, settings: json["settings"].flatMap(RunSettings.init(json:)),
                  slo: json["slo"].flatMap(ServiceLevelObjective.init(json:)), current: json["current"]?.stringValue)
    }
}
