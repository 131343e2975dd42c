import Foundation
import LLMBenchCore
import Synchronization

/// A suite bound to live plugin instances and prices, checked before any request is sent.
public final class PreparedRun: @unchecked Sendable {
    public struct Provider: @unchecked Sendable {
        public var config: ProviderConfig
        public var instance: PluginInstance
        public var price: PriceEntry?
        /// The provider's `tokenizer:`, read once per run; nil without one.
        public var tokenizer: BPETokenizer?
    }

    public let suite: Suite
    /// The providers under test: the plan sends every test to each of them.
    public let providers: [Provider]
    /// Every prepared provider, under test or not (`under_test: false`): those a scorer may call
    /// through the provider service.
    public let serviceProviders: [Provider]
    /// Scorer instances by `ScorerKey`: one per distinct scorer + options in the suite.
    let scorers: [String: PluginInstance]
    /// The scorer instances, for callers that score outside a run (tests, `llmbench score`).
    package var scorerInstances: [PluginInstance] { Array(scorers.values) }
    public let prices: PriceSnapshot
    /// Things the user should see: skipped providers, models without a price.
    public let notices: [String]
    let redactor: SecretRedactor
    /// Request JSON per test × provider (index test * providers.count + provider), all but the repeat.
    let requestPrefixes: [[UInt8]]
    /// The response cache's key per test × provider, made when first asked (`CacheStage.key`): a
    /// SHA-256 each, which for 100,000 tests would hold up the first request by a third of a second.
    private let cacheKeyMemo: Mutex<[Int64?]>
    /// What each test × provider request is expected to take (budget, tokens per minute), same index.
    let estimates: [RequestEstimate]
    private let slowTests: [Bool]
    /// Each test's scorer instances, in the test's order (found once, not per result).
    let testScorers: [[(spec: ScorerSpec, instance: PluginInstance)]]

    init(suite: Suite, providers allProviders: [Provider], scorers: [String: PluginInstance], prices: PriceSnapshot, notices: [String],
         redactor: SecretRedactor)
    {
        let providers = allProviders.filter(\.config.underTest)
        serviceProviders = allProviders
        requestPrefixes = suite.tests.flatMap { test in
            providers.map { Runner.requestPrefix(test: test, provider: $0.config) }
        }
        cacheKeyMemo = Mutex(Array(repeating: nil, count: suite.tests.count * providers.count))
        testScorers = suite.tests.map { test in test.scorers.compactMap { spec in scorers[ScorerKey.make(spec)].map { (spec, $0) } } }
        slowTests = testScorers.map { pairs in pairs.contains { ScorerCall.deadlineMs($0.spec, $0.instance) != nil } }
        estimates = suite.tests.flatMap { test in
            providers.map { RequestEstimate(test: test, provider: $0.config, tokenizer: $0.tokenizer, price: $0.price) }
        }
        self.suite = suite
        self.providers = providers
        self.scorers = scorers
        self.prices = prices
        self.notices = notices
        self.redactor = redactor
    }


    /// What the run sets out to do, stored with it so that reports can name what never ran and
    /// `--resume` can continue it: the tests after sampling, and the command's settings.
    public func runPlan(settings: RunSettings) -> RunPlan {
        let chosen = settings.sampling.map { $0.choose(categories: suite.tests.map(\.category)) } ?? Array(suite.tests.indices)
        return RunPlan(providers: providers.map(\.config.id),
                       tests: chosen.map { RunPlan.Test(name: suite.tests[$0].name, category: suite.tests[$0].category, repeats: suite.tests[$0].repeatCount) },
                       settings: settings, slo: suite.slo, current: suite.current)
    }

    /// The plan to execute for a stored run plan: its tests (by name, in the suite's order), less
    /// the items `done`, with each provider's warm-ups first.
    public func plan(for runPlan: RunPlan, done: Set<ItemKey> = [], firstWarmupSequence: Int? = nil) -> Plan {
        let index = Dictionary(suite.tests.enumerated().map { ($1.name, $0) }, uniquingKeysWith: { first, _ in first })
        let chosen = runPlan.tests.compactMap { index[$0.name] }
        return Plan.make(tests: chosen.map { ($0, suite.tests[$0].name, suite.tests[$0].repeatCount) }, providers: providers.map(\.config.id),
                         done: done, warmups: providers.map(\.config.warmup), firstWarmupSequence: firstWarmupSequence)
    }

