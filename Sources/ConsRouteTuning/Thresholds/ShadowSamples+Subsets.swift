/// Subsets, held-out splits and unions of shadow samples.
extension ShadowSamples {
    /// The samples at `indices`, in that order.
    /// - Parameter indices: positions in `0..<count`; repeats are allowed.
    /// - Complexity: O(indices.count).
    public func subset(_ indices: [Int]) -> ShadowSamples {
        ShadowSamples(
            validated: indices.map { pDevice[$0] },
            pEdge: indices.map { pEdge[$0] },
            score: score.gathered(indices),
            latency: latency.gathered(indices),
            cost: cost.gathered(indices)
        )
    }

    /// A random split into a part to choose thresholds on and a held-out part to report on.
    ///
    /// The training part gets `max(1, round(count * (1 - holdoutFraction)))` samples when there
    /// are any, so a single sample is used for training and the held-out part is empty.
    /// - Parameters:
    ///   - holdoutFraction: the share of samples held out, in [0, 1).
    ///   - generator: the source of randomness (a seeded one makes the split reproducible).
    /// - Throws: ``ThresholdTuningError/invalidSetting(name:value:allowed:)`` for a fraction outside [0, 1).
    /// - Complexity: O(n).
    public func split(
        holdoutFraction: Double,
        using generator: inout some RandomNumberGenerator
    ) throws -> (training: ShadowSamples, holdout: ShadowSamples) {
        guard holdoutFraction >= 0, holdoutFraction < 1 else {
            throw ThresholdTuningError.invalidSetting(
                name: "holdoutFraction",
                value: holdoutFraction,
                allowed: "[0, 1)"
            )
        }
        let order = Array(0..<count).shuffled(using: &generator)
        let trainingCount = isEmpty ? 0 : max(1, Int((Double(count) * (1 - holdoutFraction)).rounded()))
        return (subset(Array(order[..<trainingCount])), subset(Array(order[trainingCount...])))
    }

    /// All samples of `parts` in one set (the fleet's pooled samples).
    /// - Parameter parts: the sets to concatenate, in order.
    /// - Complexity: O(total count).
    public static func pooled(_ parts: [ShadowSamples]) -> ShadowSamples {
        func joined(_ column: (ShadowSamples) -> [Float]) -> [Float] { parts.flatMap(column) }
        return ShadowSamples(
            validated: joined(\.pDevice),
            pEdge: joined(\.pEdge),
            score: TierColumns(
                device: joined(\.score.device),
                edge: joined(\.score.edge),
                cloud: joined(\.score.cloud)
            ),
            latency: TierColumns(
                device: joined(\.latency.device),
                edge: joined(\.latency.edge),
                cloud: joined(\.latency.cloud)
            ),
            cost: TierColumns(device: joined(\.cost.device), edge: joined(\.cost.edge), cloud: joined(\.cost.cloud))
        )
    }
}
