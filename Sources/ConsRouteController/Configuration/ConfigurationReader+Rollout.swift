import ConsRouteLoop
import ConsRouteYAML

extension ConfigurationReader {
    /// A fleet's `rollout` section: canary share, the sequential test's minimum samples, maximum duration, alpha and
    /// non-inferiority margin.
    func readRollout(_ fleet: Mapping, into rollout: inout CanaryRolloutSettings) throws(ConfigurationError) {
        let section = try section(
            fleet,
            "rollout",
            allowed: ["canary_percent", "min_samples", "max_duration_s", "alpha", "margin"]
        )
        rollout.canaryPercent = try double(section, "canary_percent", default: rollout.canaryPercent, in: 0...100)
        rollout.minimumSamples = try int(section, "min_samples", default: rollout.minimumSamples, in: 2...100_000_000)
        rollout.maximumDurationMs = try milliseconds(
            section,
            "max_duration_s",
            defaultSeconds: Double(rollout.maximumDurationMs) / 1_000,
            in: 1...31_536_000
        )
        rollout.alpha = try double(section, "alpha", default: rollout.alpha, in: 1e-9...0.5)
        rollout.margin = try double(section, "margin", default: rollout.margin, in: 0...1)
        if rollout.canaryPercent == 100, let field = value(section, "canary_percent") {
            throw field.invalid("a canary for every device leaves no control to compare with; use 0...99.99")
        }
    }
}
