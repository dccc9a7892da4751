/// The outcome of `ClusterCountSelector.select`.
public struct ClusterCountSelection: Sendable, Equatable {
    /// The chosen number of clusters.
    public let clusterCount: Int
    /// The sampled mean silhouette of every candidate k.
    public let scores: [Int: Double]
    /// The fit with the chosen k.
    public let result: KMeansResult
}
