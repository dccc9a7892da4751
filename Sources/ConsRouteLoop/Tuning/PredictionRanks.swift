import ConsRouteTuning

/// A tuning's predictions, sorted per axis: where a threshold sits among them. The per-step limit between two tables
/// is a share of these predictions, not a distance in the head's units, so it binds the same way whether a router
/// head spreads its predictions over [0, 1] or crowds them into [0.97, 0.99] (as the fitted threshold grid does).
struct PredictionRanks: Sendable {
    /// One axis's predictions, ascending.
    struct Axis: Sendable {
        let sorted: [Float]

        /// The share of the predictions below `threshold` (those a threshold sends past the tier).
        func share(below threshold: Float) -> Double { sorted.share(below: threshold) }

        /// The highest threshold with at most `share` of the predictions below it (1 when every prediction may be).
        func highest(belowAtMost share: Double) -> Float {
            let k = Int((share * Double(sorted.count)).rounded(.down))
            // sorted[k] has at most k predictions below it.
            return k < sorted.count ? sorted[max(0, k)] : 1
        }

        /// The lowest threshold with at least `share` of the predictions below it (0 when none need be).
        func lowest(belowAtLeast share: Double) -> Float {
            let k = Int((share * Double(sorted.count)).rounded(.up))
            // Just above sorted[k - 1]: at least k predictions below.
            return k <= 0 ? 0 : sorted[min(k, sorted.count) - 1].nextUp
        }

        /// `proposed` pulled toward `old` until the move crosses at most `step` of the predictions; unchanged without
        /// predictions.
        func limit(_ proposed: Float, from old: Float, share step: Double) -> Float {
            guard !sorted.isEmpty else { return proposed }
            let start = share(below: old)
            let end = share(below: proposed)
            if end > start + step { return max(old, min(proposed, highest(belowAtMost: start + step))) }
            if end < start - step { return min(old, max(proposed, lowest(belowAtLeast: start - step))) }
            return proposed
        }
    }

    let device: Axis
    let edge: Axis

    init(pDevice: [Float], pEdge: [Float]) {
        device = Axis(sorted: pDevice.sorted())
        edge = Axis(sorted: pEdge.sorted())
    }
}
