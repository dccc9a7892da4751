import ConsRouteModel

/// A published table with its routing policy.
struct CompiledTable: Sendable {
    let table: ThresholdTable
    let policy: RoutingPolicy

    init(_ table: ThresholdTable) {
        self.table = table
        policy = RoutingPolicy(table: table)
    }
}
