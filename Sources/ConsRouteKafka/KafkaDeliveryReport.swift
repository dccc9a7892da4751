/// Where the broker stored a message that was delivered.
public struct KafkaDeliveryReport: Hashable, Sendable {
    /// The topic.
    public var topic: String
    /// The partition it went to.
    public var partition: Int32
    /// Its offset in that partition.
    public var offset: Int64
    /// Its timestamp in milliseconds since 1970, if the broker reported one.
    public var timestampMilliseconds: Int64?

    /// Makes a report.
    ///
    /// - Parameters:
    ///   - topic: The topic.
    ///   - partition: The partition.
    ///   - offset: The offset.
    ///   - timestampMilliseconds: The timestamp, if any.
    public init(topic: String, partition: Int32, offset: Int64, timestampMilliseconds: Int64? = nil) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.timestampMilliseconds = timestampMilliseconds
    }
}
