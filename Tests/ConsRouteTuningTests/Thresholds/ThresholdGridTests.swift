import ConsRouteModel
import ConsRouteTestSupport
import ConsRouteTuning
import Testing

@Suite("Threshold grid")
struct ThresholdGridTests {
    let weights = try! ObjectiveWeights(lambdaLatency: 0.3, lambdaCost: 0.3, qualityMin: 0.95)

    /// Three 0/1 clusters of the risk-control tests, `count` samples each.
    func strata(seed: UInt64, count: Int = 600) -> [FleetStratum] {
        var generator = SeededGenerator(seed: seed)
        let clusters = [
            BinaryCluster(device: 0.9, edge: 0.94, cloud: 0.95),
            BinaryCluster(device: 0.75, edge: 0.88, cloud: 0.9),
            BinaryCluster(device: 0.4, edge: 0.6, cloud: 0.75),
        ]
        return zip(clusters, [0.5, 0.3, 0.2]).map {
            FleetStratum(samples: $0.draw(count, using: &generator), share: $1)
        }
    }

    /// The same samples with every prediction mapped through `transform`.
    func mapped(_ strata: [FleetStratum], _ transform: (Float) -> Float) -> [FleetStratum] {
        strata.map { stratum in
            let samples = stratum.samples
            return FleetStratum(
                samples: try! ShadowSamples(
                    pDevice: samples.pDevice.map(transform),
                    pEdge: samples.pEdge.map(transform),
                    score: samples.score,
                    latency: samples.latency,
                    cost: samples.cost
                ),
                share: stratum.share
            )
        }
    }

    /// Every member's tier for every sample of every stratum.
    func routing(_ family: AllocationFamily, _ strata: [FleetStratum]) -> [[Tier]] {
        family.members.map { member in
            strata.indices.flatMap { s in
                let samples = strata[s].samples
                return (0..<samples.count).map {
                    member[s].tier(pDevice: samples.pDevice[$0], pEdge: samples.pEdge[$0])
                }
            }
        }
    }

    @Test("a fitted grid has steps + 1 ascending values per axis from 0 to 1, ranks and cells round-trip")
    func fittedStructure() {
        let samples = strata(seed: 3).map(\.samples)
        let grid = ThresholdGrid.fitted(pDevice: samples.flatMap(\.pDevice), pEdge: samples.flatMap(\.pEdge))
        #expect(grid.count == ThresholdGrid.fittedSteps + 1 && !grid.isUniform)
        for axis in [grid.device, grid.edge] {
            let values = (0..<grid.count).map(axis)
            #expect(values.first == 0 && values.last == 1)
            #expect(zip(values, values.dropFirst()).allSatisfy { $0 < $1 }, "not strictly ascending")
        }
        for j in 0..<grid.count {
            #expect(grid.deviceRank(of: grid.device(j)) == j + 1 && grid.edgeRank(of: grid.edge(j)) == j + 1)
        }
        #expect(grid.deviceRank(of: -0.5) == 0 && grid.deviceRank(of: 1) == grid.count)
        for cell in 0..<(grid.count * grid.count) { #expect(grid.cell(of: grid.pair(cell)) == cell) }
        // The thresholds follow the predictions: each of the 100 intervals holds about 1 % of them.
        let predictions = samples.flatMap(\.pDevice)
        let perInterval = (1..<grid.count).map { j in
            predictions.filter { $0 >= grid.device(j - 1) && $0 < grid.device(j) }.count
        }
        #expect(perInterval.max()! <= 3 * predictions.count / ThresholdGrid.fittedSteps, "\(perInterval)")
    }

    @Test("countBelow and countAtOrBelow count an ascending collection's elements below and at or below a value")
    func sortedCounts() {
        let values: [Float] = [0.1, 0.2, 0.2, 0.3]
        #expect([0.05, 0.1, 0.2, 0.25, 0.3, 0.4].map { values.countBelow($0) } == [0, 0, 1, 3, 3, 4])
        #expect([0.05, 0.1, 0.2, 0.25, 0.3, 0.4].map { values.countAtOrBelow($0) } == [0, 1, 3, 3, 4, 4])
        #expect([Float]().countBelow(1) == 0 && values[1...].countAtOrBelow(0.2) == 2)
    }

    @Test("with few distinct predictions every two of them are separated, and the axis is still full and ascending")
    func fewDistinctPredictions() {
        let grid = ThresholdGrid.fitted(pDevice: [0.2, 0.5, 0.5, 0.8, 0.8, 0.8], pEdge: [0.7], steps: 10)
        let device = (0..<grid.count).map(grid.device)
        let edge = (0..<grid.count).map(grid.edge)
        #expect(device.count == 11 && edge.count == 11)
        #expect(
            zip(device, device.dropFirst()).allSatisfy { $0 < $1 } && zip(edge, edge.dropFirst()).allSatisfy { $0 < $1 }
        )
        #expect(device.contains { $0 > 0.2 && $0 < 0.5 } && device.contains { $0 > 0.5 && $0 < 0.8 })
        #expect(device.contains { $0 > 0 && $0 <= 0.2 } && device.contains { $0 > 0.8 && $0 < 1 })
        // No predictions at all: still a valid grid.
        let empty = ThresholdGrid.fitted(pDevice: [], pEdge: [], steps: 4)
        #expect((0..<empty.count).map(empty.device) == [0, 0.25, 0.5, 0.75, 1])
    }

    @Test(
        "the family routes every sample the same when the router head squeezes its predictions; the uniform grid does not"
    )
    func invariantToHowPredictionsSpread() {
        let original = strata(seed: 11)
        // Dividing by 64 is exact in Float and keeps every order; all predictions then lie in [0, 1/64): three steps
        // of the uniform grid.
        let squeezed = mapped(original, { $0 / 64 })
        let fitted = FleetAllocator(weights: weights).family(original)
        let fittedSqueezed = FleetAllocator(weights: weights).family(squeezed)
        #expect(fitted.members.count > 5)
        #expect(routing(fitted, original) == routing(fittedSqueezed, squeezed))
        let uniform = FleetAllocator(grid: .w3, weights: weights).family(original)
        let uniformSqueezed = FleetAllocator(grid: .w3, weights: weights).family(squeezed)
        #expect(routing(uniform, original) != routing(uniformSqueezed, squeezed))
        #expect(uniformSqueezed.members.count < uniform.members.count / 2, "\(uniformSqueezed.members.count)")
    }
}
