/// Settings every Kafka client shares: where the brokers are, who we are, how we authenticate, and any other
/// librdkafka property.
///
/// Typed fields come first; `additionalConfig` is applied last and may set any librdkafka key
/// (see librdkafka's CONFIGURATION.md), except the few a client manages itself, which are rejected by name.
public struct KafkaConfiguration: Hashable, Sendable {
    /// Broker addresses as `host:port` (`bootstrap.servers`). Must not be empty.
    public var bootstrapServers: [String]
    /// The client id brokers see in logs and quotas (`client.id`). Default `consroute`.
    public var clientID: String
    /// Transport security and authentication (`security.protocol`, `ssl.*`, `sasl.*`). Default plaintext.
    public var security: Security
    /// Any other librdkafka property, passed through verbatim and applied after the typed fields.
    public var additionalConfig: [String: String]

    /// Makes a client configuration.
    ///
    /// - Parameters:
    ///   - bootstrapServers: Broker addresses as `host:port`.
    ///   - clientID: The client id brokers see.
    ///   - security: Transport security and authentication.
    ///   - additionalConfig: Any other librdkafka property.
    public init(
        bootstrapServers: [String],
        clientID: String = "consroute",
        security: Security = .plaintext,
        additionalConfig: [String: String] = [:]
    ) {
        self.bootstrapServers = bootstrapServers
        self.clientID = clientID
        self.security = security
        self.additionalConfig = additionalConfig
    }

    /// Makes a client configuration from a comma-separated `bootstrap.servers` string.
    ///
    /// - Parameters:
    ///   - bootstrapServers: Broker addresses as `host:port,host:port`.
    ///   - clientID: The client id brokers see.
    public init(bootstrapServers: String, clientID: String = "consroute") {
        let servers = bootstrapServers.split(separator: ",").map { $0.trimmingSpaces() }.filter { !$0.isEmpty }
        self.init(bootstrapServers: servers, clientID: clientID)
    }

    /// The librdkafka properties for this configuration, with `defaults` under the typed fields, `managed` over
    /// everything.
    ///
    /// - Parameters:
    ///   - defaults: Client-kind defaults that the typed fields and `additionalConfig` may override.
    ///   - managed: Keys the client kind sets itself; `additionalConfig` may not name them.
    ///   - client: The client kind, for error messages.
    /// - Throws: `KafkaError.invalidConfiguration` naming the key when the servers are missing or
    ///   `additionalConfig` sets a managed key.
    func properties(
        defaults: [String: String],
        managed: [String: String],
        client: String
    ) throws(KafkaError) -> [String: String] {
        guard !bootstrapServers.isEmpty else {
            throw .invalidConfiguration(key: "bootstrap.servers", reason: "at least one host:port is required")
        }
        if let blank = bootstrapServers.first(where: { $0.trimmingSpaces().isEmpty }) {
            throw .invalidConfiguration(key: "bootstrap.servers", reason: "empty broker address '\(blank)'")
        }
        for key in additionalConfig.keys.sorted() where managed[key] != nil && additionalConfig[key] != managed[key] {
            throw .invalidConfiguration(
                key: key,
                reason: "the \(client) sets this key itself to '\(managed[key] ?? "")'; remove it from additionalConfig"
            )
        }
        var properties = ["log.connection.close": "false"].merging(defaults) { _, new in new }
        properties["bootstrap.servers"] = bootstrapServers.joined(separator: ",")
        properties["client.id"] = clientID
        properties.merge(security.properties) { _, new in new }
        properties.merge(additionalConfig) { _, new in new }
        properties.merge(managed) { _, new in new }
        return properties
    }
}

extension StringProtocol {
    /// The text without leading and trailing spaces.
    func trimmingSpaces() -> String {
        String(drop { $0 == " " }.reversed().drop { $0 == " " }.reversed())
    }
}
