/// The outcome of a k-means fit: centroids, assignments and per-cluster statistics.
///
/// `radius2[c]` is the `radiusQuantile` quantile (nearest-rank: the ⌈q·m⌉-th smallest of the m member
/// squared distances) of cluster `c`'s members' squared distances to its centroid, so a router calling a
/// query *novel* when its squared distance to the nearest centroid exceeds `radius2` flags about
/// `1 − q` of the clustered data itself. An empty cluster has `radius2 = 0`.
public struct KMeansResult: Sendable, Equatable {
    /// Coordinates per point and per centroid.
    public let dimension: Int
    /// The centroids, row-major `k×d`.
    public let centroids: [Float]
    /// The cluster of each point (consistent with `centroids`).
    public let assignments: [Int32]
    /// Σ over points of the squared distance to its centroid, accumulated in `Double`.
    public let inertia: Double
    /// Lloyd iterations run (for mini-batch k-means: mini-batch steps).
    public let iterations: Int
    /// Whether the loop stopped by convergence (tolerance, unchanged labels, or no improvement) rather
    /// than by its iteration limit.
    public let converged: Bool
    /// Members per cluster.
    public let counts: [Int]
    /// Per-cluster novelty radius (squared distance), see the type's documentation.
    public let radius2: [Float]

    /// The number of clusters `k`.
    public var clusterCount: Int { counts.count }

    /// The coordinates of centroid `cluster`.
    public func centroid(_ cluster: Int) -> ArraySlice<Float> {
        centroids[(cluster * dimension)..<((cluster + 1) * dimension)]
    }
}
