import ConsRouteModel
import ConsRouteTuning
import ConsRouteYAML

/// Fleet-wide values a topic inherits unless it overrides them.
struct TopicDefaults {
    var latency: [LatencyModel]
    var cost: [Double]
    var dimension: Int
    var seed: UInt64
    var centreScale: Double
    /// `centre_common_share`: the share c of a generated centre's variance common to all topics.
    var centreCommonShare: Double = 0
    /// `scores_mode`: whether topics give `scores` or `accuracy`.
    var mode: ScoreMode = .consistency

    /// The direction every generated centre shares (N(0, 1) coordinates from the seed), or nil when c = 0.
    var commonCentre: [Double]? {
        guard centreCommonShare > 0 else { return nil }
        var generator = SeededGenerator(seed: seed ^ 0x5EED_C0DE_CE47_2E5A)
        return (0..<dimension).map { _ in generator.nextGaussian() }
    }

    /// Built-in per-tier latency and cost, used where the scenario gives none.
    static let standard = (
        latency: [
            LatencyModel(baseMs: 40, perTokenMs: 1.5, jitterMs: 15),
            LatencyModel(baseMs: 90, perTokenMs: 2.5, jitterMs: 25),
            LatencyModel(baseMs: 250, perTokenMs: 3.5, jitterMs: 60),
        ],
        cost: [0.0002, 0.002, 0.01]
    )
}

extension ScenarioLoader {
    private static let topicKeys: Set<String> = [
        "name", "centre", "spread", "weight", "prompt_tokens", "completion_tokens", "scores", "accuracy", "latency",
        "cost_per_1k_tokens",
    ]

    func topic(
        _ field: YAMLField,
        index: Int,
        defaults: TopicDefaults,
        commonCentre: [Double]?
    ) throws(ScenarioError) -> ScenarioTopic {
        let map = try field.mapping(allowed: Self.topicKeys)
        let centre: [Float]
        if let given = map["centre"] {
            let values = try given.sequence()
            guard values.count == defaults.dimension else {
                throw given.invalid(
                    "expected \(defaults.dimension) numbers (the scenario's dimension), got \(values.count)"
                )
            }
            centre = try values.map { f throws(ScenarioError) in Float(try f.double(in: -1e6...1e6, "a finite number"))
            }
        } else {
            // Generated centres: N(0, centre_scale²) coordinates from the seed and the topic's position, independent
            // across topics unless centre_common_share mixes in a shared direction.
            var generator = SeededGenerator(seed: defaults.seed &* 0x9E37_79B9_7F4A_7C15 &+ UInt64(index) &+ 1)
            if let commonCentre {
                // sqrt(1 − c) of the topic's own direction plus sqrt(c) of the shared one: centres' cosine ≈ c.
                let own = (1 - defaults.centreCommonShare).squareRoot()
                let shared = defaults.centreCommonShare.squareRoot()
                centre = commonCentre.map { common in
                    Float(defaults.centreScale * (own * generator.nextGaussian() + shared * common))
                }
            } else {
                centre = (0..<defaults.dimension).map { _ in Float(defaults.centreScale * generator.nextGaussian()) }
            }
        }
        return ScenarioTopic(
            name: try map.required("name").string(),
            centre: centre,
            spread: try map["spread"]?.double(in: 0...1e6, "a standard deviation >= 0") ?? 0.5,
            weight: try map["weight"]?.double(in: 0...1e6, "a weight >= 0") ?? 1,
            promptTokens: try map["prompt_tokens"]?.int(in: 1...10_000_000, "a token count >= 1") ?? 200,
            completionTokens: try map["completion_tokens"]?.int(in: 1...10_000_000, "a token count >= 1") ?? 150,
            quality: try quality(map, mode: defaults.mode),
            latency: try latencies(map["latency"], base: defaults.latency),
            costPer1kTokens: try costs(map["cost_per_1k_tokens"], base: defaults.cost)
        )
    }

