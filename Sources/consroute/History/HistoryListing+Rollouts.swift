import ConsRouteStore

extension HistoryListing {
    /// One row per rollout step: when, which fleet and canary against which control, the step, who took it, the
    /// version it published, the test's figures (samples and means per arm, bounds of canary − control) and why.
    /// - Parameters:
    ///   - events: The steps, newest first.
    ///   - limit: The most rows to show.
    static func rollouts(_ events: [RolloutEventRecord], limit: Int?) -> HistoryListing {
        let rows = events.map { event in
            let figures = event.figures
            return [
                HistoryField("decided_at_ms", "decided", .time(event.decidedAt)),
                HistoryField("fleet", "fleet", .text(event.fleet)),
                HistoryField("canary_version", "canary", .integer(Int64(event.canaryVersion))),
                HistoryField("control_version", "control", .integer(Int64(event.controlVersion))),
                HistoryField("percent", "%", .number(event.percent)),
                HistoryField("step", "step", .text(event.step.rawValue)),
                HistoryField("initiator", "by", .text(event.initiator.rawValue)),
                HistoryField("result_version", "version", .integer(event.resultVersion.map(Int64.init))),
                HistoryField("canary_samples", "n canary", .integer(figures?.canarySamples)),
                HistoryField("control_samples", "n control", .integer(figures?.controlSamples)),
                HistoryField("canary_mean", "mean canary", .number(figures?.canaryMean)),
                HistoryField("control_mean", "mean control", .number(figures?.controlMean)),
                HistoryField("lower_bound", "diff low", .number(figures?.lowerBound)),
                HistoryField("upper_bound", "diff high", .number(figures?.upperBound)),
                HistoryField("reason", "reason", .text(event.reason)),
            ]
        }
        return HistoryListing(rows: rows, limit: limit, noun: "rollout steps")
    }
}
