public import ConsRouteModel

/// What the controller adds to a fleet's status (drift, optimiser and rollout state); the API itself reports the
/// table versions and subscriber counts.
public protocol FleetStatusProvider: Sendable {
    /// Extra status fields for `fleet`, or nil if the controller does not know the fleet.
    ///
    /// Keys the API reports itself (`fleet`, `active`, `canary`, `subscribers`) are not overridden.
    /// - Parameter fleet: the fleet name.
    /// - Throws: whatever the controller throws when it cannot answer (the API answers 500).
    func additionalStatus(fleet: String) async throws -> [String: JSONValue]?
}
