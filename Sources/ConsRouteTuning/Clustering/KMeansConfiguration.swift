import Foundation

/// Settings of one k-means fit (Lloyd's algorithm).
///
/// The defaults follow scikit-learn's `KMeans` (`max_iter=100`, `tol=1e-4`, greedy k-means++ with
/// `2 + floor(ln k)` local trials), so results are comparable with it.
public struct KMeansConfiguration: Sendable, Equatable {
    /// How the first centroids are chosen.
    public enum Initialization: Sendable, Equatable {
        /// Greedy k-means++ (D² sampling, best of `localTrials` candidates per centre), seeded.
        case kMeansPlusPlus
        /// The first `clusterCount` points, in order. Deterministic; meant for exact comparisons.
        case firstK
        /// Warm start: `m*d` row-major floats with `1 <= m <= clusterCount`. When `m < clusterCount`
        /// the remaining centres are added by greedy k-means++ seeding around the given ones.
        case centroids([Float])
    }

    /// The number of clusters `k`.
    public var clusterCount: Int
    /// The largest number of Lloyd iterations.
    public var maxIterations: Int
    /// Relative tolerance: stop once the summed squared centre shift is at most
    /// `tolerance * mean(var(X, axis: 0))` (scikit-learn's semantics), or when no label changes.
    public var tolerance: Double
    /// Seed of every random choice (k-means++ sampling).
    public var seed: UInt64
    /// How the first centroids are chosen.
    public var initialization: Initialization
    /// Candidates tried per k-means++ centre; `nil` means `2 + floor(ln k)` as in scikit-learn.
    public var localTrials: Int?
    /// Quantile of member squared distances that defines each cluster's `radius2` (see `KMeansResult`).
    public var radiusQuantile: Double

    /// Creates a configuration.
    /// - Parameters:
    ///   - clusterCount: the number of clusters `k` (at least 1, at most the number of points).
    ///   - maxIterations: the largest number of Lloyd iterations (default 100).
    ///   - tolerance: relative tolerance on the summed squared centre shift (default 1e-4).
    ///   - seed: seed of the random choices (default 0).
    ///   - initialization: how the first centroids are chosen (default greedy k-means++).
    ///   - localTrials: k-means++ candidates per centre (`nil`: `2 + floor(ln k)`).
    ///   - radiusQuantile: the quantile defining `radius2` (default 0.99).
    public init(
        clusterCount: Int,
        maxIterations: Int = 100,
        tolerance: Double = 1e-4,
        seed: UInt64 = 0,
        initialization: Initialization = .kMeansPlusPlus,
        localTrials: Int? = nil,
        radiusQuantile: Double = 0.99
    ) {
        self.clusterCount = clusterCount
        self.maxIterations = maxIterations
        self.tolerance = tolerance
        self.seed = seed
        self.initialization = initialization
        self.localTrials = localTrials
        self.radiusQuantile = radiusQuantile
    }

    /// The number of k-means++ candidates per centre actually used: `localTrials`, or `2 + floor(ln k)`.
    public var effectiveLocalTrials: Int {
        localTrials ?? (2 + Int(log(Double(clusterCount))))
    }

    /// Checks every setting against `points` points of `dimension` coordinates.
    /// - Throws: `KMeansError` naming the first invalid setting.
    func validate(points: Int, dimension: Int) throws {
        guard clusterCount >= 1 else { throw KMeansError.invalidClusterCount(clusterCount) }
        guard clusterCount <= points else {
            throw KMeansError.moreClustersThanPoints(clusters: clusterCount, points: points)
        }
        guard maxIterations >= 1 else { throw KMeansError.invalidMaxIterations(maxIterations) }
        guard tolerance.isFinite, tolerance >= 0 else { throw KMeansError.invalidTolerance(tolerance) }
        guard radiusQuantile > 0, radiusQuantile <= 1 else {
            throw KMeansError.invalidRadiusQuantile(radiusQuantile)
        }
        if let localTrials, localTrials < 1 { throw KMeansError.invalidLocalTrials(localTrials) }
        if case .centroids(let values) = initialization {
            let m = values.count / dimension
            guard values.count % dimension == 0, m >= 1, m <= clusterCount, values.allSatisfy(\.isFinite) else {
                throw KMeansError.invalidInitialCentroids(
                    values: values.count,
                    dimension: dimension,
                    clusters: clusterCount
                )
            }
        }
    }
}
