public import ConsRouteModel

/// A timed change of a scenario's traffic, starting at event index `at`.
public enum ScenarioPhase: Sendable, Equatable {
    /// `new_topic`: the topic (index into `topics`) gets mixture weight `weight` at once.
    case newTopic(at: Int, topic: Int, weight: Double)
    /// `shift`: the listed topics' weights move linearly from their values at `at` to `to` over `over` events.
    case shift(at: Int, over: Int, to: [Int: Double])
    /// `quality_drop`: in consistency mode every true score of the topic on `tier` (device or edge) moves by `mean`
    /// minus the current mean (clamped to [0, 1]); in absolute mode the topic's accuracy on `tier` (device, edge or
    /// cloud) becomes `mean`. The router head keeps predicting from the old scores unless `headFollows`.
    case qualityDrop(at: Int, topic: Int, tier: Tier, mean: Double, headFollows: Bool)
    /// `latency_rise`: the tier's latency grows by `extraMs` at once, for every topic.
    case latencyRise(at: Int, tier: Tier, extraMs: Double)

    /// The event index at which the phase starts.
    public var at: Int {
        switch self {
        case .newTopic(let at, _, _), .shift(let at, _, _), .qualityDrop(let at, _, _, _, _),
            .latencyRise(let at, _, _):
            at
        }
    }

    /// The YAML `kind`: `new_topic`, `shift`, `quality_drop` or `latency_rise`.
    public var kind: String {
        switch self {
        case .newTopic: "new_topic"
        case .shift: "shift"
        case .qualityDrop: "quality_drop"
        case .latencyRise: "latency_rise"
        }
    }
}
