import Foundation

/// One answer as the fake "generates" it: the content chunks in order, why it ended, and the usage
/// to report. Provider-neutral; each wire format renders it in its own shape.
struct Generation {
    enum Kind { case reasoning, text }
    struct Piece {
        var kind: Kind
        var text: String
    }
    enum Finish: Equatable {
        case stop
        case length
        case stopSequence(String)
    }
    struct Usage {
        var input: Int
        /// All generated tokens, reasoning included (OpenAI's and Anthropic's meaning).
        var output: Int
        var cached: Int
        var cacheWrite: Int
        var reasoning: Int
    }

    var pieces: [Piece]
    var finish: Finish
    /// nil when the scenario asks for `no_usage`.
    var usage: Usage?
    let firstContentDelayNs: UInt64
    let gapNs: UInt64

    /// - Parameters:
    ///   - maxTokens: the request's output limit; each content chunk counts as one token.
    ///   - stops: stop sequences; the text is cut before the first one found.
    ///   - promptCharacters: size of the prompt, for a default input token count.
    init(scenario: Scenario, maxTokens: Int?, stops: [String], promptCharacters: Int) {
        var pieces = scenario.reasoningTextChunks.map { Piece(kind: .reasoning, text: $0) }
        if scenario.fault == .huge {
            // Content in 64 KiB chunks up to the requested size, so streams stay streams.
            let chunk = String(repeating: "x", count: 65_536)
            var remaining = scenario.hugeBytes
            while remaining > 0 {
                pieces.append(Piece(kind: .text, text: remaining >= chunk.utf8.count ? chunk : String(chunk.prefix(remaining))))
                remaining -= chunk.utf8.count
            }
        } else {
            pieces += scenario.textChunks.map { Piece(kind: .text, text: $0) }
        }
        var finish = Finish.stop
        if !stops.isEmpty {
            (pieces, finish) = Generation.cut(pieces, atFirstOf: stops)
        }
        if let maxTokens, pieces.count > maxTokens {
            pieces.removeLast(pieces.count - max(0, maxTokens))
            finish = .length
        }
        self.pieces = pieces
        self.finish = finish
        let reasoningSent = pieces.filter { $0.kind == .reasoning }.count
        usage = scenario.fault == .noUsage ? nil : Usage(
            input: scenario.inputTokens ?? max(1, (promptCharacters + 3) / 4),
            output: scenario.outputTokens ?? pieces.count,
            cached: scenario.cachedTokens,
            cacheWrite: scenario.cacheWriteTokens,
            reasoning: scenario.reasoningTokens ?? reasoningSent
        )
        firstContentDelayNs = UInt64(scenario.ttftMs) * 1_000_000
        gapNs = UInt64(scenario.gapMs) * 1_000_000
    }

    /// When content chunk `index` is due, for a request read completely at `requestCompleteNs`.
    func deadlineNs(ofPiece index: Int, requestCompleteNs: UInt64) -> UInt64 {
        requestCompleteNs + firstContentDelayNs + UInt64(index) * gapNs
    }

    /// When a non-streamed answer is due: after the whole generation, as a real server would.
    func completionDeadlineNs(requestCompleteNs: UInt64) -> UInt64 {
        deadlineNs(ofPiece: max(0, pieces.count - 1), requestCompleteNs: requestCompleteNs)
    }

    var reasoningText: String { pieces.filter { $0.kind == .reasoning }.map(\.text).joined() }
    var text: String { pieces.filter { $0.kind == .text }.map(\.text).joined() }

    private static func cut(_ pieces: [Piece], atFirstOf stops: [String]) -> ([Piece], Finish) {
        let full = pieces.filter { $0.kind == .text }.map(\.text).joined()
        var best: (offset: Int, stop: String)?
        for stop in stops where !stop.isEmpty {
            if let range = full.range(of: stop) {
                let offset = full.utf8.distance(from: full.startIndex, to: range.lowerBound)
                if best == nil || offset < best!.offset { best = (offset, stop) }
            }
        }
        guard let best else { return (pieces, .stop) }
        var kept: [Piece] = []
        var used = 0
        for piece in pieces {
            guard piece.kind == .text else { kept.append(piece); continue }
            let size = piece.text.utf8.count
            if used + size <= best.offset {
                kept.append(piece)
                used += size
            } else {
                let keep = best.offset - used
                if keep > 0 { kept.append(Piece(kind: .text, text: String(decoding: piece.text.utf8.prefix(keep), as: UTF8.self))) }
                break
            }
        }
        return (kept, .stopSequence(best.stop))
    }
}
