package import ConsRouteLoop

/// A canary in progress: its version, the active table it is compared with, and the comparison so far.
package struct CanaryRun: Sendable {
    /// The canary table's version.
    package var version: UInt64
    /// The active (control) table's version.
    package var controlVersion: UInt64
    /// The cohort's share of devices, 0...100.
    package var percent: Double
    /// When the canary was published, Unix milliseconds (the maximum duration counts from here).
    package var startedAtMs: Int64
    /// The sequential test's state.
    package var comparison: CanaryComparison
    /// A deferred tuning was already logged for this canary.
    var deferralLogged = false

    /// - Parameters:
    ///   - version: the canary's version.
    ///   - controlVersion: the active version it is compared with.
    ///   - percent: the cohort share.
    ///   - startedAtMs: its publication time.
    ///   - comparison: a fresh comparison.
    package init(
        version: UInt64,
        controlVersion: UInt64,
        percent: Double,
        startedAtMs: Int64,
        comparison: CanaryComparison
    ) {
        self.version = version
        self.controlVersion = controlVersion
        self.percent = percent
        self.startedAtMs = startedAtMs
        self.comparison = comparison
    }
}
