import ConsRouteSimulation
import Foundation

/// `replay`: the offline backtest of the whole control loop on the built-in drift scenario
/// (`config/scenarios/drift.yaml`: d = 64, 1,000,000 events, or `--limit` events), generated on the fly.
///
/// One line: the median wall time of the replay (generation, routing of every policy, the pipeline's drift
/// detection and tunings, the oracle's per-window sweeps), and the report's headline numbers. Target: <= 60 s.
enum ReplayBenchmark {
    /// The scenario file, found from this source file's place in the repository (or the working directory).
    static func scenarioPath() throws -> String {
        let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        for candidate in [
            repository.appendingPathComponent("config/scenarios/drift.yaml").path, "config/scenarios/drift.yaml",
        ]
        where FileManager.default.fileExists(atPath: candidate) {
            return candidate
        }
        throw BenchError("config/scenarios/drift.yaml not found (run from the repository root)")
    }

    static func run(_ context: BenchContext) throws {
        var scenario = try ScenarioLoader().load(path: scenarioPath())
        if let limit = context.limit { scenario.events = min(scenario.events, limit) }
        let timing = try context.timed { () throws -> ReplayReport in
            var generator = ScenarioGenerator(scenario: scenario)
            return try ReplayRunner(settings: ReplaySettings(scenario: scenario)).run(
                &generator,
                phases: scenario.phases
            )
        }
        let report = timing.result
        func headline(_ figures: PolicyFigures) -> [String: Any] {
            [
                "quality_ratio": rounded(figures.qualityRatio, 4), "latency_ratio": rounded(figures.latencyRatio, 4),
                "cost_ratio": rounded(figures.costRatio, 4), "objective": rounded(figures.objective, 4),
            ]
        }
        context.emit([
            "workload": "replay", "peer": "consroute.replay", "dataset": "scenario:drift",
            "params": [
                "events": scenario.events, "d": scenario.dimension, "topics": scenario.topics.count,
                "shadow_rate": scenario.shadowRate, "window": report.windowEvents,
            ],
            "wall_s": rounded(timing.median, 3), "walls_s": timing.walls.map { rounded($0, 3) },
            "repeats": context.repeats, "warmup": context.warmup,
            "events_per_s": rounded(Double(report.events) / timing.median, 0),
            "policy": headline(report.policy), "static": headline(report.baselines.static),
            "oracle": headline(report.baselines.oracle), "all_device": headline(report.baselines.allDevice),
            "tables": report.tables.count, "tuning_failures": report.tuningFailures.count,
            "drift_events": report.driftEvents.count,
            "recovery_events": report.phases.map {
                ["kind": $0.kind, "at": $0.at, "events": $0.eventsToRecover ?? -1]
            },
        ])
    }
}
