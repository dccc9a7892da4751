import ConsRouteLoop
import ConsRouteModel
import ConsRouteTuning
package import Prometheus
import Synchronization

/// The controller's metrics (docs/design.md §10), in the registry the distribution API's `/metrics` emits. The names and
/// labels are a contract with `dashboards/`: see the metrics table in docs/operations.md.
///
/// Every series a dashboard panel reads is created at start with its zero value (known fleets, tiers, detector
/// kinds, rejection reasons), so a panel shows 0 rather than "no data" before the first event of its kind.
package final class ControllerMetrics: Sendable {
    package let registry: PrometheusCollectorRegistry
    private let fleets: [String]
    /// Cumulative totals already reported, so counters advance by the difference of two snapshots.
    private let reported = Mutex<[String: Double]>([:])

    /// The tuning-run durations' buckets, in seconds.
    static let durationBuckets: [Double] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]

    /// Metrics for `fleets`, every series created at zero.
    ///
    /// - Parameters:
    ///   - registry: the registry `/metrics` emits.
    ///   - fleets: the configured fleets.
    package init(registry: PrometheusCollectorRegistry, fleets: [String]) {
        self.registry = registry
        self.fleets = fleets
        for result in ["accepted", "duplicate", "dead_lettered", "replayed", "lost"] {
            messages(result).increment(by: Int64(0))
        }
        for reason in TelemetryRejection.allCodes { rejections(reason).increment(by: Int64(0)) }
        batches.increment(by: Int64(0))
        for fleet in fleets {
            for kind in Self.driftKinds {
                driftEvents(fleet: fleet, kind: kind).increment(by: Int64(0))
                driftStatistic(fleet: fleet, detector: kind).set(0.0)
            }
            for trigger in TriggerKind.allCases.map(\.rawValue) {
                for result in ["published", "rejected", "failed"] {
                    tuningRuns(fleet: fleet, trigger: trigger, result: result).increment(by: Int64(0))
                }
            }
            tablesPublished(fleet: fleet).increment(by: Int64(0))
            // Histograms exported at zero from the start, so the first run is an increase Prometheus can see.
            _ = reclusterDuration(fleet: fleet)
            _ = optimiserDuration(fleet: fleet)
            for result in ["applied", "rejected"] { acks(fleet: fleet, result: result).increment(by: Int64(0)) }
            acknowledgedShare(fleet: fleet).set(0.0)
            canaryVersion(fleet: fleet).set(0.0)
            for arm in CanaryComparison.Arm.allCases { canarySamples(fleet: fleet, arm: arm.rawValue).set(0.0) }
            for step in ["promoted", "rolled_back"] {
                for initiator in ["controller", "operator"] {
                    canaryDecisions(fleet: fleet, step: step, initiator: initiator).increment(by: Int64(0))
                }
            }
        }
    }

    static let driftKinds = ["occupancy", "novelty", "outcome", "latency", "cost"]

    // MARK: Ingest

    func messages(_ result: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("ingest_messages_total", "Telemetry messages consumed, by result."),
            labels: [("result", result)]
        )
    }

    func rejections(_ reason: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name(
                "ingest_rejections_total",
                "Telemetry messages rejected, by reason code (duplicates too)."
            ),
            labels: [("reason", reason)]
        )
    }

    var batches: Counter {
        registry.makeCounter(
            descriptor: Self.name("ingest_batches_total", "Telemetry batches stored (one transaction each).")
        )
    }

    /// Advances the ingest counters to the service's cumulative totals.
    package func recordIngest(_ counters: IngestService.Counters) {
        advance("batches", to: counters.batches, counter: batches)
        advance("accepted", to: counters.accepted, counter: messages("accepted"))
        advance("replayed", to: counters.replayed, counter: messages("replayed"))
        advance("dead_lettered", to: counters.deadLettered, counter: messages("dead_lettered"))
        advance("duplicate", to: counters.rejections["duplicate"] ?? 0, counter: messages("duplicate"))
        advance("lost", to: counters.lost, counter: messages("lost"))
        for (reason, count) in counters.rejections {
            advance("reason.\(reason)", to: count, counter: rejections(reason))
        }
    }

    /// Sets the consumer lag of `topic`, in messages.
    package func consumerLag(topic: String, messages: Int64) {
        registry.makeGauge(
            descriptor: Self.name(
                "consumer_lag_messages",
                "Messages between the consumer's position and the partition ends."
            ),
            labels: [("topic", topic)]
        ).set(Double(messages))
    }

    private func advance(_ key: String, to total: Int, counter: Counter) {
        let delta = reported.withLock { reported -> Double in
            let delta = Double(total) - (reported[key] ?? 0)
            if delta > 0 { reported[key] = Double(total) }
            return delta
        }
        if delta > 0 { counter.increment(by: delta) }
    }

    // MARK: Drift and tuning

    func driftEvents(fleet: String, kind: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("drift_events_total", "Drift events detected, by fleet and detector kind."),
            labels: [("fleet", fleet), ("kind", kind)]
        )
    }

    func driftStatistic(fleet: String, detector: String) -> Gauge {
        registry.makeGauge(
            descriptor: Self.name(
                "drift_statistic",
                "Each detector family's current statistic over its alarm threshold (1 = alarm)."
            ),
            labels: [("fleet", fleet), ("detector", detector)]
        )
    }

    func tuningRuns(fleet: String, trigger: String, result: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name(
                "tuning_runs_total",
                "Tuning runs, by trigger and result (published, rejected, failed)."
            ),
            labels: [("fleet", fleet), ("trigger", trigger), ("result", result)]
        )
    }

    func reclusterDuration(fleet: String) -> ValueHistogram {
        registry.makeValueHistogram(
            descriptor: Self.name("recluster_duration_seconds", "Re-clustering wall time."),
            labels: [("fleet", fleet)],
            buckets: Self.durationBuckets
        )
    }

    func optimiserDuration(fleet: String) -> ValueHistogram {
        registry.makeValueHistogram(
            descriptor: Self.name("optimiser_duration_seconds", "Threshold optimisation wall time (all clusters)."),
            labels: [("fleet", fleet)],
            buckets: Self.durationBuckets
        )
    }

    func tablesPublished(fleet: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("tables_published_total", "Tables published, rollbacks included."),
            labels: [("fleet", fleet)]
        )
    }

    // MARK: Acknowledgements

    func acks(fleet: String, result: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name("table_acks_total", "Table acknowledgements from devices, by result."),
            labels: [("fleet", fleet), ("result", result)]
        )
    }

    func acknowledgedShare(fleet: String) -> Gauge {
        registry.makeGauge(
            descriptor: Self.name(
                "table_acknowledged_share",
                "Devices whose latest acknowledgement applied the active version, over devices that acknowledged any."
            ),
            labels: [("fleet", fleet)]
        )
    }

    /// 1 while this replica owns the fleet (tunes and publishes it), else 0 (docs/design.md §9).
    func fleetOwned(fleet: String) -> Gauge {
        registry.makeGauge(
            descriptor: Self.name(
                "fleet_owned",
                "1 while this replica owns the fleet (tunes and publishes it), else 0."
            ),
            labels: [("fleet", fleet)]
        )
    }

    // MARK: Canary rollout

    func canaryVersion(fleet: String) -> Gauge {
        registry.makeGauge(
            descriptor: Self.name("canary_version", "Version of the canary under test (0 when none runs)."),
            labels: [("fleet", fleet)]
        )
    }

    func canaryDecisions(fleet: String, step: String, initiator: String) -> Counter {
        registry.makeCounter(
            descriptor: Self.name(
                "canary_decisions_total",
                "Canaries ended, by step (promoted, rolled_back) and initiator (controller, operator)."
            ),
            labels: [("fleet", fleet), ("step", step), ("initiator", initiator)]
        )
    }

    func canarySamples(fleet: String, arm: String) -> Gauge {
        registry.makeGauge(
            descriptor: Self.name(
                "canary_samples",
                "Shadow samples in each arm of the running canary's test (0: none runs)."
            ),
            labels: [("fleet", fleet), ("arm", arm)]
        )
    }

    /// Publishes the running canary's test: samples and mean objective per arm, and the bounds of the difference;
    /// without a canary, zero samples (the means and bounds keep the last canary's values).
    package func recordCanary(_ run: CanaryRun?, fleet: String) {
        guard let run else {
            for arm in CanaryComparison.Arm.allCases { canarySamples(fleet: fleet, arm: arm.rawValue).set(0.0) }
            return
        }
        let figures = run.comparison.figures
        for (arm, statistics) in [("canary", figures.canary), ("control", figures.control)] {
            let labels = [("fleet", fleet), ("arm", arm)]
            canarySamples(fleet: fleet, arm: arm).set(Double(statistics.count))
            registry.makeGauge(
                descriptor: Self.name(
                    "canary_mean_objective",
                    "Mean per-sample objective of each arm of the canary's test."
                ),
                labels: labels
            ).set(statistics.mean)
        }
        for (bound, value) in [("lower", figures.lowerBound), ("upper", figures.upperBound)] {
            registry.makeGauge(
                descriptor: Self.name(
                    "canary_difference_bound",
                    "Confidence bounds of mean objective canary - control (anytime-valid)."
                ),
                labels: [("fleet", fleet), ("bound", bound)]
            ).set(value)
        }
    }

    // MARK: Outcomes

    /// Publishes a fleet's snapshot: drift levels, predicted and observed ratios, tier shares, latency and cost.
    package func record(_ snapshot: FleetLoop.Snapshot, fleet: String) {
        if let levels = snapshot.driftLevels {
            let values = [levels.occupancy, levels.novelty, levels.outcome, levels.latency, levels.cost]
            for (kind, value) in zip(Self.driftKinds, values) {
                driftStatistic(fleet: fleet, detector: kind).set(value)
            }
        }
        if let expected = snapshot.expected {
            ratio("quality_ratio", fleet: fleet, source: "predicted").set(expected.qualityRatio)
            ratio("latency_ratio", fleet: fleet, source: "predicted").set(expected.latencyRatio)
            ratio("cost_ratio", fleet: fleet, source: "predicted").set(expected.costRatio)
        }
        let recent = snapshot.recent
        if let value = recent.qualityRatio { ratio("quality_ratio", fleet: fleet, source: "observed").set(value) }
        if let value = recent.latencyRatio { ratio("latency_ratio", fleet: fleet, source: "observed").set(value) }
        if let value = recent.costRatio { ratio("cost_ratio", fleet: fleet, source: "observed").set(value) }
        for tier in Tier.allCases {
            let labels = [("fleet", fleet), ("tier", tier.description)]
            registry.makeGauge(
                descriptor: Self.name("tier_share", "Share of recent events served by each tier."),
                labels: labels
            ).set(recent.share(tier))
            if let latency = recent.meanLatencyMs(tier) {
                registry.makeGauge(
                    descriptor: Self.name("observed_latency_ms", "Mean latency of recent events, by serving tier."),
                    labels: labels
                ).set(latency)
            }
            if let cost = recent.meanCost(tier) {
                registry.makeGauge(
                    descriptor: Self.name("observed_cost", "Mean cost of recent events, by serving tier."),
                    labels: labels
                ).set(cost)
            }
        }
    }

    private func ratio(_ metric: String, fleet: String, source: String) -> Gauge {
        registry.makeGauge(
            descriptor: Self.name(
                metric,
                "Relative to all-cloud: predicted by the active table, observed on shadow samples."
            ),
            labels: [("fleet", fleet), ("source", source)]
        )
    }

    static func name(_ metric: String, _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "consroute", metricName: metric, unitName: "", helpText: help)
    }
}