    /// `scores: {device, edge}` in consistency mode, `accuracy: {device, edge, cloud}` in absolute mode; the other
    /// key is rejected.
    private func quality(_ map: YAMLMapping, mode: ScoreMode) throws(ScenarioError) -> TopicQuality {
        switch mode {
        case .consistency:
            if let accuracy = map["accuracy"] {
                throw accuracy.invalid("accuracy is for scores_mode: absolute; this scenario's topics give scores")
            }
            let scores = try map.required("scores").mapping(allowed: ["device", "edge"])
            return .consistency(
                device: try scoreDistribution(try scores.required("device")),
                edge: try scoreDistribution(try scores.required("edge"))
            )
        case .absolute:
            if let scores = map["scores"] {
                throw scores.invalid("scores is for scores_mode: consistency; in absolute mode give accuracy")
            }
            let accuracy = try map.required("accuracy").mapping(allowed: ["device", "edge", "cloud"])
            var values: [Double] = []
            for tier in Tier.allCases {
                values.append(try accuracy.required(tier.description).double(in: 0...1, "an accuracy in [0, 1]"))
            }
            return .absolute(accuracy: values)
        }
    }

    /// `{beta: [a, b]}` or `{mean: m, sd: s}`.
    func scoreDistribution(_ field: YAMLField) throws(ScenarioError) -> ScoreDistribution {
        let map = try field.mapping(allowed: ["beta", "mean", "sd"])
        if let beta = map["beta"] {
            guard map["mean"] == nil, map["sd"] == nil else {
                throw field.invalid("give either beta: [a, b] or mean and sd, not both")
            }
            let parameters = try beta.sequence()
            guard parameters.count == 2 else { throw beta.invalid("expected two numbers [a, b]") }
            return .beta(
                a: try parameters[0].double(in: 1e-3...1e6, "a shape parameter > 0"),
                b: try parameters[1].double(in: 1e-3...1e6, "a shape parameter > 0")
            )
        }
        guard let mean = map["mean"] else { throw field.invalid("expected beta: [a, b] or mean and sd") }
        return .clampedNormal(
            mean: try mean.double(in: 0...1, "a mean in [0, 1]"),
            sd: try map["sd"]?.double(in: 0...1, "a standard deviation in [0, 1]") ?? 0.1
        )
    }

    /// A `{device, edge, cloud}` mapping of latency models; missing tiers and fields keep `base`.
    func latencies(_ field: YAMLField?, base: [LatencyModel]) throws(ScenarioError) -> [LatencyModel] {
        var models = base
        guard let field else { return models }
        let map = try field.mapping(allowed: ["device", "edge", "cloud"])
        for tier in Tier.allCases {
            guard let tierField = map[tier.description] else { continue }
            let values = try tierField.mapping(allowed: ["base_ms", "per_token_ms", "jitter_ms"])
            var model = models[tier.rawValue]
            if let f = values["base_ms"] { model.baseMs = try f.double(in: 0...1e9, "milliseconds >= 0") }
            if let f = values["per_token_ms"] { model.perTokenMs = try f.double(in: 0...1e9, "milliseconds >= 0") }
            if let f = values["jitter_ms"] { model.jitterMs = try f.double(in: 0...1e9, "milliseconds >= 0") }
            models[tier.rawValue] = model
        }
        return models
    }

    /// A `{device, edge, cloud}` mapping of costs per 1,000 tokens; missing tiers keep `base`. The cloud's must be
    /// above 0 (costs are reported as ratios to all-cloud).
    func costs(_ field: YAMLField?, base: [Double]) throws(ScenarioError) -> [Double] {
        var values = base
        guard let field else { return values }
        let map = try field.mapping(allowed: ["device", "edge", "cloud"])
        for tier in Tier.allCases {
            guard let f = map[tier.description] else { continue }
            values[tier.rawValue] =
                tier == .cloud
                ? try f.double(in: 1e-12...1e9, "a cost > 0") : try f.double(in: 0...1e9, "a cost >= 0")
        }
        return values
    }
}
