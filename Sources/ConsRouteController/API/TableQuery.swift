import Hummingbird
import HummingbirdCore

/// The query parameters of `GET /v1/fleets/{fleet}/table`, validated: `device`, and for a long-poll `after` and
/// `wait` (seconds, at most the configured maximum).
struct TableQuery: Sendable, Equatable {
    /// The device id that selects a canary cohort (nil: the active table).
    var device: String?
    /// The version the caller holds: present on a long-poll.
    var after: UInt64?
    /// How long a long-poll may park (zero when absent: answer at once).
    var wait: Duration

    /// Reads and validates the parameters of `uri`.
    ///
    /// - Throws: `APIError.badParameter` naming the parameter that is malformed or out of range.
    init(_ uri: URI, maximumWait: Duration) throws(APIError) {
        let parameters = uri.queryParameters
        device = try Self.device(parameters["device"])
        if let text = parameters["after"] {
            guard let value = UInt64(text) else {
                throw .badParameter(name: "after", reason: "must be a table version (an integer >= 0), got \(text)")
            }
            after = value
        }
        wait = .zero
        if let text = parameters["wait"] {
            guard after != nil else { throw .badParameter(name: "after", reason: "is required with wait") }
            let limit = Double(maximumWait.components.seconds) + Double(maximumWait.components.attoseconds) / 1e18
            guard let seconds = Double(text), seconds.isFinite, seconds >= 0, seconds <= limit else {
                throw .badParameter(name: "wait", reason: "must be seconds in 0...\(limit), got \(text)")
            }
            wait = .nanoseconds(Int64((seconds * 1e9).rounded()))
        }
    }

    /// Validates a `device` parameter: absent, or a non-empty id of at most 256 bytes.
    static func device(_ text: Substring?) throws(APIError) -> String? {
        guard let text else { return nil }
        guard !text.isEmpty, text.utf8.count <= 256 else {
            throw .badParameter(name: "device", reason: "must be a device id of 1 to 256 bytes")
        }
        return String(text)
    }
}
