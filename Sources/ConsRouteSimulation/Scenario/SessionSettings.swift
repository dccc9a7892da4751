/// How queries group into multi-turn conversations (the `sessions` section of a scenario).
///
/// A device starts a conversation when its previous one has ended: multi-turn with probability
/// `multiTurnShare`, then with a number of turns drawn uniformly around `turnsPerSession`. Turn t (0-based)
/// carries `t · contextGrowthTokens` tokens of context; moving the conversation to another tier re-prefills them
/// at that tier's `reprefillMsPer1kTokens`.
public struct SessionSettings: Sendable, Equatable {
    /// `multi_turn_share`: the probability that a new conversation has more than one turn (default 0.3).
    public var multiTurnShare: Double
    /// `turns_per_session`: the mean number of turns of a multi-turn conversation, >= 2 (default 4).
    public var turnsPerSession: Double
    /// `context_growth_tokens`: context tokens added per turn (default 300).
    public var contextGrowthTokens: Int
    /// `reprefill_ms_per_1k_tokens`: per tier (device, edge, cloud), the time to re-prefill 1,000 tokens of
    /// context when a conversation moves there (default 150, 40, 20).
    public var reprefillMsPer1kTokens: [Float]

    /// - Parameters: see the properties.
    public init(
        multiTurnShare: Double = 0.3,
        turnsPerSession: Double = 4,
        contextGrowthTokens: Int = 300,
        reprefillMsPer1kTokens: [Float] = [150, 40, 20]
    ) {
        self.multiTurnShare = multiTurnShare
        self.turnsPerSession = turnsPerSession
        self.contextGrowthTokens = contextGrowthTokens
        self.reprefillMsPer1kTokens = reprefillMsPer1kTokens
    }
}
