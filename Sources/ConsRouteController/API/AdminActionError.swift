/// A failure of an admin action that the operator can act on; the API maps each case to a status code.
package enum AdminActionError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The fleet is not known to the controller (404).
    case unknownFleet(String)
    /// The fleet has no table with this version (404).
    case unknownVersion(fleet: String, version: UInt64)
    /// The action does not apply in the fleet's current state, e.g. promoting without a canary (409).
    case conflict(String)
    /// The controller cannot act now, e.g. the history store is unavailable (503).
    case unavailable(String)

    package var description: String {
        switch self {
        case .unknownFleet(let fleet): "unknown fleet \(fleet)"
        case .unknownVersion(let fleet, let version): "fleet \(fleet) has no table version \(version)"
        case .conflict(let reason): reason
        case .unavailable(let reason): reason
        }
    }
}
