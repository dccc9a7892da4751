/// The lifecycle state of a stored threshold table.
///
/// At most one table per fleet is `active` and at most one is `canary`; the store enforces this with
/// partial unique indexes and by superseding the previous holder when a table takes either state.
public enum TableStatus: String, Sendable, Hashable, CaseIterable {
    /// Applied by the canary cohort of a staged rollout.
    case canary
    /// Applied by every device outside a canary cohort.
    case active
    /// Replaced by a later table.
    case superseded
    /// Withdrawn after a failed canary or an operator rollback.
    case rolledBack = "rolled_back"
}
