package import ConsRouteModel

/// Where past tables come from (the SQLite history in the controller; an in-memory one in tests).
package protocol TableHistory: Sendable {
    /// The table `version` of `fleet`, or nil if there is none.
    ///
    /// - Parameters:
    ///   - fleet: the fleet name.
    ///   - version: the table version.
    /// - Throws: whatever the store throws when it cannot answer (the API answers 500).
    func table(fleet: String, version: UInt64) async throws -> SignedTable?
}
