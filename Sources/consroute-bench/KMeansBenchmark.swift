import ConsRouteTuning
import Foundation

/// W1: k-means re-clustering on `kmeans-100k` and `kmeans-1m` (docs/benchmarks.md), in the peers' shape.
///
/// Timed region: the fit call only, data already in memory as `[Float]`, one thread. With
/// `context.limit`, only the first `limit` points of each dataset are used. `inertia` is the
/// float64 sum of squared distances to the nearest returned centroid, recomputed here exactly as the
/// peers' `inertia64` does; `consroute_inertia` is the library's own figure; `ari` is against the true
/// mixture components.
enum KMeansBenchmark {
    static let clusterCount = 16

    static func run(_ context: BenchContext) throws {
        try run(context, datasets: ["kmeans-100k", "kmeans-1m"])
    }

    static func run(_ context: BenchContext, datasets: [String]) throws {
        for name in datasets {
            let dataset = try context.dataset(name)
            let pointsColumn = try dataset.column("points")
            guard pointsColumn.shape.count == 2 else {
                throw BenchError("\(name): points must be n x d, got shape \(pointsColumn.shape)")
            }
            let d = pointsColumn.shape[1]
            let n = min(pointsColumn.shape[0], context.limit ?? .max)
            let points = Array(try pointsColumn.floats().prefix(n * d))
            let truth = Array(try dataset.column("labels").ints().prefix(n))
            let k = clusterCount
            func report(
                _ peer: String,
                _ params: [String: Any],
                _ timing: (Double, [Double]),
                _ result: KMeansResult,
                _ extra: [String: Any] = [:]
            ) {
                var record: [String: Any] = [
                    "workload": "W1", "peer": peer, "dataset": name, "n": n, "d": d,
                    "params": params.merging(["k": k, "threads": 1]) { $1 },
                    "wall_s": rounded(timing.0, 4), "walls_s": timing.1.map { rounded($0, 4) },
                    "repeats": context.repeats, "warmup": context.warmup,
                    "inertia": nearestCentroidInertia(points, dimension: d, centroids: result.centroids),
                    "iterations": result.iterations, "converged": result.converged,
                    "ari": rounded(adjustedRandIndex(truth, result.assignments), 5),
                    "consroute_inertia": result.inertia,
                ]
                record.merge(extra) { $1 }
                context.emit(record)
            }

            let plusPlus = KMeans(configuration: KMeansConfiguration(clusterCount: k, seed: 0))
            let a = try context.timed { try plusPlus.fit(points, dimension: d) }
            report(
                "consroute.KMeans",
                [
                    "init": "k-means++", "n_init": 1, "algorithm": "lloyd", "max_iter": 100, "tol": 1e-4, "seed": 0,
                    "local_trials": plusPlus.configuration.effectiveLocalTrials,
                ],
                (a.median, a.walls),
                a.result
            )

            if name == "kmeans-100k" {
                let firstK = KMeans(configuration: KMeansConfiguration(clusterCount: k, initialization: .firstK))
                let b = try context.timed { try firstK.fit(points, dimension: d) }
                report(
                    "consroute.KMeans",
                    ["init": "first-k", "n_init": 1, "algorithm": "lloyd", "max_iter": 100, "tol": 1e-4],
                    (b.median, b.walls),
                    b.result
                )
            }

            let miniBatch = MiniBatchKMeans(configuration: MiniBatchKMeansConfiguration(clusterCount: k, seed: 0))
            let c = try context.timed { try miniBatch.fit(points, dimension: d) }
            let steps = c.result.iterations
            // Passes over the data, as scikit-learn's n_iter_ = ceil(steps * batch_size / n).
            let epochs = (steps * miniBatch.configuration.batchSize + n - 1) / n
            report(
                "consroute.MiniBatchKMeans",
                [
                    "init": "k-means++", "n_init": 1, "batch_size": miniBatch.configuration.batchSize,
                    "max_iter": miniBatch.configuration.maxEpochs, "seed": 0,
                ],
                (c.median, c.walls),
                c.result,
                ["n_steps": steps, "iterations": epochs]
            )
        }
    }

    /// Σ over points of the float64 squared distance to the nearest centroid (brute force, as the peers).
    static func nearestCentroidInertia(_ points: [Float], dimension d: Int, centroids: [Float]) -> Double {
        let k = centroids.count / d
        let centres = centroids.map(Double.init)
        var total = 0.0
        points.withUnsafeBufferPointer { x in
            for i in 0..<(x.count / d) {
                var best = Double.infinity
                for c in 0..<k {
                    var sum = 0.0
                    for j in 0..<d {
                        let diff = Double(x[i * d + j]) - centres[c * d + j]
                        sum += diff * diff
                    }
                    best = min(best, sum)
                }
                total += best
            }
        }
        return total
    }

    /// Adjusted Rand index (Hubert & Arabie) between two labelings of the same points.
    static func adjustedRandIndex(_ truth: [Int32], _ predicted: [Int32]) -> Double {
        let rows = Int(truth.max() ?? 0) + 1
        let columns = Int(predicted.max() ?? 0) + 1
        var table = [Double](repeating: 0, count: rows * columns)
        for (t, p) in zip(truth, predicted) { table[Int(t) * columns + Int(p)] += 1 }
        func pairs(_ x: Double) -> Double { x * (x - 1) / 2 }
        let index = table.reduce(0) { $0 + pairs($1) }
        let rowPairs = (0..<rows).reduce(0.0) { sum, r in
            sum + pairs((0..<columns).reduce(0.0) { $0 + table[r * columns + $1] })
        }
        let columnPairs = (0..<columns).reduce(0.0) { sum, c in
            sum + pairs((0..<rows).reduce(0.0) { $0 + table[$1 * columns + c] })
        }
        let expected = rowPairs * columnPairs / pairs(Double(truth.count))
        let maximum = (rowPairs + columnPairs) / 2
        return maximum == expected ? 1 : (index - expected) / (maximum - expected)
    }
}
