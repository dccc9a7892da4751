import ConsRouteModel
import Testing

@testable import ConsRouteSimulation

/// The loader's absolute-quality mode and representation keys (`scores_mode`, `accuracy`, `tier_correlation`,
/// `head_noise`, `normalize_representations`, `spread_variation`, `centre_common_share`).
@Suite("Scenario loader: absolute mode and representations")
struct ScenarioLoaderAbsoluteTests {
    private let loader = ScenarioLoader()
    private let consistencyScores = "{device: {mean: 0.5}, edge: {mean: 0.9}}"

    /// The error the loader throws for `yaml`, as text.
    private func failure(_ yaml: String) -> String {
        do {
            _ = try loader.parse(yaml, file: "scenario.yaml")
            return "no error"
        } catch {
            return error.description
        }
    }

    /// A two-topic absolute-mode scenario with `extra` top-level lines and `phases`.
    private func absoluteYAML(_ extra: String = "", phases: String = "") -> String {
        """
        dimension: 4
        scores_mode: absolute
        \(extra)
        topics:
          - {name: easy, accuracy: {device: 0.9, edge: 0.95, cloud: 0.97}}
          - {name: hard, accuracy: {device: 0.3, edge: 0.6, cloud: 0.7}}
        \(phases)
        """
    }

    @Test("the new keys' defaults: consistency mode, ρ = 0, σ_h = 1, raw representations, independent centres")
    func defaults() throws {
        let scenario = try loader.parse(
            "dimension: 4\ntopics:\n  - {name: only, scores: {device: {beta: [2, 2]}, edge: {mean: 0.8}}}"
        )
        #expect(scenario.scoresMode == .consistency && scenario.tierCorrelation == 0 && scenario.headNoise == 1)
        #expect(!scenario.normalizeRepresentations && scenario.spreadVariation == 0)
        let absolute = try loader.parse(absoluteYAML())
        #expect(absolute.scoresMode == .absolute && absolute.tierCorrelation == 0 && absolute.headNoise == 1)
        #expect(absolute.topics[1].quality == .absolute(accuracy: [0.3, 0.6, 0.7]))
    }

    @Test("absolute mode parses accuracies, the copula, the head, representation keys and cloud quality drops")
    func absoluteKeys() throws {
        let scenario = try loader.parse(
            absoluteYAML(
                """
                tier_correlation: 0.4
                head_noise: 2.5
                normalize_representations: true
                spread_variation: 0.3
                centre_common_share: 0.5
                """,
                phases:
                    "phases:\n  - {kind: quality_drop, at: 5, topic: hard, tier: cloud, mean: 0.4, head_follows: true}"
            )
        )
        #expect(scenario.tierCorrelation == 0.4 && scenario.headNoise == 2.5)
        #expect(scenario.normalizeRepresentations && scenario.spreadVariation == 0.3)
        #expect(scenario.topics[0].quality == .absolute(accuracy: [0.9, 0.95, 0.97]))
        #expect(scenario.phases == [.qualityDrop(at: 5, topic: 1, tier: .cloud, mean: 0.4, headFollows: true)])
    }

    @Test("centre_common_share c gives generated centres a cosine of about c; 0 keeps the independent centres")
    func commonCentre() throws {
        func centres(_ share: String) throws -> [[Float]] {
            try loader.parse(
                """
                dimension: 2000
                \(share)
                topics:
                  - {name: a, scores: {device: {mean: 0.5}, edge: {mean: 0.9}}}
                  - {name: b, scores: {device: {mean: 0.5}, edge: {mean: 0.9}}}
                """
            ).topics.map(\.centre)
        }
        func cosine(_ x: [Float], _ y: [Float]) -> Double {
            let dot = zip(x, y).reduce(0.0) { $0 + Double($1.0 * $1.1) }
            let norms = x.reduce(0.0) { $0 + Double($1 * $1) } * y.reduce(0.0) { $0 + Double($1 * $1) }
            return dot / norms.squareRoot()
        }
        let independent = try centres("")
        #expect(try centres("centre_common_share: 0") == independent)
        #expect(abs(cosine(independent[0], independent[1])) < 0.1)
        let shared = try centres("centre_common_share: 0.6")
        #expect(abs(cosine(shared[0], shared[1]) - 0.6) < 0.05)
    }

