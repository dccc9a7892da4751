import ConsRouteController
import ConsRouteModel

@testable import ConsRouteLoop
@testable import ConsRouteSimulation

/// A small scenario (d = 8, four topics, a fifth that appears later) as YAML, for parsing, generation and replay.
func smallScenarioYAML(events: Int = 40_000, phases: String = "") -> String {
    """
    fleet: small
    dimension: 8
    seed: 42
    events: \(events)
    events_per_second: 100
    devices: 50
    shadow_rate: 0.25
    router_noise: 0.04
    centre_scale: 3
    sessions: {multi_turn_share: 0.3, turns_per_session: 3, context_growth_tokens: 200}
    topics:
      - name: easy
        weight: 0.4
        spread: 0.4
        scores: {device: {beta: [30, 1]}, edge: {beta: [40, 1]}}
      - name: medium
        weight: 0.3
        spread: 0.4
        scores: {device: {beta: [8, 2]}, edge: {beta: [20, 1]}}
      - name: hard
        weight: 0.2
        spread: 0.4
        scores: {device: {mean: 0.4, sd: 0.2}, edge: {beta: [5, 3]}}
      - name: polite
        weight: 0.1
        spread: 0.4
        scores: {device: {beta: [25, 1]}, edge: {beta: [30, 1]}}
      - name: newcomer
        weight: 0
        spread: 0.4
        scores: {device: {beta: [3, 3]}, edge: {beta: [12, 1]}}
    \(phases)
    """
}

/// The small scenario with a new topic at 15,000 and a device-quality drop of the easy topic at 28,000.
func driftingScenario(events: Int = 40_000) throws -> Scenario {
    try ScenarioLoader().parse(
        smallScenarioYAML(
            events: events,
            phases: """
                phases:
                  - {kind: new_topic, at: 15000, topic: newcomer, weight: 0.3}
                  - {kind: quality_drop, at: 28000, topic: easy, tier: device, mean: 0.55}
                """
        ),
        file: "small.yaml"
    )
}

/// Replay settings sized for a 40,000-event scenario: a small window, quick bootstrap, short debounce.
func smallReplaySettings(_ scenario: Scenario) -> ReplaySettings {
    var settings = ReplaySettings(scenario: scenario)
    settings.windowEvents = 2_000
    settings.pipeline.bootstrapEvents = 2_000
    settings.pipeline.reservoirCapacity = 8_000
    settings.pipeline.shadowCapacity = 4_000
    settings.pipeline.debounceMs = 5_000
    settings.pipeline.minimumIntervalMs = 10_000
    settings.pipeline.tuner.clusterCountRange = 3...7
    settings.pipeline.tuner.minimumPointsToCluster = 500
    settings.pipeline.tuner.samplesPerCluster = 300
    return settings
}

/// Runs the replay of `scenario` with `settings`.
func replay(_ scenario: Scenario, _ settings: ReplaySettings) throws -> ReplayReport {
    var generator = ScenarioGenerator(scenario: scenario)
    return try ReplayRunner(settings: settings).run(&generator, phases: scenario.phases)
}

/// A fresh temporary file path with the given extension.
func temporaryPath(_ suffix: String) -> String {
    "/tmp/consroute-simulation-test-\(UInt64.random(in: 0...UInt64.max)).\(suffix)"
}
