import Foundation

/// A point in time given on the command line (`--since`, `--until`), resolved to unix milliseconds.
///
/// Three forms are accepted:
/// - a duration back from now: one or more `<whole number><unit>` groups with units `ms`, `s`, `m`, `h`, `d`, `w`
///   (`30s`, `15m`, `2h`, `7d`, `1h30m`);
/// - an ISO-8601 time with a zone (`2026-11-22T07:30:00Z`, `2026-11-22T09:30:00.250+02:00`) or a UTC date
///   (`2026-11-22`, midnight UTC);
/// - unix milliseconds (`1763796600000`).
enum TimeArgument {
    /// Why a time argument could not be read.
    struct ParseError: Error, Equatable, CustomStringConvertible {
        let text: String
        let reason: String

        var description: String {
            "\"\(text)\" \(reason); use a duration back from now (30s, 15m, 2h, 7d, 1h30m), an ISO-8601 time "
                + "(2026-11-22T07:30:00Z) or unix milliseconds"
        }
    }

    private static let unitMilliseconds: [(suffix: String, ms: Int64)] = [
        ("ms", 1), ("s", 1_000), ("m", 60_000), ("h", 3_600_000), ("d", 86_400_000), ("w", 604_800_000),
    ]

    /// Resolves `text` to unix milliseconds.
    /// - Parameters:
    ///   - text: The argument as typed.
    ///   - nowMs: The current time, unix milliseconds (durations count back from it).
    /// - Returns: The time, unix milliseconds.
    /// - Throws: ``ParseError`` naming the text and the accepted forms.
    static func milliseconds(_ text: String, nowMs: Int64) throws -> Int64 {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        guard !trimmed.isEmpty else { throw ParseError(text: text, reason: "is empty") }
        if trimmed.allSatisfy(\.isASCIIDigit) {
            guard let ms = Int64(trimmed) else {
                throw ParseError(text: text, reason: "is too large for unix milliseconds")
            }
            return ms
        }
        if trimmed.first!.isASCIIDigit, trimmed.contains(where: { $0 == "-" || $0 == ":" }) {
            return try isoMilliseconds(trimmed, original: text)
        }
        let span = try durationMilliseconds(trimmed, original: text)
        let (start, overflow) = nowMs.subtractingReportingOverflow(span)
        guard !overflow else { throw ParseError(text: text, reason: "reaches too far back") }
        return start
    }

    /// The length of a duration such as `1h30m`, in milliseconds.
    private static func durationMilliseconds(_ text: String, original: String) throws -> Int64 {
        var total: Int64 = 0
        var rest = Substring(text)
        while !rest.isEmpty {
            let digits = rest.prefix(while: \.isASCIIDigit)
            guard !digits.isEmpty else {
                throw ParseError(text: original, reason: "is not a time: expected a number at \"\(rest)\"")
            }
            rest = rest.dropFirst(digits.count)
            let letters = rest.prefix(while: \.isLetter)
            rest = rest.dropFirst(letters.count)
            guard let unit = unitMilliseconds.first(where: { $0.suffix == letters }) else {
                let found = letters.isEmpty ? "no unit" : "unit \"\(letters)\""
                throw ParseError(text: original, reason: "has \(found) after \(digits) (units: ms, s, m, h, d, w)")
            }
            guard let count = Int64(digits) else { throw ParseError(text: original, reason: "is too long a duration") }
            let (part, productOverflow) = count.multipliedReportingOverflow(by: unit.ms)
            let (sum, sumOverflow) = total.addingReportingOverflow(part)
            guard !productOverflow, !sumOverflow else {
                throw ParseError(text: original, reason: "is too long a duration")
            }
            total = sum
        }
        return total
    }

    /// An ISO-8601 time with a zone, with or without fractional seconds, or a bare date taken as midnight UTC.
    private static func isoMilliseconds(_ text: String, original: String) throws -> Int64 {
        let formatter = ISO8601DateFormatter()
        // A bare date is exactly YYYY-MM-DD: the date-only parser would otherwise accept a time without a zone
        // and silently drop the time.
        let attempts: [ISO8601DateFormatter.Options] =
            text.count == 10
            ? [[.withFullDate]] : [[.withInternetDateTime, .withFractionalSeconds], [.withInternetDateTime]]
        for options in attempts {
            formatter.formatOptions = options
            if let date = formatter.date(from: text) {
                return Int64((date.timeIntervalSince1970 * 1000).rounded())
            }
        }
        throw ParseError(
            text: original,
            reason: "is not an ISO-8601 time with a zone (2026-11-22T07:30:00Z) or a date (2026-11-22)"
        )
    }
}

extension Character {
    fileprivate var isASCIIDigit: Bool { isASCII && isNumber }
}
