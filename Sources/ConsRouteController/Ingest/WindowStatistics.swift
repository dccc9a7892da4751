package import ConsRouteModel
package import ConsRouteStore

/// Time-bucketed aggregates of accepted events per fleet, cluster and served tier, accumulated between
/// history writes: what history stores as window statistics and what the dashboards plot.
package struct WindowStatistics: Sendable {
    /// One aggregation cell.
    package struct Key: Hashable, Sendable {
        package var fleet: String
        package var cluster: UInt32
        package var tier: Tier
        /// Start of the time bucket, Unix ms (a multiple of the bucket width).
        package var bucketStartMs: Int64

        package init(fleet: String, cluster: UInt32, tier: Tier, bucketStartMs: Int64) {
            self.fleet = fleet
            self.cluster = cluster
            self.tier = tier
            self.bucketStartMs = bucketStartMs
        }
    }

    /// Width of a time bucket in milliseconds.
    package let bucketWidthMs: Int64
    /// The cells touched since the last `drain()`.
    package private(set) var cells: [Key: StatisticsSums] = [:]

    package init(bucketWidthMs: Int64 = 60_000) {
        precondition(bucketWidthMs > 0, "bucket width must be positive")
        self.bucketWidthMs = bucketWidthMs
    }

    /// Adds one accepted event.
    @inline(__always)
    package mutating func add(_ event: TelemetryEvent) {
        // Overflow-free for any wire value (an event time of -2^63 once trapped here, issue 14).
        let bucket = event.timeUnixMs.flooredToMultiple(of: bucketWidthMs)
        let key = Key(fleet: event.fleet, cluster: event.cluster, tier: event.tier, bucketStartMs: bucket)
        let shadow = event.shadow
        cells[key, default: StatisticsSums()].add(
            latencyMs: Double(event.latencyMs),
            cost: Double(event.cost),
            servedScore: shadow.map { Double($0.score[event.tier]) },
            cloud: shadow.map { (Double($0.score.cloud), Double($0.latencyMs.cloud), Double($0.cost.cloud)) }
        )
    }

    /// Returns the cells accumulated so far as history buckets and starts empty.
    package mutating func drain() -> [WindowStatisticsBucket] {
        defer { cells.removeAll(keepingCapacity: true) }
        return cells.map { key, sums in
            WindowStatisticsBucket(
                fleet: key.fleet,
                cluster: key.cluster,
                tier: key.tier,
                bucketStart: key.bucketStartMs,
                sums: sums
            )
        }
    }
}
