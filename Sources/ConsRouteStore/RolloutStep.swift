/// A step of a staged rollout, as stored in `rollout_event.step`.
public enum RolloutStep: String, Sendable, Hashable, CaseIterable {
    /// A table was published as a canary to a cohort.
    case started
    /// The canary's content was published as the active table.
    case promoted
    /// The canary was withdrawn and the previous active content published again.
    case rolledBack = "rolled_back"
}
