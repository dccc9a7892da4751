/// What the score of a tier means in a scenario's shadow samples (docs/design.md §2).
public enum ScoreMode: String, Sendable, Equatable, CaseIterable {
    /// `consistency`: the reranker's consistency of a tier's answer with the cloud's, in [0, 1]; the cloud's is 1.
    /// Topics give `scores: {device, edge}` distributions.
    case consistency
    /// `absolute`: every tier's answer is right (1) or wrong (0), the cloud's too. Topics give
    /// `accuracy: {device, edge, cloud}`; the tiers' correctness is correlated by `tier_correlation`.
    case absolute
}
