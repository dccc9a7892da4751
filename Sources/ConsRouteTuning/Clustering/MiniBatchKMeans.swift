import ConsRouteModel

/// Mini-batch k-means for large windows: each step assigns a random batch and moves each touched centre
/// to the running mean of all points it has received so far (per-centre learning rate 1/count).
///
/// Follows scikit-learn's `MiniBatchKMeans`: k-means++ on a `3·batchSize` sample (or a warm start),
/// batches drawn with replacement, starved centres moved to random batch points, and early stopping
/// when the exponentially smoothed batch inertia has not improved for `maxNoImprovement` steps. A final
/// full pass assigns every point, so the result's assignments, inertia and radii cover all the data.
public struct MiniBatchKMeans: Sendable {
    /// The settings of every fit.
    public var configuration: MiniBatchKMeansConfiguration

    /// Creates a clusterer with `configuration`.
    public init(configuration: MiniBatchKMeansConfiguration) {
        self.configuration = configuration
    }

    /// Clusters `points` (row-major `n×dimension`).
    /// - Parameters:
    ///   - points: `n·dimension` finite floats.
    ///   - dimension: coordinates per point.
    /// - Returns: centroids, assignments of all points, inertia, steps run, counts and radii.
    /// - Throws: `KMeansError` for an empty or misshaped buffer, a non-finite value, or an invalid setting.
    /// - Complexity: O(steps·batchSize·k·d + n·k·d).
    public func fit(_ points: [Float], dimension: Int) throws -> KMeansResult {
        try points.withUnsafeBufferPointer { try fit($0, dimension: dimension) }
    }

    /// Clusters `points` (row-major `n×dimension`) without copying them.
    /// - Parameters:
    ///   - points: `n·dimension` finite floats.
    ///   - dimension: coordinates per point.
    /// - Returns: centroids, assignments of all points, inertia, steps run, counts and radii.
    /// - Throws: `KMeansError` for an empty or misshaped buffer, a non-finite value, or an invalid setting.
    /// - Complexity: O(steps·batchSize·k·d + n·k·d).
    public func fit(_ points: UnsafeBufferPointer<Float>, dimension: Int) throws -> KMeansResult {
        let matrix = try PointMatrix(points, dimension: dimension)
        try configuration.validate(points: matrix.count, dimension: dimension)
        let statistics = try matrix.columnStatistics()
        var generator = SeededGenerator(seed: configuration.seed)
        let initial = try initialCentroids(matrix, generator: &generator)
        var steps = MiniBatchSteps(points: matrix, mean: statistics.mean, initial: initial)
        let outcome = steps.run(
            configuration,
            absoluteTolerance: configuration.tolerance * statistics.meanVariance,
            generator: &generator
        )
        let centroids = steps.centroidsInPointCoordinates
        var lloyd = LloydIterations(points: matrix, mean: statistics.mean, initial: centroids)
        lloyd.assignAll()
        return KMeansResult.summarizing(
            points: matrix,
            centroids: centroids,
            assignments: lloyd.labels,
            iterations: outcome.steps,
            converged: outcome.converged,
            radiusQuantile: configuration.radiusQuantile
        )
    }

    /// The starting centroids: the first k points, the warm start, or k-means++ on a random sample
    /// (completing a warm start that has fewer than k centroids).
    private func initialCentroids(_ points: PointMatrix, generator: inout SeededGenerator) throws -> [Float] {
        let k = configuration.clusterCount
        let d = points.dimension
        var existing: [Float] = []
        switch configuration.initialization {
        case .firstK:
            return Array(UnsafeBufferPointer(start: points.base, count: k * d))
        case .centroids(let given):
            if given.count == k * d { return given }
            existing = given
        case .kMeansPlusPlus:
            break
        }
        let size = min(points.count, configuration.initializationSize ?? max(3 * configuration.batchSize, 3 * k))
        var sample = [Float]()
        sample.reserveCapacity(size * d)
        for _ in 0..<size {
            sample.append(
                contentsOf: UnsafeBufferPointer(
                    start: points.row(
                        Int.random(
                            in: 0..<points.count,
                            using: &generator
                        )
                    ),
                    count: d
                )
            )
        }
        return try sample.withUnsafeBufferPointer { buffer in
            let seeding = KMeansPlusPlusSeeding(
                points: try PointMatrix(buffer, dimension: d),
                localTrials: configuration.seeding.effectiveLocalTrials
            )
            return seeding.centres(clusterCount: k, existing: existing, generator: &generator)
        }
    }
}
