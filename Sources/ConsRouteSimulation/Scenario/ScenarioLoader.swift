import ConsRouteModel
import ConsRouteYAML
import Foundation
import Yams

/// Reads scenario YAML (keys documented in `config/scenarios/README.md`) into a resolved `Scenario`.
///
/// Strict: unknown keys, wrong types and out-of-range values are rejected with the line and the field at fault,
/// e.g. `drift.yaml:23: phases[1].at: expected an event index >= 0`.
public struct ScenarioLoader: Sendable {
    /// A loader (stateless).
    public init() {}

    /// Loads a scenario file.
    ///
    /// - Parameter path: the YAML file.
    /// - Throws: `ScenarioError`.
    public func load(path: String) throws(ScenarioError) -> Scenario {
        let text: String
        do {
            text = try String(contentsOfFile: path, encoding: .utf8)
        } catch {
            throw .unreadable(file: path, reason: error.localizedDescription)
        }
        return try parse(text, file: (path as NSString).lastPathComponent)
    }

    /// Parses scenario YAML.
    ///
    /// - Parameters:
    ///   - text: the YAML document.
    ///   - file: the name used in error messages.
    /// - Throws: `ScenarioError`.
    /// - Complexity: O(size of the document + topics · d).
    public func parse(_ text: String, file: String = "scenario.yaml") throws(ScenarioError) -> Scenario {
        guard let root = try YAMLField.root(of: text, file: file) else {
            throw ScenarioError.invalid(file: file, line: 1, field: "(document)", reason: "the document is empty")
        }
        return try scenario(root)
    }

    private static let rootKeys: Set<String> = [
        "fleet", "dimension", "seed", "events", "events_per_second", "start_time_ms", "devices", "sessions",
        "shadow_rate", "router_noise", "centre_scale", "network_ms", "latency", "cost_per_1k_tokens", "objective",
        "topics", "phases", "scores_mode", "tier_correlation", "head_noise", "normalize_representations",
        "spread_variation", "centre_common_share",
    ]

    private func scenario(_ field: YAMLField) throws(ScenarioError) -> Scenario {
        let root = try field.mapping(allowed: Self.rootKeys)
        let dimension = try root.required("dimension").int(in: 1...65_536, "a dimension between 1 and 65536")
        let seed =
            try root["seed"].map { f throws(ScenarioError) in UInt64(try f.int(in: 0...Int.max, "a seed >= 0")) } ?? 1
        let centreScale = try root["centre_scale"]?.double(in: 0...1e6, "a centre scale >= 0") ?? 1
        let mode = try scoresMode(root)
        let defaults = TopicDefaults(
            latency: try latencies(root["latency"], base: TopicDefaults.standard.latency),
            cost: try costs(root["cost_per_1k_tokens"], base: TopicDefaults.standard.cost),
            dimension: dimension,
            seed: seed,
            centreScale: centreScale,
            centreCommonShare: try root["centre_common_share"]?.double(in: 0...1, "a share in [0, 1]") ?? 0,
            mode: mode
        )
        let commonCentre = defaults.commonCentre
        let topicsField = try root.required("topics")
        let topicFields = try topicsField.sequence()
        guard !topicFields.isEmpty else { throw topicsField.invalid("expected at least one topic") }
        var topics: [ScenarioTopic] = []
        for (index, topicField) in topicFields.enumerated() {
            let topic = try self.topic(topicField, index: index, defaults: defaults, commonCentre: commonCentre)
            if topics.contains(where: { $0.name == topic.name }) {
                throw topicField.invalid("duplicate topic name \"\(topic.name)\"")
            }
            topics.append(topic)
        }
        guard topics.contains(where: { $0.weight > 0 }) else {
            throw topicsField.invalid("expected at least one topic with a weight > 0")
        }
        let events = try root["events"]?.int(in: 1...Int(Int32.max), "an event count >= 1") ?? 1_000_000
        let phases = try (root["phases"]?.sequence() ?? []).map { f throws(ScenarioError) in
            try phase(f, topics: topics, mode: mode)
        }
        return Scenario(
            fleet: try root["fleet"]?.string() ?? "synthetic",
            dimension: dimension,
            seed: seed,
            events: events,
            eventsPerSecond: try root["events_per_second"]?.double(in: 1e-3...1e9, "a rate > 0") ?? 100,
            startTimeMs: Int64(
                try root["start_time_ms"]?.int(in: 0...Int.max, "a Unix time in ms >= 0") ?? 1_767_225_600_000
            ),
            devices: try root["devices"]?.int(in: 1...100_000_000, "a device count >= 1") ?? 1_000,
            sessions: try sessions(root["sessions"]),
            shadowRate: try root["shadow_rate"]?.double(in: 0...1, "a share in [0, 1]") ?? 0.05,
            routerNoise: try root["router_noise"]?.double(in: 0...1, "a standard deviation in [0, 1]") ?? 0.05,
            networkMs: try tierFloats(
                root["network_ms"],
                base: TierValues(device: 0, edge: 20, cloud: 80),
                "milliseconds >= 0"
            ),
            topics: topics,
            phases: phases,
            objective: try objective(root["objective"]),
            scoresMode: mode,
            tierCorrelation: try root["tier_correlation"]?.double(in: 0...1, "a correlation in [0, 1]") ?? 0,
            headNoise: try root["head_noise"]?.double(in: 0...100, "a standard deviation in [0, 100]") ?? 1,
            normalizeRepresentations: try root["normalize_representations"]?.bool() ?? false,
            spreadVariation: try root["spread_variation"]?.double(in: 0...5, "a standard deviation in [0, 5]") ?? 0
        )
    }

