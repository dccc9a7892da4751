/// Additive statistics of a group of query events: counts and sums (with sums of squares for variances).
///
/// Latency and cost sums run over every event; served-score sums only over shadow samples, where the
/// reranker scored the tier that served the query. Sums add, so deltas merge into stored buckets.
public struct StatisticsSums: Sendable, Hashable {
    /// Number of events.
    public var eventCount: Int64
    /// Number of shadow samples among them.
    public var shadowCount: Int64
    /// Sum of latencies in milliseconds.
    public var latencySum: Double
    /// Sum of squared latencies.
    public var latencySquareSum: Double
    /// Sum of costs.
    public var costSum: Double
    /// Sum of squared costs.
    public var costSquareSum: Double
    /// Sum of the served tier's score over shadow samples.
    public var servedScoreSum: Double
    /// Sum of squared served scores over shadow samples.
    public var servedScoreSquareSum: Double
    /// Sum over shadow samples of the cloud's score: with `shadowCount`, the all-cloud quality of the same
    /// queries, so `servedScoreSum / cloudScoreSum` is the observed quality ratio.
    public var cloudScoreSum: Double
    /// Sum over shadow samples of the cloud's latency (ms): the all-cloud latency of the same queries.
    public var cloudLatencySum: Double
    /// Sum over shadow samples of the cloud's cost: the all-cloud cost of the same queries.
    public var cloudCostSum: Double

    /// Creates sums; all zero by default.
    /// - Parameters:
    ///   - eventCount: Number of events.
    ///   - shadowCount: Number of shadow samples, at most `eventCount`.
    ///   - latencySum: Sum of latencies (ms).
    ///   - latencySquareSum: Sum of squared latencies.
    ///   - costSum: Sum of costs.
    ///   - costSquareSum: Sum of squared costs.
    ///   - servedScoreSum: Sum of served scores over shadow samples.
    ///   - servedScoreSquareSum: Sum of squared served scores over shadow samples.
    ///   - cloudScoreSum, cloudLatencySum, cloudCostSum: Sums over shadow samples of the cloud's outcome.
    public init(
        eventCount: Int64 = 0,
        shadowCount: Int64 = 0,
        latencySum: Double = 0,
        latencySquareSum: Double = 0,
        costSum: Double = 0,
        costSquareSum: Double = 0,
        servedScoreSum: Double = 0,
        servedScoreSquareSum: Double = 0,
        cloudScoreSum: Double = 0,
        cloudLatencySum: Double = 0,
        cloudCostSum: Double = 0
    ) {
        self.eventCount = eventCount
        self.shadowCount = shadowCount
        self.latencySum = latencySum
        self.latencySquareSum = latencySquareSum
        self.costSum = costSum
        self.costSquareSum = costSquareSum
        self.servedScoreSum = servedScoreSum
        self.servedScoreSquareSum = servedScoreSquareSum
        self.cloudScoreSum = cloudScoreSum
        self.cloudLatencySum = cloudLatencySum
        self.cloudCostSum = cloudCostSum
    }

    /// Folds one event in.
    /// - Parameters:
    ///   - latencyMs: The event's latency in milliseconds.
    ///   - cost: The event's cost.
    ///   - servedScore: The served tier's score, for a shadow sample; nil otherwise.
    ///   - cloud: The cloud's score, latency and cost, for a shadow sample; nil otherwise.
    /// - Complexity: O(1).
    public mutating func add(
        latencyMs: Double,
        cost: Double,
        servedScore: Double?,
        cloud: (score: Double, latencyMs: Double, cost: Double)? = nil
    ) {
        eventCount += 1
        latencySum += latencyMs
        latencySquareSum += latencyMs * latencyMs
        costSum += cost
        costSquareSum += cost * cost
        if let servedScore {
            shadowCount += 1
            servedScoreSum += servedScore
            servedScoreSquareSum += servedScore * servedScore
            if let cloud {
                cloudScoreSum += cloud.score
                cloudLatencySum += cloud.latencyMs
                cloudCostSum += cloud.cost
            }
        }
    }

    /// Adds another group's sums to these.
    /// - Parameter other: The sums to add.
    public mutating func merge(_ other: StatisticsSums) {
        eventCount += other.eventCount
        shadowCount += other.shadowCount
        latencySum += other.latencySum
        latencySquareSum += other.latencySquareSum
        costSum += other.costSum
        costSquareSum += other.costSquareSum
        servedScoreSum += other.servedScoreSum
        servedScoreSquareSum += other.servedScoreSquareSum
        cloudScoreSum += other.cloudScoreSum
        cloudLatencySum += other.cloudLatencySum
        cloudCostSum += other.cloudCostSum
    }

    /// Mean latency in milliseconds, or nil without events.
    public var meanLatencyMs: Double? { eventCount > 0 ? latencySum / Double(eventCount) : nil }
    /// Mean cost, or nil without events.
    public var meanCost: Double? { eventCount > 0 ? costSum / Double(eventCount) : nil }
    /// Mean served score over shadow samples, or nil without shadow samples.
    public var meanServedScore: Double? { shadowCount > 0 ? servedScoreSum / Double(shadowCount) : nil }
    /// Observed quality ratio of the shadow samples: served score over the cloud's score.
    public var observedQualityRatio: Double? { cloudScoreSum > 0 ? servedScoreSum / cloudScoreSum : nil }

    func validate(_ field: String) throws {
        try FieldRule.nonNegative(eventCount, "\(field).eventCount")
        try FieldRule.nonNegative(shadowCount, "\(field).shadowCount")
        if shadowCount > eventCount {
            throw HistoryStoreError.invalidField(
                field: "\(field).shadowCount",
                reason: "\(shadowCount) exceeds eventCount \(eventCount)"
            )
        }
        try FieldRule.nonNegative(latencySum, "\(field).latencySum")
        try FieldRule.nonNegative(latencySquareSum, "\(field).latencySquareSum")
        try FieldRule.nonNegative(costSum, "\(field).costSum")
        try FieldRule.nonNegative(costSquareSum, "\(field).costSquareSum")
        try FieldRule.nonNegative(servedScoreSum, "\(field).servedScoreSum")
        try FieldRule.nonNegative(servedScoreSquareSum, "\(field).servedScoreSquareSum")
        try FieldRule.nonNegative(cloudScoreSum, "\(field).cloudScoreSum")
        try FieldRule.nonNegative(cloudLatencySum, "\(field).cloudLatencySum")
        try FieldRule.nonNegative(cloudCostSum, "\(field).cloudCostSum")
    }
}
