import ConsRouteModel
import ConsRouteStore

extension HistoryListing {
    /// Which runs a `runs` listing holds.
    enum RunKind: String, CaseIterable {
        /// Re-clusterings.
        case recluster
        /// Threshold optimisations.
        case optimiser
    }

    /// One row per run, newest first. With one kind the table has that kind's columns; with both, the common
    /// columns and a one-line summary (JSON always has every member of the row's kind, and `kind`).
    /// - Parameters:
    ///   - reclusters: Re-cluster runs, newest first.
    ///   - optimisers: Optimiser runs, newest first.
    ///   - kinds: The kinds asked for.
    ///   - limit: The most rows to show.
    static func runs(
        reclusters: [ReclusterRunRecord],
        optimisers: [OptimiserRunRecord],
        kinds: Set<RunKind>,
        limit: Int?
    ) -> HistoryListing {
        let mixed = kinds.count > 1
        var dated: [(startedAt: Int64, id: String, row: [HistoryField])] = []
        dated += reclusters.map { ($0.startedAt, $0.id, reclusterRow($0, mixed: mixed)) }
        dated += optimisers.map { ($0.startedAt, $0.id, optimiserRow($0, mixed: mixed)) }
        dated.sort { ($0.startedAt, $0.id) > ($1.startedAt, $1.id) }
        return HistoryListing(rows: dated.map(\.row), limit: limit, noun: "runs")
    }

    /// One row per trial of an optimiser run, by iteration, the best objective marked.
    /// - Parameters:
    ///   - trials: The trials, by iteration.
    ///   - runID: The run they belong to.
    ///   - limit: The most rows to show (the first iterations), or nil for all.
    static func trials(_ trials: [OptimiserTrialRecord], runID: String, limit: Int?) -> HistoryListing {
        let best = trials.max { $0.objective < $1.objective }?.iteration
        let rows = trials.map { trial in
            [
                HistoryField("run_id", "run", .text(runID)),
                HistoryField("iteration", "iteration", .integer(Int64(trial.iteration))),
                HistoryField("t_device", "t_device", .number(trial.tDevice)),
                HistoryField("t_edge", "t_edge", .number(trial.tEdge)),
                HistoryField("objective", "objective", .number(trial.objective)),
                HistoryField.textOnly("best", .text(trial.iteration == best ? "*" : "")),
            ]
        }
        return HistoryListing(rows: rows, limit: limit, noun: "trials")
    }

    private static func reclusterRow(_ run: ReclusterRunRecord, mixed: Bool) -> [HistoryField] {
        let summary =
            "k \(run.kBefore)->\(run.kAfter), \(run.matchedClusters.count) kept, \(run.newClusters.count) new, "
            + "\(run.retiredClusters.count) retired, inertia \(format(run.inertia))"
        let detail: [HistoryField] = [
            HistoryField("k_before", "k before", .integer(Int64(run.kBefore))),
            HistoryField("k_after", "k after", .integer(Int64(run.kAfter))),
            HistoryField("inertia", "inertia", .number(run.inertia)),
            HistoryField("matched_clusters", "kept", .ids(run.matchedClusters)),
            HistoryField("new_clusters", "new", .ids(run.newClusters)),
            HistoryField("retired_clusters", "retired", .ids(run.retiredClusters)),
            HistoryField("window_start_ms", "window from", .time(run.window.start)),
            HistoryField("window_end_ms", "window to", .time(run.window.end)),
        ]
        return commonFields("recluster", run.id, run.fleet, run.startedAt, run.duration, run.trigger)
            + (mixed ? [.textOnly("summary", .text(summary))] + detail.map(jsonOnly) : detail)
    }

    private static func optimiserRow(_ run: OptimiserRunRecord, mixed: Bool) -> [HistoryField] {
        let scope = run.cluster.map { "cluster \($0)" } ?? "fleet"
        let summary =
            "\(scope) \(run.engine): t_device \(format(run.tDevice)), t_edge \(format(run.tEdge)), "
            + "U \(format(run.objective)), quality \(format(run.qualityRatio))"
        let detail: [HistoryField] = [
            HistoryField("cluster", "cluster", .integer(run.cluster.map(Int64.init))),
            HistoryField("engine", "engine", .text(run.engine)),
            HistoryField("t_device", "t_device", .number(run.tDevice)),
            HistoryField("t_edge", "t_edge", .number(run.tEdge)),
            HistoryField("objective", "objective", .number(run.objective)),
            HistoryField("quality_ratio", "quality", .number(run.qualityRatio)),
            HistoryField("latency_ratio", "latency", .number(run.latencyRatio)),
            HistoryField("cost_ratio", "cost", .number(run.costRatio)),
        ]
        return commonFields("optimiser", run.id, run.fleet, run.startedAt, run.duration, run.trigger)
            + (mixed ? [.textOnly("summary", .text(summary))] + detail.map(jsonOnly) : detail)
    }

    private static func commonFields(
        _ kind: RunKind.RawValue,
        _ id: String,
        _ fleet: String,
        _ startedAt: Int64,
        _ duration: Duration,
        _ trigger: HistoryTrigger
    ) -> [HistoryField] {
        [
            HistoryField("started_at_ms", "started", .time(startedAt)),
            HistoryField("kind", "kind", .text(kind)),
            HistoryField("fleet", "fleet", .text(fleet)),
            HistoryField("id", "id", .text(id)),
            HistoryField("trigger", "trigger", .text(trigger.kind.rawValue)),
            HistoryField.jsonOnly("trigger_ref", .text(trigger.detail)),
            HistoryField("duration_ms", "ms", .number(milliseconds(duration))),
        ]
    }

    private static func jsonOnly(_ field: HistoryField) -> HistoryField {
        HistoryField(key: field.key, header: nil, value: field.value)
    }

    /// A duration in milliseconds, fractional.
    static func milliseconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) * 1_000 + Double(attoseconds) / 1e15
    }
}
