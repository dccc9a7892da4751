public import ConsRouteModel
import ConsRouteTuning
import Foundation

/// A deterministic stream of full-information telemetry for a scenario: every event carries `shadow` with all
/// three tiers' true score, latency and cost; the topic it was drawn from is not in it. In consistency mode the
/// cloud's score is 1; in absolute mode every score is 0 or 1 (`AbsoluteQualityModel`).
///
/// The routed-tier fields are filled as a fleet without a table would fill them (everything served by the cloud,
/// `table_version` 0); whoever routes (the replay, a live device) overwrites them. The same scenario always gives
/// the same events.
public struct ScenarioGenerator: Sendable {
    /// A device's conversation in progress.
    struct Conversation {
        var sessionID = ""
        var topic = 0
        var turn = 0
        var remainingTurns = 0
    }

    /// The scenario being generated.
    public let scenario: Scenario
    /// The index of the next event.
    public private(set) var eventIndex = 0
    /// The topic of the last event generated (ground truth for tests and reports; never in the event).
    public private(set) var lastTopic = 0
    /// The current mixture weights per topic (phases change them).
    public internal(set) var weights: [Double]
    var generator: SeededGenerator
    var cumulative: [Double] = []
    var conversations: [Conversation]
    var sessionCounter = 0
    var nextPhase = 0
    var activeShifts: [(start: Int, over: Int, from: [Int: Double], to: [Int: Double])] = []
    /// Per topic and tier (device, edge): the shift of the true scores, and whether the router head follows it.
    var scoreShift: [[Double]]
    var headFollows: [[Bool]]
    /// Per tier: latency added by `latency_rise` phases.
    var extraLatencyMs: [Double] = [0, 0, 0]
    /// Absolute mode's accuracies and router head (nil in consistency mode).
    var absolute: AbsoluteQualityModel?

    /// - Parameter scenario: a resolved scenario (from `ScenarioLoader`).
    public init(scenario: Scenario) {
        self.scenario = scenario
        weights = scenario.topics.map(\.weight)
        generator = SeededGenerator(seed: scenario.seed)
        conversations = Array(repeating: Conversation(), count: scenario.devices)
        scoreShift = Array(repeating: [0, 0], count: scenario.topics.count)
        headFollows = Array(repeating: [false, false], count: scenario.topics.count)
        absolute = scenario.scoresMode == .absolute ? AbsoluteQualityModel(scenario: scenario) : nil
        rebuildCumulative()
    }

