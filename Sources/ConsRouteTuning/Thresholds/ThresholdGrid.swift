public import ConsRouteModel

/// The threshold grid of the exact sweep: per axis (`tDevice` rows, `tEdge` columns) `steps + 1` ascending values
/// from 0 to 1.
///
/// The uniform grid has `t_j = Float(j) / Float(steps)`; its default, ``w3``, is the benchmark W3 grid (201 values).
/// A fitted grid (``fitted(pDevice:pEdge:steps:)``) places its values where a fleet's predictions are, so the sweep
/// resolves a router head whose predictions crowd into a narrow range as finely as one that spreads them over
/// [0, 1]. Comparisons are in `Float`, as on the device.
public struct ThresholdGrid: Sendable, Hashable {
    /// The number of intervals per axis; each axis has `steps + 1` values.
    public let steps: Int
    /// A fitted grid's values per axis (`steps + 1` each, ascending, from 0 to 1); nil for the uniform grid.
    private let axes: Axes?

    private struct Axes: Sendable, Hashable {
        var device: [Float]
        var edge: [Float]
    }

    /// Creates a uniform grid over [0, 1].
    /// - Parameter steps: the number of intervals, in 1...65_536.
    /// - Throws: ``ThresholdTuningError/invalidSetting(name:value:allowed:)`` outside that range.
    public init(steps: Int) throws {
        guard (1...65_536).contains(steps) else {
            throw ThresholdTuningError.invalidSetting(name: "grid.steps", value: Double(steps), allowed: "1...65536")
        }
        self.steps = steps
        axes = nil
    }

    /// The W3 grid, `t_j = Float(j) / Float(200)`.
    public static let w3 = ThresholdGrid(checked: 200)

    /// The intervals per axis of a fitted grid by default: 100, a threshold per percentile of the distinct
    /// predictions. On twenty `llm-benchmarks.yaml` event sets 200 fitted steps were 0.001 dearer in latency ratio and
    /// held the rolling floor in fewer phases (15 of 40 below 90 % of windows, against 13), and a tuning sweeps a
    /// quarter of the cells.
    public static let fittedSteps = 100

    private init(checked steps: Int) {
        self.steps = steps
        axes = nil
    }

    private init(device: [Float], edge: [Float]) {
        steps = device.count - 1
        axes = Axes(device: device, edge: edge)
    }

    /// A grid of `steps + 1` values per axis that follows the predictions: 0, 1, and between them thresholds at
    /// evenly spaced quantiles of the distinct predictions, each halfway between two consecutive ones (a threshold
    /// separates the samples it was chosen on by the widest margin their values allow). With fewer distinct
    /// predictions than values, the widest remaining gaps are halved until the axis has its `steps + 1` values.
    ///
    /// Routing decisions depend only on the order of predictions and thresholds, so on a fitted grid the sweep's
    /// choices do not depend on how a router head spreads its predictions over [0, 1]: measured on ten
    /// `llm-benchmarks.yaml` event sets with every prediction mapped into [0.97, 0.99] (four steps of the uniform
    /// grid), the uniform grid's replays lost 0.048 of latency ratio, the fitted grid's 0.012 (both with the per-step
    /// limit then in prediction units; with it a share of the predictions, none); on the sets as generated the fitted
    /// grid is 0.002 cheaper (docs/benchmarks.md, "Threshold grid").
    /// - Parameters:
    ///   - pDevice: the device predictions the grid's rows follow (any order; values outside (0, 1) are ignored).
    ///   - pEdge: the edge predictions the grid's columns follow.
    ///   - steps: the number of intervals per axis (at least 2; default ``fittedSteps``).
    /// - Complexity: O(n log n + steps²) for n predictions.
    public static func fitted(pDevice: [Float], pEdge: [Float], steps: Int = fittedSteps) -> ThresholdGrid {
        let steps = max(2, steps)
        return ThresholdGrid(device: axis(pDevice, steps: steps), edge: axis(pEdge, steps: steps))
    }

