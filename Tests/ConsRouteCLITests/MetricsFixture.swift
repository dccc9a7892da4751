import Foundation

/// Every metric the controller exports (the names and labels of the dashboard contract), as an OpenMetrics
/// file with one sample every 5 s over a span ending at a given time, for `promtool tsdb create-blocks-from`.
///
/// Counters and histograms grow at every sample, so rates, increases and quantiles have data; gauges hold
/// plausible values.
enum MetricsFixture {
    private struct Family {
        var name: String
        var type: String
        var series: [[(String, String)]]
    }

    private static func labels(_ pairs: [(String, [String])]) -> [[(String, String)]] {
        pairs.reduce([[]]) { combinations, pair in
            combinations.flatMap { prefix in pair.1.map { prefix + [(pair.0, $0)] } }
        }
    }

    private static let fleets = ("fleet", ["phones", "tv"])

    private static let families: [Family] = [
        Family(
            name: "consroute_ingest_messages",
            type: "counter",
            series: labels([("result", ["accepted", "duplicate", "dead_lettered", "replayed"])])
        ),
        Family(
            name: "consroute_ingest_rejections",
            type: "counter",
            series: labels([("reason", ["malformed", "wrong_dimension"])])
        ),
        Family(name: "consroute_ingest_batches", type: "counter", series: [[]]),
        Family(
            name: "consroute_consumer_lag_messages",
            type: "gauge",
            series: labels([("topic", ["consroute.telemetry", "consroute.acks"])])
        ),
        Family(
            name: "consroute_drift_statistic",
            type: "gauge",
            series: labels([fleets, ("detector", ["occupancy", "novelty", "outcome", "latency", "cost"])])
        ),
        Family(
            name: "consroute_drift_events",
            type: "counter",
            series: labels([fleets, ("kind", ["occupancy", "novelty", "outcome", "latency", "cost"])])
        ),
        Family(name: "consroute_recluster_duration_seconds", type: "histogram", series: labels([fleets])),
        Family(name: "consroute_optimiser_duration_seconds", type: "histogram", series: labels([fleets])),
        Family(
            name: "consroute_tuning_runs",
            type: "counter",
            series: labels([
                fleets, ("trigger", ["bootstrap", "drift", "schedule", "operator"]),
                ("result", ["published", "rejected", "failed"]),
            ])
        ),
        Family(name: "consroute_tables_published", type: "counter", series: labels([fleets])),
        Family(
            name: "consroute_table_version",
            type: "gauge",
            series: labels([fleets, ("stage", ["active", "canary"])])
        ),
        Family(name: "consroute_canary_version", type: "gauge", series: labels([fleets])),
        Family(
            name: "consroute_canary_samples",
            type: "gauge",
            series: labels([fleets, ("arm", ["canary", "control"])])
        ),
        Family(
            name: "consroute_canary_decisions",
            type: "counter",
            series: labels([fleets, ("step", ["promoted", "rolled_back"]), ("initiator", ["controller", "operator"])])
        ),
        Family(name: "consroute_table_acknowledged_share", type: "gauge", series: labels([fleets])),
        Family(
            name: "consroute_table_acks",
            type: "counter",
            series: labels([fleets, ("result", ["applied", "rejected"])])
        ),
        Family(
            name: "consroute_quality_ratio",
            type: "gauge",
            series: labels([fleets, ("source", ["predicted", "observed"])])
        ),
        Family(
            name: "consroute_latency_ratio",
            type: "gauge",
            series: labels([fleets, ("source", ["predicted", "observed"])])
        ),
        Family(
            name: "consroute_cost_ratio",
            type: "gauge",
            series: labels([fleets, ("source", ["predicted", "observed"])])
        ),
        Family(
            name: "consroute_tier_share",
            type: "gauge",
            series: labels([fleets, ("tier", ["device", "edge", "cloud"])])
        ),
        Family(
            name: "consroute_observed_latency_ms",
            type: "gauge",
            series: labels([fleets, ("tier", ["device", "edge", "cloud"])])
        ),
        Family(
            name: "consroute_observed_cost",
            type: "gauge",
            series: labels([fleets, ("tier", ["device", "edge", "cloud"])])
        ),
        Family(name: "consroute_subscribers", type: "gauge", series: labels([fleets, ("kind", ["sse", "longpoll"])])),
        Family(
            name: "consroute_http_requests",
            type: "counter",
            series: labels([("route", ["/v1/fleets/{fleet}/table", "/metrics"]), ("status", ["200", "304"])])
        ),
    ]

    /// The OpenMetrics text.
    /// - Parameters:
    ///   - end: The last sample's time, unix seconds.
    ///   - samples: Samples per series, 5 s apart.
    static func openMetrics(endingAt end: Int64, samples: Int) -> String {
        var lines: [String] = []
        for family in families {
            lines.append("# TYPE \(family.name) \(family.type)")
            for labelSet in family.series {
                for step in 0..<samples {
                    let time = end - Int64(5 * (samples - 1 - step))
                    lines += points(family, labelSet, step: step, time: time)
                }
            }
        }
        lines.append("# EOF")
        return lines.joined(separator: "\n") + "\n"
    }

    private static func points(_ family: Family, _ labelSet: [(String, String)], step: Int, time: Int64) -> [String] {
        func sample(_ suffix: String, _ extra: [(String, String)], _ value: Double) -> String {
            let pairs = (labelSet + extra).map { "\($0.0)=\"\($0.1)\"" }.joined(separator: ",")
            return "\(family.name)\(suffix)\(pairs.isEmpty ? "" : "{\(pairs)}") \(value) \(time)"
        }
        switch family.type {
        case "counter":
            return [sample("_total", [], Double(step * 7))]
        case "histogram":
            let bounds = [("0.1", 1), ("1.0", 2), ("10.0", 3), ("+Inf", 3)]
            return bounds.map { sample("_bucket", [("le", $0.0)], Double(step * $0.1)) }
                + [sample("_count", [], Double(step * 3)), sample("_sum", [], Double(step) * 4.2)]
        default:
            return [sample("", [], 0.5 + Double(step % 10) / 20)]
        }
    }
}