    /// The response cache's key of the request an item makes.
    func cacheKey(_ item: Plan.Item) -> Int64 {
        let index = item.test * providers.count + item.provider
        if let known = cacheKeyMemo.withLock({ $0[index] }) { return known }
        let key = CacheStage.key(test: suite.tests[item.test], provider: providers[item.provider].config)
        cacheKeyMemo.withLock { $0[index] = key }
        return key
    }

    /// Whether a test (by index) has a scorer that may block (a slow plugin, or a deadline in the
    /// suite): its results are scored off the request workers.
    func scoresSlowly(_ test: Int) -> Bool { slowTests[test] }

    func key(of item: Plan.Item) -> ItemKey {
        ItemKey(test: suite.tests[item.test].name, provider: providers[item.provider].config.id, repeatIndex: item.repeatIndex)
    }

    func estimate(of item: Plan.Item) -> RequestEstimate { estimates[item.test * providers.count + item.provider] }

    /// The request JSON of an item (Docs/plugin-abi.md "Completion request").
    func request(_ item: Plan.Item) -> [UInt8] {
        var request = requestPrefixes[item.test * providers.count + item.provider]
        request.append(contentsOf: Runner.requestEnd(repeatIndex: item.repeatIndex))
        return request
    }
}

/// Identifies a scorer instance: the same scorer with other options is another instance.
enum ScorerKey {
    static func make(_ spec: ScorerSpec) -> String { spec.scorer + "\u{0}" + JSONValue.object(spec.options).jsonText }
}

/// Binds a suite to plugins, keys and prices. Every problem is reported at once, with its place.
public struct RunPreparation {
    public var catalog: PluginCatalog
    public var prices: PriceTable
    public var environment: [String: String]
    /// Provider ids asked for with --provider; empty means all.
    public var selectedProviders: [String]
    /// The date whose prices apply (yyyy-MM-dd, UTC).
    public var priceDate: String

    public init(catalog: PluginCatalog, prices: PriceTable, environment: [String: String] = ProcessInfo.processInfo.environment,
                selectedProviders: [String] = [], priceDate: String = Timestamps.date(WallClock.nowUnix()))
    {
        self.catalog = catalog
        self.prices = prices
        self.environment = environment
        self.selectedProviders = selectedProviders
        self.priceDate = priceDate
    }

    /// Checks plugin and scorer names against the catalog, and reads the providers' tokenizer files,
    /// without creating anything.
    public func check(_ suite: Suite) -> [LLMBenchError] {
        var tokenizers = TokenizerFiles(suitePath: suite.sourcePath)
        return check(suite, tokenizers: &tokenizers)
    }

    /// `tokenizers` keeps what was read, for `prepare`.
    func check(_ suite: Suite, tokenizers: inout TokenizerFiles) -> [LLMBenchError] {
        var problems: [LLMBenchError] = []
        let providerIDs = catalog.plugins(of: .provider).map(\.id).sorted()
        let scorerIDs = catalog.plugins(of: .scorer).map(\.id).sorted()
        for provider in suite.providers where catalog.plugin(id: provider.plugin)?.kind != .provider {
            let why = refusal(of: provider.plugin) ?? "unknown provider plugin '\(provider.plugin)'"
            problems.append(LLMBenchError(.unknownPlugin, "\(why) for provider '\(provider.id)'; found: \(providerIDs.joined(separator: ", ")) (see `llmbench plugins`)", at: provider.location))
        }
        var reported: Set<String> = []
        for test in suite.tests {
            for spec in test.scorers where catalog.plugin(id: spec.scorer)?.kind != .scorer {
                let place = spec.location.map(\.description) ?? spec.scorer
                guard reported.insert(place).inserted else { continue }
                let why = refusal(of: spec.scorer) ?? "unknown scorer '\(spec.scorer)'"
                problems.append(LLMBenchError(.unknownPlugin, "\(why); found: \(scorerIDs.joined(separator: ", ")) (see `llmbench plugins`)", at: spec.location))
            }
        }
        for id in selectedProviders where !suite.providers.contains(where: { $0.id == id }) {
            problems.append(LLMBenchError(.usage, "--provider '\(id)' is not in the suite; it has: \(suite.providers.map(\.id).joined(separator: ", "))"))
        }
        for provider in suite.providers where selectedProviders.isEmpty || selectedProviders.contains(provider.id) {
            guard let path = provider.tokens.tokenizerPath else { continue }
            do throws(LLMBenchError) {
                _ = try tokenizers.load(path)
            } catch {
                problems.append(LLMBenchError(error.code, "provider '\(provider.id)': \(error.message)", at: provider.location))
            }
        }
        return problems
    }

