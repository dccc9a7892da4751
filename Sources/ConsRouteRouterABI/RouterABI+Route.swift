public import CConsRouteRouterABI
import ConsRouteModel
import ConsRouteRouter

extension consroute_decision {
    init(_ decision: RoutingDecision, version: UInt64) {
        self.init(
            cluster_index: Int32(truncatingIfNeeded: decision.clusterIndex),
            cluster_id: decision.clusterID,
            tier: Int32(decision.tier.rawValue),
            is_novel: decision.isNovel ? 1 : 0,
            distance2: decision.distance2,
            table_version: version
        )
    }
}

/// The turn context of a C caller, or nil for an invalid tier (reported as CONSROUTE_ERR_INVALID_ARGUMENT).
func turnContext(_ turn: consroute_turn) -> TurnContext? {
    guard let tier = Tier(rawValue: Int(turn.previous_tier)) else { return nil }
    return TurnContext(previousTier: tier, contextTokens: turn.context_tokens)
}

func errorCode(_ error: RouterError) -> Int32 {
    switch error {
    case .wrongDimension: CONSROUTE_ERR_WRONG_DIMENSION
    default: CONSROUTE_ERR_NO_TABLE
    }
}

@_cdecl("consroute_router_route")
public func routerRoute(
    _ router: OpaquePointer?,
    _ representation: UnsafePointer<Float>?,
    _ dimension: Int,
    _ pDevice: Float,
    _ pEdge: Float,
    _ turn: UnsafePointer<consroute_turn>?,
    _ decision: UnsafeMutablePointer<consroute_decision>?
) -> Int32 {
    guard let router, let representation, let decision, dimension >= 0 else { return CONSROUTE_ERR_INVALID_ARGUMENT }
    var context: TurnContext?
    if let turn {
        guard let valid = turnContext(turn.pointee) else { return CONSROUTE_ERR_INVALID_ARGUMENT }
        context = valid
    }
    // One query is a batch of one: the table is read once, with its version, under the router's lock.
    do {
        try RouterHandle.router(router).route(
            batch: 1,
            representations: UnsafeBufferPointer(start: representation, count: dimension),
            query: { _ in (pDevice, pEdge, context) },
            result: { _, routed, version in decision.pointee = consroute_decision(routed, version: version) }
        )
    } catch {
        return errorCode(error)
    }
    return CONSROUTE_OK
}

@_cdecl("consroute_router_route_batch")
public func routerRouteBatch(
    _ router: OpaquePointer?,
    _ representations: UnsafePointer<Float>?,
    _ count: Int,
    _ dimension: Int,
    _ pDevice: UnsafePointer<Float>?,
    _ pEdge: UnsafePointer<Float>?,
    _ turns: UnsafePointer<consroute_turn>?,
    _ decisions: UnsafeMutablePointer<consroute_decision>?
) -> Int32 {
    guard let router, count >= 0, dimension >= 0 else { return CONSROUTE_ERR_INVALID_ARGUMENT }
    if count == 0 { return CONSROUTE_OK }
    guard let representations, let pDevice, let pEdge, let decisions else { return CONSROUTE_ERR_INVALID_ARGUMENT }
    if let turns {
        for index in 0..<count where turnContext(turns[index]) == nil { return CONSROUTE_ERR_INVALID_ARGUMENT }
    }
    do {
        try RouterHandle.router(router).route(
            batch: count,
            representations: UnsafeBufferPointer(start: representations, count: count * dimension),
            query: { index in (pDevice[index], pEdge[index], turns.flatMap { turnContext($0[index]) }) },
            result: { index, routed, version in decisions[index] = consroute_decision(routed, version: version) }
        )
    } catch {
        return errorCode(error)
    }
    return CONSROUTE_OK
}
