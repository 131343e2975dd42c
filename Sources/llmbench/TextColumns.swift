/// Plain aligned columns for listings (`plugins`, `pricing list`): two spaces apart, no trailing spaces.
enum TextColumns {
    static func render(_ rows: [[String]], rightAligned: Set<Int> = []) -> String {
        let count = rows.map(\.count).max() ?? 0
        let widths = (0..<count).map { c in rows.map { c < $0.count ? $0[c].count : 0 }.max() ?? 0 }
        return rows.map { row in
            var line = row.enumerated().map { c, cell in
                let fill = String(repeating: " ", count: widths[c] - cell.count)
                return rightAligned.contains(c) ? fill + cell : cell + fill
            }.joined(separator: "  ")
            while line.last == " " { line.removeLast() }
            return line
        }.joined(separator: "\n") + "\n"
    }
}
