import GRDB

/// The next Kafka offset to consume for one consumer group, topic and partition.
public struct ConsumerOffset: Sendable, Hashable {
    /// The consumer group.
    public var group: String
    /// The topic.
    public var topic: String
    /// The partition.
    public var partition: Int32
    /// The offset of the next message to consume (one past the last one whose effect is stored).
    public var nextOffset: Int64
    /// Where to re-read from to rebuild state that is not in SQLite (the dedupe window, the reservoir): at
    /// most `nextOffset`; nil leaves the stored value unchanged.
    public var replayOffset: Int64?

    /// Creates an offset.
    /// - Parameters:
    ///   - group: The consumer group; not empty.
    ///   - topic: The topic; not empty.
    ///   - partition: The partition; not negative.
    ///   - nextOffset: The next offset to consume; not negative.
    ///   - replayOffset: The offset to rebuild in-memory state from; in 0...nextOffset, or nil.
    public init(group: String, topic: String, partition: Int32, nextOffset: Int64, replayOffset: Int64? = nil) {
        self.group = group
        self.topic = topic
        self.partition = partition
        self.nextOffset = nextOffset
        self.replayOffset = replayOffset
    }
}

extension ConsumerOffset {
    static let selectSQL = """
        SELECT next_offset FROM consumer_offset WHERE consumer_group = ? AND topic = ? AND partition_id = ?
        """

    static let upsertSQL = """
        INSERT INTO consumer_offset (consumer_group, topic, partition_id, next_offset, replay_offset)
        VALUES (?, ?, ?, ?, ?)
        ON CONFLICT (consumer_group, topic, partition_id) DO UPDATE SET next_offset = excluded.next_offset,
            replay_offset = COALESCE(excluded.replay_offset, replay_offset)
        """

    func validate(_ field: String) throws {
        try FieldRule.nonEmpty(group, "\(field).group")
        try FieldRule.nonEmpty(topic, "\(field).topic")
        try FieldRule.nonNegative(Int64(partition), "\(field).partition")
        try FieldRule.nonNegative(nextOffset, "\(field).nextOffset")
        if let replayOffset, replayOffset < 0 || replayOffset > nextOffset {
            throw HistoryStoreError.invalidField(
                field: "\(field).replayOffset",
                reason: "\(replayOffset) is not in 0...nextOffset (\(nextOffset))"
            )
        }
    }

    /// Stores the offset, which must move forward: a batch that names a partition consumed at least one new
    /// message from it, so an offset at or below the stored one means the batch's effect is already stored.
    func advance(in db: Database) throws {
        let key: StatementArguments = [group, topic, partition]
        if let stored = try Int64.fetchOne(db.cachedStatement(sql: Self.selectSQL), arguments: key),
            nextOffset <= stored
        {
            throw HistoryStoreError.offsetNotAdvanced(
                group: group,
                topic: topic,
                partition: partition,
                stored: stored,
                proposed: nextOffset
            )
        }
        try db.cachedStatement(sql: Self.upsertSQL).execute(arguments: key + [nextOffset, replayOffset])
    }
}
