import ConsRouteModel
import ConsRouteTuning
import Testing

@Suite("Exact sweep")
struct ExactSweepOptimizerTests {
    @Test("grid ranks count grid values <= p in Float")
    func ranks() throws {
        let grid = ThresholdGrid.w3
        #expect(grid.deviceRank(of: -0.1) == 0)
        #expect(grid.deviceRank(of: 0) == 1)
        #expect(grid.deviceRank(of: 0.004) == 1)
        #expect(grid.deviceRank(of: Float(1) / Float(200)) == 2)
        #expect(grid.deviceRank(of: 0.999) == 200)
        #expect(grid.deviceRank(of: 1) == 201)
        for j in 0...200 {
            #expect(grid.deviceRank(of: grid.device(j)) == j + 1 && grid.edgeRank(of: grid.edge(j)) == j + 1)
        }
        #expect(throws: ThresholdTuningError.self) { try ThresholdGrid(steps: 0) }
    }

    /// Grid {0, 0.5, 1}; the hand table is in `PolicyEvaluatorTests`: the optimum U = 0.8125 is at
    /// tDevice = 0.5 with tEdge in {0, 0.5}, a plateau of two cells whose lower-middle is tEdge = 0.
    @Test("known answer on a tiny cluster with a 3 x 3 grid")
    func tinyCluster() throws {
        let sweep = ExactSweepOptimizer(grid: try ThresholdGrid(steps: 2))
        let samples = try PolicyEvaluatorTests.twoSamples()
        let surface = try sweep.surface(samples, weights: .standard)
        let expected: [[Double]] = [
            [-4.075, -4.075, -4.075],
            [0.8125, 0.8125, 0.6625],
            [0.7, 0.55, 0.4],
        ]
        for row in 0..<3 {
            for column in 0..<3 { #expect(abs(surface[row, column] - expected[row][column]) < 1e-12) }
        }
        let result = try sweep.optimize(samples)
        #expect(result.pair == ThresholdPair(device: 0.5, edge: 0))
        #expect(abs(result.utility - 0.8125) < 1e-12)
        #expect(result.trials.count == 1)
    }

    @Test("seeded random clusters: the surface equals the direct rule at every grid pair")
    func surfaceMatchesDirectRule() throws {
        var generator = SeededGenerator(seed: 7)
        let sweep = ExactSweepOptimizer(grid: try ThresholdGrid(steps: 20))
        for trial in 0..<4 {
            let samples = try randomCluster(count: 30 + 40 * trial, difficulty: Double(trial) / 4, using: &generator)
            let surface = try sweep.surface(samples, weights: .standard)
            for row in 0...20 {
                for column in 0...20 {
                    let pair = ThresholdPair(device: sweep.grid.device(row), edge: sweep.grid.edge(column))
                    #expect(abs(surface[row, column] - (try directUtility(pair, samples))) < 1e-9)
                }
            }
        }
    }

    @Test("seeded random clusters: the sweep optimum beats every random grid pair")
    func optimumDominates() throws {
        var generator = SeededGenerator(seed: 11)
        let sweep = ExactSweepOptimizer()
        for trial in 0..<3 {
            let samples = try randomCluster(count: 500, difficulty: Double(trial) / 2, using: &generator)
            let best = try sweep.optimize(samples)
            #expect(abs(best.utility - (try directUtility(best.pair, samples))) < 1e-12)
            for _ in 0..<200 {
                let pair = ThresholdPair(
                    device: ThresholdGrid.w3.device(Int.random(in: 0...200, using: &generator)),
                    edge: ThresholdGrid.w3.edge(Int.random(in: 0...200, using: &generator))
                )
                #expect(best.utility >= (try directUtility(pair, samples)))
            }
        }
    }

    @Test("edge cases: one sample, all scores equal, no samples")
    func edgeCases() throws {
        let sweep = ExactSweepOptimizer()
        let one = try uniformCostSamples(pDevice: [0.7], pEdge: [0.4], scoreDevice: [1], scoreEdge: [1])
        let oneResult = try sweep.optimize(one)
        #expect(oneResult.tierShares.device == 1)  // a perfect, free device answer
        #expect(abs(oneResult.utility - (1 - 0.3 * 0.25)) < 1e-12)

        let equal = try uniformCostSamples(
            pDevice: [0.1, 0.5, 0.9],
            pEdge: [0.2, 0.4, 0.6],
            scoreDevice: [0.5, 0.5, 0.5],
            scoreEdge: [0.5, 0.5, 0.5]
        )
        let equalResult = try sweep.optimize(equal)
        #expect(equalResult.tierShares.cloud == 1)  // any other tier drops quality to 0.5
        #expect(abs(equalResult.utility - 0.4) < 1e-12)

        #expect(throws: ThresholdTuningError.emptySamples(context: "the exact sweep")) { try sweep.optimize(.empty) }
    }
}
