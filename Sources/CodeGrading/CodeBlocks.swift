import Foundation

/// The code in a model's answer. Docs/junit-xml.md "Which code is run".
///
/// Fenced blocks are read as CommonMark reads them: a line of three or more backticks or tildes
/// (indented at most three spaces) opens a block, its first word is the language tag, and a line of
/// the same character at least as long closes it; an unclosed block runs to the end of the answer
/// (an answer cut by `max_tokens`). Which blocks are used:
/// 1. the blocks tagged with the test's language (or one of its aliases: `py` for Python…);
/// 2. if there are none, the untagged blocks;
/// 3. if the answer has no fence at all, the whole answer.
/// Blocks tagged with another language (`bash`, `text`, `output`) are never run. Of the chosen
/// blocks, `all` (the default) joins them in order with a blank line between; `first`, `last` and
/// `longest` take one.
public struct CodeBlocks: Sendable {
    public struct Block: Sendable, Equatable {
        public var language: String?
        public var code: String
    }

    public enum Selection: String, Sendable, CaseIterable {
        case all, first, last, longest
    }

    public var blocks: [Block]
    /// False when the answer had no fence and its whole text is taken as code.
    public var fenced: Bool

    public init(answer: String) {
        var blocks: [Block] = []
        var open: (fence: Character, length: Int, language: String?, lines: [Substring])?
        // "\r\n" is one Character in Swift, so it is a separator of its own.
        for line in answer.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            if var current = open {
                if let fence = Self.fence(line), fence.character == current.fence, fence.length >= current.length,
                   fence.info.allSatisfy(\.isWhitespace)
                {
                    blocks.append(Block(language: current.language, code: current.lines.joined(separator: "\n")))
                    open = nil
                } else {
                    current.lines.append(line)
                    open = current
                }
            } else if let fence = Self.fence(line), !(fence.character == "`" && fence.info.contains("`")) {
                let tag = fence.info.split(whereSeparator: \.isWhitespace).first.map { $0.lowercased() }
                open = (fence.character, fence.length, tag.flatMap { $0.isEmpty ? nil : Self.tag($0) }, [])
            }
        }
        if let current = open {
            blocks.append(Block(language: current.language, code: current.lines.joined(separator: "\n")))
        }
        fenced = !blocks.isEmpty
        self.blocks = fenced ? blocks : [Block(language: nil, code: answer)]
    }

    /// The code to run for `language` (nil: any block).
    public func code(language: String?, selection: Selection = .all) -> String {
        let chosen: [Block]
        if !fenced {
            chosen = blocks
        } else if let language {
            let names = Self.aliases(of: language)
            let tagged = blocks.filter { $0.language.map(names.contains) ?? false }
            chosen = tagged.isEmpty ? blocks.filter { $0.language == nil } : tagged
        } else {
            chosen = blocks
        }
        switch selection {
        case .all: return chosen.map(\.code).joined(separator: "\n\n")
        case .first: return chosen.first?.code ?? ""
        case .last: return chosen.last?.code ?? ""
        case .longest: return chosen.max { $0.code.utf8.count < $1.code.utf8.count }?.code ?? ""
        }
    }

    /// Tags written for the same language.
    public static func aliases(of language: String) -> Set<String> {
        let name = language.lowercased()
        for group in aliasGroups where group.contains(name) { return group }
        return [name]
    }

    static let aliasGroups: [Set<String>] = [
        ["python", "py", "python3", "py3"],
        ["javascript", "js", "node", "mjs", "cjs"],
        ["typescript", "ts"],
        ["c++", "cpp", "cc", "cxx"],
        ["c", "h"],
        ["go", "golang"],
        ["rust", "rs"],
        ["shell", "sh", "bash", "zsh"],
        ["swift"], ["java"], ["kotlin", "kt"], ["ruby", "rb"], ["csharp", "c#", "cs"],
    ]

    /// A tag as written after the fence, without braces or attributes (`{.python}`, `python title=x`).
    static func tag(_ word: String) -> String? {
        let trimmed = word.trimmingCharacters(in: CharacterSet(charactersIn: "{}."))
        return trimmed.isEmpty ? nil : trimmed
    }

    static func fence(_ line: Substring) -> (character: Character, length: Int, info: Substring)? {
        var rest = line[...]
        var indent = 0
        while indent < 4, rest.first == " " {
            rest = rest.dropFirst()
            indent += 1
        }
        guard indent <= 3, let first = rest.first, first == "`" || first == "~" else { return nil }
        let run = rest.prefix { $0 == first }
        guard run.count >= 3 else { return nil }
        return (first, run.count, rest.dropFirst(run.count))
    }
}
