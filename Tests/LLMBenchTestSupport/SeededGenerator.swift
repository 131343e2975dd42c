import LLMBenchCore

/// Core's SplitMix64 (`SeededRandom`): the same sequence everywhere, so a property test that fails
/// names a seed that replays it. Tests extend it with generators of their own values.
public struct SeededGenerator: Sendable {
    private var random: SeededRandom

    public init(state: UInt64) { random = SeededRandom(seed: state) }

    public mutating func next() -> UInt64 { random.next() }

    public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    public mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }
    public mutating func maybe<T>(_ make: (inout SeededGenerator) -> T) -> T? { chance(70) ? make(&self) : nil }
    public mutating func pick<T>(_ values: [T]) -> T { values[int(0...(values.count - 1))] }
}
