public import ConsRouteModel

/// A fleet's routing policy as a table carries it: thresholds per cluster plus the novel ones.
public struct ThresholdPolicy: Sendable, Equatable {
    /// The thresholds of cluster `c` at index `c`.
    public var clusterThresholds: [ThresholdPair]
    /// The thresholds for novel samples (conservative, cloud-leaning by default).
    public var novelThresholds: ThresholdPair

    /// Creates a policy.
    /// - Parameters:
    ///   - clusterThresholds: the thresholds of cluster `c` at index `c`.
    ///   - novelThresholds: the thresholds for novel samples; the default sends them all to the cloud.
    public init(
        clusterThresholds: [ThresholdPair],
        novelThresholds: ThresholdPair = .allCloud
    ) {
        self.clusterThresholds = clusterThresholds
        self.novelThresholds = novelThresholds
    }

    /// The thresholds that apply to a sample of `cluster`, novel or not.
    @inline(__always)
    func thresholds(cluster: Int, isNovel: Bool) -> ThresholdPair {
        isNovel ? novelThresholds : clusterThresholds[cluster]
    }
}
