/// Bounded quotes of what a user wrote, for messages: no message grows with the file it is about.
enum Excerpt {
    /// At most `limit` characters of `text`, ending in "…" when cut.
    static func clip(_ text: some StringProtocol, to limit: Int) -> String {
        let head = text.prefix(limit + 1)
        return head.count > limit ? head.prefix(limit - 1) + "…" : String(head)
    }
}
