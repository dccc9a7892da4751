/// A group's committed offset of one partition and the metadata committed with it.
public struct KafkaCommittedOffset: Hashable, Sendable {
    /// The next offset to read.
    public var offset: Int64
    /// The commit metadata ("" when none); Kafka keeps up to `offset.metadata.max.bytes` (4 KB by default).
    public var metadata: String

    public init(offset: Int64, metadata: String = "") {
        self.offset = offset
        self.metadata = metadata
    }
}
