/// One latent topic of a scenario: where its representations lie, how much traffic it gets, and how well,
/// how fast and how cheaply each tier answers it.
public struct ScenarioTopic: Sendable, Equatable {
    /// `name`: referenced by phases.
    public var name: String
    /// `centre`: d floats (given, or generated from the scenario seed).
    public var centre: [Float]
    /// `spread`: σ of the isotropic Gaussian around the centre.
    public var spread: Double
    /// `weight`: the initial mixture weight (0 for a topic that a `new_topic` phase brings in).
    public var weight: Double
    /// `prompt_tokens`: mean prompt tokens per query (drawn uniformly in [0.5, 1.5] × mean).
    public var promptTokens: Int
    /// `completion_tokens`: mean completion tokens per query (drawn uniformly in [0.5, 1.5] × mean).
    public var completionTokens: Int
    /// `scores` (consistency mode) or `accuracy` (absolute mode): how well each tier answers.
    public var quality: TopicQuality
    /// `latency`: per tier (device, edge, cloud), without the network component.
    public var latency: [LatencyModel]
    /// `cost_per_1k_tokens`: per tier (device, edge, cloud), cost per 1,000 prompt + completion tokens.
    public var costPer1kTokens: [Double]

    /// - Parameters: see the properties; `latency` and `costPer1kTokens` hold one value per tier.
    public init(
        name: String,
        centre: [Float],
        spread: Double,
        weight: Double,
        promptTokens: Int,
        completionTokens: Int,
        quality: TopicQuality,
        latency: [LatencyModel],
        costPer1kTokens: [Double]
    ) {
        precondition(latency.count == 3 && costPer1kTokens.count == 3, "one latency model and one cost per tier")
        self.name = name
        self.centre = centre
        self.spread = spread
        self.weight = weight
        self.promptTokens = promptTokens
        self.completionTokens = completionTokens
        self.quality = quality
        self.latency = latency
        self.costPer1kTokens = costPer1kTokens
    }
}