    private static func axis(_ predictions: [Float], steps: Int) -> [Float] {
        var values: Set<Float> = [0, 1]
        let distinct = Array(Set(predictions.filter { $0 > 0 && $0 < 1 })).sorted()
        if distinct.count >= 2 {
            for q in 1..<steps {
                // The split between the distinct predictions below and at or above the quantile level.
                let upper = min(distinct.count - 1, max(1, (q * distinct.count) / steps))
                let midpoint = distinct[upper - 1] + (distinct[upper] - distinct[upper - 1]) / 2
                if midpoint > distinct[upper - 1], midpoint < distinct[upper] { values.insert(midpoint) }
            }
        } else if let only = distinct.first {
            values.insert(only)
        }
        var sorted = values.sorted()
        while sorted.count < steps + 1 {
            var widest = 0
            for j in 1..<(sorted.count - 1) where sorted[j + 1] - sorted[j] > sorted[widest + 1] - sorted[widest] {
                widest = j
            }
            let midpoint = sorted[widest] + (sorted[widest + 1] - sorted[widest]) / 2
            guard midpoint > sorted[widest], midpoint < sorted[widest + 1] else { break }
            sorted.insert(midpoint, at: widest + 1)
        }
        // Only when Float spacing ran out (gaps of one ulp everywhere): pad at the top, which routes as 1 does.
        while sorted.count < steps + 1 { sorted.append(1) }
        return sorted
    }

    /// Whether the grid is the uniform `t_j = j / steps`.
    public var isUniform: Bool { axes == nil }

    /// The number of grid values per axis, `steps + 1`.
    public var count: Int { steps + 1 }

    /// The `j`-th `tDevice` value (row `j`).
    @inline(__always)
    public func device(_ j: Int) -> Float { axes?.device[j] ?? Float(j) / Float(steps) }

    /// The `j`-th `tEdge` value (column `j`).
    @inline(__always)
    public func edge(_ j: Int) -> Float { axes?.edge[j] ?? Float(j) / Float(steps) }

    /// The thresholds of cell `index` (row-major: row = `tDevice` index).
    @inline(__always)
    public func pair(_ index: Int) -> ThresholdPair {
        ThresholdPair(device: device(index / count), edge: edge(index % count))
    }

    /// The cell whose thresholds are `pair` (row-major), for a pair taken from this grid: per axis the first value
    /// at or above the pair's (the last value when none is).
    public func cell(of pair: ThresholdPair) -> Int {
        let row = min(steps, (0..<count).lazy.map(device).countBelow(pair.device))
        let column = min(steps, (0..<count).lazy.map(edge).countBelow(pair.edge))
        return row * count + column
    }

    /// The number of `tDevice` values `<= p` (compared in `Float`): rows below this rank send a sample with
    /// device prediction `p` to the device.
    /// - Complexity: O(1) on the uniform grid, O(log steps) on a fitted one.
    @inline(__always)
    public func deviceRank(of p: Float) -> Int { rank(of: p, axes?.device) }

    /// The number of `tEdge` values `<= p`: columns below this rank send a sample with edge prediction `p` to the
    /// edge (when it is not sent to the device).
    /// - Complexity: O(1) on the uniform grid, O(log steps) on a fitted one.
    @inline(__always)
    public func edgeRank(of p: Float) -> Int { rank(of: p, axes?.edge) }

    @inline(__always)
    private func rank(of p: Float, _ fitted: [Float]?) -> Int {
        guard p >= 0 else { return 0 }
        guard p < 1 else { return count }
        if let fitted { return fitted.countAtOrBelow(p) }
        // Uniform: from the nearest value, corrected for Float rounding of `j / steps`.
        let uniform = { (j: Int) in Float(j) / Float(steps) }
        var j = Int(p * Float(steps))
        while j + 1 <= steps, uniform(j + 1) <= p { j += 1 }
        while j >= 0, uniform(j) > p { j -= 1 }
        return j + 1
    }
}
