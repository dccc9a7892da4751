import ConsRouteModel
import ConsRouteTuning

extension ShadowSamples {
    /// The full-information samples of replayed queries (their shadow outcomes passed validation when read).
    static func of(_ queries: [ReplayQuery]) -> ShadowSamples {
        func column(_ value: (ReplayQuery) -> Float) -> [Float] { queries.map(value) }
        return
            (try? ShadowSamples(
                pDevice: column(\.pDevice),
                pEdge: column(\.pEdge),
                score: TierColumns(
                    device: column(\.shadow.score.device),
                    edge: column(\.shadow.score.edge),
                    cloud: column(\.shadow.score.cloud)
                ),
                latency: TierColumns(
                    device: column(\.shadow.latencyMs.device),
                    edge: column(\.shadow.latencyMs.edge),
                    cloud: column(\.shadow.latencyMs.cloud)
                ),
                cost: TierColumns(
                    device: column(\.shadow.cost.device),
                    edge: column(\.shadow.cost.edge),
                    cloud: column(\.shadow.cost.cloud)
                )
            )) ?? .empty
    }
}

/// A fleet-constrained hindsight choice: the groups' thresholds from the fleet allocation whose point quality
/// ratio on the same queries clears `floor` (all-cloud when none does); `fixed` groups keep their thresholds.
func fleetHindsightPairs(
    _ groups: [[ReplayQuery]],
    floor: Double,
    weights: ObjectiveWeights,
    fixed: [Int: ThresholdPair] = [:]
) -> [ThresholdPair] {
    let samples = groups.map(ShadowSamples.of)
    let counts = groups.map { Double($0.count) }
    let strata = samples.enumerated().map { FleetStratum(samples: $1, share: counts[$0], fixed: fixed[$0]) }
    var stratum: [Int] = []
    for (index, group) in groups.enumerated() { stratum.append(contentsOf: repeatElement(index, count: group.count)) }
    let all = CalibrationSet(samples: .of(groups.flatMap { $0 }), stratum: stratum, shares: counts)
    return FleetAllocator(weights: weights, constraint: .fleet, shrinkage: .fixed(0))
        .hindsight(strata, on: all, floor: floor)
}
