/// Which cluster each shadow sample fell into, and whether the router saw it as novel.
///
/// A novel sample (squared distance above its cluster's `radius2`, docs/design.md §3) is routed with the
/// table's novel thresholds instead of its cluster's.
public struct ClusterAssignment: Sendable, Equatable {
    /// The nearest cluster of each sample.
    public var cluster: [Int]
    /// Whether each sample is novel.
    public var isNovel: [Bool]

    /// Creates an assignment.
    /// - Parameters:
    ///   - cluster: the nearest cluster of each sample.
    ///   - isNovel: whether each sample is novel; empty means no sample is novel.
    public init(cluster: [Int], isNovel: [Bool] = []) {
        self.cluster = cluster
        self.isNovel = isNovel.isEmpty ? Array(repeating: false, count: cluster.count) : isNovel
    }
}
