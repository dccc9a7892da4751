extension KafkaConsumer {
    /// The lag of every assigned partition, for a consumer-lag metric.
    ///
    /// Position is the next offset the poll thread hands out (at most `maxBufferedEvents` batches ahead of
    /// what the application processed); the high watermark is the one cached from the last fetch response,
    /// so this makes no broker round trip.
    ///
    /// - Returns: One entry per assigned partition, sorted by topic and partition.
    /// - Throws: `KafkaError.consumerFailed` when the assignment cannot be read.
    public func lag() async throws -> [KafkaPartitionLag] {
        let client = client
        return try await ThreadBridge.run(on: blockingQueue) { try client.partitionLags() }
    }

    /// The offset of a partition's first message still in the log (its low watermark): as the last fetch response
    /// of the partition reported it (no broker round trip), or, when there is none, asked of the partition's leader.
    ///
    /// - Throws: `KafkaError.topicFailed` when the query fails (unknown topic or partition, timeout).
    public func lowWatermark(of partition: KafkaTopicPartition, timeout: Duration = .seconds(5)) async throws -> Int64 {
        if let cached = client.cachedLowWatermark(partition) { return cached }
        let client = client
        return try await ThreadBridge.run(on: blockingQueue) { try client.watermarks(partition, timeout: timeout).low }
    }

    /// Whether the group has taken this consumer's assignment away (its session timed out: the process was paused
    /// or starved) before the revocation reached the application. Messages already delivered from those partitions
    /// are then another member's to process. Reads local state; no broker round trip.
    public var isAssignmentLost: Bool { client.isAssignmentLost }
}
