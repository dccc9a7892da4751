import ConsRouteModel
import ConsRouteStore

extension HistoryListing {
    /// One row per tuning decision: when, which run and trigger, the result with the version published or the
    /// reason nothing was, the proposal's predicted ratios against all-cloud routing, and the data window.
    /// - Parameters:
    ///   - decisions: The decisions, newest first.
    ///   - limit: The most rows to show.
    static func decisions(_ decisions: [TuningDecisionRecord], limit: Int?) -> HistoryListing {
        let rows = decisions.map { decision in
            [
                HistoryField("decided_at_ms", "decided", .time(decision.decidedAt)),
                HistoryField("fleet", "fleet", .text(decision.fleet)),
                HistoryField("run_id", "run", .text(decision.runID)),
                HistoryField("trigger", "trigger", .text(decision.trigger.kind.rawValue)),
                HistoryField.jsonOnly("trigger_ref", .text(decision.trigger.detail)),
                HistoryField("result", "result", .text(decision.result.rawValue)),
                HistoryField("table_version", "version", .integer(decision.tableVersion.map(Int64.init))),
                HistoryField("quality_ratio", "quality", .number(decision.qualityRatio)),
                HistoryField("latency_ratio", "latency", .number(decision.latencyRatio)),
                HistoryField("cost_ratio", "cost", .number(decision.costRatio)),
                HistoryField("quality_lower_bound", "q bound", .number(decision.candidate?.qualityLowerBound)),
                HistoryField.jsonOnly("objective", .number(decision.candidate?.objective)),
                HistoryField("current_quality_ratio", "in force q", .number(decision.current?.qualityRatio)),
                HistoryField.jsonOnly("current_quality_lower_bound", .number(decision.current?.qualityLowerBound)),
                HistoryField.jsonOnly("current_latency_ratio", .number(decision.current?.latencyRatio)),
                HistoryField("current_cost_ratio", "in force cost", .number(decision.current?.costRatio)),
                HistoryField.jsonOnly("current_objective", .number(decision.current?.objective)),
                HistoryField("basis", "basis", .text(decision.basis)),
                HistoryField.jsonOnly("alpha", .number(decision.alpha)),
                HistoryField.jsonOnly("window_start_ms", .time(decision.window.start)),
                HistoryField.jsonOnly("window_end_ms", .time(decision.window.end)),
                HistoryField.jsonOnly("window_first_offset", .integer(decision.window.firstOffset)),
                HistoryField.jsonOnly("window_end_offset", .integer(decision.window.endOffset)),
                HistoryField("reason", "reason", .text(decision.reason.isEmpty ? nil : decision.reason)),
            ]
        }
        return HistoryListing(rows: rows, limit: limit, noun: "tuning decisions")
    }
}
