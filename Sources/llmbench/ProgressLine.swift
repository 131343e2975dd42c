import Foundation
import LLMBenchCore
import LLMBenchEngine
import Synchronization

/// The run's progress on standard error: on a terminal, one line redrawn in place (at most ten
/// times a second); elsewhere (CI logs, files), a plain line every few seconds. Done / total,
/// errors, rate-limit waits, spend so far and an estimate of the time left.
final class ProgressLine: RunObserver, @unchecked Sendable {
    private struct State {
        var planned = 0
        var doneBefore = 0
        var done = 0
        var errors = 0
        var cached = 0
        var waits = 0
        var waitMs = 0.0
        var spentUSD = 0.0
        var startNs: UInt64 = 0
        var lastDrawNs: UInt64 = 0
        var drawn = false
    }

    private let state = Mutex(State())
    private let interactive: Bool
    private let plainEveryNs: UInt64

    init(interactive: Bool = isatty(STDERR_FILENO) == 1, plainEverySeconds: Double = 5) {
        self.interactive = interactive
        plainEveryNs = UInt64(plainEverySeconds * 1e9)
    }

    func runStarted(_ run: RunInfo, plan: PlanSummary) {
        state.withLock {
            $0.planned = plan.planned
            $0.doneBefore = plan.alreadyDone
            $0.spentUSD = plan.spentBeforeUSD
            $0.startNs = MonotonicClock.nowNs()
            $0.lastDrawNs = $0.startNs
        }
    }

    func rateLimitWait(provider: String, waitedMs: Double) {
        state.withLock {
            $0.waits += 1
            $0.waitMs += waitedMs
        }
    }

    func resultReady(_ result: BenchResult) {
        let line: String? = state.withLock { s in
            s.spentUSD += result.costUSD ?? 0
            guard !result.warmup else { return nil }
            s.done += 1
            if result.status == .error { s.errors += 1 }
            if result.cached { s.cached += 1 }
            let now = MonotonicClock.nowNs()
            let every = interactive ? 100_000_000 : plainEveryNs
            guard now - s.lastDrawNs >= every else { return nil }
            s.lastDrawNs = now
            s.drawn = true
            return Self.text(s, now: now)
        }
        if let line { write(line) }
    }

    func budgetAlert(_ alert: BudgetAlert) {
        write(alert.message, final: true)
    }

    func runEnded(_ run: RunInfo, counts: RunCounts) {
        let line: String? = state.withLock { s in s.drawn ? Self.text(s, now: MonotonicClock.nowNs()) : nil }
        if let line { write(line, final: true) }
    }

    private func write(_ line: String, final: Bool = false) {
        let text = interactive ? "\r\u{1B}[K" + line + (final ? "\n" : "") : line + "\n"
        FileHandle.standardError.write(Data(text.utf8))
    }

    private static func text(_ s: State, now: UInt64) -> String {
        let total = s.planned
        let done = s.doneBefore + s.done
        var parts = ["\(done)/\(total)"]
        if s.errors > 0 { parts.append("\(s.errors) errors") }
        if s.cached > 0 { parts.append("\(s.cached) cached") }
        if s.waits > 0 { parts.append("rate-limit waits \(s.waits) (\(String(format: "%.1f", s.waitMs / 1000)) s)") }
        parts.append("$\(String(format: s.spentUSD < 1 ? "%.4f" : "%.2f", s.spentUSD)) spent")
        let elapsed = Double(now - s.startNs) / 1e9
        if s.done > 0, done < total, elapsed > 0 {
            let seconds = Double(total - done) / (Double(s.done) / elapsed)
            parts.append("ETA \(duration(seconds))")
        }
        return parts.joined(separator: " · ")
    }

    private static func duration(_ seconds: Double) -> String {
        let s = Int(seconds.rounded())
        if s < 60 { return "\(s)s" }
        if s < 3600 { return "\(s / 60)m\(String(format: "%02d", s % 60))s" }
        return "\(s / 3600)h\(String(format: "%02d", s % 3600 / 60))m"
    }

}
