import ConsRouteModel
import ConsRouteTuning
import Testing

@testable import ConsRouteSimulation

/// A small absolute-mode scenario (d = 16, an easy and a hard topic) with `extra` top-level lines and `phases`.
func absoluteScenario(events: Int = 20_000, _ extra: String = "", phases: String = "") throws -> Scenario {
    try ScenarioLoader().parse(
        """
        fleet: absolute
        dimension: 16
        seed: 7
        events: \(events)
        devices: 20
        scores_mode: absolute
        sessions: {multi_turn_share: 0}
        \(extra)
        topics:
          - {name: easy, weight: 0.6, accuracy: {device: 0.85, edge: 0.9, cloud: 0.95}}
          - {name: hard, weight: 0.4, accuracy: {device: 0.3, edge: 0.55, cloud: 0.7}}
        \(phases)
        """,
        file: "absolute.yaml"
    )
}

/// The events of a scenario with the topic each was drawn from.
func generatedEvents(_ scenario: Scenario) -> [(event: TelemetryEvent, topic: Int)] {
    var generator = ScenarioGenerator(scenario: scenario)
    var result: [(event: TelemetryEvent, topic: Int)] = []
    while let event = generator.next() { result.append((event, generator.lastTopic)) }
    return result
}

/// The area under the ROC curve of `predictions` for `labels` (ties count a half): the probability that a random
/// positive is ranked above a random negative.
///
/// - Complexity: O(n log n).
func areaUnderROC(_ predictions: [Float], _ labels: [Bool]) -> Double {
    let order = predictions.indices.sorted { predictions[$0] < predictions[$1] }
    var rankSum = 0.0
    var start = 0
    while start < order.count {
        var end = start
        while end + 1 < order.count, predictions[order[end + 1]] == predictions[order[start]] { end += 1 }
        let rank = Double(start + end) / 2 + 1
        for position in start...end where labels[order[position]] { rankSum += rank }
        start = end + 1
    }
    let positives = Double(labels.filter { $0 }.count)
    let negatives = Double(labels.count) - positives
    return (rankSum - positives * (positives + 1) / 2) / (positives * negatives)
}

@Suite("Scenario generator: absolute mode")
struct AbsoluteModeGeneratorTests {
    @Test("scores are 0/1 on every tier, the cloud's too, and each topic's accuracies are the configured ones")
    func marginals() throws {
        let scenario = try absoluteScenario(events: 20_000, "tier_correlation: 0.5\nhead_noise: 1.5")
        var right = [[Double]](repeating: [0, 0, 0], count: 2)
        var counts = [0.0, 0.0]
        for (event, topic) in generatedEvents(scenario) {
            let shadow = try #require(event.shadow)
            for tier in Tier.allCases {
                #expect(shadow.score[tier] == 0 || shadow.score[tier] == 1)
                right[topic][tier.rawValue] += Double(shadow.score[tier])
            }
            #expect(event.pDevice >= 0 && event.pDevice <= 0.999 && event.pEdge >= 0 && event.pEdge <= 0.999)
            counts[topic] += 1
        }
        #expect(right[1][2] < counts[1], "the cloud is sometimes wrong")
        for (topic, accuracy) in [[0.85, 0.9, 0.95], [0.3, 0.55, 0.7]].enumerated() {
            for tier in 0..<3 {
                let measured = right[topic][tier] / counts[topic]
                // Four standard errors of a Bernoulli mean.
                let tolerance = 4 * (accuracy[tier] * (1 - accuracy[tier]) / counts[topic]).squareRoot()
                #expect(abs(measured - accuracy[tier]) < tolerance, "topic \(topic) tier \(tier): \(measured)")
            }
        }
    }

    @Test("tier_correlation 0 makes the tiers independent, 1 makes them comonotone")
    func copula() throws {
        func jointDeviceCloud(_ rho: Double) throws -> (both: Double, deviceOnly: Double) {
            let events = generatedEvents(try absoluteScenario(events: 20_000, "tier_correlation: \(rho)"))
                .filter { $0.topic == 1 }
            let both = events.filter { $0.event.shadow!.score.device == 1 && $0.event.shadow!.score.cloud == 1 }
            let deviceOnly = events.filter { $0.event.shadow!.score.device == 1 && $0.event.shadow!.score.cloud == 0 }
            return (Double(both.count) / Double(events.count), Double(deviceOnly.count) / Double(events.count))
        }
        let independent = try jointDeviceCloud(0)
        #expect(abs(independent.both - 0.3 * 0.7) < 0.02)
        let comonotone = try jointDeviceCloud(1)
        // z is the same on every tier: the device (accuracy 0.3) is right only where the cloud (0.7) is.
        #expect(abs(comonotone.both - 0.3) < 0.02 && comonotone.deviceOnly == 0)
    }

