/// SplitMix64: small, fast, and the same sequence everywhere, so a property test that fails names a
/// seed that replays it. Tests extend it with generators of their own values.
public struct SeededGenerator: Sendable {
    public var state: UInt64

    public init(state: UInt64) { self.state = state }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    public mutating func int(_ range: ClosedRange<Int>) -> Int { range.lowerBound + Int(next() % UInt64(range.count)) }
    public mutating func chance(_ percent: Int) -> Bool { int(1...100) <= percent }
    public mutating func maybe<T>(_ make: (inout SeededGenerator) -> T) -> T? { chance(70) ? make(&self) : nil }
    public mutating func pick<T>(_ values: [T]) -> T { values[int(0...(values.count - 1))] }
}
