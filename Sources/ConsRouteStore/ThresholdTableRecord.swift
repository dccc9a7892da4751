import ConsRouteModel
import GRDB

/// One published threshold table: indexed metadata plus the signed envelope JSON exactly as published.
///
/// The store never parses the envelope (readers call ``signedTable()``); the metadata columns duplicate what
/// queries filter on.
public struct ThresholdTableRecord: Sendable, Hashable {
    /// The fleet the table belongs to.
    public var fleet: String
    /// The table version, unique and strictly increasing per fleet (1...Int64.max).
    public var version: UInt64
    /// The version this table was derived from, if any; below `version`.
    public var parentVersion: UInt64?
    /// The lifecycle state.
    public var status: TableStatus
    /// When the table was created, unix milliseconds.
    public var createdAt: Int64
    /// When routers must treat the table as stale, unix milliseconds; not before `createdAt`.
    public var expiresAt: Int64
    /// What caused the publication.
    public var trigger: HistoryTrigger
    /// The optimiser run that chose the thresholds, if any.
    public var optimiserRunID: String?
    /// The signed envelope `{"table": ..., "key_id": ..., "signature": ...}` as JSON text.
    public var envelope: String

    /// Creates a record.
    /// - Parameters:
    ///   - fleet: The fleet; not empty.
    ///   - version: The version, 1...Int64.max.
    ///   - parentVersion: The version this one derives from, below `version`.
    ///   - status: The lifecycle state.
    ///   - createdAt: Creation time, unix milliseconds.
    ///   - expiresAt: Expiry time, unix milliseconds, not before `createdAt`.
    ///   - trigger: What caused the publication.
    ///   - optimiserRunID: The optimiser run behind the thresholds.
    ///   - envelope: The signed envelope JSON text; not empty.
    public init(
        fleet: String,
        version: UInt64,
        parentVersion: UInt64?,
        status: TableStatus,
        createdAt: Int64,
        expiresAt: Int64,
        trigger: HistoryTrigger,
        optimiserRunID: String?,
        envelope: String
    ) {
        self.fleet = fleet
        self.version = version
        self.parentVersion = parentVersion
        self.status = status
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.trigger = trigger
        self.optimiserRunID = optimiserRunID
        self.envelope = envelope
    }
}

extension ThresholdTableRecord {
    static let tableName = "threshold_table"

    static let insertSQL = """
        INSERT INTO threshold_table (fleet, version, parent_version, status, created_at, expires_at,
            trigger_kind, trigger_ref, optimiser_run_id, envelope)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    init(row: Row) throws {
        fleet = try row.decode(forColumn: "fleet")
        version = try row.decodeVersion(column: "version", table: Self.tableName)
        let parent: Int64? = try row.decode(forColumn: "parent_version")
        parentVersion = parent.flatMap { UInt64(exactly: $0) }
        status = try row.decodeEnum(column: "status", table: Self.tableName)
        createdAt = try row.decode(forColumn: "created_at")
        expiresAt = try row.decode(forColumn: "expires_at")
        trigger = try row.decodeTrigger(table: Self.tableName)
        optimiserRunID = try row.decode(forColumn: "optimiser_run_id")
        envelope = try row.decode(forColumn: "envelope")
    }

    /// Checks every field and returns the insert arguments.
    func validatedArguments() throws -> StatementArguments {
        try FieldRule.nonEmpty(fleet, "table.fleet")
        let storedVersion = try FieldRule.storableVersion(version, "table.version")
        let storedParent = try parentVersion.map { try FieldRule.storableVersion($0, "table.parentVersion") }
        if let storedParent, storedParent >= storedVersion {
            throw HistoryStoreError.invalidField(
                field: "table.parentVersion",
                reason: "\(storedParent) must be below version \(storedVersion)"
            )
        }
        if expiresAt < createdAt {
            throw HistoryStoreError.invalidField(
                field: "table.expiresAt",
                reason: "\(expiresAt) is before createdAt \(createdAt)"
            )
        }
        try trigger.validate("table.trigger")
        if let optimiserRunID { try FieldRule.nonEmpty(optimiserRunID, "table.optimiserRunID") }
        try FieldRule.nonEmpty(envelope, "table.envelope")
        return [
            fleet, storedVersion, storedParent, status.rawValue, createdAt, expiresAt,
            trigger.kind.rawValue, trigger.reference, optimiserRunID, envelope,
        ]
    }
}
