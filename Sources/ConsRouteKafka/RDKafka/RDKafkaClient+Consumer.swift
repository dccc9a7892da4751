import CRdKafka

/// Offset and position calls on a consumer handle. Each may block briefly: call them off the cooperative pool.
extension RDKafkaClient {
    /// Stores offsets for the next commit (`rd_kafka_offsets_store`).
    ///
    /// - Throws: `KafkaError.commitFailed` naming the first partition librdkafka rejected.
    func storeOffsets(_ offsets: [KafkaTopicPartition: Int64]) throws(KafkaError) {
        guard !offsets.isEmpty else { return }
        let list = RDKafkaTopicPartitionList(offsets.mapValues { $0 })
        let code = rd_kafka_offsets_store(pointer, list.pointer)
        if let rejected = list.entries.first(where: { $0.error != .noError }) {
            throw .commitFailed(
                code: rejected.error,
                reason:
                    "cannot store offset \(rejected.offset) for \(rejected.topicPartition): \(rejected.error.message)"
            )
        }
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw .commitFailed(code: KafkaErrorCode(code), reason: KafkaErrorCode(code).message)
        }
    }

    /// How long a commit waits for the group coordinator's answer.
    static let commitTimeout: Duration = .seconds(10)

    /// Commits `offsets`, or the stored offsets when `nil`, and waits at most `commitTimeout` for the broker's answer
    /// (`rd_kafka_commit_queue` on a queue of its own). `rd_kafka_commit` in its synchronous form waits without a
    /// bound: with the group's coordinator gone it blocked a controller's shutdown for good.
    ///
    /// - Throws: `KafkaError.commitFailed` (with `.timedOut` when no answer came in time; the commit may still land
    ///   later); having nothing to commit is not an error.
    func commitOffsets(
        _ offsets: [KafkaTopicPartition: Int64]?,
        metadata: [KafkaTopicPartition: String] = [:]
    ) throws(KafkaError) {
        let queue = rd_kafka_queue_new(pointer)
        // Safe with the commit still pending: librdkafka keeps the queue until the answer, then drops it.
        defer { rd_kafka_queue_destroy(queue) }
        let code: rd_kafka_resp_err_t
        if let offsets {
            guard !offsets.isEmpty else { return }
            let list = RDKafkaTopicPartitionList(capacity: offsets.count)
            for (partition, offset) in offsets.sorted(by: { $0.key < $1.key }) {
                list.add(partition, offset: offset, metadata: metadata[partition])
            }
            // librdkafka copies the list into the commit request.
            code = rd_kafka_commit_queue(pointer, list.pointer, queue, nil, nil)
        } else {
            code = rd_kafka_commit_queue(pointer, nil, queue, nil, nil)
        }
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            if code == RD_KAFKA_RESP_ERR__NO_OFFSET { return }
            throw .commitFailed(code: KafkaErrorCode(code), reason: KafkaErrorCode(code).message)
        }
        guard let event = rd_kafka_queue_poll(queue, Int32(clamping: Self.commitTimeout.wholeMilliseconds)) else {
            throw .commitFailed(
                code: .timedOut,
                reason: "the group coordinator did not answer the offset commit within \(Self.commitTimeout)"
            )
        }
        defer { rd_kafka_event_destroy(event) }
        let failed = RDKafkaTopicPartitionList.entries(of: rd_kafka_event_topic_partition_list(event))
            .first { $0.error != .noError }
        if let failed {
            throw .commitFailed(code: failed.error, reason: "\(failed.topicPartition): \(failed.error.message)")
        }
        let result = rd_kafka_event_error(event)
        guard result == RD_KAFKA_RESP_ERR_NO_ERROR || result == RD_KAFKA_RESP_ERR__NO_OFFSET else {
            throw .commitFailed(code: KafkaErrorCode(result), reason: KafkaErrorCode(result).message)
        }
    }

    /// The group's committed offsets for `partitions`, asked from the coordinator (`rd_kafka_committed`).
    ///
    /// - Returns: The offset per partition; partitions without a committed offset are left out.
    /// - Throws: `KafkaError.consumerFailed` when the coordinator does not answer within `timeout`.
    func committedOffsets(
        for partitions: [KafkaTopicPartition],
        timeout: Duration
    ) throws(KafkaError) -> [KafkaTopicPartition: Int64] {
        try committed(for: partitions, timeout: timeout).mapValues(\.offset)
    }

    /// The group's committed offsets with their commit metadata (`rd_kafka_committed`).
    func committed(
        for partitions: [KafkaTopicPartition],
        timeout: Duration
    ) throws(KafkaError) -> [KafkaTopicPartition: KafkaCommittedOffset] {
        let list = RDKafkaTopicPartitionList(Dictionary(uniqueKeysWithValues: partitions.map { ($0, Int64?.none) }))
        let code = rd_kafka_committed(pointer, list.pointer, Int32(clamping: timeout.wholeMilliseconds))
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw .consumerFailed(
                operation: "committed offsets",
                code: KafkaErrorCode(code),
                reason: KafkaErrorCode(code).message
            )
        }
        var result: [KafkaTopicPartition: KafkaCommittedOffset] = [:]
        for entry in list.entries where entry.offset >= 0 {
            result[entry.topicPartition] = KafkaCommittedOffset(offset: entry.offset, metadata: entry.metadata)
        }
        return result
    }

    /// Whether the group took the current assignment away without a revocation yet (the session timed out, e.g.
    /// after the process was paused): its partitions belong to another member now (`rd_kafka_assignment_lost`).
    var isAssignmentLost: Bool { rd_kafka_assignment_lost(pointer) != 0 }

    /// The low watermark of a partition as the last fetch response reported it (its log start offset,
    /// `rd_kafka_get_watermark_offsets`); no broker round trip. Nil before a fetch of the partition, or when the
    /// broker does not report it.
    func cachedLowWatermark(_ partition: KafkaTopicPartition) -> Int64? {
        var low: Int64 = -1
        var high: Int64 = -1
        let code = rd_kafka_get_watermark_offsets(pointer, partition.topic, partition.partition, &low, &high)
        return code == RD_KAFKA_RESP_ERR_NO_ERROR && low >= 0 ? low : nil
    }

    /// Position and cached high watermark of every assigned partition (`rd_kafka_assignment`,
    /// `rd_kafka_position`, `rd_kafka_get_watermark_offsets`); no broker round trip.
    ///
    /// - Throws: `KafkaError.consumerFailed` when the assignment cannot be read.
    func partitionLags() throws(KafkaError) -> [KafkaPartitionLag] {
        var assignment: UnsafeMutablePointer<rd_kafka_topic_partition_list_t>?
        let code = rd_kafka_assignment(pointer, &assignment)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let assignment else {
            throw .consumerFailed(
                operation: "assignment",
                code: KafkaErrorCode(code),
                reason: KafkaErrorCode(code).message
            )
        }
        defer { rd_kafka_topic_partition_list_destroy(assignment) }
        _ = rd_kafka_position(pointer, assignment)
        return RDKafkaTopicPartitionList.entries(of: assignment).map { entry in
            var low: Int64 = -1
            var high: Int64 = -1
            let watermarks = rd_kafka_get_watermark_offsets(
                pointer,
                entry.topicPartition.topic,
                entry.topicPartition.partition,
                &low,
                &high
            )
            return KafkaPartitionLag(
                topicPartition: entry.topicPartition,
                position: entry.offset >= 0 ? entry.offset : nil,
                highWatermark: watermarks == RD_KAFKA_RESP_ERR_NO_ERROR && high >= 0 ? high : nil
            )
        }.sorted { $0.topicPartition < $1.topicPartition }
    }
}
