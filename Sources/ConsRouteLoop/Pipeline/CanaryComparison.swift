public import ConsRouteModel

/// The sequential test of a canary against its control (docs/design.md §6.7): per arm, the mean of the per-sample objective
/// (`CanaryObjective`) over the shadow samples of devices that applied that arm's table, with an anytime-valid
/// confidence sequence (`EmpiricalBernsteinBound`, each arm at `alpha / 2`) that may be looked at after every batch.
///
/// The difference canary − control lies in [lower, upper] = [canary's lower − control's upper, canary's upper −
/// control's lower] at all times with probability at least 1 − alpha. Hence:
/// - promote when both arms have `minimumSamples` and lower >= −margin (non-inferior): a canary worse than the
///   margin is promoted with probability at most alpha;
/// - roll back when upper < −margin (inferior): a canary within the margin is rolled back with probability at most
///   alpha;
/// - roll back when neither happened within `maximumDurationMs` (the conservative default).
public struct CanaryComparison: Sendable {
    /// Which table a sample's device applied.
    public enum Arm: String, Sendable, CaseIterable {
        case canary
        case control
    }

    /// What the test concludes at a look.
    public enum Verdict: Sendable, Equatable {
        /// Not enough evidence either way yet.
        case undecided
        /// The canary is not worse than the control by more than the margin.
        case promote
        /// The canary is worse than the control by more than the margin.
        case inferior
        /// No decision within the maximum duration.
        case timedOut
    }

    /// One arm's running count, mean and sum of squared deviations (Welford).
    public struct ArmStatistics: Sendable, Equatable {
        /// Values added.
        public private(set) var count = 0
        /// Their mean (0 without values).
        public private(set) var mean = 0.0
        private var squaredDeviations = 0.0

        /// No samples.
        public init() {}

        /// The unbiased sample variance (0 below two samples).
        public var variance: Double { count > 1 ? squaredDeviations / Double(count - 1) : 0 }

        /// Adds one value.
        public mutating func add(_ value: Double) {
            count += 1
            let delta = value - mean
            mean += delta / Double(count)
            squaredDeviations += delta * (value - mean)
        }
    }

    /// The test's state at a look, as history records it.
    public struct Figures: Sendable, Equatable {
        /// The canary arm.
        public var canary: ArmStatistics
        /// The control arm.
        public var control: ArmStatistics
        /// The lower and upper confidence bounds of mean(canary) − mean(control).
        public var lowerBound: Double
        public var upperBound: Double
    }

    /// Minimum samples, maximum duration, alpha and margin.
    public let settings: CanaryRolloutSettings
    /// What each sample scores.
    public let objective: CanaryObjective
    /// Samples of devices that applied the canary.
    public private(set) var canary = ArmStatistics()
    /// Samples of devices that applied the active table.
    public private(set) var control = ArmStatistics()

    /// - Parameters:
    ///   - settings: minimum samples, maximum duration, alpha and margin.
    ///   - objective: the per-sample objective.
    public init(settings: CanaryRolloutSettings, objective: CanaryObjective) {
        self.settings = settings
        self.objective = objective
    }

    /// Adds one shadow sample of a device that applied `arm`'s table and routed it to `tier`.
    public mutating func add(_ outcome: ShadowOutcome, servedBy tier: Tier, arm: Arm) {
        add(objective.value(outcome, servedBy: tier), arm: arm)
    }

    /// Adds one per-sample objective value (clipped to the objective's bounds) to `arm`.
    public mutating func add(_ value: Double, arm: Arm) {
        let bounded = min(max(value, objective.bounds.lowerBound), objective.bounds.upperBound)
        switch arm {
        case .canary: canary.add(bounded)
        case .control: control.add(bounded)
        }
    }

    /// The current means, counts and bounds.
    public var figures: Figures {
        let (canaryLow, canaryHigh) = interval(canary)
        let (controlLow, controlHigh) = interval(control)
        return Figures(
            canary: canary,
            control: control,
            lowerBound: canaryLow - controlHigh,
            upperBound: canaryHigh - controlLow
        )
    }

    /// The verdict after `elapsedMs` since the canary started.
    public func verdict(elapsedMs: Int64) -> Verdict {
        let figures = figures
        let enough = canary.count >= settings.minimumSamples && control.count >= settings.minimumSamples
        if enough, figures.lowerBound >= -settings.margin { return .promote }
        if figures.upperBound < -settings.margin { return .inferior }
        if elapsedMs >= settings.maximumDurationMs { return .timedOut }
        return .undecided
    }

    /// One arm's confidence interval for its mean, within the objective's bounds.
    private func interval(_ arm: ArmStatistics) -> (Double, Double) {
        let bounds = objective.bounds
        let width = bounds.upperBound - bounds.lowerBound
        guard arm.count >= 2 else { return (bounds.lowerBound, bounds.upperBound) }
        let radius = EmpiricalBernsteinBound.radius(
            count: arm.count,
            variance: arm.variance,
            range: width,
            delta: settings.alpha / 2
        )
        return (max(bounds.lowerBound, arm.mean - radius), min(bounds.upperBound, arm.mean + radius))
    }
}
