public import ConsRouteModel

/// The statistics of one fleet, cluster and tier added up over the buckets of a time range.
public struct WindowStatisticsSummary: Sendable, Hashable {
    /// The fleet.
    public var fleet: String
    /// The cluster.
    public var cluster: UInt32
    /// The serving tier.
    public var tier: Tier
    /// Start of the earliest bucket included, unix milliseconds.
    public var firstBucketStart: Int64
    /// Start of the latest bucket included, unix milliseconds.
    public var lastBucketStart: Int64
    /// Number of buckets included.
    public var bucketCount: Int
    /// The counts and sums over those buckets.
    public var sums: StatisticsSums

    /// Creates a summary.
    /// - Parameters:
    ///   - fleet: The fleet.
    ///   - cluster: The cluster.
    ///   - tier: The serving tier.
    ///   - firstBucketStart: Earliest bucket start, unix milliseconds.
    ///   - lastBucketStart: Latest bucket start, unix milliseconds.
    ///   - bucketCount: Number of buckets.
    ///   - sums: The added-up counts and sums.
    public init(
        fleet: String,
        cluster: UInt32,
        tier: Tier,
        firstBucketStart: Int64,
        lastBucketStart: Int64,
        bucketCount: Int,
        sums: StatisticsSums
    ) {
        self.fleet = fleet
        self.cluster = cluster
        self.tier = tier
        self.firstBucketStart = firstBucketStart
        self.lastBucketStart = lastBucketStart
        self.bucketCount = bucketCount
        self.sums = sums
    }
}
