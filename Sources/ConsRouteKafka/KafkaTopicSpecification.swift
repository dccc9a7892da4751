/// A topic to create: name, partitions, replication, and topic-level configuration.
public struct KafkaTopicSpecification: Hashable, Sendable {
    /// The topic name.
    public var name: String
    /// Number of partitions; at least 1.
    public var partitions: Int
    /// Copies of each partition; at least 1, at most the number of brokers.
    public var replicationFactor: Int
    /// Topic-level configuration, e.g. `["cleanup.policy": "compact"]`.
    public var config: [String: String]

    /// Describes a topic.
    ///
    /// - Parameters:
    ///   - name: The topic name.
    ///   - partitions: Number of partitions.
    ///   - replicationFactor: Copies of each partition.
    ///   - config: Topic-level configuration.
    public init(name: String, partitions: Int = 1, replicationFactor: Int = 1, config: [String: String] = [:]) {
        self.name = name
        self.partitions = partitions
        self.replicationFactor = replicationFactor
        self.config = config
    }

    /// Checks the values a broker would reject anyway, with a clearer message.
    ///
    /// - Throws: `KafkaError.topicFailed` naming the topic and the field.
    func validate() throws(KafkaError) {
        guard !name.isEmpty else {
            throw .topicFailed(topic: name, code: .noError, reason: "the topic name is empty")
        }
        guard partitions >= 1 else {
            throw .topicFailed(topic: name, code: .noError, reason: "partitions must be at least 1, got \(partitions)")
        }
        guard replicationFactor >= 1 else {
            throw .topicFailed(
                topic: name,
                code: .noError,
                reason: "replicationFactor must be at least 1, got \(replicationFactor)"
            )
        }
    }
}
