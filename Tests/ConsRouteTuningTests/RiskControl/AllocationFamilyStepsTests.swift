import ConsRouteModel
import Testing

@testable import ConsRouteTuning

@Suite("The fleet family moves one cluster at a time")
struct AllocationFamilyStepsTests {
    let weights = try! ObjectiveWeights(lambdaLatency: 0.3, lambdaCost: 0.3, qualityMin: 0.95)
    let grid = try! ThresholdGrid(steps: 50)

    /// Six clusters of 0/1 outcomes with a few dozen samples each: the case where one step of a coarse multiplier
    /// grid switched several clusters at once.
    func strata(seed: UInt64) -> [FleetStratum] {
        var generator = SeededGenerator(seed: seed)
        let clusters = [
            BinaryCluster(device: 0.93, edge: 0.95, cloud: 0.95),
            BinaryCluster(device: 0.85, edge: 0.9, cloud: 0.91),
            BinaryCluster(device: 0.76, edge: 0.82, cloud: 0.84),
            BinaryCluster(device: 0.58, edge: 0.7, cloud: 0.72),
            BinaryCluster(device: 0.4, edge: 0.62, cloud: 0.66),
            BinaryCluster(device: 0.3, edge: 0.42, cloud: 0.5),
        ]
        let shares = [0.25, 0.2, 0.2, 0.15, 0.1, 0.1]
        return zip(clusters, shares).map { FleetStratum(samples: $0.draw(60, using: &generator), share: $1) }
    }

    @Test(
        "consecutive members differ in one cluster's pair, the first member is all-cloud",
        arguments: [1, 2, 3] as [UInt64]
    )
    func oneClusterPerStep(seed: UInt64) {
        let family = FleetAllocator(grid: grid, weights: weights).family(strata(seed: seed))
        #expect(family.members.first == Array(repeating: ThresholdPair(device: 1, edge: 1), count: 6))
        #expect(family.members.count == family.levels.count)
        for (a, b) in zip(family.members, family.members.dropFirst()) {
            let changed = zip(a, b).filter { $0 != $1 }.count
            #expect(changed == 1, "\(a) -> \(b)")
        }
    }

    @Test("every member the coarse multiplier grid reaches is in the family", arguments: [1, 2, 3] as [UInt64])
    func containsTheCoarseGrid(seed: UInt64) {
        let allocator = FleetAllocator(grid: grid, weights: weights)
        let strata = strata(seed: seed)
        let family = allocator.family(strata)
        let prepared = allocator.prepare(strata)
        let members = Set(family.members)
        for level in FleetAllocator.multipliers {
            let pairs = allocator.member(strata, prepared, level: level).pairs
            #expect(members.contains(pairs), "level \(level)")
        }
        // Finer than the grid: the old family had at most one member per multiplier.
        #expect(
            family.members.count
                > Set(FleetAllocator.multipliers.map { allocator.member(strata, prepared, level: $0).pairs }).count
        )
    }

    @Test("a cluster stepping between two members passes through the frontier cells between its pairs, dearest first")
    func stepsFollowTheFrontier() {
        let allocator = FleetAllocator(grid: grid, weights: weights)
        let strata = strata(seed: 4)
        let prepared = allocator.prepare(strata)
        let family = allocator.family(strata)
        for (a, b) in zip(family.members.dropFirst(), family.members.dropFirst(2)) {
            guard let s = zip(a, b).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset,
                let frontier = prepared.frontiers[s]
            else { continue }
            // Along the family, each move makes the changed cluster cheaper on its own samples.
            #expect(frontier.cost[prepared.grid.cell(of: b[s])] < frontier.cost[prepared.grid.cell(of: a[s])])
        }
    }
}
