import ConsRouteModel
import Foundation
import GRDB

/// One re-clustering of a fleet's representations: the k before and after, the fit, and how the new
/// clusters map onto the previous table's stable ids.
public struct ReclusterRunRecord: Sendable, Hashable {
    /// Unique id of the run.
    public var id: String
    /// The fleet re-clustered.
    public var fleet: String
    /// When the run started, unix milliseconds.
    public var startedAt: Int64
    /// How long the run took.
    public var duration: Duration
    /// What started the run.
    public var trigger: HistoryTrigger
    /// Number of clusters before the run (0 for a fleet's first clustering).
    public var kBefore: Int
    /// Number of clusters after the run.
    public var kAfter: Int
    /// The within-cluster sum of squared distances of the new clustering.
    public var inertia: Double
    /// Ids of previous clusters that new centroids were matched to (kept ids).
    public var matchedClusters: [UInt32]
    /// Ids given to clusters with no previous match.
    public var newClusters: [UInt32]
    /// Ids of previous clusters that no new centroid matched.
    public var retiredClusters: [UInt32]
    /// The representations the run fitted.
    public var window: DataWindow

    /// Creates a record.
    /// - Parameters:
    ///   - id: Unique id; not empty.
    ///   - fleet: The fleet; not empty.
    ///   - startedAt: Start time, unix milliseconds.
    ///   - duration: Run time; not negative.
    ///   - trigger: What started the run.
    ///   - kBefore: Clusters before; not negative.
    ///   - kAfter: Clusters after; positive, and equal to `matchedClusters.count + newClusters.count`.
    ///   - inertia: Within-cluster sum of squares; finite, not negative.
    ///   - matchedClusters: Kept ids.
    ///   - newClusters: New ids.
    ///   - retiredClusters: Retired ids.
    ///   - window: The data window fitted.
    public init(
        id: String,
        fleet: String,
        startedAt: Int64,
        duration: Duration,
        trigger: HistoryTrigger,
        kBefore: Int,
        kAfter: Int,
        inertia: Double,
        matchedClusters: [UInt32],
        newClusters: [UInt32],
        retiredClusters: [UInt32],
        window: DataWindow
    ) {
        self.id = id
        self.fleet = fleet
        self.startedAt = startedAt
        self.duration = duration
        self.trigger = trigger
        self.kBefore = kBefore
        self.kAfter = kAfter
        self.inertia = inertia
        self.matchedClusters = matchedClusters
        self.newClusters = newClusters
        self.retiredClusters = retiredClusters
        self.window = window
    }
}

extension ReclusterRunRecord {
    static let tableName = "recluster_run"

    static let insertSQL = """
        INSERT INTO recluster_run (id, fleet, started_at, duration_ms, trigger_kind, trigger_ref, k_before, k_after,
            inertia, matched_clusters, new_clusters, retired_clusters,
            window_start, window_end, window_first_offset, window_end_offset)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        """

    init(row: Row) throws {
        id = try row.decode(forColumn: "id")
        fleet = try row.decode(forColumn: "fleet")
        startedAt = try row.decode(forColumn: "started_at")
        duration = try row.decodeDuration(column: "duration_ms")
        trigger = try row.decodeTrigger(table: Self.tableName)
        kBefore = try row.decode(forColumn: "k_before")
        kAfter = try row.decode(forColumn: "k_after")
        inertia = try row.decode(forColumn: "inertia")
        matchedClusters = try Self.decodeIDs(row, column: "matched_clusters")
        newClusters = try Self.decodeIDs(row, column: "new_clusters")
        retiredClusters = try Self.decodeIDs(row, column: "retired_clusters")
        window = try row.decodeDataWindow()
    }

    /// Checks every field and returns the insert arguments.
    func validatedArguments() throws -> StatementArguments {
        try FieldRule.nonEmpty(id, "reclusterRun.id")
        try FieldRule.nonEmpty(fleet, "reclusterRun.fleet")
        try FieldRule.nonNegative(duration, "reclusterRun.duration")
        try trigger.validate("reclusterRun.trigger")
        try FieldRule.nonNegative(Int64(kBefore), "reclusterRun.kBefore")
        if kAfter <= 0 {
            throw HistoryStoreError.invalidField(
                field: "reclusterRun.kAfter",
                reason: "must be positive, got \(kAfter)"
            )
        }
        if matchedClusters.count + newClusters.count != kAfter {
            throw HistoryStoreError.invalidField(
                field: "reclusterRun.kAfter",
                reason: "\(kAfter) differs from \(matchedClusters.count) matched + \(newClusters.count) new clusters"
            )
        }
        try FieldRule.nonNegative(inertia, "reclusterRun.inertia")
        try window.validate("reclusterRun.window")
        return [
            id, fleet, startedAt, duration.milliseconds, trigger.kind.rawValue, trigger.reference, kBefore, kAfter,
            inertia,
            Self.encodeIDs(matchedClusters), Self.encodeIDs(newClusters), Self.encodeIDs(retiredClusters),
            window.start, window.end, window.firstOffset, window.endOffset,
        ]
    }

    /// Cluster ids are stored as a JSON array (`[0,3,7]`), readable with SQLite's `json_each`.
    private static func encodeIDs(_ ids: [UInt32]) -> String {
        "[" + ids.map(String.init).joined(separator: ",") + "]"
    }

    private static func decodeIDs(_ row: Row, column: String) throws -> [UInt32] {
        let text: String = try row.decode(forColumn: column)
        guard let ids = try? JSONDecoder().decode([UInt32].self, from: Data(text.utf8)) else {
            throw HistoryStoreError.unreadableRow(table: tableName, column: column, value: text)
        }
        return ids
    }
}
