/// Identifies one planned request across processes: the same test × provider × repeat in a resumed
/// run has the same key (Docs/runs.md "Plans and keys").
public struct ItemKey: Sendable, Hashable, Comparable {
    public var test: String
    public var provider: String
    public var repeatIndex: Int

    public init(test: String, provider: String, repeatIndex: Int) {
        self.test = test
        self.provider = provider
        self.repeatIndex = repeatIndex
    }

    /// For people: `capital-of-france × openai-mini #0`.
    public var description: String { "\(test) × \(provider) #\(repeatIndex)" }

    public static func < (a: ItemKey, b: ItemKey) -> Bool {
        (a.test, a.provider, a.repeatIndex) < (b.test, b.provider, b.repeatIndex)
    }
}

/// What a run executes: the test × provider × repeat items left after sampling and resume, in the
/// order they start, plus the warm-up requests. I/O-free; the runner executes a plan, never builds one.
public struct Plan: Sendable {
    public struct Item: Sendable, Equatable {
        /// Indices into the suite's tests and the run's providers.
        public var test: Int
        public var provider: Int
        /// 0-based; a warm-up's is its number among its provider's warm-ups.
        public var repeatIndex: Int
        /// The item's place in the whole plan (done items included): the store's sequence number.
        /// Warm-ups are numbered after every planned item.
        public var sequence: Int
        public var warmup: Bool

        public init(test: Int, provider: Int, repeatIndex: Int, sequence: Int, warmup: Bool = false) {
            self.test = test
            self.provider = provider
            self.repeatIndex = repeatIndex
            self.sequence = sequence
            self.warmup = warmup
        }
    }

    /// Warm-ups first, then measured items in test-major order (test, repeat, provider), so that
    /// providers are compared on the same test at about the same time.
    public var items: [Item]
    /// Measured items of the whole plan, done ones included.
    public var planned: Int
    /// Measured items already done (a resumed run) and so not in `items`.
    public var alreadyDone: Int

    public var measuredCount: Int { items.count(where: { !$0.warmup }) }

    /// - Parameters:
    ///   - tests: the run's tests (after sampling) with their index in the suite, which `Item.test` holds.
    ///   - providers: the run's provider ids, in suite order.
    ///   - done: keys of items that already have a result (resume).
    ///   - warmups: warm-up requests per provider index; they cycle through the tests.
    ///   - firstWarmupSequence: where warm-up sequence numbers start (past every earlier one of the run).
    public static func make(tests: [(index: Int, name: String, repeats: Int)], providers: [String], done: Set<ItemKey> = [],
                            warmups: [Int] = [], firstWarmupSequence: Int? = nil) -> Plan
    {
        var items: [Item] = []
        var sequence = 0
        var alreadyDone = 0
        for test in tests {
            for r in 0..<test.repeats {
                for (p, provider) in providers.enumerated() {
                    defer { sequence += 1 }
                    if done.contains(ItemKey(test: test.name, provider: provider, repeatIndex: r)) {
                        alreadyDone += 1
                        continue
                    }
                    items.append(Item(test: test.index, provider: p, repeatIndex: r, sequence: sequence))
                }
            }
        }
        var warm: [Item] = []
        var warmSequence = max(sequence, firstWarmupSequence ?? 0)
        if !tests.isEmpty {
            for (p, count) in warmups.enumerated() where p < providers.count {
                for k in 0..<max(0, count) {
                    warm.append(Item(test: tests[k % tests.count].index, provider: p, repeatIndex: k, sequence: warmSequence, warmup: true))
                    warmSequence += 1
                }
            }
        }
        return Plan(items: warm + items, planned: sequence, alreadyDone: alreadyDone)
    }
}

/// A seeded, stratified sample of a suite's tests (`--sample N|FRACTION --seed S`): each category
/// keeps its share, chosen by a seeded shuffle, so the same seed and suite give the same tests
/// on every machine (Docs/runs.md "Sampling").
public struct Sampling: Sendable, Equatable {
    public enum Size: Sendable, Equatable {
        case count(Int)
        case fraction(Double)
    }

    public var size: Size
    public var seed: UInt64

    public init(size: Size, seed: UInt64) {
        self.size = size
        self.seed = seed
    }

    /// Reads `--sample`: a whole number of tests (`50`) or a fraction in (0, 1] (`0.1`, `10%`).
    public static func size(parsing text: String) -> Size? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if trimmed.hasSuffix("%"), let percent = Double(trimmed.dropLast()), percent > 0, percent <= 100 {
            return .fraction(percent / 100)
        }
        if let count = Int(trimmed), count >= 1 { return .count(count) }
        if let fraction = Double(trimmed), fraction > 0, fraction <= 1, trimmed.contains(".") { return .fraction(fraction) }
        return nil
    }

    /// The indices of the chosen tests, in suite order. Each category gets its proportional share
    /// (largest remainders break ties, then the larger category, then the earlier one), at least one
    /// test when the sample is at least as large as the number of categories.
    public func choose(categories: [String]) -> [Int] {
        let total = categories.count
        guard total > 0 else { return [] }
        let wanted: Int
        switch size {
        case .count(let n): wanted = min(n, total)
        case .fraction(let f): wanted = min(total, max(1, Int((f * Double(total)).rounded())))
        }
        var order: [String] = []
        var members: [String: [Int]] = [:]
        for (i, category) in categories.enumerated() {
            if members[category] == nil { order.append(category) }
            members[category, default: []].append(i)
        }
        // Hamilton's method: floor of each exact share, then the largest remainders.
        var quota: [String: Int] = [:]
        var remainders: [(category: String, remainder: Double, size: Int, place: Int)] = []
        for (place, category) in order.enumerated() {
            let exact = Double(wanted) * Double(members[category]!.count) / Double(total)
            quota[category] = Int(exact)
            remainders.append((category, exact - Double(Int(exact)), members[category]!.count, place))
        }
        var left = wanted - quota.values.reduce(0, +)
        remainders.sort { ($0.remainder, $0.size, -$0.place) > ($1.remainder, $1.size, -$1.place) }
        for entry in remainders where left > 0 {
            quota[entry.category]! += 1
            left -= 1
        }
        var chosen: [Int] = []
        for (place, category) in order.enumerated() {
            var random = SeededRandom(seed: seed ^ (UInt64(place) &* 0x9E37_79B9_7F4A_7C15) ^ Digest.fnv1a64(category))
            var pool = members[category]!
            // Fisher–Yates on our own generator: Swift's shuffle(using:) may change between releases.
            for i in stride(from: pool.count - 1, to: 0, by: -1) {
                let j = Int(random.next() % UInt64(i + 1))
                pool.swapAt(i, j)
            }
            chosen += pool.prefix(quota[category] ?? 0)
        }
        return chosen.sorted()
    }

    /// As the command line wrote it and the run records it: `50` or `0.1`.
    public var sizeText: String {
        switch size {
        case .count(let n): "\(n)"
        case .fraction(let f): "\(f)"
        }
    }
}

/// SplitMix64: small, fast, and the same sequence everywhere.
public struct SeededRandom: Sendable {
    private var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// Uniform in [0, 1).
    public mutating func unit() -> Double { Double(next() >> 11) / Double(1 << 53) }
}
