/// A message to send.
public struct KafkaProducerRecord: Hashable, Sendable {
    /// The topic.
    public var topic: String
    /// The partition, or `nil` to let the partitioner choose by key (the same key always goes to the same
    /// partition; keyless messages are spread).
    public var partition: Int32?
    /// The key, if any.
    public var key: [UInt8]?
    /// The value; `nil` sends a tombstone (a deletion marker on compacted topics).
    public var value: [UInt8]?
    /// Headers, sent in this order.
    public var headers: [KafkaHeader]

    /// Makes a record.
    ///
    /// - Parameters:
    ///   - topic: The topic.
    ///   - partition: The partition, or `nil` for the partitioner's choice.
    ///   - key: The key, if any.
    ///   - value: The value, or `nil` for a tombstone.
    ///   - headers: Headers.
    public init(
        topic: String,
        partition: Int32? = nil,
        key: [UInt8]? = nil,
        value: [UInt8]?,
        headers: [KafkaHeader] = []
    ) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
    }
}
