import CRdKafka

/// Admin and metadata calls. They block until the cluster answers: call them off the cooperative pool.
extension RDKafkaClient {
    /// Creates a topic with the admin API (`rd_kafka_CreateTopics`); an existing topic is success.
    ///
    /// - Throws: `KafkaError.topicFailed` with the broker's code and message.
    func createTopic(_ specification: KafkaTopicSpecification, timeout: Duration) throws(KafkaError) {
        let name = specification.name
        var errorText = [CChar](repeating: 0, count: 512)
        guard
            let newTopic = rd_kafka_NewTopic_new(
                name,
                Int32(clamping: specification.partitions),
                Int32(clamping: specification.replicationFactor),
                &errorText,
                errorText.count
            )
        else {
            throw .topicFailed(topic: name, code: .noError, reason: String(cStringBuffer: errorText))
        }
        defer { rd_kafka_NewTopic_destroy(newTopic) }
        for (key, value) in specification.config.sorted(by: { $0.key < $1.key }) {
            let code = rd_kafka_NewTopic_set_config(newTopic, key, value)
            guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
                throw .topicFailed(
                    topic: name,
                    code: KafkaErrorCode(code),
                    reason: "config '\(key)': \(KafkaErrorCode(code).message)"
                )
            }
        }
        let milliseconds = Int32(clamping: timeout.wholeMilliseconds)
        let options = rd_kafka_AdminOptions_new(pointer, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, milliseconds, &errorText, errorText.count)
        _ = rd_kafka_AdminOptions_set_request_timeout(options, milliseconds, &errorText, errorText.count)
        let queue = rd_kafka_queue_new(pointer)
        defer { rd_kafka_queue_destroy(queue) }
        var topics: [OpaquePointer?] = [newTopic]
        rd_kafka_CreateTopics(pointer, &topics, 1, options, queue)
        guard let event = rd_kafka_queue_poll(queue, milliseconds + 1000) else {
            throw .topicFailed(topic: name, code: .timedOut, reason: "no answer from the cluster within \(timeout)")
        }
        defer { rd_kafka_event_destroy(event) }
        _ = rd_kafka_poll(pointer, 0)
        let requestError = rd_kafka_event_error(event)
        guard requestError == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw .topicFailed(
                topic: name,
                code: KafkaErrorCode(requestError),
                reason: String(cString: rd_kafka_event_error_string(event))
            )
        }
        var count = 0
        guard let result = rd_kafka_event_CreateTopics_result(event),
            let results = rd_kafka_CreateTopics_result_topics(result, &count), count == 1, let topicResult = results[0]
        else {
            throw .topicFailed(topic: name, code: .noError, reason: "the cluster's answer held no result for the topic")
        }
        let code = KafkaErrorCode(rd_kafka_topic_result_error(topicResult))
        guard code == .noError || code == .topicAlreadyExists else {
            let reason = rd_kafka_topic_result_error_string(topicResult).map { String(cString: $0) } ?? code.message
            throw .topicFailed(topic: name, code: code, reason: reason)
        }
    }

    /// The partitions of one topic (`rd_kafka_metadata` for that topic only).
    ///
    /// - Throws: `KafkaError.topicFailed` when the request fails or the topic does not exist.
    func topicMetadata(_ name: String, timeout: Duration) throws(KafkaError) -> KafkaTopicMetadata {
        guard let topic = rd_kafka_topic_new(pointer, name, nil) else {
            throw .topicFailed(topic: name, code: .noError, reason: "invalid topic name")
        }
        defer { rd_kafka_topic_destroy(topic) }
        var metadata: UnsafePointer<rd_kafka_metadata>?
        let code = rd_kafka_metadata(pointer, 0, topic, &metadata, Int32(clamping: timeout.wholeMilliseconds))
        _ = rd_kafka_poll(pointer, 0)
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR, let metadata else {
            throw .topicFailed(topic: name, code: KafkaErrorCode(code), reason: KafkaErrorCode(code).message)
        }
        defer { rd_kafka_metadata_destroy(metadata) }
        guard metadata.pointee.topic_cnt == 1, let described = metadata.pointee.topics?.pointee else {
            throw .topicFailed(topic: name, code: .unknownTopicOrPartition, reason: "the cluster did not describe it")
        }
        let topicCode = KafkaErrorCode(described.err)
        guard topicCode == .noError else {
            throw .topicFailed(topic: name, code: topicCode, reason: topicCode.message)
        }
        let partitions = (0..<Int(described.partition_cnt)).map { described.partitions[$0].id }
        return KafkaTopicMetadata(name: name, partitions: partitions.sorted())
    }

    /// The low and high watermark of a partition, asked of its leader (`rd_kafka_query_watermark_offsets`).
    ///
    /// - Throws: `KafkaError.topicFailed` when the query fails (unknown topic or partition, timeout).
    func watermarks(_ partition: KafkaTopicPartition, timeout: Duration) throws(KafkaError) -> (low: Int64, high: Int64)
    {
        var low: Int64 = -1
        var high: Int64 = -1
        let code = rd_kafka_query_watermark_offsets(
            pointer,
            partition.topic,
            partition.partition,
            &low,
            &high,
            Int32(clamping: timeout.wholeMilliseconds)
        )
        guard code == RD_KAFKA_RESP_ERR_NO_ERROR else {
            throw .topicFailed(
                topic: partition.topic,
                code: KafkaErrorCode(code),
                reason: "watermarks of partition \(partition.partition): \(KafkaErrorCode(code).message)"
            )
        }
        return (low, high)
    }
}
