/// The outcome of `ClusterIdentityMatcher.match`.
public struct ClusterIdentityMatch: Sendable, Equatable {
    /// The id of each new centroid, in the new centroids' order.
    public let ids: [UInt32]
    /// Ids given to clusters that matched no previous one, in increasing order.
    public let newIDs: [UInt32]
    /// Previous ids that no new centroid inherited, in the previous order.
    public let retiredIDs: [UInt32]
    /// The smallest id not yet used (saturating at `UInt32.max`); pass it to the next `match` so retired
    /// ids are never reused.
    public let nextID: UInt32
}