    @Test("a bad mode or value is rejected with its line and field")
    func badValues() {
        #expect(
            failure("dimension: 4\nscores_mode: graded\ntopics: []").hasPrefix(
                "scenario.yaml:2: scores_mode: expected consistency or absolute, got \"graded\""
            )
        )
        #expect(
            failure(absoluteYAML("tier_correlation: 1.5")).hasPrefix(
                "scenario.yaml:3: tier_correlation: expected a correlation in [0, 1]"
            )
        )
        #expect(failure(absoluteYAML("head_noise: -1")).hasPrefix("scenario.yaml:3: head_noise: expected a standard"))
        #expect(
            failure(absoluteYAML("normalize_representations: maybe")).hasPrefix(
                "scenario.yaml:3: normalize_representations: expected true or false"
            )
        )
        #expect(failure(absoluteYAML("spread_variation: 9")).hasPrefix("scenario.yaml:3: spread_variation: expected"))
        #expect(
            failure(absoluteYAML("centre_common_share: 1.2")).hasPrefix(
                "scenario.yaml:3: centre_common_share: expected"
            )
        )
        let accuracy = failure(
            "dimension: 4\nscores_mode: absolute\ntopics:\n  - {name: a, accuracy: {device: 0.9, edge: 1.2, cloud: 1}}"
        )
        #expect(accuracy.hasPrefix("scenario.yaml:4: topics[0].accuracy.edge: expected an accuracy in [0, 1]"))
        let missing = failure(
            "dimension: 4\nscores_mode: absolute\ntopics:\n  - {name: a, accuracy: {device: 0.9, edge: 0.9}}"
        )
        #expect(missing.hasPrefix("scenario.yaml:4: topics[0].accuracy.cloud: required key is missing"))
        let drop = failure(
            absoluteYAML(phases: "phases:\n  - {kind: quality_drop, at: 5, topic: hard, tier: cloud, mean: 1.5}")
        )
        #expect(drop.hasPrefix("scenario.yaml:8: phases[0].mean: expected an accuracy in [0, 1]"))
    }

    @Test("scores in absolute mode, accuracy in consistency mode and the other mode's top-level keys are rejected")
    func wrongMode() {
        let scores = failure(
            "dimension: 4\nscores_mode: absolute\ntopics:\n  - {name: a, scores: \(consistencyScores)}"
        )
        #expect(scores.hasPrefix("scenario.yaml:4: topics[0].scores: scores is for scores_mode: consistency"))
        let accuracy = failure(
            "dimension: 4\ntopics:\n  - {name: a, accuracy: {device: 0.9, edge: 0.9, cloud: 0.9}}"
        )
        #expect(accuracy.hasPrefix("scenario.yaml:3: topics[0].accuracy: accuracy is for scores_mode: absolute"))
        let correlation = failure(
            "dimension: 4\ntier_correlation: 0.5\ntopics:\n  - {name: a, scores: \(consistencyScores)}"
        )
        #expect(correlation.hasPrefix("scenario.yaml:2: tier_correlation: applies to scores_mode: absolute only"))
        let head = failure(
            "dimension: 4\nhead_noise: 2\ntopics:\n  - {name: a, scores: \(consistencyScores)}"
        )
        #expect(head.hasPrefix("scenario.yaml:2: head_noise: applies to scores_mode: absolute only"))
        #expect(
            failure(absoluteYAML("router_noise: 0.1")).hasPrefix(
                "scenario.yaml:3: router_noise: applies to scores_mode: consistency only"
            )
        )
    }
}
