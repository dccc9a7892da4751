extension RoutingPolicy {
    /// The routing rule of docs/design.md §3 for one query.
    ///
    /// Nearest centroid (`argmin_k ||x − μ_k||²`, ties to the lowest index, identical to an exact float64
    /// computation); novel if the squared distance exceeds the cluster's `radius2` (decided in float64 when
    /// float32 is too close to call, so every kernel path agrees); then device if
    /// `p_device >= t_device`, else edge if `p_edge >= t_edge`, else cloud, with the cluster's thresholds
    /// (the `novel` ones for novel queries or when `stale`). With a `turn`, the router leaves the previous
    /// tier for a cheaper one only if the score clears that tier's threshold by the switch margin
    /// `λ_latency · reprefill_ms_per_1k_tokens[t] · context_tokens/1000 / latency_ref_ms`; escalation is
    /// never blocked.
    ///
    /// - Parameters:
    ///   - representation: d floats (`dimension`); the caller guarantees the count.
    ///   - stale: use the novel thresholds for every query (an expired table).
    ///   - kernel: the SIMD path to score with; nil (the default) for the selected one (`RoutingKernel`).
    /// - Complexity: O(k·d), allocation-free.
    @inlinable
    public func decide(
        representation: UnsafeBufferPointer<Float>,
        pDevice: Float,
        pEdge: Float,
        turn: TurnContext? = nil,
        stale: Bool = false,
        kernel: RoutingKernel? = nil
    ) -> RoutingDecision {
        let (index, distance2, isOutside) = locate(representation, kernel: kernel)
        let isNovel = stale || isOutside
        let tDevice = isNovel ? novel.device : deviceThresholds[index]
        let tEdge = isNovel ? novel.edge : edgeThresholds[index]
        let tier: Tier
        if let turn {
            tier = Self.tier(
                pDevice: pDevice,
                pEdge: pEdge,
                tDevice: tDevice,
                tEdge: tEdge,
                turn: turn,
                margins: marginPerToken
            )
        } else {
            tier = pDevice >= tDevice ? .device : (pEdge >= tEdge ? .edge : .cloud)
        }
        return RoutingDecision(
            clusterIndex: index,
            clusterID: clusterIDs[index],
            tier: tier,
            isNovel: isNovel,
            distance2: distance2
        )
    }

    /// The two-threshold rule with the multi-turn switch margin.
    @inlinable
    static func tier(
        pDevice: Float,
        pEdge: Float,
        tDevice: Float,
        tEdge: Float,
        turn: TurnContext,
        margins: (device: Float, edge: Float)
    ) -> Tier {
        let plain: Tier = pDevice >= tDevice ? .device : (pEdge >= tEdge ? .edge : .cloud)
        // Staying, or escalating to a stronger tier, is never blocked.
        guard plain < turn.previousTier else { return plain }
        let tokens = Float(turn.contextTokens)
        // Leaving for a cheaper tier: take the cheapest one whose score clears threshold + margin.
        if pDevice >= tDevice + margins.device * tokens { return .device }
        if turn.previousTier > .edge, pEdge >= tEdge + margins.edge * tokens { return .edge }
        return turn.previousTier
    }
}
