/// One tier's answer latency for a topic: `base_ms + per_token_ms · completion_tokens + N(0, jitter_ms)`,
/// never below 0. The scenario's per-tier network time is added on top.
public struct LatencyModel: Sendable, Equatable {
    /// `base_ms`: fixed time per answer (queueing, prefill).
    public var baseMs: Double
    /// `per_token_ms`: decode time per completion token.
    public var perTokenMs: Double
    /// `jitter_ms`: σ of the Gaussian jitter.
    public var jitterMs: Double

    /// - Parameters: see the properties.
    public init(baseMs: Double, perTokenMs: Double, jitterMs: Double) {
        self.baseMs = baseMs
        self.perTokenMs = perTokenMs
        self.jitterMs = jitterMs
    }
}
