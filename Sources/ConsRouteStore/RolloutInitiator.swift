/// Who took a rollout step, as stored in `rollout_event.initiator`.
public enum RolloutInitiator: String, Sendable, Hashable, CaseIterable {
    /// The controller: a tuning started the canary, or the sequential test (or its time limit) decided.
    case controller
    /// An operator, through `POST /promote` or `/rollback`.
    case `operator`
}
