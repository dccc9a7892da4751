/// Why `consroute serve` could not start; each message is one line naming the cause and the setting involved.
package enum ControllerStartupError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The signing key file is missing or invalid.
    case signingKey(path: String, reason: String)
    /// The admin token file could not be read or created.
    case adminToken(path: String, reason: String)
    /// The history database could not be opened.
    case history(path: String, reason: String)
    /// No broker answered within the connect timeout.
    case brokerUnreachable(servers: String, reason: String)
    /// A topic could not be created or inspected.
    case topic(name: String, reason: String)
    /// The HTTP address could not be bound.
    case httpBind(address: String, reason: String)
    /// The embedded broker could not start.
    case embeddedBroker(reason: String)
    /// A key of `broker.settings` that librdkafka rejects or that the controller sets itself.
    case brokerSetting(key: String, reason: String)

    package var description: String {
        switch self {
        case .signingKey(let path, let reason):
            "keys.signing_key_file: cannot use \(path): \(reason) (create one with `consroute keygen`)"
        case .adminToken(let path, let reason): "http.admin_token_file: cannot use \(path): \(reason)"
        case .history(let path, let reason): "history.path: cannot open \(path): \(reason)"
        case .brokerUnreachable(let servers, let reason):
            "broker.bootstrap_servers: no broker reachable at \(servers): \(reason)"
        case .topic(let name, let reason): "topics: cannot create or inspect topic \(name): \(reason)"
        case .httpBind(let address, let reason): "http.port: cannot listen on \(address): \(reason)"
        case .embeddedBroker(let reason): "broker: the embedded broker did not start: \(reason)"
        case .brokerSetting(let key, let reason): "broker.settings.\(key): \(reason)"
        }
    }
}