    /// Why the plugin a suite names by `id` is not loaded, when a file that has or promised that id
    /// was refused: the user sees the refusal rather than a plugin said not to exist.
    private func refusal(of id: String) -> String? {
        guard catalog.plugin(id: id) == nil, let refused = catalog.refused.last(where: { $0.id == id }) else { return nil }
        return "plugin '\(id)' was refused: \(refused.reason) (\(refused.path))"
    }

    /// Creates the plugin instances. Throws every problem found; nothing has been sent yet.
    public func prepare(_ suite: Suite) throws(LLMBenchErrors) -> PreparedRun {
        var bound = bind(suite)
        if !bound.providers.contains(where: \.config.underTest) && bound.problems.isEmpty {
            let why = bound.notices.isEmpty ? "every provider has under_test: false" : bound.notices.joined(separator: "; ")
            bound.problems.append(LLMBenchError(.usage, "no provider can run: \(why)"))
        }
        guard bound.problems.isEmpty else { throw LLMBenchErrors(bound.problems) }
        PluginLog.addSecrets(bound.keys)
        return PreparedRun(suite: suite, providers: bound.providers, scorers: bound.scorers, prices: bound.prices, notices: bound.notices,
                           redactor: SecretRedactor(secrets: bound.keys))
    }

    /// What `llmbench validate` checks: every instance `prepare` would make is created with the
    /// suite's options and destroyed at once, so a plugin that refuses its options is found without
    /// a request being sent. Providers whose key variable is unset are not made: `skipped` says so.
    public func validate(_ suite: Suite) -> (problems: [LLMBenchError], skipped: [String]) {
        let bound = bind(suite)
        return (bound.problems, bound.skipped)
    }

    /// A context in which scorers called outside a run (`llmbench score --suite`) reach the suite's
    /// providers through the provider service: every provider is prepared, under test or not (a
    /// provider whose key is unset is left out, as in a run); the suite's scorers are not made.
    public func serviceContext(for suite: Suite, context: RunContext = RunContext()) throws(LLMBenchErrors) -> RunContext {
        let bound = bind(suite, scorers: false)
        guard bound.problems.isEmpty else { throw LLMBenchErrors(bound.problems) }
        PluginLog.addSecrets(bound.keys)
        context.addSecrets(bound.keys)
        context.addServiceProviders(bound.providers)
        return context
    }

    /// The suite's plugin instances, or why they could not be made.
    private struct Bound {
        var providers: [PreparedRun.Provider] = []
        var scorers: [String: PluginInstance] = [:]
        var prices: PriceSnapshot
        var notices: [String] = []
        /// The notices that name a provider left out for want of its key.
        var skipped: [String] = []
        var problems: [LLMBenchError]
        /// The secrets the instances were given, for redaction.
        var keys: [String] = []
    }

