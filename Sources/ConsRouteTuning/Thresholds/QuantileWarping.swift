import ConsRouteModel

/// Maps the unit square to threshold pairs through the empirical quantiles of the predictions.
///
/// Bayesian optimisation searches `u ∈ [0, 1]²` instead of the thresholds themselves: `u_device`
/// is (about) the share of the cluster's samples kept off the device, `u_edge` the share below
/// the edge threshold. Predictions crowd near 0 or 1, so equal steps in `u` move equal numbers of
/// samples, which makes the objective far smoother for the surrogate than in threshold units. Only
/// the predictions are used, never the scores, so no objective information leaks in.
///
/// With predictions sorted `v_0 <= ... <= v_{n-1}` there are `n + 1` distinct cuts per axis;
/// cut `k` sends `v_k...v_{n-1}` to the tier and uses the threshold midway between `v_{k-1}`
/// and `v_k` (0 for `k = 0`, 1 for `k = n`), the largest margin to the samples on both sides.
struct QuantileWarping: Sendable {
    private let sortedDevice: [Float]
    private let sortedEdge: [Float]

    init(_ samples: ShadowSamples) {
        sortedDevice = samples.pDevice.sorted()
        sortedEdge = samples.pEdge.sorted()
    }

    /// The number of distinct cuts per axis, `n + 1`.
    var cutCount: Int { sortedDevice.count + 1 }

    /// The cut indices `(device, edge)` of a point of the unit square.
    func cuts(_ u: [Double]) -> (device: Int, edge: Int) {
        cuts(u[0], u[1])
    }

    /// The cut indices `(device, edge)` of the unit-square point `(uDevice, uEdge)`.
    func cuts(_ uDevice: Double, _ uEdge: Double) -> (device: Int, edge: Int) {
        func cut(_ value: Double) -> Int { min(cutCount - 1, max(0, Int(value * Double(cutCount)))) }
        return (cut(uDevice), cut(uEdge))
    }

    /// The centre of a cut cell in the unit square (the canonical surrogate input).
    func point(_ cuts: (device: Int, edge: Int)) -> [Double] {
        [(Double(cuts.device) + 0.5) / Double(cutCount), (Double(cuts.edge) + 0.5) / Double(cutCount)]
    }

    /// The thresholds of a cut pair.
    func pair(_ cuts: (device: Int, edge: Int)) -> ThresholdPair {
        ThresholdPair(device: Self.threshold(sortedDevice, cuts.device), edge: Self.threshold(sortedEdge, cuts.edge))
    }

    /// The cut pair that routes the samples as `pair` does.
    func cuts(of pair: ThresholdPair) -> (device: Int, edge: Int) {
        (Self.countBelow(sortedDevice, pair.device), Self.countBelow(sortedEdge, pair.edge))
    }

    private static func threshold(_ sorted: [Float], _ k: Int) -> Float {
        if k == 0 { return 0 }
        if k == sorted.count { return 1 }
        let below = sorted[k - 1]
        let above = sorted[k]
        let middle = below + (above - below) / 2
        return middle > below ? middle : above
    }

    /// The number of values `< t` (binary search).
    private static func countBelow(_ sorted: [Float], _ t: Float) -> Int {
        var low = 0
        var high = sorted.count
        while low < high {
            let mid = (low + high) / 2
            if sorted[mid] < t { low = mid + 1 } else { high = mid }
        }
        return low
    }
}
