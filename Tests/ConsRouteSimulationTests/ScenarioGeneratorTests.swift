import ConsRouteModel
import ConsRouteTuning
import Testing

@testable import ConsRouteSimulation

@Suite("Scenario generator")
struct ScenarioGeneratorTests {
    private func events(_ scenario: Scenario) -> [TelemetryEvent] {
        var generator = ScenarioGenerator(scenario: scenario)
        var result: [TelemetryEvent] = []
        while let event = generator.next() { result.append(event) }
        return result
    }

    @Test("a scenario of zero remaining events, one and two events")
    func smallCounts() throws {
        var generator = ScenarioGenerator(scenario: try ScenarioLoader().parse(smallScenarioYAML(events: 1)))
        #expect(generator.next() != nil)
        #expect(generator.next() == nil && generator.eventIndex == 1)
        let two = events(try ScenarioLoader().parse(smallScenarioYAML(events: 2)))
        #expect(two.count == 2 && two[0].eventID != two[1].eventID && two[1].timeUnixMs - two[0].timeUnixMs == 10)
    }

    @Test("the same scenario gives the same events; another seed gives others")
    func determinism() throws {
        let scenario = try driftingScenario(events: 3_000)
        #expect(events(scenario) == events(scenario))
        var reseeded = scenario
        reseeded.seed += 1
        #expect(events(reseeded) != events(scenario))
    }

    @Test("every event is valid telemetry with full information and the cloud's placeholder routing")
    func fullInformation() throws {
        let scenario = try driftingScenario(events: 5_000)
        let decoder = TelemetryDecoder(fleets: [scenario.fleet: scenario.dimension])
        for event in events(scenario) {
            try decoder.validate(event)
            let shadow = try #require(event.shadow)
            #expect(shadow.score.cloud == 1 && event.tier == .cloud && event.tableVersion == 0)
            #expect(event.latencyMs == shadow.latencyMs.cloud && event.cost == shadow.cost.cloud)
            #expect((event.turn == 0) == (event.previousTier == nil))
            #expect(event.contextTokens == event.turn * 200)
            #expect(event.turn == 0 || !event.sessionID.isEmpty)
        }
    }

    @Test("a new topic appears exactly at its phase and then takes about its weight")
    func newTopic() throws {
        let scenario = try driftingScenario(events: 20_000)
        var generator = ScenarioGenerator(scenario: scenario)
        var before = 0
        var after = 0
        while generator.next() != nil {
            guard generator.lastTopic == 4 else { continue }
            if generator.eventIndex <= 15_000 { before += 1 } else { after += 1 }
        }
        #expect(before == 0)
        // Weight 0.3 of 1.3 for new conversations; continuing conversations keep their topic for a few turns.
        let share = Double(after) / 5_000
        #expect(share > 0.17 && share < 0.29)
    }

    @Test("a gradual shift moves the weights linearly and then holds them")
    func shift() throws {
        let scenario = try ScenarioLoader().parse(
            smallScenarioYAML(
                events: 400,
                phases: "phases:\n  - {kind: shift, at: 100, over: 200, to: {easy: 0, hard: 0.6}}"
            )
        )
        var generator = ScenarioGenerator(scenario: scenario)
        for _ in 0..<100 { _ = generator.next() }
        #expect(generator.weights[0] == 0.4 && generator.weights[2] == 0.2)
        for _ in 0..<100 { _ = generator.next() }
        #expect(abs(generator.weights[0] - 0.2) < 1e-9 && abs(generator.weights[2] - 0.4) < 1e-9)
        for _ in 0..<150 { _ = generator.next() }
        #expect(generator.weights[0] == 0 && abs(generator.weights[2] - 0.6) < 1e-9 && generator.weights[1] == 0.3)
    }

    @Test("a quality drop moves the true scores, not the head's predictions; a latency rise adds to one tier")
    func qualityAndLatency() throws {
        let yaml = smallScenarioYAML(
            events: 40_000,
            phases: """
                phases:
                  - {kind: quality_drop, at: 20000, topic: easy, tier: device, mean: 0.5}
                  - {kind: latency_rise, at: 20000, tier: edge, extra_ms: 300}
                """
        )
        var generator = ScenarioGenerator(scenario: try ScenarioLoader().parse(yaml))
        var sums = [[Double]](repeating: [0, 0, 0, 0], count: 2)
        var edgeLatency = [0.0, 0.0]
        var counts = [0, 0]
        while let event = generator.next() {
            let half = generator.eventIndex <= 20_000 ? 0 : 1
            edgeLatency[half] += Double(event.shadow!.latencyMs.edge - event.shadow!.latencyMs.device)
            guard generator.lastTopic == 0 else { continue }
            sums[half][0] += Double(event.shadow!.score.device)
            sums[half][1] += Double(event.pDevice)
            counts[half] += 1
        }
        let scoreBefore = sums[0][0] / Double(counts[0])
        let scoreAfter = sums[1][0] / Double(counts[1])
        #expect(abs(scoreBefore - 30.0 / 31) < 0.01 && abs(scoreAfter - 0.5) < 0.02)
        #expect(abs(sums[1][1] / Double(counts[1]) - sums[0][1] / Double(counts[0])) < 0.01)
        #expect(abs((edgeLatency[1] - edgeLatency[0]) / 20_000 - 300) < 15)
    }
}

@Suite("Score distributions")
struct ScoreDistributionTests {
    @Test("Beta and clamped-normal samples stay in [0, 1] and have the distribution's mean (seeded random parameters)")
    func means() {
        var parameters = SeededGenerator(seed: 7)
        for _ in 0..<20 {
            let a = 0.3 + 30 * parameters.nextUnit()
            let b = 0.3 + 30 * parameters.nextUnit()
            for distribution in [
                ScoreDistribution.beta(a: a, b: b), .clampedNormal(mean: 0.3 + 0.4 * parameters.nextUnit(), sd: 0.05),
            ] {
                var generator = SeededGenerator(seed: parameters.next())
                var sum = 0.0
                var inRange = true
                for _ in 0..<20_000 {
                    let score = distribution.sample(using: &generator)
                    inRange = inRange && score >= 0 && score <= 1
                    sum += score
                }
                #expect(inRange && abs(sum / 20_000 - distribution.mean) < 0.01, "\(distribution)")
            }
        }
    }
}
