/// What the cluster reports about a topic.
public struct KafkaTopicMetadata: Hashable, Sendable {
    /// The topic name.
    public var name: String
    /// Its partition numbers, ascending.
    public var partitions: [Int32]

    /// Makes a metadata value.
    ///
    /// - Parameters:
    ///   - name: The topic name.
    ///   - partitions: Its partition numbers, ascending.
    public init(name: String, partitions: [Int32]) {
        self.name = name
        self.partitions = partitions
    }
}
