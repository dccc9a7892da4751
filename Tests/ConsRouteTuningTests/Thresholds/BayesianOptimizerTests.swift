import ConsRouteModel
import ConsRouteTuning
import Testing

@Suite("Bayesian optimisation")
struct BayesianOptimizerTests {
    @Test("seeded random clusters: never worse than the initial design, within budget, trials exact")
    func neverWorseThanDesign() throws {
        var generator = SeededGenerator(seed: 21)
        for seed: UInt64 in 0..<4 {
            let samples = try randomCluster(count: 400, difficulty: Double(seed) / 3, using: &generator)
            let configuration = try BayesianOptimizerConfiguration(evaluations: 25, initialDesignCount: 8, seed: seed)
            let result = try BayesianOptimizer(configuration: configuration).optimize(samples)
            #expect(result.trials.count <= 25)
            let designBest = result.trials.prefix(8).map(\.utility).max()!
            #expect(result.utility >= designBest)
            #expect(result.utility == result.trials.map(\.utility).max())
            #expect(abs(result.utility - (try directUtility(result.pair, samples))) < 1e-12)
            for trial in result.trials.prefix(5) {
                #expect(abs(trial.utility - (try directUtility(trial.pair, samples))) < 1e-12)
            }
        }
    }

    @Test("close to the grid optimum with 40 evaluations on seeded random clusters")
    func nearOptimum() throws {
        var generator = SeededGenerator(seed: 8)
        for difficulty in [0.0, 0.5, 1.0] {
            let samples = try randomCluster(count: 2000, difficulty: difficulty, using: &generator)
            let exact = try ExactSweepOptimizer().optimize(samples)
            let found = try BayesianOptimizer(seed: 1).optimize(samples)
            #expect(found.utility >= exact.utility - 0.02)
        }
    }

    @Test("the same seed gives the same run")
    func deterministic() throws {
        var generator = SeededGenerator(seed: 2)
        let samples = try randomCluster(count: 300, difficulty: 0.5, using: &generator)
        let first = try BayesianOptimizer(seed: 9).optimize(samples)
        let second = try BayesianOptimizer(seed: 9).optimize(samples)
        #expect(first == second)
    }

    @Test("a warm start re-evaluates the previous best first")
    func warmStart() throws {
        var generator = SeededGenerator(seed: 4)
        let samples = try randomCluster(count: 500, difficulty: 0.6, using: &generator)
        let previous = try ExactSweepOptimizer().optimize(samples)
        let warm = try BayesianOptimizer(seed: 0).optimize(samples, weights: .standard, warmStart: previous.trials)
        #expect(try directUtility(warm.trials[0].pair, samples) == previous.utility)
        #expect(warm.utility >= previous.utility)
    }

    @Test("edge cases: one sample stops after its four routings, equal scores go to the cloud, empty throws")
    func edgeCases() throws {
        let engine = BayesianOptimizer(seed: 0)
        let one = try uniformCostSamples(pDevice: [0.7], pEdge: [0.4], scoreDevice: [1], scoreEdge: [1])
        let oneResult = try engine.optimize(one)
        #expect(oneResult.trials.count == 4)
        #expect(oneResult.tierShares.device == 1)

        let equal = try uniformCostSamples(
            pDevice: [0.1, 0.5, 0.9],
            pEdge: [0.2, 0.4, 0.6],
            scoreDevice: [0.5, 0.5, 0.5],
            scoreEdge: [0.5, 0.5, 0.5]
        )
        let equalResult = try engine.optimize(equal)
        #expect(equalResult.tierShares.cloud == 1)
        #expect(abs(equalResult.utility - 0.4) < 1e-12)

        #expect(throws: ThresholdTuningError.emptySamples(context: "Bayesian optimisation")) {
            try engine.optimize(.empty)
        }
        #expect(throws: ThresholdTuningError.self) {
            try BayesianOptimizerConfiguration(evaluations: 5, initialDesignCount: 6)
        }
    }
}
