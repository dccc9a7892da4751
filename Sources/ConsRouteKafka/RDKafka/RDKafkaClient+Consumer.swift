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

    /// Commits `offsets`, or the stored offsets when `nil`, and waits for the broker (`rd_kafka_commit`, sync).
    ///
    /// - Throws: `KafkaError.commitFailed`; having nothing to commit is not an error.
    func commitOffsets(
        _ offsets: [KafkaTopicPartition: Int64]?,
        metadata: [KafkaTopicPartition: String] = [:]
    ) throws(KafkaError) {
        let code: rd_kafka_resp_err_t
        var failed: RDKafkaTopicPartitionList.Entry?
        if let offsets {
            guard !offsets.isEmpty else { return }
            let list = RDKafkaTopicPartitionList(capacity: offsets.count)
            for (partition, offset) in offsets.sorted(by: { $0.key < $1.key }) {
                list.add(partition, offset: offset, metadata: metadata[partition])
            }
            code = rd_kafka_commit(pointer, list.pointer, 0)
            failed = list.entries.first { $0.error != .noError }
        } else {
            code = rd_kafka_commit(pointer, nil, 0)
        }
        if let failed {
            throw .commitFailed(code: failed.error, reason: "\(failed.topicPartition): \(failed.error.message)")
        }
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR || code == RD_KAFKA_RESP_ERR__NO_OFFSET else {
            throw .commitFailed(code: KafkaErrorCode(code), reason: KafkaErrorCode(code).message)
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
