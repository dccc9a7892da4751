/// An operator action of the distribution API: `POST /v1/fleets/{fleet}/{action}` with a bearer token.
public enum AdminAction: String, Sendable, CaseIterable {
    /// Publish a new version with the content of a past one; body `{"to_version": N}`.
    case rollback
    /// Re-optimise the fleet's thresholds now.
    case retune
    /// Stop publishing until `resume`.
    case pause
    /// Resume publishing.
    case resume
    /// Promote the canary to active.
    case promote
}
