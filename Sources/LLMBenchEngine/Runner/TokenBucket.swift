/// A token bucket on the monotonic clock: `ratePerMinute` tokens a minute, at most `capacity`
/// saved up. A request larger than the capacity goes when the bucket is full and leaves it in
/// debt, so it is neither refused for ever nor allowed to bunch with others.
struct TokenBucket {
    let capacity: Double
    let perNs: Double
    private(set) var tokens: Double
    private var lastNs: UInt64

    /// Starts full, so a run starts at once. Requests per minute use a capacity of one: requests
    /// go evenly spaced, as providers that enforce a minute's limit per second (or per 100 ms)
    /// expect; tokens per minute allow a second's worth at once.
    init(ratePerMinute: Double, capacity: Double, nowNs: UInt64) {
        perNs = ratePerMinute / 60e9
        self.capacity = max(1, capacity)
        tokens = self.capacity
        lastNs = nowNs
    }

    private mutating func refill(_ nowNs: UInt64) {
        guard nowNs > lastNs else { return }
        tokens = min(capacity, tokens + Double(nowNs - lastNs) * perNs)
        lastNs = nowNs
    }

    /// 0 when `amount` may be taken now, else how long until it may.
    mutating func waitNs(for amount: Double, nowNs: UInt64) -> UInt64 {
        refill(nowNs)
        let needed = min(amount, capacity)
        guard tokens < needed else { return 0 }
        return UInt64(((needed - tokens) / perNs).rounded(.up)) + 1
    }

    mutating func take(_ amount: Double, nowNs: UInt64) {
        refill(nowNs)
        tokens -= amount
    }

    /// Puts back what a request did not use (or takes more: `amount` < 0), once its real size is known.
    mutating func settle(_ amount: Double) { tokens = min(capacity, tokens + amount) }
}