    /// `scorers`: make the suite's scorer instances too.
    private func bind(_ suite: Suite, scorers: Bool = true) -> Bound {
        var tokenizers = TokenizerFiles(suitePath: suite.sourcePath)
        let problems = check(suite, tokenizers: &tokenizers)
        // A provider not under test is a service of the suite's scorers: --provider never leaves it out.
        let wanted = selectedProviders.isEmpty ? suite.providers
            : suite.providers.filter { selectedProviders.contains($0.id) || !$0.underTest }
        var bound = Bound(prices: prices.snapshot(for: wanted.map { ($0.plugin, $0.model) }, on: priceDate), problems: problems)
        guard problems.isEmpty else { return bound }
        for config in wanted {
            var apiKey: String?
            if let variable = config.apiKeyEnv {
                guard let value = environment[variable], !value.isEmpty else {
                    if selectedProviders.contains(config.id) {
                        bound.problems.append(LLMBenchError(.usage, "provider '\(config.id)' was asked for with --provider, but its key variable \(variable) is not set", at: config.location))
                    } else {
                        bound.skipped.append("skipped provider '\(config.id)': environment variable \(variable) is not set")
                        bound.notices.append(bound.skipped.last!)
                    }
                    continue
                }
                apiKey = value
                bound.keys.append(value)
            }
            // A key written into base_url (?key=..., user:password@) is as secret as one in a variable.
            if let baseURL = config.baseURL { bound.keys += SecretRedactor.secrets(inURL: baseURL) }
            let plugin = catalog.plugin(id: config.plugin)!
            var json: [String: JSONValue] = [
                "provider_id": .string(config.id), "model": .string(config.model), "options": .object(config.options),
            ]
            if let baseURL = config.baseURL { json["base_url"] = .string(baseURL) }
            if let apiKey { json["api_key"] = .string(apiKey) }
            do {
                let instance = try PluginInstance(plugin: plugin, configJSON: JSONValue.object(json).jsonText)
                let price = bound.prices.price(plugin: config.plugin, model: config.model)
                let notice = "no price for \(config.plugin)/\(config.model) on \(priceDate): its cost is reported as \"no price\" (see `llmbench pricing show \(config.plugin)/\(config.model)`)"
                if price == nil && !bound.notices.contains(notice) { bound.notices.append(notice) }
                // Read by `check`: loading again finds it read.
                let tokenizer = config.tokens.tokenizerPath.flatMap { try? tokenizers.load($0) }
                bound.providers.append(.init(config: config, instance: instance, price: price, tokenizer: tokenizer))
            } catch {
                let redacted = SecretRedactor(secrets: bound.keys).redact(error.message)
                bound.problems.append(LLMBenchError(.plugin, "provider '\(config.id)' (plugin \(config.plugin)): \(redacted)", at: config.location))
            }
        }
        // A scorer entry of the defaults is every test's: one refusal is reported once.
        var refusedScorers: Set<String> = []
        for test in suite.tests where scorers {
            for spec in test.scorers {
                let key = ScorerKey.make(spec)
                guard bound.scorers[key] == nil, !refusedScorers.contains(key), let plugin = catalog.plugin(id: spec.scorer) else { continue }
                do {
                    bound.scorers[key] = try PluginInstance(plugin: plugin, configJSON: JSONValue.object(spec.options).jsonText)
                } catch {
                    refusedScorers.insert(key)
                    bound.problems.append(LLMBenchError(.plugin, "scorer '\(spec.scorer)': \(error.message)", at: spec.location))
                }
            }
        }
        return bound
    }
}

/// Removes known secrets from any text before it is stored, logged or reported.
struct SecretRedactor: Sendable {
    let secrets: [String]

    init(secrets: [String]) { self.secrets = secrets.filter { $0.count >= 4 } }

    /// Query parameters whose name says they carry a credential.
    static let credentialWords = ["key", "token", "secret", "password", "passwd", "sig", "auth", "credential", "session"]

    /// The credentials written into a URL: the password of `user:password@`, and the values of query
    /// parameters named like credentials (key, api_key, access_token, sig, ...), raw and decoded.
    static func secrets(inURL text: String) -> [String] {
        guard let components = URLComponents(string: text) else { return [] }
        var found: [String] = []
        if let password = components.percentEncodedPassword { found += [password, components.password ?? password] }
        for item in components.percentEncodedQueryItems ?? [] {
            let name = item.name.lowercased()
            guard let value = item.value, !value.isEmpty, credentialWords.contains(where: { name.contains($0) }) else { continue }
            found += [value, value.removingPercentEncoding ?? value]
        }
        return Array(Set(found))
    }

    func redact(_ text: String) -> String {
        guard !secrets.isEmpty else { return text }
        var text = text
        for secret in secrets where text.contains(secret) { text = text.replacingOccurrences(of: secret, with: "[REDACTED]") }
        return text
    }
}
