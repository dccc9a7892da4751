import ConsRouteModel
import Testing

@testable import ConsRouteSimulation

@Suite("Scenario loader")
struct ScenarioLoaderTests {
    private let loader = ScenarioLoader()

    /// The error the loader throws for `yaml`, as text.
    private func failure(_ yaml: String) -> String {
        do {
            _ = try loader.parse(yaml, file: "scenario.yaml")
            return "no error"
        } catch {
            return error.description
        }
    }

    @Test("the smallest scenario gets every documented default")
    func defaults() throws {
        let scenario = try loader.parse(
            """
            dimension: 4
            topics:
              - {name: only, scores: {device: {beta: [2, 2]}, edge: {mean: 0.8}}}
            """
        )
        #expect(scenario.fleet == "synthetic" && scenario.seed == 1 && scenario.events == 1_000_000)
        #expect(scenario.eventsPerSecond == 100 && scenario.devices == 1_000 && scenario.shadowRate == 0.05)
        #expect(scenario.routerNoise == 0.05 && scenario.networkMs == TierValues(device: 0, edge: 20, cloud: 80))
        #expect(scenario.sessions == SessionSettings() && scenario.phases.isEmpty)
        #expect(scenario.objective == .standard)
        let topic = try #require(scenario.topics.first)
        #expect(topic.centre.count == 4 && topic.spread == 0.5 && topic.weight == 1)
        #expect(topic.promptTokens == 200 && topic.completionTokens == 150)
        #expect(topic.quality == .consistency(device: .beta(a: 2, b: 2), edge: .clampedNormal(mean: 0.8, sd: 0.1)))
        #expect(topic.latency == TopicDefaults.standard.latency && topic.costPer1kTokens == TopicDefaults.standard.cost)
    }

    @Test("every phase kind parses, phases come out sorted by their start")
    func phases() throws {
        let scenario = try loader.parse(
            smallScenarioYAML(
                phases: """
                    phases:
                      - {kind: latency_rise, at: 900, tier: edge, extra_ms: 120}
                      - {kind: quality_drop, at: 700, topic: medium, tier: device, mean: 0.5, head_follows: true}
                      - {kind: shift, at: 500, over: 100, to: {easy: 0.1, hard: 0.5}}
                      - {kind: new_topic, at: 300, topic: newcomer, weight: 0.2}
                    """
            )
        )
        #expect(scenario.phases.map(\.kind) == ["new_topic", "shift", "quality_drop", "latency_rise"])
        #expect(scenario.phases[0] == .newTopic(at: 300, topic: 4, weight: 0.2))
        #expect(scenario.phases[1] == .shift(at: 500, over: 100, to: [0: 0.1, 2: 0.5]))
        #expect(scenario.phases[2] == .qualityDrop(at: 700, topic: 1, tier: .device, mean: 0.5, headFollows: true))
        #expect(scenario.phases[3] == .latencyRise(at: 900, tier: .edge, extraMs: 120))
    }

    @Test("given centres are kept, generated ones are deterministic per seed and topic")
    func centres() throws {
        let given = try loader.parse(
            """
            dimension: 2
            topics:
              - {name: a, centre: [1.5, -2], scores: {device: {mean: 0.5}, edge: {mean: 0.9}}}
              - {name: b, scores: {device: {mean: 0.5}, edge: {mean: 0.9}}}
            """
        )
        #expect(given.topics[0].centre == [1.5, -2])
        let again = try loader.parse(smallScenarioYAML())
        let first = try loader.parse(smallScenarioYAML())
        #expect(first.topics.map(\.centre) == again.topics.map(\.centre))
        #expect(first.topics[0].centre != first.topics[1].centre)
    }

    @Test("an unknown key is rejected with its line and path")
    func unknownKey() {
        let message = failure(
            """
            dimension: 4
            topics:
              - name: only
                colour: blue
                scores: {device: {mean: 0.5}, edge: {mean: 0.9}}
            """
        )
        #expect(message.hasPrefix("scenario.yaml:4: topics[0].colour: unknown key"))
    }

