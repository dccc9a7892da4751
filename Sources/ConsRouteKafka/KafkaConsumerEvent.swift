/// What a `KafkaConsumer` hands to the application, in the order it happened.
///
/// Assignments and revocations travel in the same sequence as the messages, so the application sees every
/// message of a partition after its `.assigned` and before its `.revoked`.
public enum KafkaConsumerEvent: Hashable, Sendable {
    /// A batch of messages, in offset order within each partition.
    case messages([KafkaMessage])
    /// These partitions were assigned to this consumer; their messages follow. Start offsets came from the
    /// consumer's start-offset provider when it gave one, otherwise from the group's committed offsets.
    case assigned([KafkaTopicPartition])
    /// These partitions are being taken away. Commit what you processed of them before asking for the next
    /// event: the consumer gives them up only then, so the next owner resumes exactly after your commit.
    case revoked([KafkaTopicPartition])
    /// librdkafka reported a non-fatal error (it retries by itself); useful for logs and metrics.
    case error(KafkaError)
}
