/// Settings of the distribution API.
package struct DistributionAPIConfiguration: Sendable {
    /// The bearer token the admin endpoints require (non-empty).
    package var adminToken: String
    /// The longest long-poll `wait` a client may ask for; longer asks get 400 (default 60 s).
    package var maximumWait: Duration
    /// How often an idle server-sent-event stream gets a comment line (default 15 s).
    package var heartbeatInterval: Duration
    /// The largest admin request body accepted, in bytes (default 64 KiB).
    package var maximumAdminBodyBytes: Int
    /// The longest a request's head may take to arrive before the connection is closed (default 10 s).
    package var headerTimeout: Duration
    /// The longest a connection may stay open with no request in progress (default 60 s); parked long-polls and
    /// open streams are requests in progress.
    package var idleTimeout: Duration
    /// The most connections open at once; beyond it new connections wait in the listen backlog (default 16,384).
    package var maximumConnections: Int

    /// Settings with the documented defaults.
    ///
    /// - Parameters:
    ///   - adminToken: the admin bearer token.
    ///   - maximumWait: the long-poll cap.
    ///   - heartbeatInterval: the server-sent-event heartbeat period.
    ///   - maximumAdminBodyBytes: the admin body size limit.
    ///   - headerTimeout: the header-read timeout.
    ///   - idleTimeout: the idle-connection timeout.
    ///   - maximumConnections: the connection cap.
    /// - Throws: `DistributionAPIConfigurationError` naming the setting that is out of range.
    package init(
        adminToken: String,
        maximumWait: Duration = .seconds(60),
        heartbeatInterval: Duration = .seconds(15),
        maximumAdminBodyBytes: Int = 64 * 1024,
        headerTimeout: Duration = .seconds(10),
        idleTimeout: Duration = .seconds(60),
        maximumConnections: Int = 16_384
    ) throws(DistributionAPIConfigurationError) {
        guard !adminToken.isEmpty else { throw .invalid(key: "adminToken", reason: "must not be empty") }
        guard maximumWait > .zero else { throw .invalid(key: "maximumWait", reason: "must be positive") }
        guard heartbeatInterval > .zero else { throw .invalid(key: "heartbeatInterval", reason: "must be positive") }
        guard maximumAdminBodyBytes > 0 else {
            throw .invalid(key: "maximumAdminBodyBytes", reason: "must be positive")
        }
        guard headerTimeout > .zero else { throw .invalid(key: "headerTimeout", reason: "must be positive") }
        guard idleTimeout > .zero else { throw .invalid(key: "idleTimeout", reason: "must be positive") }
        guard maximumConnections > 0 else { throw .invalid(key: "maximumConnections", reason: "must be positive") }
        self.headerTimeout = headerTimeout
        self.idleTimeout = idleTimeout
        self.maximumConnections = maximumConnections
        self.adminToken = adminToken
        self.maximumWait = maximumWait
        self.heartbeatInterval = heartbeatInterval
        self.maximumAdminBodyBytes = maximumAdminBodyBytes
    }
}

/// A distribution API setting that is out of range.
package enum DistributionAPIConfigurationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The setting `key` is invalid for `reason`.
    case invalid(key: String, reason: String)

    package var description: String {
        switch self {
        case .invalid(let key, let reason): "distribution API setting \(key) \(reason)"
        }
    }
}
