import ConsRouteModel
import ConsRouteTuning
import Foundation

/// W3: per-cluster threshold optimisation on `bo-thresholds` (16 clusters x 5,000 shadow samples).
///
/// Lines, in the peers' shape (their results file; docs/benchmarks.md):
/// - `consroute.exact-sweep`: the 201x201 grid optimum of every cluster, timed (peer `grid-prefixsum`);
/// - `consroute.gp-bo`: GP-BO with 40 evaluations per cluster for several seeds, regret against
///   the grid optimum, found pairs evaluated with the exact W3 definition (peer `skopt.gp_minimize`);
/// - `consroute.generalisation.<engine>`: for 10, 20, 50, 100 and 200 training samples per
///   cluster (5 random splits each), the engine chooses on the training part through
///   `FleetThresholdTuner` and is scored on the cluster's other samples, for several shrinkage
///   weights n0; `held_out_U_total_oracle` is the best any grid pair reaches on the held-out part.
///   The engine with the higher held-out U is the better default.
enum ThresholdsBenchmark {
    static let boSeeds: [UInt64] = [0, 1, 2, 3, 4]
    static let trainingSizes = [10, 20, 50, 100, 200]
    static let generalisationRepeats = 5

    static func run(_ context: BenchContext) throws {
        let clusters = try loadClusters(context.dataset("bo-thresholds"))
        let weights = ObjectiveWeights.standard
        let gridOptimum = try runSweep(context, clusters, weights)
        try runBayesian(context, clusters, weights, gridOptimum: gridOptimum)
        try runGeneralisation(context, clusters, weights)
    }

    /// The 16 clusters' shadow samples (rows are cluster-major; cloud score is 1).
    static func loadClusters(_ dataset: BenchDataset) throws -> [ShadowSamples] {
        let cluster = try dataset.column("cluster").ints()
        let columns = try [
            "p_dev", "p_edge", "s_dev", "s_edge", "lat_dev", "lat_edge", "lat_cloud", "cost_dev", "cost_edge",
            "cost_cloud",
        ].reduce(into: [String: [Float]]()) { $0[$1] = try dataset.column($1).floats() }
        let clusterCount = Int(cluster.max() ?? -1) + 1
        var rowsOf = [[Int]](repeating: [], count: clusterCount)
        for (row, c) in cluster.enumerated() { rowsOf[Int(c)].append(row) }
        return try rowsOf.map { rows in
            func take(_ name: String) -> [Float] { rows.map { columns[name]![$0] } }
            return try ShadowSamples(
                pDevice: take("p_dev"),
                pEdge: take("p_edge"),
                score: TierColumns(
                    device: take("s_dev"),
                    edge: take("s_edge"),
                    cloud: Array(repeating: 1, count: rows.count)
                ),
                latency: TierColumns(device: take("lat_dev"), edge: take("lat_edge"), cloud: take("lat_cloud")),
                cost: TierColumns(device: take("cost_dev"), edge: take("cost_edge"), cloud: take("cost_cloud"))
            )
        }
    }

    /// Times the exact sweep of all clusters; returns the per-cluster grid optima.
    static func runSweep(
        _ context: BenchContext,
        _ clusters: [ShadowSamples],
        _ weights: ObjectiveWeights
    ) throws
        -> [Double]
    {
        let sweep = ExactSweepOptimizer()
        let timing = try context.timed { try clusters.map { try sweep.optimize($0, weights: weights) } }
        let optima = timing.result.map(\.utility)
        context.emit([
            "workload": "W3", "peer": "consroute.exact-sweep", "dataset": "bo-thresholds",
            "params": ["grid": "201x201", "threads": 1] as [String: Any],
            "wall_s": rounded(timing.median), "walls_s": timing.walls.map { rounded($0) },
            "repeats": context.repeats, "warmup": context.warmup,
            "evaluations": clusters.count * 201 * 201, "U_total": optima.reduce(0, +),
            "U_opt_per_cluster": optima.map { rounded($0) },
            "per_cluster": timing.result.enumerated().map { c, result in
                [
                    "cluster": c, "U_opt": result.utility, "t_dev": Double(result.pair.device),
                    "t_edge": Double(result.pair.edge), "quality_ratio": rounded(result.qualityRatio),
                ] as [String: Any]
            },
        ])
        return optima
    }

