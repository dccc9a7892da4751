public import ConsRouteModel

/// Borrowing strength from the fleet: a cluster's thresholds shrunk toward the pooled thresholds.
///
/// With `n` training samples in the cluster and a prior weight of `n0` pseudo-samples,
/// `t = w · t_cluster + (1 − w) · t_pooled`, `w = n / (n + n0)`, for both thresholds. `w` grows
/// from 0 (no samples: the pooled thresholds) toward 1 as the cluster's own evidence grows; at
/// `n = n0` the two count equally. `t_pooled` is the chosen engine's optimum on the fleet's pooled
/// training samples. `n0 = 0` turns shrinkage off.
///
/// The default `n0 = 2` is measured (benchmark W3, `consroute.generalisation.*` lines): with 10
/// or 20 training samples per cluster, `n0 = 2` raised the held-out U slightly over no shrinkage,
/// while from 50 samples on every `n0 > 0` lowered it, and `n0 >= 10` always did. W3's clusters
/// range from easy (mostly device) to hard (mostly cloud), so the pooled thresholds are a poor
/// guess for any one cluster; in practice the rule matters for clusters with a handful of
/// samples, and an empty cluster gets the pooled thresholds.
public struct FleetShrinkage: Sendable, Hashable {
    /// n0, the pooled thresholds' weight in pseudo-samples (default 2, measured on W3).
    public var priorSampleCount: Double

    /// Creates a shrinkage rule.
    /// - Parameter priorSampleCount: n0 >= 0 (0 disables shrinkage).
    /// - Throws: ``ThresholdTuningError/invalidSetting(name:value:allowed:)`` for a negative or non-finite n0.
    public init(priorSampleCount: Double = 2) throws {
        guard priorSampleCount.isFinite, priorSampleCount >= 0 else {
            throw ThresholdTuningError.invalidSetting(
                name: "shrinkage.priorSampleCount",
                value: priorSampleCount,
                allowed: "a finite number >= 0"
            )
        }
        self.priorSampleCount = priorSampleCount
    }

    /// No shrinkage: clusters with samples keep their own thresholds.
    public static let none = FleetShrinkage(checked: 0)

    private init(checked priorSampleCount: Double) { self.priorSampleCount = priorSampleCount }

    /// `w = n / (n + n0)`, the weight of the cluster's own thresholds (0 for an empty cluster).
    /// - Parameter sampleCount: the cluster's training sample count n.
    public func weight(sampleCount: Int) -> Double {
        guard sampleCount > 0 else { return 0 }
        return Double(sampleCount) / (Double(sampleCount) + priorSampleCount)
    }

    /// The cluster's thresholds shrunk toward the pooled ones.
    /// - Parameters:
    ///   - pair: the cluster's own optimum (ignored when `sampleCount` is 0).
    ///   - sampleCount: the cluster's training sample count.
    ///   - pooled: the fleet's pooled optimum.
    public func shrink(_ pair: ThresholdPair, sampleCount: Int, toward pooled: ThresholdPair) -> ThresholdPair {
        pair.blended(toward: pooled, keeping: weight(sampleCount: sampleCount))
    }
}
