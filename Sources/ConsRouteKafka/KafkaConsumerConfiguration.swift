/// Settings of a `KafkaConsumer`: the group, the topics, and how messages are batched and buffered.
///
/// The consumer always uses manual offsets: `enable.auto.commit=false` and `enable.auto.offset.store=false`
/// are set by the consumer and may not be overridden in `client.additionalConfig`.
public struct KafkaConsumerConfiguration: Hashable, Sendable {
    /// Where to start in a partition that has no committed offset and no start offset from the application.
    public enum OffsetReset: String, Hashable, Sendable {
        /// The oldest retained message (`auto.offset.reset=earliest`).
        case earliest
        /// Only messages produced after the assignment (`auto.offset.reset=latest`).
        case latest
        /// Fail the partition with an error event (`auto.offset.reset=error`).
        case error
    }

    /// Broker addresses, security and pass-through properties.
    public var client: KafkaConfiguration
    /// The consumer group (`group.id`). Must not be empty.
    public var groupID: String
    /// The topics to subscribe to. Must not be empty.
    public var topics: [String]
    /// Where to start without a committed or application-provided offset. Default `.earliest`.
    public var offsetReset: OffsetReset
    /// Group session timeout (`session.timeout.ms`). Default 10 s; a Tansu group join waits about half of it.
    public var sessionTimeout: Duration
    /// The most messages copied into one `.messages` event. Default 500.
    public var maxBatchSize: Int
    /// How many events the poll thread may buffer ahead of the reader before it blocks. Default 4.
    public var maxBufferedEvents: Int
    /// The partition assignment strategy (`partition.assignment.strategy`). Default `cooperative-sticky`.
    public var assignmentStrategy: String

    /// Makes a consumer configuration.
    ///
    /// - Parameters:
    ///   - client: Broker addresses, security and pass-through properties.
    ///   - groupID: The consumer group.
    ///   - topics: The topics to subscribe to.
    ///   - offsetReset: Where to start without a committed or provided offset.
    ///   - sessionTimeout: Group session timeout.
    ///   - maxBatchSize: The most messages in one event.
    ///   - maxBufferedEvents: Events buffered ahead of the reader before the poll thread blocks.
    ///   - assignmentStrategy: The partition assignment strategy.
    public init(
        client: KafkaConfiguration,
        groupID: String,
        topics: [String],
        offsetReset: OffsetReset = .earliest,
        sessionTimeout: Duration = .seconds(10),
        maxBatchSize: Int = 500,
        maxBufferedEvents: Int = 4,
        assignmentStrategy: String = "cooperative-sticky"
    ) {
        self.client = client
        self.groupID = groupID
        self.topics = topics
        self.offsetReset = offsetReset
        self.sessionTimeout = sessionTimeout
        self.maxBatchSize = maxBatchSize
        self.maxBufferedEvents = maxBufferedEvents
        self.assignmentStrategy = assignmentStrategy
    }

    /// Checks the configuration as creating a consumer would (our checks, then librdkafka's on every key), without
    /// connecting: a start-up check, so that a bad key fails at start instead of in a restart loop.
    ///
    /// - Throws: `KafkaError.invalidConfiguration` naming the offending key.
    public func validate() throws(KafkaError) {
        _ = try RDKafkaConfig(properties: try properties())
    }

    /// The librdkafka properties of this consumer.
    ///
    /// - Throws: `KafkaError.invalidConfiguration` naming the offending key.
    func properties() throws(KafkaError) -> [String: String] {
        guard !groupID.isEmpty else {
            throw .invalidConfiguration(key: "group.id", reason: "a consumer group id is required")
        }
        guard !topics.isEmpty, !topics.contains(where: \.isEmpty) else {
            throw .invalidConfiguration(key: "topics", reason: "at least one non-empty topic name is required")
        }
        guard maxBatchSize > 0 else {
            throw .invalidConfiguration(key: "maxBatchSize", reason: "must be at least 1, got \(maxBatchSize)")
        }
        guard maxBufferedEvents > 0 else {
            throw .invalidConfiguration(
                key: "maxBufferedEvents",
                reason: "must be at least 1, got \(maxBufferedEvents)"
            )
        }
        var defaults = [
            "group.id": groupID,
            "auto.offset.reset": offsetReset.rawValue,
            "session.timeout.ms": String(sessionTimeout.wholeMilliseconds),
            "partition.assignment.strategy": assignmentStrategy,
            "enable.partition.eof": "false",
            // The high-level consumer checks queued.min.messages against its single queue for all partitions:
            // one fetch response over many partitions passes librdkafka's 100,000 and pauses fetching for a
            // second. Memory stays bounded by queued.max.messages.kbytes (64 MB) and maxBufferedEvents.
            "queued.min.messages": "1000000",
        ]
        if KafkaLibrary.versionNumbers >= (2, 1, 0) {
            // The same pause, configurable from librdkafka 2.1 on (default 1000 ms).
            defaults["fetch.queue.backoff.ms"] = "10"
        }
        let managed = ["enable.auto.commit": "false", "enable.auto.offset.store": "false"]
        return try client.properties(defaults: defaults, managed: managed, client: "consumer")
    }
}

extension Duration {
    /// The duration in whole milliseconds, rounded down.
    var wholeMilliseconds: Int64 {
        components.seconds * 1000 + components.attoseconds / 1_000_000_000_000_000
    }
}
