/// Everything that can go wrong in ConsRouteKafka, each case with a message a user can act on.
public enum KafkaError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A configuration key was rejected, by this package or by librdkafka (`reason` is librdkafka's message).
    case invalidConfiguration(key: String, reason: String)
    /// librdkafka could not create a client (`rd_kafka_new` failed).
    case clientCreationFailed(reason: String)
    /// A message could not be enqueued for sending.
    case produceFailed(topic: String, code: KafkaErrorCode, reason: String)
    /// The broker did not accept a message (or it timed out before it could be delivered).
    case deliveryFailed(topic: String, partition: Int32, code: KafkaErrorCode, reason: String)
    /// Storing or committing consumer offsets failed.
    case commitFailed(code: KafkaErrorCode, reason: String)
    /// A consumer operation (subscribe, assignment, position, committed offsets) failed.
    case consumerFailed(operation: String, code: KafkaErrorCode, reason: String)
    /// The application's start-offset provider threw while partitions were being assigned.
    case startOffsetsFailed(reason: String)
    /// A topic could not be created or described.
    case topicFailed(topic: String, code: KafkaErrorCode, reason: String)
    /// librdkafka reported a fatal error: the client cannot be used any more.
    case fatal(code: KafkaErrorCode, reason: String)
    /// The mock cluster could not be created or changed.
    case mockClusterFailed(reason: String)
    /// The client was shut down before or during the operation.
    case shutDown(client: String)
    /// A non-fatal error librdkafka reported while consuming (it retries by itself).
    case transient(code: KafkaErrorCode, reason: String)
    /// A transaction step (`operation`) failed. `fenced`: another producer with the same `transactional.id` took
    /// over, so this one may never write again (make a new one only if you still own what it writes).
    case transactionFailed(operation: String, code: KafkaErrorCode, reason: String, fenced: Bool)

    /// Whether this is a transaction step refused because a newer producer fenced this one.
    public var isFenced: Bool {
        if case .transactionFailed(_, _, _, let fenced) = self { return fenced }
        return false
    }

    /// A message naming what went wrong and where.
    public var description: String {
        switch self {
        case .invalidConfiguration(let key, let reason):
            "invalid Kafka configuration for key '\(key)': \(reason)"
        case .clientCreationFailed(let reason):
            "could not create the Kafka client: \(reason)"
        case .produceFailed(let topic, let code, let reason):
            "could not enqueue a message for topic '\(topic)' (\(code)): \(reason)"
        case .deliveryFailed(let topic, let partition, let code, let reason):
            "message to topic '\(topic)' partition \(partition) was not delivered (\(code)): \(reason)"
        case .commitFailed(let code, let reason):
            "committing consumer offsets failed (\(code)): \(reason)"
        case .consumerFailed(let operation, let code, let reason):
            "Kafka consumer \(operation) failed (\(code)): \(reason)"
        case .startOffsetsFailed(let reason):
            "the start-offset provider failed while partitions were assigned, so the consumer stopped: \(reason)"
        case .topicFailed(let topic, let code, let reason):
            "topic '\(topic)' operation failed (\(code)): \(reason)"
        case .fatal(let code, let reason):
            "fatal Kafka client error (\(code)): \(reason); create a new client"
        case .mockClusterFailed(let reason):
            "Kafka mock cluster error: \(reason)"
        case .shutDown(let client):
            "the Kafka \(client) has been shut down"
        case .transient(let code, let reason):
            "Kafka client reported (\(code)): \(reason)"
        case .transactionFailed(let operation, let code, let reason, let fenced):
            fenced
                ? "Kafka transaction \(operation) refused: this producer was fenced by a newer one with the same "
                    + "transactional.id (\(code)): \(reason)"
                : "Kafka transaction \(operation) failed (\(code)): \(reason)"
        }
    }
}