    /// `scores_mode` (default `consistency`), with the keys of the other mode rejected.
    private func scoresMode(_ root: YAMLMapping) throws(ScenarioError) -> ScoreMode {
        var mode = ScoreMode.consistency
        if let field = root["scores_mode"] {
            let name = try field.string()
            guard let parsed = ScoreMode(rawValue: name) else {
                throw field.invalid("expected consistency or absolute, got \"\(name)\"")
            }
            mode = parsed
        }
        let foreign: [String] =
            mode == .consistency ? ["tier_correlation", "head_noise"] : ["router_noise"]
        for key in foreign {
            guard let field = root[key] else { continue }
            throw field.invalid(
                mode == .consistency
                    ? "applies to scores_mode: absolute only (this scenario is in consistency mode)"
                    : "applies to scores_mode: consistency only; in absolute mode the head's noise is head_noise"
            )
        }
        return mode
    }

    private func sessions(_ field: YAMLField?) throws(ScenarioError) -> SessionSettings {
        var settings = SessionSettings()
        guard let field else { return settings }
        let map = try field.mapping(allowed: [
            "multi_turn_share", "turns_per_session", "context_growth_tokens", "reprefill_ms_per_1k_tokens",
        ])
        if let f = map["multi_turn_share"] { settings.multiTurnShare = try f.double(in: 0...1, "a share in [0, 1]") }
        if let f = map["turns_per_session"] {
            settings.turnsPerSession = try f.double(in: 2...1_000, "a mean turn count in [2, 1000]")
        }
        if let f = map["context_growth_tokens"] {
            settings.contextGrowthTokens = try f.int(in: 0...1_000_000, "a token count >= 0")
        }
        let base = settings.reprefillMsPer1kTokens
        settings.reprefillMsPer1kTokens = try tierFloats(
            map["reprefill_ms_per_1k_tokens"],
            base: TierValues(device: base[0], edge: base[1], cloud: base[2]),
            "milliseconds >= 0"
        ).array
        return settings
    }

    private func objective(_ field: YAMLField?) throws(ScenarioError) -> ObjectiveWeights {
        var weights = ObjectiveWeights.standard
        guard let field else { return weights }
        let map = try field.mapping(allowed: ["lambda_latency", "lambda_cost", "q_min", "penalty"])
        if let f = map["lambda_latency"] { weights.lambdaLatency = try f.double(in: 0...1e6, "a weight >= 0") }
        if let f = map["lambda_cost"] { weights.lambdaCost = try f.double(in: 0...1e6, "a weight >= 0") }
        if let f = map["q_min"] { weights.qualityMin = try f.double(in: 0...1, "a quality ratio in [0, 1]") }
        if let f = map["penalty"] { weights.penalty = try f.double(in: 0...1e6, "a weight >= 0") }
        return weights
    }

    /// A `{device, edge, cloud}` mapping of non-negative numbers; missing tiers keep `base`.
    func tierFloats(_ field: YAMLField?, base: TierValues, _ expectation: String) throws(ScenarioError) -> TierValues {
        var values = base
        guard let field else { return values }
        let map = try field.mapping(allowed: ["device", "edge", "cloud"])
        for tier in Tier.allCases {
            if let f = map[tier.description] { values[tier] = Float(try f.double(in: 0...1e9, expectation)) }
        }
        return values
    }
}
