/// The shadow samples of one cluster (or of a whole fleet): full information on every tier.
///
/// Struct-of-arrays: `pDevice[i]`, `pEdge[i]` are the router's predictions for sample `i`;
/// `score`, `latency` and `cost` hold what each tier actually delivered. `score.cloud` is 1 under
/// reranker consistency but may be lower under an absolute quality label (docs/design.md §2). An empty
/// set is valid; optimisers and evaluators reject it with ``ThresholdTuningError/emptySamples(context:)``.
public struct ShadowSamples: Sendable, Equatable {
    /// The predicted consistency of the device's answer, one per sample, in [0, 1].
    public let pDevice: [Float]
    /// The predicted consistency of the edge's answer, one per sample, in [0, 1].
    public let pEdge: [Float]
    /// The measured score of each tier's answer, in [0, 1].
    public let score: TierColumns
    /// The latency of each tier in milliseconds, >= 0.
    public let latency: TierColumns
    /// The cost of each tier, >= 0.
    public let cost: TierColumns

    /// The number of samples.
    public var count: Int { pDevice.count }

    /// Whether there are no samples.
    public var isEmpty: Bool { pDevice.isEmpty }

    /// Creates a validated set of shadow samples.
    /// - Parameters:
    ///   - pDevice: predicted device consistency per sample, in [0, 1].
    ///   - pEdge: predicted edge consistency per sample, in [0, 1].
    ///   - score: per-tier scores, in [0, 1].
    ///   - latency: per-tier latencies in ms, >= 0.
    ///   - cost: per-tier costs, >= 0.
    /// - Throws: ``ThresholdTuningError`` naming the first column and index that is the wrong
    ///   length, not finite, or out of range.
    /// - Complexity: O(n).
    public init(pDevice: [Float], pEdge: [Float], score: TierColumns, latency: TierColumns, cost: TierColumns) throws {
        let n = pDevice.count
        let unitColumns: [(String, [Float])] = [
            ("pDevice", pDevice), ("pEdge", pEdge),
            ("score.device", score.device), ("score.edge", score.edge), ("score.cloud", score.cloud),
        ]
        let nonNegativeColumns: [(String, [Float])] = [
            ("latency.device", latency.device), ("latency.edge", latency.edge), ("latency.cloud", latency.cloud),
            ("cost.device", cost.device), ("cost.edge", cost.edge), ("cost.cloud", cost.cloud),
        ]
        for (name, column) in unitColumns + nonNegativeColumns where column.count != n {
            throw ThresholdTuningError.columnLengthMismatch(column: name, expected: n, actual: column.count)
        }
        for (name, column) in unitColumns + nonNegativeColumns {
            if let index = column.firstIndex(where: { !$0.isFinite }) {
                throw ThresholdTuningError.nonFiniteValue(column: name, index: index)
            }
        }
        for (name, column) in unitColumns {
            if let index = column.firstIndex(where: { $0 < 0 || $0 > 1 }) {
                throw ThresholdTuningError.valueOutsideUnitInterval(column: name, index: index, value: column[index])
            }
        }
        for (name, column) in nonNegativeColumns {
            if let index = column.firstIndex(where: { $0 < 0 }) {
                throw ThresholdTuningError.negativeValue(column: name, index: index, value: column[index])
            }
        }
        self.init(validated: pDevice, pEdge: pEdge, score: score, latency: latency, cost: cost)
    }

    /// Creates samples from columns already known to be valid (subsets and unions of valid sets).
    init(validated pDevice: [Float], pEdge: [Float], score: TierColumns, latency: TierColumns, cost: TierColumns) {
        self.pDevice = pDevice
        self.pEdge = pEdge
        self.score = score
        self.latency = latency
        self.cost = cost
    }

    /// An empty set of samples.
    public static let empty = ShadowSamples(
        validated: [],
        pEdge: [],
        score: TierColumns(device: [], edge: [], cloud: []),
        latency: TierColumns(device: [], edge: [], cloud: []),
        cost: TierColumns(device: [], edge: [], cloud: [])
    )

    /// Throws ``ThresholdTuningError/emptySamples(context:)`` when there are no samples.
    func requireNonEmpty(_ context: String) throws {
        if isEmpty { throw ThresholdTuningError.emptySamples(context: context) }
    }
}
