/// How well each tier answers a topic, in the scenario's score mode.
public enum TopicQuality: Sendable, Equatable {
    /// `scores: {device, edge}` (consistency mode): the distributions of the device's and the edge's consistency
    /// scores; the cloud's score is 1.
    case consistency(device: ScoreDistribution, edge: ScoreDistribution)
    /// `accuracy: {device, edge, cloud}` (absolute mode): each tier's probability of a correct (score 1) answer,
    /// indexed by tier.
    case absolute(accuracy: [Double])
}
