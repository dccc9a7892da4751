/// What a tuning run decided about the table it computed, as stored in `tuning_decision.result`.
public enum TuningDecisionResult: String, Sendable, Hashable, CaseIterable {
    /// The table was signed and published; the decision names its version.
    case published
    /// A guardrail stopped the proposal (for example a predicted quality ratio below `q_min`); nothing was published.
    case rejected
    /// Clustering, optimisation or publication failed; nothing was published.
    case failed
}