    /// The next event, or nil after `scenario.events` events.
    ///
    /// Draws, in order: the device, a new conversation's topic and length, the spread factor (only with
    /// `spread_variation` > 0), d coordinates, the tokens, the scores and head, the latency jitters, the event id.
    /// - Complexity: O(d + topics) per event.
    public mutating func next() -> TelemetryEvent? {
        guard eventIndex < scenario.events else { return nil }
        applyPhases()
        let device = generator.nextIndex(below: scenario.devices)
        var conversation = conversations[device]
        if conversation.remainingTurns == 0 {
            conversation = startConversation()
        } else {
            conversation.turn += 1
        }
        conversation.remainingTurns -= 1
        conversations[device] = conversation
        let topic = scenario.topics[conversation.topic]
        lastTopic = conversation.topic
        var spread = Float(topic.spread)
        if scenario.spreadVariation > 0 { spread *= Float(exp(scenario.spreadVariation * generator.nextGaussian())) }
        var representation = topic.centre.map { $0 + spread * Float(generator.nextGaussian()) }
        if scenario.normalizeRepresentations { Self.normalize(&representation) }
        let prompt = tokens(mean: topic.promptTokens)
        let completion = tokens(mean: topic.completionTokens)
        let outcome: (score: TierValues, pDevice: Float, pEdge: Float)
        switch topic.quality {
        case .consistency(let deviceScore, let edgeScore):
            let device0 = score(deviceScore, topic: conversation.topic, tier: 0)
            let edge0 = score(edgeScore, topic: conversation.topic, tier: 1)
            outcome = (
                TierValues(device: device0.score, edge: edge0.score, cloud: 1), device0.predicted, edge0.predicted
            )
        case .absolute:
            outcome = absoluteOutcome(topic: conversation.topic)
        }
        var latency = TierValues(device: 0, edge: 0, cloud: 0)
        var cost = TierValues(device: 0, edge: 0, cloud: 0)
        for tier in Tier.allCases {
            let model = topic.latency[tier.rawValue]
            let value =
                Double(scenario.networkMs[tier]) + extraLatencyMs[tier.rawValue] + model.baseMs
                + model.perTokenMs * Double(completion) + model.jitterMs * generator.nextGaussian()
            latency[tier] = Float(max(0, value))
            cost[tier] = Float(topic.costPer1kTokens[tier.rawValue] * Double(prompt + completion) / 1000)
        }
        let isFirstTurn = conversation.turn == 0
        let event = TelemetryEvent(
            eventID: EventID.random(using: &generator),
            fleet: scenario.fleet,
            deviceID: "device-\(device)",
            timeUnixMs: scenario.timeUnixMs(ofEvent: eventIndex),
            representation: representation,
            pDevice: outcome.pDevice,
            pEdge: outcome.pEdge,
            tier: .cloud,
            latencyMs: latency.cloud,
            cost: cost.cloud,
            promptTokens: UInt32(prompt),
            completionTokens: UInt32(completion),
            sessionID: conversation.sessionID,
            turn: UInt32(conversation.turn),
            contextTokens: UInt32(conversation.turn * scenario.sessions.contextGrowthTokens),
            previousTier: isFirstTurn ? nil : .cloud,
            shadow: ShadowOutcome(
                score: outcome.score,
                latencyMs: latency,
                cost: cost
            )
        )
        eventIndex += 1
        return event
    }

    /// A new conversation for a device: its topic from the current mixture, its length from the session settings.
    private mutating func startConversation() -> Conversation {
        let sessions = scenario.sessions
        var conversation = Conversation(topic: pickTopic())
        if generator.nextUnit() < sessions.multiTurnShare {
            // Uniform on 2...(2·mean − 2): mean `turnsPerSession`.
            let high = max(2, Int((2 * sessions.turnsPerSession - 2).rounded()))
            conversation.remainingTurns = 2 + generator.nextIndex(below: high - 1)
            sessionCounter += 1
            conversation.sessionID = "s\(sessionCounter)"
        } else {
            conversation.remainingTurns = 1
        }
        return conversation
    }

    private mutating func pickTopic() -> Int {
        let u = generator.nextUnit() * (cumulative.last ?? 0)
        var low = 0
        var high = cumulative.count - 1
        while low < high {
            let mid = (low + high) / 2
            if cumulative[mid] > u { high = mid } else { low = mid + 1 }
        }
        return low
    }

    /// Scales a vector to norm 1 (a zero vector stays as it is).
    static func normalize(_ vector: inout [Float]) {
        let norm = vector.reduce(Float(0)) { $0 + $1 * $1 }.squareRoot()
        guard norm > 0 else { return }
        for index in vector.indices { vector[index] /= norm }
    }

    /// Tokens uniform in [0.5, 1.5] × mean, at least 1.
    private mutating func tokens(mean: Int) -> Int {
        max(1, Int((Double(mean) * (0.5 + generator.nextUnit())).rounded()))
    }

    /// The router head's largest output: a sigmoid never reaches 1, so a threshold of 1 always rules a tier out
    /// (with predictions clamped to exactly 1, no threshold on the [0, 1] grid could).
    static let highestPrediction = 0.999

    /// A true score and the router head's noisy prediction of it, `clamp(s + N(0, σ), 0, 0.999)`.
    private mutating func score(_ distribution: ScoreDistribution, topic: Int, tier: Int) -> (
        score: Float, predicted: Float
    ) {
        let base = distribution.sample(using: &generator)
        let shifted = min(1, max(0, base + scoreShift[topic][tier]))
        let believed = headFollows[topic][tier] ? shifted : base
        let predicted = min(Self.highestPrediction, max(0, believed + scenario.routerNoise * generator.nextGaussian()))
        return (Float(shifted), Float(predicted))
    }
}
