public import ConsRouteModel

/// Time-bucketed aggregates of accepted events per fleet, cluster and served tier: what history stores
/// as window statistics and what the dashboards plot.
public struct WindowStatistics: Sendable {
    /// One aggregation cell.
    public struct Key: Hashable, Sendable {
        public var fleet: String
        public var cluster: UInt32
        public var tier: Tier
        /// Start of the time bucket, Unix ms (a multiple of the bucket width).
        public var bucketStartMs: Int64

        public init(fleet: String, cluster: UInt32, tier: Tier, bucketStartMs: Int64) {
            self.fleet = fleet
            self.cluster = cluster
            self.tier = tier
            self.bucketStartMs = bucketStartMs
        }
    }

    /// Sums over the events of one cell; additive, so deltas merge by addition.
    public struct Totals: Sendable, Equatable {
        public var events: Int64 = 0
        public var shadowEvents: Int64 = 0
        public var novelEvents: Int64 = 0
        public var latencyMsSum: Double = 0
        public var costSum: Double = 0
        /// Sum over shadow events of the served tier's score (the observed quality).
        public var servedScoreSum: Double = 0
        /// Sum over shadow events of the cloud's score (the all-cloud quality of the same queries).
        public var cloudScoreSum: Double = 0
        /// Sum over shadow events of the cloud's latency and cost (all-cloud baselines).
        public var cloudLatencyMsSum: Double = 0
        public var cloudCostSum: Double = 0

        public init() {}

        public static func += (lhs: inout Totals, rhs: Totals) {
            lhs.events += rhs.events
            lhs.shadowEvents += rhs.shadowEvents
            lhs.novelEvents += rhs.novelEvents
            lhs.latencyMsSum += rhs.latencyMsSum
            lhs.costSum += rhs.costSum
            lhs.servedScoreSum += rhs.servedScoreSum
            lhs.cloudScoreSum += rhs.cloudScoreSum
            lhs.cloudLatencyMsSum += rhs.cloudLatencyMsSum
            lhs.cloudCostSum += rhs.cloudCostSum
        }
    }

    /// Width of a time bucket in milliseconds.
    public let bucketWidthMs: Int64
    /// The cells touched since the last `drain()`.
    public private(set) var cells: [Key: Totals] = [:]

    public init(bucketWidthMs: Int64 = 60_000) {
        precondition(bucketWidthMs > 0, "bucket width must be positive")
        self.bucketWidthMs = bucketWidthMs
    }

    /// Adds one accepted event.
    @inline(__always)
    public mutating func add(_ event: TelemetryEvent, isNovel: Bool = false) {
        let bucket = event.timeUnixMs - ((event.timeUnixMs % bucketWidthMs) + bucketWidthMs) % bucketWidthMs
        let key = Key(fleet: event.fleet, cluster: event.cluster, tier: event.tier, bucketStartMs: bucket)
        cells[key, default: Totals()].add(event, isNovel: isNovel)
    }

    /// Returns the cells accumulated so far and starts empty.
    public mutating func drain() -> [Key: Totals] {
        defer { cells.removeAll(keepingCapacity: true) }
        return cells
    }
}

extension WindowStatistics.Totals {
    @inline(__always)
    mutating func add(_ event: TelemetryEvent, isNovel: Bool) {
        events += 1
        if isNovel { novelEvents += 1 }
        latencyMsSum += Double(event.latencyMs)
        costSum += Double(event.cost)
        if let shadow = event.shadow {
            shadowEvents += 1
            servedScoreSum += Double(shadow.score[event.tier])
            cloudScoreSum += Double(shadow.score.cloud)
            cloudLatencyMsSum += Double(shadow.latencyMs.cloud)
            cloudCostSum += Double(shadow.cost.cloud)
        }
    }
}
