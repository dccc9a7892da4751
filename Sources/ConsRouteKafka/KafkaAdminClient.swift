import Dispatch

/// Creates topics and reads topic metadata. Every call blocks a Dispatch thread, never the cooperative pool.
public final class KafkaAdminClient: Sendable {
    private let client: RDKafkaClient
    private let blockingQueue = DispatchQueue(label: "consroute.kafka.admin.blocking")

    /// Creates an admin client (topics are never auto-created by its metadata requests).
    ///
    /// - Parameter configuration: Broker addresses, security and pass-through properties.
    /// - Throws: `KafkaError.invalidConfiguration` naming the key, or `.clientCreationFailed`.
    public init(configuration: KafkaConfiguration) throws {
        let properties = try configuration.properties(
            defaults: [:],
            managed: ["allow.auto.create.topics": "false"],
            client: "admin client"
        )
        client = try RDKafkaClient(kind: .producer, configuration: RDKafkaConfig(properties: properties))
    }

    /// Creates a topic; a topic that already exists is not an error (its settings are left as they are).
    ///
    /// - Parameters:
    ///   - specification: Name, partitions, replication and topic config.
    ///   - timeout: How long to wait for the controller.
    /// - Throws: `KafkaError.topicFailed` with the broker's reason, e.g. an unknown config key.
    public func createTopic(_ specification: KafkaTopicSpecification, timeout: Duration = .seconds(30)) async throws {
        try specification.validate()
        let client = client
        try await ThreadBridge.run(on: blockingQueue) { try client.createTopic(specification, timeout: timeout) }
    }

    /// The partitions of a topic.
    ///
    /// - Parameters:
    ///   - topic: The topic name.
    ///   - timeout: How long to wait for a broker.
    /// - Returns: The topic's metadata.
    /// - Throws: `KafkaError.topicFailed` with `.unknownTopicOrPartition` when it does not exist.
    public func metadata(for topic: String, timeout: Duration = .seconds(10)) async throws -> KafkaTopicMetadata {
        let client = client
        return try await ThreadBridge.run(on: blockingQueue) { try client.topicMetadata(topic, timeout: timeout) }
    }

    /// The offset after the last message of a partition (its high watermark), asked of the partition's leader.
    ///
    /// - Parameters:
    ///   - partition: The topic and partition.
    ///   - timeout: How long to wait for the broker.
    /// - Throws: `KafkaError.topicFailed` naming the topic and partition.
    public func highWatermark(of partition: KafkaTopicPartition, timeout: Duration = .seconds(10)) async throws -> Int64
    {
        let client = client
        return try await ThreadBridge.run(on: blockingQueue) { try client.watermarks(partition, timeout: timeout).high }
    }
}
