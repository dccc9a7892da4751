package import ConsRouteModel

/// The operator actions behind the admin endpoints; each returns a JSON result for the caller.
///
/// Implementations throw `AdminActionError` for the failures an operator can act on (the API maps each case to
/// a status code); any other error is answered with 500.
package protocol AdminActions: Sendable {
    /// Publishes a new version of `fleet` with the content of `version`.
    ///
    /// - Parameters:
    ///   - fleet: the fleet name.
    ///   - version: the past version whose content to publish again.
    /// - Returns: the result to show the operator (e.g. the new version).
    /// - Throws: `AdminActionError`, or any error for a 500.
    func rollback(fleet: String, toVersion version: UInt64) async throws -> JSONValue
    /// Re-optimises the fleet's thresholds now.
    ///
    /// - Parameter fleet: the fleet name.
    /// - Returns: the result to show the operator.
    /// - Throws: `AdminActionError`, or any error for a 500.
    func retune(fleet: String) async throws -> JSONValue
    /// Stops publishing for the fleet until `resume`.
    ///
    /// - Parameter fleet: the fleet name.
    /// - Returns: the result to show the operator.
    /// - Throws: `AdminActionError`, or any error for a 500.
    func pause(fleet: String) async throws -> JSONValue
    /// Resumes publishing for the fleet.
    ///
    /// - Parameter fleet: the fleet name.
    /// - Returns: the result to show the operator.
    /// - Throws: `AdminActionError`, or any error for a 500.
    func resume(fleet: String) async throws -> JSONValue
    /// Promotes the fleet's canary to active.
    ///
    /// - Parameter fleet: the fleet name.
    /// - Returns: the result to show the operator.
    /// - Throws: `AdminActionError`, or any error for a 500.
    func promote(fleet: String) async throws -> JSONValue
}