    /// GP-BO with the peers' budget (40 evaluations per cluster) for several seeds.
    static func runBayesian(
        _ context: BenchContext,
        _ clusters: [ShadowSamples],
        _ weights: ObjectiveWeights,
        gridOptimum: [Double]
    ) throws {
        var perSeed: [[String: Any]] = []
        var walls: [Double] = []
        var regrets: [Double] = []
        for seed in boSeeds {
            let engine = BayesianOptimizer(configuration: try BayesianOptimizerConfiguration(seed: seed))
            let start = DispatchTime.now().uptimeNanoseconds
            let results = try clusters.map { try engine.optimize($0, weights: weights) }
            let wall = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
            let found = try zip(clusters, results).map {
                try PolicyEvaluator.evaluate($1.pair, on: $0).utility(weights)
            }
            let regret = zip(gridOptimum, found).map { $0 - $1 }
            walls.append(wall)
            regrets.append(regret.reduce(0, +))
            perSeed.append([
                "seed": seed, "wall_s": rounded(wall, 4), "U_total": found.reduce(0, +), "regret": regret.reduce(0, +),
                "regret_per_cluster": regret.map { rounded($0, 5) },
                "clusters_within_0.01": regret.filter { $0 <= 0.01 }.count,
                "evaluations_used": results.map(\.trials.count).reduce(0, +),
            ])
        }
        context.emit([
            "workload": "W3", "peer": "consroute.gp-bo", "dataset": "bo-thresholds",
            "params": [
                "n_calls": 40, "n_initial_points": 10, "acq_func": "EI x P(feasible)", "kernel": "Matern-5/2 ARD",
                "threads": 1,
            ] as [String: Any],
            "wall_s": rounded(median(walls), 4), "regret": median(regrets),
            "U_total_grid_opt": gridOptimum.reduce(0, +), "evaluations_per_cluster": 40, "per_seed": perSeed,
        ])
    }

    /// Held-out U of each engine, with and without shrinkage, at small training sizes.
    static func runGeneralisation(
        _ context: BenchContext,
        _ clusters: [ShadowSamples],
        _ weights: ObjectiveWeights
    )
        throws
    {
        let priorCounts: [Double] = [0, 2, 5, 10, 25, 50]
        let engines: [any ThresholdOptimizer] = [ExactSweepOptimizer(), BayesianOptimizer(seed: 0)]
        let sweep = ExactSweepOptimizer()
        for size in trainingSizes {
            var heldOut = [String: [Double]]()  // "engine n0" -> held-out U total per repeat
            var oracleTotals: [Double] = []
            var walls = [String: [Double]]()
            for repeatIndex in 0..<generalisationRepeats {
                let holdoutFraction = 1 - Double(size) / Double(clusters[0].count)
                var oracle = 0.0
                for engine in engines {
                    let tuner = try FleetThresholdTuner(
                        optimizer: engine,
                        weights: weights,
                        shrinkage: .none,
                        holdoutFraction: holdoutFraction,
                        seed: UInt64(repeatIndex)
                    )
                    let splits = try tuner.splits(clusters)
                    let start = DispatchTime.now().uptimeNanoseconds
                    let tuning = try tuner.tune(clusters)
                    walls[engine.name, default: []].append(Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9)
                    if engine is ExactSweepOptimizer {
                        oracle = try splits.map { try sweep.surface($0.holdout, weights: weights).maximum }.reduce(0, +)
                    }
                    for n0 in priorCounts {
                        let shrinkage = try FleetShrinkage(priorSampleCount: n0)
                        let total = try zip(tuning.clusters, splits).map { result, split -> Double in
                            let pair = shrinkage.shrink(
                                result.optimization?.pair ?? tuning.pooled.pair,
                                sampleCount: result.trainingCount,
                                toward: tuning.pooled.pair
                            )
                            return try PolicyEvaluator.evaluate(pair, on: split.holdout).utility(weights)
                        }.reduce(0.0, +)
                        heldOut["\(engine.name) n0=\(Int(n0))", default: []].append(total)
                    }
                }
                oracleTotals.append(oracle)
            }
            let oracleMean = oracleTotals.reduce(0, +) / Double(oracleTotals.count)
            for engine in engines {
                context.emit([
                    "workload": "W3", "peer": "consroute.generalisation.\(engine.name)", "dataset": "bo-thresholds",
                    "params": [
                        "training_samples_per_cluster": size, "repeats": generalisationRepeats,
                        "held_out_samples_per_cluster": clusters[0].count - size, "threads": 1,
                    ] as [String: Any],
                    "wall_s": rounded(median(walls[engine.name] ?? []), 4),
                    "held_out_U_total_oracle": rounded(oracleMean),
                    "by_shrinkage": priorCounts.map { n0 in
                        let totals = heldOut["\(engine.name) n0=\(Int(n0))"] ?? []
                        let mean = totals.reduce(0, +) / Double(totals.count)
                        return [
                            "prior_samples_n0": n0, "held_out_U_total": rounded(mean),
                            "held_out_regret": rounded(oracleMean - mean),
                            "held_out_U_total_per_repeat": totals.map { rounded($0) },
                        ] as [String: Any]
                    },
                ])
            }
        }
    }
}
