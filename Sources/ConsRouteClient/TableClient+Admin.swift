public import ConsRouteModel
import NIOHTTP1

extension TableClient {
    /// `POST /v1/fleets/{fleet}/{action}` with `Authorization: Bearer <token>`: runs an operator action.
    ///
    /// - Parameters:
    ///   - action: the action.
    ///   - fleet: the fleet name.
    ///   - body: the JSON body (`{"to_version": N}` for a rollback), or nil for none.
    ///   - token: the admin bearer token.
    /// - Returns: the controller's JSON result.
    /// - Throws: `TableClientError.status` with 401 (no token), 403 (wrong token; `isAuthenticationFailure`),
    ///   404 (unknown fleet or version), 409 (the action does not apply now) or 503, with the API's message.
    public func admin(_ action: AdminAction, fleet: String, body: JSONValue? = nil, token: String) async throws
        -> JSONValue
    {
        var exchange = HTTPExchange(
            method: .POST,
            target: "/v1/fleets/\(ServerAddress.escape(fleet))/\(action.rawValue)",
            headers: [(name: "Authorization", value: "Bearer \(token)")]
        )
        exchange.body = (body ?? .object([:])).canonicalBytes()
        return try await jsonRequest(exchange)
    }

    /// Rolls `fleet` back to the content of `version` (published as a new version).
    ///
    /// - Parameters:
    ///   - fleet: the fleet name.
    ///   - version: the past version whose content to publish again.
    ///   - token: the admin bearer token.
    /// - Returns: the controller's JSON result.
    /// - Throws: as `admin(_:fleet:body:token:)`.
    public func rollback(fleet: String, toVersion version: UInt64, token: String) async throws -> JSONValue {
        try await admin(
            .rollback,
            fleet: fleet,
            body: .object(["to_version": JSONValue(integer: version)]),
            token: token
        )
    }
}
