import GRDB

/// Acknowledgements of one table version to add to the stored counts: `count` devices applied it, or
/// rejected it for one reason.
public struct AcknowledgementDelta: Sendable, Hashable {
    /// How devices answered a table.
    public enum Outcome: Sendable, Hashable {
        /// The device verified and applied the table.
        case applied
        /// The device rejected the table, with the reason it reported (e.g. `fingerprint mismatch`).
        case rejected(reason: String)
    }

    /// The fleet.
    public var fleet: String
    /// The acknowledged table version (1...Int64.max).
    public var version: UInt64
    /// Applied, or rejected with a reason.
    public var outcome: Outcome
    /// Number of acknowledgements to add; not negative.
    public var count: Int64

    /// Creates a delta.
    /// - Parameters:
    ///   - fleet: The fleet; not empty.
    ///   - version: The table version, 1...Int64.max.
    ///   - outcome: Applied or rejected with a reason.
    ///   - count: How many acknowledgements; not negative.
    public init(fleet: String, version: UInt64, outcome: Outcome, count: Int64) {
        self.fleet = fleet
        self.version = version
        self.outcome = outcome
        self.count = count
    }
}

extension AcknowledgementDelta {
    static let upsertSQL = """
        INSERT INTO table_acknowledgement (fleet, version, outcome, reason, count) VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (fleet, version, outcome, reason) DO UPDATE SET count = count + excluded.count
        """

    /// Checks every field and returns the upsert arguments.
    func validatedArguments(_ field: String) throws -> StatementArguments {
        try FieldRule.nonEmpty(fleet, "\(field).fleet")
        let storedVersion = try FieldRule.storableVersion(version, "\(field).version")
        try FieldRule.nonNegative(count, "\(field).count")
        switch outcome {
        case .applied:
            return [fleet, storedVersion, "applied", "", count]
        case .rejected(let reason):
            return [fleet, storedVersion, "rejected", reason, count]
        }
    }
}
