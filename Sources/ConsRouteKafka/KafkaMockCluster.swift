/// librdkafka's in-process mock cluster: real Kafka protocol on 127.0.0.1, no broker to install.
///
/// It is the product's embedded default broker and the unit-test broker. Topics are auto-created on first
/// use with the cluster's default partition count, or explicitly with `createTopic`. It keeps only a few MB
/// per partition. The cluster stops when the value is released.
public final class KafkaMockCluster: Sendable {
    /// A Kafka request type whose next answers `failNextRequests` can replace with errors.
    public enum Request: Int16, Sendable {
        /// Produce (API key 0).
        case produce = 0
        /// Fetch (API key 1).
        case fetch = 1
        /// ListOffsets (API key 2).
        case listOffsets = 2
        /// Metadata (API key 3).
        case metadata = 3
        /// OffsetCommit (API key 8).
        case offsetCommit = 8
        /// OffsetFetch (API key 9).
        case offsetFetch = 9
        /// FindCoordinator (API key 10).
        case findCoordinator = 10
        /// JoinGroup (API key 11).
        case joinGroup = 11
        /// Heartbeat (API key 12).
        case heartbeat = 12
        /// SyncGroup (API key 14).
        case syncGroup = 14
        /// InitProducerId (API key 22).
        case initProducerID = 22
    }

    /// The brokers' addresses, `127.0.0.1:port,...`.
    public let bootstrapServers: String
    /// Number of brokers.
    public let brokerCount: Int
    private let cluster: RDKafkaMockCluster

    /// Starts a mock cluster.
    ///
    /// - Parameter brokerCount: Number of brokers, at least 1.
    /// - Throws: `KafkaError.mockClusterFailed`.
    public init(brokerCount: Int = 1) throws {
        guard brokerCount >= 1 else {
            throw KafkaError.mockClusterFailed(reason: "brokerCount must be at least 1, got \(brokerCount)")
        }
        self.brokerCount = brokerCount
        cluster = try RDKafkaMockCluster(brokerCount: brokerCount)
        bootstrapServers = cluster.bootstrapServers
    }

    /// A client configuration pointing at this cluster.
    public var clientConfiguration: KafkaConfiguration {
        KafkaConfiguration(bootstrapServers: bootstrapServers)
    }

    /// Creates a topic directly in the mock cluster, without an admin request.
    ///
    /// - Parameters:
    ///   - name: The topic name.
    ///   - partitions: Number of partitions, at least 1.
    ///   - replicationFactor: Copies per partition, between 1 and the broker count.
    /// - Throws: `KafkaError.mockClusterFailed` with librdkafka's reason.
    public func createTopic(_ name: String, partitions: Int, replicationFactor: Int = 1) throws {
        guard !name.isEmpty, partitions >= 1, (1...brokerCount).contains(replicationFactor) else {
            throw KafkaError.mockClusterFailed(
                reason: "cannot create topic '\(name)' with \(partitions) partitions and replication factor "
                    + "\(replicationFactor) on \(brokerCount) brokers: the name must not be empty, partitions at "
                    + "least 1, replication between 1 and the broker count"
            )
        }
        try cluster.createTopic(name, partitions: partitions, replicationFactor: replicationFactor)
    }

    /// Makes the cluster answer the next requests of one kind with `errors`, one per request, in order.
    ///
    /// - Parameters:
    ///   - request: The request kind.
    ///   - errors: The error codes to answer with.
    public func failNextRequests(_ request: Request, with errors: [KafkaErrorCode]) {
        cluster.pushRequestErrors(apiKey: request.rawValue, errors: errors)
    }

    /// Drops the errors `failNextRequests` queued for one kind of request and not yet answered with.
    ///
    /// - Parameter request: The request kind.
    public func clearRequestErrors(_ request: Request) {
        cluster.clearRequestErrors(apiKey: request.rawValue)
    }

    /// Simulates a broker outage: every broker goes down (connections close, new ones are refused) when `up` is
    /// false, and comes back when it is true; the topics and their messages survive.
    ///
    /// - Parameter up: whether the brokers accept connections.
    public func setBrokersAvailable(_ up: Bool) {
        for id in 1...brokerCount { cluster.setBroker(Int32(id), up: up) }
    }
}
