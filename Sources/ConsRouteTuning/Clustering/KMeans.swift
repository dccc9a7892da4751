import ConsRouteModel

/// k-means clustering by Lloyd's algorithm with seeded greedy k-means++ initialisation.
///
/// ```swift
/// let result = try KMeans(configuration: .init(clusterCount: 16, seed: 7)).fit(points, dimension: 64)
/// ```
/// Points are row-major `n×d` floats. The work is centred on the data mean (so a large common offset,
/// common in model hidden states, does not cost precision) and runs on one thread.
public struct KMeans: Sendable {
    /// The settings of every fit.
    public var configuration: KMeansConfiguration

    /// Creates a clusterer with `configuration`.
    public init(configuration: KMeansConfiguration) {
        self.configuration = configuration
    }

    /// Clusters `points` (row-major `n×dimension`).
    /// - Parameters:
    ///   - points: `n·dimension` finite floats.
    ///   - dimension: coordinates per point.
    /// - Returns: centroids, assignments, inertia, iterations, counts and radii.
    /// - Throws: `KMeansError` for an empty or misshaped buffer, a non-finite value, or an invalid setting
    ///   (including `clusterCount > n`).
    /// - Complexity: O(n·d·k·(localTrials + iterations)).
    public func fit(_ points: [Float], dimension: Int) throws -> KMeansResult {
        try points.withUnsafeBufferPointer { try fit($0, dimension: dimension) }
    }

    /// Clusters `points` (row-major `n×dimension`) without copying them.
    /// - Parameters:
    ///   - points: `n·dimension` finite floats.
    ///   - dimension: coordinates per point.
    /// - Returns: centroids, assignments, inertia, iterations, counts and radii.
    /// - Throws: `KMeansError` for an empty or misshaped buffer, a non-finite value, or an invalid setting.
    /// - Complexity: O(n·d·k·(localTrials + iterations)).
    public func fit(_ points: UnsafeBufferPointer<Float>, dimension: Int) throws -> KMeansResult {
        let matrix = try PointMatrix(points, dimension: dimension)
        try configuration.validate(points: matrix.count, dimension: dimension)
        let statistics = try matrix.columnStatistics()
        var generator = SeededGenerator(seed: configuration.seed)
        let initial = initialCentroids(matrix, generator: &generator)
        var lloyd = LloydIterations(points: matrix, mean: statistics.mean, initial: initial)
        let outcome = lloyd.run(
            maxIterations: configuration.maxIterations,
            absoluteTolerance: configuration.tolerance * statistics.meanVariance
        )
        return KMeansResult.summarizing(
            points: matrix,
            centroids: lloyd.centroidsInPointCoordinates,
            assignments: lloyd.labels,
            iterations: outcome.iterations,
            converged: outcome.converged,
            radiusQuantile: configuration.radiusQuantile
        )
    }

    /// The starting centroids for the configured initialisation, in the points' coordinates.
    func initialCentroids(_ points: PointMatrix, generator: inout SeededGenerator) -> [Float] {
        let k = configuration.clusterCount
        let seeding = KMeansPlusPlusSeeding(points: points, localTrials: configuration.effectiveLocalTrials)
        switch configuration.initialization {
        case .firstK:
            return Array(UnsafeBufferPointer(start: points.base, count: k * points.dimension))
        case .kMeansPlusPlus:
            return seeding.centres(clusterCount: k, existing: [], generator: &generator)
        case .centroids(let given):
            return seeding.centres(clusterCount: k, existing: given, generator: &generator)
        }
    }
}
