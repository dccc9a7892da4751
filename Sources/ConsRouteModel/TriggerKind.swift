/// Why a tuning ran, the one spelling the pipeline, the history, the metrics and the CLI share: `bootstrap`,
/// `drift`, `schedule` or `operator` (the raw values are what history stores, metrics label and the CLI shows).
public enum TriggerKind: String, Sendable, Hashable, CaseIterable {
    /// No table yet and enough data: the first table.
    case bootstrap
    /// One or more drift events.
    case drift
    /// The periodic (or data-growth) re-tune.
    case schedule
    /// An operator asked (`POST /retune`, a rollback).
    case operatorRequest = "operator"
}