    @Test("the head's AUC falls as head_noise grows; with no noise its predictions are the truth")
    func headNoise() throws {
        func auc(_ noise: Double) throws -> (device: Double, edge: Double) {
            let events = generatedEvents(try absoluteScenario(events: 10_000, "head_noise: \(noise)"))
            return (
                areaUnderROC(events.map { $0.event.pDevice }, events.map { $0.event.shadow!.score.device == 1 }),
                areaUnderROC(events.map { $0.event.pEdge }, events.map { $0.event.shadow!.score.edge == 1 })
            )
        }
        let exact = generatedEvents(try absoluteScenario(events: 2_000, "head_noise: 0"))
        #expect(exact.allSatisfy { ($0.event.pDevice == 0.999) == ($0.event.shadow!.score.device == 1) })
        #expect(exact.allSatisfy { ($0.event.pEdge == 0.999) == ($0.event.shadow!.score.edge == 1) })
        let sharp = try auc(0.5)
        let blurred = try auc(3)
        #expect(sharp.device > 0.9 && sharp.edge > 0.9)
        #expect(blurred.device < sharp.device - 0.1 && blurred.edge < sharp.edge - 0.1 && blurred.device > 0.55)
    }

    @Test("a quality drop sets a tier's accuracy, the cloud's too; the head follows only when told")
    func qualityDrop() throws {
        func run(follows: Bool) throws -> (cloud: [Double], pDevice: [Double], device: [Double]) {
            let scenario = try absoluteScenario(
                events: 20_000,
                phases: """
                    phases:
                      - {kind: quality_drop, at: 10000, topic: hard, tier: cloud, mean: 0.2}
                      - {kind: quality_drop, at: 10000, topic: easy, tier: device, mean: 0.4, head_follows: \(follows)}
                    """
            )
            var sums = [[Double]](repeating: [0, 0, 0, 0, 0], count: 2)
            for (index, (event, topic)) in generatedEvents(scenario).enumerated() {
                let half = index < 10_000 ? 0 : 1
                if topic == 1 {
                    sums[half][0] += Double(event.shadow!.score.cloud)
                    sums[half][1] += 1
                } else {
                    sums[half][2] += Double(event.pDevice)
                    sums[half][3] += Double(event.shadow!.score.device)
                    sums[half][4] += 1
                }
            }
            return (
                sums.map { $0[0] / $0[1] }, sums.map { $0[2] / $0[4] }, sums.map { $0[3] / $0[4] }
            )
        }
        let unseen = try run(follows: false)
        #expect(abs(unseen.cloud[0] - 0.7) < 0.03 && abs(unseen.cloud[1] - 0.2) < 0.03)
        #expect(abs(unseen.device[0] - 0.85) < 0.02 && abs(unseen.device[1] - 0.4) < 0.03)
        #expect(abs(unseen.pDevice[1] - unseen.pDevice[0]) < 0.01, "the head does not see the drop")
        let seen = try run(follows: true)
        #expect(seen.pDevice[1] < seen.pDevice[0] - 0.1, "the head follows the drop")
    }

    @Test("absolute-mode events are deterministic per seed; representations can be unit-norm")
    func determinismAndNorms() throws {
        let scenario = try absoluteScenario(
            events: 2_000,
            "normalize_representations: true\nspread_variation: 0.5\ncentre_common_share: 0.5"
        )
        let first = generatedEvents(scenario).map { $0.event }
        #expect(first == generatedEvents(scenario).map { $0.event })
        var reseeded = scenario
        reseeded.seed += 1
        #expect(generatedEvents(reseeded).map { $0.event } != first)
        for event in first {
            let norm = event.representation.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
            #expect(abs(norm - 1) < 1e-5)
        }
    }
}

@Suite("Standard normal")
struct StandardNormalTests {
    @Test("Φ⁻¹ inverts Φ across the unit interval and is infinite at its ends")
    func quantile() {
        for p in [1e-12, 1e-6, 0.001, 0.02425, 0.1, 0.25, 0.5, 0.7, 0.97575, 0.999, 1 - 1e-9] {
            let error = abs(StandardNormal.cdf(StandardNormal.quantile(p)) - p)
            #expect(error <= 4e-16 + 1e-9 * min(p, 1 - p), "\(p)")
        }
        #expect(abs(StandardNormal.quantile(0.975) - 1.959963984540054) < 1e-12)
        #expect(StandardNormal.quantile(0) == -.infinity && StandardNormal.quantile(1) == .infinity)
    }
}
