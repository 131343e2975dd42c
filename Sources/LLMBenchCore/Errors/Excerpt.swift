/// Bounded quotes of what a user wrote, for messages: no message grows with the file it is about.
enum Excerpt {
    /// At most `limit` characters of `text`, ending in "…" when cut.
    static func clip(_ text: some StringProtocol, to limit: Int) -> String {
        let head = text.prefix(limit + 1)
        return head.count > limit ? head.prefix(limit - 1) + "…" : String(head)
    }

    /// One line without its surrounding blanks; a line longer than `limit` characters is shown as a
    /// window of that many around `column` (1-based, in Unicode scalars as libyaml counts), "…"
    /// marking each cut. Costs O(column + limit), not O(line).
    static func line(_ line: Substring, around column: Int, limit: Int = 120) -> String {
        let skip = max(0, column - 1 - limit / 4)
        let rest = line.unicodeScalars.dropFirst(skip)
        let window = rest.prefix(limit)
        var text = String(String.UnicodeScalarView(window))
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        while let first = text.first, first == " " || first == "\t" { text.removeFirst() }
        let cutAfter = rest.dropFirst(limit).first != nil
        return (skip > 0 ? "…" : "") + text + (cutAfter ? "…" : "")
    }
}
