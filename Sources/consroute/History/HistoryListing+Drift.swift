import ConsRouteModel
import ConsRouteStore

extension HistoryListing {
    /// One row per drift event: when, which detector on which signal (cluster, tier), the statistic against its
    /// threshold, the data window, and what the controller did.
    /// - Parameters:
    ///   - events: The events, newest first.
    ///   - limit: The most rows to show.
    static func drift(_ events: [DriftEventRecord], limit: Int?) -> HistoryListing {
        let rows = events.map { event in
            [
                HistoryField("detected_at_ms", "detected", .time(event.detectedAt)),
                HistoryField("fleet", "fleet", .text(event.fleet)),
                HistoryField("id", "id", .text(event.id)),
                HistoryField("signal", "signal", .text(event.signal)),
                HistoryField("detector", "detector", .text(event.detector)),
                HistoryField("cluster", "cluster", .integer(event.cluster.map(Int64.init))),
                HistoryField("tier", "tier", .text(event.tier?.description)),
                HistoryField("statistic", "statistic", .number(event.statistic)),
                HistoryField("threshold", "threshold", .number(event.threshold)),
                HistoryField.textOnly("stat/thr", .number(ratio(event.statistic, event.threshold))),
                HistoryField("action", "action", .text(event.action)),
                HistoryField("window_start_ms", "window from", .time(event.window.start)),
                HistoryField("window_end_ms", "window to", .time(event.window.end)),
                HistoryField.jsonOnly("window_first_offset", .integer(event.window.firstOffset)),
                HistoryField.jsonOnly("window_end_offset", .integer(event.window.endOffset)),
            ]
        }
        return HistoryListing(rows: rows, limit: limit, noun: "drift events")
    }

    /// `numerator / denominator`, or nil when the denominator is zero.
    static func ratio(_ numerator: Double, _ denominator: Double) -> Double? {
        denominator == 0 ? nil : numerator / denominator
    }
}