    @Test("a bad value is rejected with its line and field")
    func badValue() {
        let message = failure(
            smallScenarioYAML(
                phases: """
                    phases:
                      - {kind: new_topic, at: 10, topic: newcomer, weight: 0.2}
                      - {kind: shift, at: -5, over: 10, to: {easy: 1}}
                    """
            )
        )
        #expect(message == "scenario.yaml:34: phases[1].at: expected an event index >= 0")
        #expect(failure("dimension: 0\ntopics: []").hasPrefix("scenario.yaml:1: dimension: expected a dimension"))
        #expect(
            failure(
                "dimension: 4\nshadow_rate: 1.5\ntopics:\n  - {name: a, scores: {device: {mean: 0.5}, edge: {mean: 0.9}}}"
            ).hasPrefix("scenario.yaml:2: shadow_rate: expected a share")
        )
    }

    @Test("missing keys, unknown topics and kinds, cloud quality drops and bad centres name the field")
    func invalidReferences() {
        #expect(failure("topics: []").hasPrefix("scenario.yaml:1: dimension: required key is missing"))
        #expect(failure("dimension: 4\ntopics: []").hasPrefix("scenario.yaml:2: topics: expected at least one topic"))
        let unknownTopic = failure(
            smallScenarioYAML(phases: "phases:\n  - {kind: new_topic, at: 1, topic: nobody, weight: 1}")
        )
        #expect(unknownTopic.hasPrefix("scenario.yaml:33: phases[0].topic: unknown topic \"nobody\""))
        let unknownKind = failure(smallScenarioYAML(phases: "phases:\n  - {kind: explode, at: 1}"))
        #expect(unknownKind.hasPrefix("scenario.yaml:33: phases[0].kind: unknown phase kind \"explode\""))
        let cloudDrop = failure(
            smallScenarioYAML(phases: "phases:\n  - {kind: quality_drop, at: 1, topic: easy, tier: cloud, mean: 0.5}")
        )
        #expect(cloudDrop.hasPrefix("scenario.yaml:33: phases[0].tier: expected device or edge"))
        let centre = failure(
            "dimension: 3\ntopics:\n  - {name: a, centre: [1, 2], scores: {device: {mean: 0.5}, edge: {mean: 0.9}}}"
        )
        #expect(centre.hasPrefix("scenario.yaml:3: topics[0].centre: expected 3 numbers"))
        let zeroWeights = failure(
            "dimension: 1\ntopics:\n  - {name: a, weight: 0, scores: {device: {mean: 0.5}, edge: {mean: 0.9}}}"
        )
        #expect(zeroWeights.hasPrefix("scenario.yaml:3: topics: expected at least one topic with a weight > 0"))
    }

    @Test("YAML syntax errors and unreadable files are reported with their place")
    func syntaxAndFiles() {
        #expect(failure("dimension: 4\ntopics: [unclosed").hasPrefix("scenario.yaml:"))
        #expect(failure("").contains("the document is empty"))
        #expect(throws: ScenarioError.self) { try loader.load(path: "/nonexistent/scenario.yaml") }
    }

    @Test("the shipped drift scenario loads: d = 64, 8 topics plus a new one, the four phase kinds")
    func builtInDrift() throws {
        let path = #filePath.split(separator: "/").dropLast(3).joined(separator: "/")
        let scenario = try loader.load(path: "/" + path + "/config/scenarios/drift.yaml")
        #expect(scenario.dimension == 64 && scenario.events == 1_000_000)
        #expect(scenario.topics.filter { $0.weight > 0 }.count == 8 && scenario.topics.count == 9)
        #expect(scenario.phases.map(\.kind) == ["new_topic", "shift", "quality_drop", "latency_rise"])
    }
}
