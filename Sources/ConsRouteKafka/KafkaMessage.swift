/// A consumed Kafka message, copied out of librdkafka's buffers.
public struct KafkaMessage: Hashable, Sendable {
    /// The topic it was read from.
    public var topic: String
    /// The partition it was read from.
    public var partition: Int32
    /// Its offset within the partition.
    public var offset: Int64
    /// The message key, `nil` if the message has none.
    public var key: [UInt8]?
    /// The message value (empty for a tombstone; see `isTombstone`).
    public var value: [UInt8]
    /// True when the message had no value at all (a deletion marker on compacted topics).
    public var isTombstone: Bool
    /// The headers, in the order they were sent.
    public var headers: [KafkaHeader]
    /// The message timestamp in milliseconds since 1970 (create or log-append time), `nil` if unavailable.
    public var timestampMilliseconds: Int64?

    /// Makes a message value.
    ///
    /// - Parameters:
    ///   - topic: The topic.
    ///   - partition: The partition.
    ///   - offset: The offset within the partition.
    ///   - key: The key bytes, if any.
    ///   - value: The value bytes.
    ///   - isTombstone: Whether the message had no value.
    ///   - headers: The headers.
    ///   - timestampMilliseconds: The timestamp, if any.
    public init(
        topic: String,
        partition: Int32,
        offset: Int64,
        key: [UInt8]?,
        value: [UInt8],
        isTombstone: Bool = false,
        headers: [KafkaHeader] = [],
        timestampMilliseconds: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.isTombstone = isTombstone
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }

    /// The partition this message came from.
    public var topicPartition: KafkaTopicPartition {
        KafkaTopicPartition(topic: topic, partition: partition)
    }
}
