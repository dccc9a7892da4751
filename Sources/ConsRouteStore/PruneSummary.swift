/// How many rows one ``HistoryStore/prune(olderThan:)`` removed, per kind.
public struct PruneSummary: Sendable, Hashable {
    /// Statistics buckets removed.
    public var statisticsBuckets: Int
    /// Drift events removed.
    public var driftEvents: Int
    /// Re-cluster runs removed.
    public var reclusterRuns: Int
    /// Optimiser runs removed (their trials go with them).
    public var optimiserRuns: Int
    /// Tuning decisions removed.
    public var tuningDecisions: Int
    /// Tables removed.
    public var tables: Int
    /// Acknowledgement count rows removed with their tables.
    public var acknowledgements: Int

    /// Creates a summary.
    /// - Parameters:
    ///   - statisticsBuckets: Statistics buckets removed.
    ///   - driftEvents: Drift events removed.
    ///   - reclusterRuns: Re-cluster runs removed.
    ///   - optimiserRuns: Optimiser runs removed.
    ///   - tuningDecisions: Tuning decisions removed.
    ///   - tables: Tables removed.
    ///   - acknowledgements: Acknowledgement rows removed.
    public init(
        statisticsBuckets: Int = 0,
        driftEvents: Int = 0,
        reclusterRuns: Int = 0,
        optimiserRuns: Int = 0,
        tuningDecisions: Int = 0,
        tables: Int = 0,
        acknowledgements: Int = 0
    ) {
        self.statisticsBuckets = statisticsBuckets
        self.driftEvents = driftEvents
        self.reclusterRuns = reclusterRuns
        self.optimiserRuns = optimiserRuns
        self.tuningDecisions = tuningDecisions
        self.tables = tables
        self.acknowledgements = acknowledgements
    }

    /// Rows removed in all.
    public var total: Int {
        statisticsBuckets + driftEvents + reclusterRuns + optimiserRuns + tuningDecisions + tables + acknowledgements
    }
}
