/// How a fleet rolls out a tuned table (docs/design.md §6.7): at once to every device, or as a canary to a cohort that a
/// sequential test compares with the rest of the fleet before promoting it or rolling it back.
public struct CanaryRolloutSettings: Sendable, Equatable {
    /// The share of devices (0...100) that apply a canary; 0 publishes every table as active at once.
    public var canaryPercent: Double = 0
    /// Shadow samples each arm (canary and control) needs before the test may promote.
    public var minimumSamples = 500
    /// A canary still undecided this long after its start is rolled back (conservative).
    public var maximumDurationMs: Int64 = 21_600_000
    /// The test's error probability: of promoting a canary worse than the margin, and of rolling back one that
    /// is not, each at most `alpha` over every look.
    public var alpha = 0.05
    /// Non-inferiority margin on the mean per-sample objective: a canary at most this much worse still passes.
    public var margin = 0.05

    /// The defaults: canaries disabled.
    public init() {}

    /// Whether tuned tables go out as canaries.
    public var isEnabled: Bool { canaryPercent > 0 }
}
