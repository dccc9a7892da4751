/// How many devices applied or rejected one table version, with the rejections broken down by reason.
public struct AcknowledgementCounts: Sendable, Hashable {
    /// The fleet.
    public var fleet: String
    /// The table version.
    public var version: UInt64
    /// Devices that applied the table.
    public var applied: Int64
    /// Rejections per reason.
    public var rejectedByReason: [String: Int64]

    /// Creates counts.
    /// - Parameters:
    ///   - fleet: The fleet.
    ///   - version: The table version.
    ///   - applied: Devices that applied the table.
    ///   - rejectedByReason: Rejections per reason.
    public init(fleet: String, version: UInt64, applied: Int64, rejectedByReason: [String: Int64]) {
        self.fleet = fleet
        self.version = version
        self.applied = applied
        self.rejectedByReason = rejectedByReason
    }

    /// All rejections, whatever the reason.
    public var rejected: Int64 { rejectedByReason.values.reduce(0, +) }

    /// The share of acknowledgements that applied the table, or nil before any arrived.
    public var appliedShare: Double? {
        let total = applied + rejected
        return total > 0 ? Double(applied) / Double(total) : nil
    }
}
