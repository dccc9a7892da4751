import ConsRouteModel

/// Rows read from the history, printable as an aligned text table or as one JSON array.
///
/// Every row of a listing has the same fields in the same order; the first row's headers head the table.
struct HistoryListing: Equatable {
    /// The rows, each a list of fields.
    var rows: [[HistoryField]]
    /// What one row is, in the plural (`tables`, `drift events`), for the message of an empty listing.
    var noun: String
    /// Rows left out by the limit, if it is known that there are more; printed as a note under the text table.
    var omitted: Omitted = .none

    /// Whether more rows matched than the limit let through.
    enum Omitted: Equatable {
        /// Every matching row is shown.
        case none
        /// More rows matched; `count` when known.
        case some(count: Int?)
    }

    /// The listing as an aligned text table: a header line, then one line per row, two spaces between columns,
    /// numbers right-aligned; an empty listing is one line saying so.
    func text() -> String {
        guard let first = rows.first else { return "no \(noun) match" }
        let headers = first.compactMap(\.header)
        let cells = rows.map { row in row.filter { $0.header != nil }.map(\.value) }
        let texts = cells.map { row in row.map(\.text) }
        var widths = headers.map(\.count)
        var alignsRight = Array(repeating: false, count: headers.count)
        for (row, rowTexts) in zip(cells, texts) {
            for column in row.indices {
                widths[column] = max(widths[column], rowTexts[column].count)
                alignsRight[column] = alignsRight[column] || row[column].alignsRight
            }
        }
        func line(_ texts: [String]) -> String {
            var text = texts.enumerated().map { column, text in
                let padding = String(repeating: " ", count: widths[column] - text.count)
                return alignsRight[column] ? padding + text : text + padding
            }.joined(separator: "  ")
            while text.last == " " { text.removeLast() }
            return text
        }
        let lines = [line(headers)] + texts.map(line) + [omittedNote].compactMap { $0 }
        return lines.joined(separator: "\n")
    }

    /// A note saying that the limit left rows out, or nil when every matching row is listed.
    var omittedNote: String? {
        switch omitted {
        case .none: nil
        case .some(let count?): "(\(count) more \(noun); raise --limit to see them)"
        case .some(nil): "(more \(noun) match; raise --limit to see them)"
        }
    }

    /// The listing as one JSON array with one object per row, an object per line, keys sorted.
    func json() -> String {
        guard !rows.isEmpty else { return "[]" }
        let objects = rows.map { row in
            var members: [String: JSONValue] = [:]
            for field in row {
                if let key = field.key { members[key] = field.value.json }
            }
            return JSONValue.object(members).canonicalString()
        }
        return "[\n" + objects.joined(separator: ",\n") + "\n]"
    }

    /// The listing in the form asked for.
    /// - Parameter asJSON: JSON when true, the text table otherwise.
    func rendered(asJSON: Bool) -> String { asJSON ? json() : text() }
}

extension HistoryListing {
    /// Keeps the first `limit` rows (the newest, as the store returns them) and notes whether there were more.
    /// - Parameters:
    ///   - rows: The rows, one more than `limit` when more matched.
    ///   - limit: The most rows to show, or nil for all.
    ///   - noun: What one row is, in the plural.
    init(rows: [[HistoryField]], limit: Int?, noun: String) {
        if let limit, rows.count > limit {
            self.init(rows: Array(rows.prefix(limit)), noun: noun, omitted: .some(count: nil))
        } else {
            self.init(rows: rows, noun: noun)
        }
    }
}
