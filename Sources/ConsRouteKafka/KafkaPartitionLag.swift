/// How far a consumer is behind in one assigned partition.
public struct KafkaPartitionLag: Hashable, Sendable {
    /// The partition.
    public var topicPartition: KafkaTopicPartition
    /// The next offset the consumer hands out, `nil` before it has read anything from the partition.
    public var position: Int64?
    /// The partition's high watermark (offset of the next message to be written), as last seen in a fetch
    /// response; `nil` before the first fetch.
    public var highWatermark: Int64?

    /// Makes a lag value.
    ///
    /// - Parameters:
    ///   - topicPartition: The partition.
    ///   - position: The next offset the consumer hands out.
    ///   - highWatermark: The partition's high watermark.
    public init(topicPartition: KafkaTopicPartition, position: Int64?, highWatermark: Int64?) {
        self.topicPartition = topicPartition
        self.position = position
        self.highWatermark = highWatermark
    }

    /// Messages not yet handed out: `highWatermark - position`, never negative; `nil` if either is unknown.
    public var lag: Int64? {
        guard let position, let highWatermark else { return nil }
        return max(0, highWatermark - position)
    }
}
