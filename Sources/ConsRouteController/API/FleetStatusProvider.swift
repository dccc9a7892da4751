package import ConsRouteModel

/// What the controller adds to a fleet's status (drift, optimiser and rollout state); the API itself reports the
/// table versions and subscriber counts.
package protocol FleetStatusProvider: Sendable {
    /// Extra status fields for `fleet`, or nil if the controller does not know the fleet.
    ///
    /// Keys the API reports itself (`fleet`, `active`, `canary`, `subscribers`) are not overridden.
    /// - Parameter fleet: the fleet name.
    /// - Throws: whatever the controller throws when it cannot answer (the API answers 500).
    func additionalStatus(fleet: String) async throws -> [String: JSONValue]?

    /// The configured fleets, or nil when the provider does not know them. With a set, the API answers 404 for
    /// any other fleet on every route (no stream or long-poll parks on a fleet that cannot get a table) and
    /// creates per-fleet metric series only for these (an unauthenticated client cannot grow `/metrics`).
    var configuredFleets: Set<String>? { get }
}

extension FleetStatusProvider {
    /// Unknown by default: any fleet is accepted (an API without a controller behind it, as in tests).
    package var configuredFleets: Set<String>? { nil }
}
